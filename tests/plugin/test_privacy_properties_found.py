"""Property-based tests of the PII detectors: personal data is found wherever it is.

Personal data embedded in arbitrary text, in JSON and in URLs is found by the detector
meant for it, as are values under sensitive keys, labelled SINs and canaries. ``make test``
runs the quick profile; ``make fuzz`` sets ``HYPOTHESIS_PROFILE=fuzz`` for 10,000 cases
per property.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_filagent_trace._privacy import (
    CANADIAN_SIN,
    SENSITIVE_KEY,
    CanaryDetector,
    Detector,
    find_pii,
    is_masked,
)
from tests.helpers.pii_strategies import (
    ALNUM,
    IDS,
    PII,
    SENSITIVE_KEYS,
    delimiter,
    filler,
    sensitive_pairs,
    sins,
)

pytestmark = pytest.mark.fuzz


def found(detector: Detector, source: object, value: str) -> bool:
    return value in [finding.value for finding in find_pii(source, detectors=[detector])]


@pytest.mark.parametrize(("detector", "pii"), PII, ids=IDS)
@given(data=st.data())
def test_pii_in_arbitrary_text_is_found(
    detector: Detector, pii: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(pii)
    before, after, left, right = (
        data.draw(filler),
        data.draw(filler),
        data.draw(delimiter),
        data.draw(delimiter),
    )
    text = f"{before}{left}{value}{right}{after}"
    assert value in [finding.value for finding in detector.find(text)]


@pytest.mark.parametrize(("detector", "pii"), PII, ids=IDS)
@given(data=st.data())
def test_pii_in_json_is_found_structured_and_as_text(
    detector: Detector, pii: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(pii)
    key = data.draw(st.sampled_from(["message", "note", "args", "query", "detail", "text"]))
    document = {
        "event": "tool.done",
        "payload": {key: f"value: {value}", "count": 3},
        "items": [value],
    }
    assert found(detector, document, value)
    assert found(detector, json.dumps(document), value)
    assert found(detector, {"tool.args": json.dumps(document)}, value)


def percent_encoded(value: str) -> str:
    return quote(value, safe="")


def plus_encoded(value: str) -> str:
    return quote_plus(value)


ENCODINGS: list[Callable[[str], str]] = [percent_encoded, plus_encoded]


@pytest.mark.parametrize(("detector", "pii"), PII, ids=IDS)
@given(data=st.data())
def test_pii_in_url_query_strings_is_found(
    detector: Detector, pii: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(pii)
    encode = data.draw(st.sampled_from(ENCODINGS))
    param = data.draw(st.sampled_from(["q", "to", "ref", "contact"]))
    url = f"https://api.example.com/v1/search?{param}={encode(value)}&limit=5"
    assert found(detector, {"url.full": url}, value)


@given(pair=sensitive_pairs(), before=filler, left=delimiter)
def test_values_under_sensitive_keys_are_found_in_text(
    pair: tuple[str, str], before: str, left: str
) -> None:
    text, value = pair
    assert value in [finding.value for finding in SENSITIVE_KEY.find(f"{before}{left}{text}")]


@given(
    key=st.sampled_from(SENSITIVE_KEYS),
    value=st.text(min_size=1, max_size=30).filter(lambda v: not is_masked(v)),
)
def test_values_under_sensitive_keys_are_found_in_structures(key: str, value: str) -> None:
    assert found(SENSITIVE_KEY, {"attributes": {key: value}}, value)


@given(
    sin=sins(),
    label=st.sampled_from(["SIN", "NAS", "sin:", "SIN #", "Social insurance number", "numéro NAS"]),
    before=filler,
    left=delimiter,
)
def test_bare_sins_after_a_label_are_found(sin: str, label: str, before: str, left: str) -> None:
    assert sin in [f.value for f in CANADIAN_SIN.find(f"{before}{left}{label} {sin}")]


@given(
    canary=st.text(alphabet=ALNUM + "-_.@+", min_size=6, max_size=30).filter(
        lambda c: sum(ch.isalnum() for ch in c) >= 3
    ),
    before=filler,
    left=delimiter,
)
def test_canaries_are_found_in_arbitrary_text(canary: str, before: str, left: str) -> None:
    assert CanaryDetector([canary]).find(f"{before}{left}{canary}")
