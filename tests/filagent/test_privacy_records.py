"""Mappings, decision records and span attributes are redacted as a whole.

Containers keep their types, trace context and numbers are kept, message content is
dropped unless captured, and a disabled redactor changes nothing.
"""

from __future__ import annotations

from pydantic import SecretStr

from filagent.telemetry.privacy import PrivacyConfig, Redactor
from tests.helpers.privacy import SECRET, make_redactor


def test_mapping_is_redacted_recursively_keeping_container_types(redactor: Redactor) -> None:
    record = {"a": {"b": ["x@y.io", ("4111111111111111",)], "password": "pw"}, 3: "a@b.io"}
    assert redactor.redact_mapping(record) == {
        "a": {
            "b": ["[REDACTED:email]", ("[REDACTED:credit_card]",)],
            "password": "[REDACTED:secret]",
        },
        3: "[REDACTED:email]",
    }


def test_trace_context_in_records_is_kept_verbatim(redactor: Redactor) -> None:
    record = {"trace_id": "41111111111111111111111111111111", "span_id": "4111111111111111"}
    assert redactor.redact_record(record) == record


def test_redact_record_leaves_its_input_unchanged(redactor: Redactor) -> None:
    record = {"error": "mail a@b.io"}
    redactor.redact_record(record)
    assert record == {"error": "mail a@b.io"}


def test_numbers_and_none_in_records_are_kept(redactor: Redactor) -> None:
    record = {"route_confidence": 0.9, "count": 4111111111111111, "error": None, "ok": True}
    assert redactor.redact_record(record) == record


def test_attribute_key_holding_personal_data_is_masked(redactor: Redactor) -> None:
    assert redactor.redact_attributes({"seen jane@example.com": 1}) == {"seen [REDACTED:email]": 1}


def test_message_content_attributes_are_dropped_by_default(redactor: Redactor) -> None:
    attributes = {"gen_ai.input.messages": '[{"content": "hi"}]', "gen_ai.request.model": "rule"}
    assert redactor.redact_attributes(attributes) == {"gen_ai.request.model": "rule"}


def test_message_content_is_kept_redacted_when_capture_is_on() -> None:
    capturing = Redactor(
        PrivacyConfig(user_id_hmac_secret=SecretStr(SECRET)), capture_message_content=True
    )
    attributes = {"gen_ai.input.messages": '[{"content": "mail a@b.io"}]'}
    assert capturing.redact_attributes(attributes) == {
        "gen_ai.input.messages": '[{"content": "mail [REDACTED:email]"}]'
    }


def test_disabled_redactor_returns_everything_unchanged() -> None:
    off = make_redactor(enabled=False)
    attributes = {"http.request.header.cookie": ("a",), "password": "pw", "m": "a@b.io"}
    assert off.redact_attributes(attributes) == attributes
    assert off.redact_text("a@b.io") == "a@b.io"
    assert off.redact_mapping({"password": "pw"}) == {"password": "pw"}
