"""FilAgent asks the HTTP instrumentations for the stable semantic conventions."""

from __future__ import annotations

from filagent.telemetry.setup import SEMCONV_OPT_IN, opt_in_stable_http_semconv


def test_stable_http_conventions_are_requested_when_nothing_is_set() -> None:
    env: dict[str, str] = {}
    opt_in_stable_http_semconv(env)
    assert env[SEMCONV_OPT_IN] == "http"


def test_other_opt_ins_are_kept_beside_http() -> None:
    env = {SEMCONV_OPT_IN: "gen_ai_latest_experimental"}
    opt_in_stable_http_semconv(env)
    assert env[SEMCONV_OPT_IN] == "gen_ai_latest_experimental,http"


def test_a_users_duplicate_mode_is_respected() -> None:
    env = {SEMCONV_OPT_IN: "http/dup"}
    opt_in_stable_http_semconv(env)
    assert env[SEMCONV_OPT_IN] == "http/dup"
