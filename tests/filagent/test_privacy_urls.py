"""URLs: query and fragment values are masked, personal data in paths and names too."""

from __future__ import annotations

from filagent.telemetry.privacy import Redactor
from tests.helpers.privacy import make_redactor


def test_query_values_are_masked_and_names_kept(redactor: Redactor) -> None:
    attributes = {"url.full": "http://127.0.0.1:8001/search?q=jane%40example.com&limit=5"}
    assert redactor.redact_attributes(attributes) == {
        "url.full": "http://127.0.0.1:8001/search?q=[REDACTED:query]&limit=[REDACTED:query]"
    }


def test_url_query_attribute_is_scrubbed(redactor: Redactor) -> None:
    assert redactor.redact_value("url.query", "q=x&token=y") == (
        "q=[REDACTED:query]&token=[REDACTED:query]"
    )


def test_http_target_query_is_scrubbed(redactor: Redactor) -> None:
    assert redactor.redact_value("http.target", "/search?q=secret") == "/search?q=[REDACTED:query]"


def test_whole_query_masked_when_names_are_not_kept() -> None:
    custom = make_redactor(keep_query_param_names=False)
    assert custom.redact_url("https://x.io/a?q=1&r=2") == "https://x.io/a?[REDACTED:query]"


def test_allowed_query_param_keeps_harmless_value() -> None:
    custom = make_redactor(allowed_query_params=["limit"])
    assert custom.redact_url("/search?q=a&limit=5") == "/search?q=[REDACTED:query]&limit=5"


def test_allowed_query_param_still_masks_personal_data() -> None:
    custom = make_redactor(allowed_query_params=["q"])
    assert custom.redact_url("/search?q=jane%40example.com") == "/search?q=[REDACTED:query]"


def test_sensitive_query_param_is_masked_even_when_allowed() -> None:
    custom = make_redactor(allowed_query_params=["token"])
    assert custom.redact_url("/cb?token=abc") == "/cb?token=[REDACTED:query]"


def test_query_parameter_name_holding_personal_data_is_masked(redactor: Redactor) -> None:
    assert redactor.redact_url("/unsubscribe?jane%40example.com") == (
        "/unsubscribe?[REDACTED:email]"
    )


def test_fragment_parameters_are_masked(redactor: Redactor) -> None:
    assert redactor.redact_url("https://x.io/cb#access_token=abc&state=1") == (
        "https://x.io/cb#access_token=[REDACTED:query]&state=[REDACTED:query]"
    )


def test_percent_encoded_personal_data_in_path_is_masked(redactor: Redactor) -> None:
    assert redactor.redact_url("https://x.io/u/jane%40example.com/p") == (
        "https://x.io/u/[REDACTED:email]/p"
    )


def test_url_inside_free_text_has_its_query_scrubbed(redactor: Redactor) -> None:
    assert redactor.redact_text("fetch https://x.io/a?q=hello failed") == (
        "fetch https://x.io/a?q=[REDACTED:query] failed"
    )


def test_path_with_query_inside_free_text_is_scrubbed(redactor: Redactor) -> None:
    assert redactor.redact_text("GET /search?q=hello 200") == "GET /search?q=[REDACTED:query] 200"


def test_url_scheme_is_not_read_as_a_key(redactor: Redactor) -> None:
    text = "see https://example.org/v1/Password2AbcDefGhij/x now"
    assert redactor.redact_text(text) == text
