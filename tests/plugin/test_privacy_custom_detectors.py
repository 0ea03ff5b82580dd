"""Detectors a test adds, canaries and RegexDetector, and the default set they join."""

from __future__ import annotations

import pytest

from pytest_filagent_trace._privacy import (
    DEFAULT_DETECTORS,
    CanaryDetector,
    RegexDetector,
    find_pii,
)
from tests.helpers.findings import values


def test_canaries_are_found_whatever_the_case_and_separators() -> None:
    detector = CanaryDetector(["Canary.User@Example.com", "4111 1111 1111 1111"])
    text = "to canary.user@example.com paid 4111-1111-1111-1111"
    assert values(detector.find(text)) == ["canary.user@example.com", "4111-1111-1111-1111"]


def test_phone_canaries_are_found_without_their_country_code() -> None:
    detector = CanaryDetector(["+1 514-555-0199"])
    assert values(detector.find("called 5145550199")) == ["5145550199"]


def test_too_short_canaries_are_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        CanaryDetector(["abc"])


def test_regex_detector_builds_a_custom_detector() -> None:
    ticket = RegexDetector("ticket", r"\bTCK-\d{6}\b", mask=lambda value: "TCK-******")
    assert [str(f) for f in find_pii("see TCK-123456", detectors=[ticket])] == [
        "line 1: ticket 'TCK-******'"
    ]


def test_default_detectors_have_unique_names() -> None:
    names = [detector.name for detector in DEFAULT_DETECTORS]
    assert len(names) == len(set(names))
