"""FilAgent asks the HTTP instrumentations for the stable semantic conventions."""

from __future__ import annotations

import os

import pytest

from filagent.telemetry.semconv import (
    SEMCONV_OPT_IN,
    opt_in_stable_http_semconv,
    with_stable_http,
)


def test_stable_http_conventions_are_requested_when_nothing_is_set() -> None:
    assert with_stable_http("") == "http"


def test_other_opt_ins_are_kept_beside_http() -> None:
    assert with_stable_http("gen_ai_latest_experimental") == "gen_ai_latest_experimental,http"


def test_a_users_duplicate_mode_is_respected() -> None:
    assert with_stable_http("http/dup") == "http/dup"


def test_the_instrumentations_use_stable_names_and_the_environment_is_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opentelemetry.instrumentation._semconv import (
        _OpenTelemetrySemanticConventionStability,
        _OpenTelemetryStabilitySignalType,
        _StabilityMode,
    )

    monkeypatch.delenv(SEMCONV_OPT_IN, raising=False)
    opt_in_stable_http_semconv()
    mode = _OpenTelemetrySemanticConventionStability._get_opentelemetry_stability_opt_in_mode(
        _OpenTelemetryStabilitySignalType.HTTP
    )
    assert mode == _StabilityMode.HTTP
    assert SEMCONV_OPT_IN not in os.environ  # child processes inherit the user's choice
