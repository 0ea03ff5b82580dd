"""Redaction of spans, logs and decision records before they leave FilAgent."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import structlog
import yaml
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import (
    ConcurrentMultiSpanProcessor,
    ReadableSpan,
    SpanLimits,
    SpanProcessor,
    TracerProvider,
)
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, StatusCode
from pydantic import SecretStr, ValidationError

from filagent.telemetry import names
from filagent.telemetry.privacy import (
    USER_ID_SECRET_ENV,
    PrivacyConfig,
    RedactingSpanProcessor,
    Redactor,
    check_sdk_span_layout,
    install_redaction,
    redact_log_event,
)
from filagent.telemetry.privacy.checksums import card_brand_plausible, iban_valid, luhn_valid
from filagent.telemetry.privacy.keys import KeyMatcher

SECRET = "test-secret-0123456789"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"


def make_redactor(**fields: Any) -> Redactor:
    fields.setdefault("user_id_hmac_secret", SECRET)
    return Redactor(PrivacyConfig.model_validate(fields), env={})


@pytest.fixture
def redactor() -> Redactor:
    return make_redactor()


# --- configuration --------------------------------------------------------------------------


def test_default_config_enables_redaction_and_every_detector() -> None:
    config = PrivacyConfig()
    assert config.enabled
    assert all(config.detectors.model_dump().values())


def test_config_from_yaml_mapping_accepts_lists() -> None:
    config = PrivacyConfig.model_validate(
        {"extra_sensitive_keys": ["ticket"], "allowed_http_headers": ["X_Request_Id"]}
    )
    assert config.extra_sensitive_keys == ("ticket",)
    assert config.allowed_http_headers == ("x-request-id",)


def test_config_rejects_unknown_field_by_name() -> None:
    with pytest.raises(ValidationError, match="sensitive_kyes"):
        PrivacyConfig.model_validate({"sensitive_kyes": ["x"]})


def test_config_rejects_unknown_detector_toggle() -> None:
    with pytest.raises(ValidationError, match="passport"):
        PrivacyConfig.model_validate({"detectors": {"passport": True}})


def test_config_rejects_short_secret_without_echoing_it() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters, found 7") as error:
        PrivacyConfig.model_validate({"user_id_hmac_secret": "hunter2"})
    assert "hunter2" not in str(error.value)


def test_config_rejects_mask_with_unknown_placeholder() -> None:
    with pytest.raises(ValidationError, match=r"only placeholder is '\{kind\}'"):
        PrivacyConfig(mask="<{type}>")


def test_config_rejects_mask_that_looks_like_personal_data() -> None:
    with pytest.raises(ValidationError, match="without digits or '@'"):
        PrivacyConfig(mask="<0000-{kind}>")


def test_config_rejects_mask_that_is_not_a_format_string() -> None:
    with pytest.raises(ValidationError, match="expected a valid format string"):
        PrivacyConfig(mask="[{kind}}")


def test_config_rejects_extra_pattern_that_does_not_compile() -> None:
    with pytest.raises(ValidationError, match="expected a Python regular expression"):
        PrivacyConfig.model_validate({"extra_patterns": [{"name": "ticket", "pattern": "T-("}]})


def test_config_rejects_extra_pattern_matching_empty_text() -> None:
    with pytest.raises(ValidationError, match="cannot match the empty string"):
        PrivacyConfig.model_validate({"extra_patterns": [{"name": "x", "pattern": "a*"}]})


def test_secret_from_config_wins_over_environment() -> None:
    secret, source = PrivacyConfig(user_id_hmac_secret=SecretStr(SECRET)).resolve_secret(
        {USER_ID_SECRET_ENV: "from-the-environment-1234"}
    )
    assert (secret, source) == (SECRET.encode(), "config")


def test_secret_from_environment_when_config_has_none() -> None:
    secret, source = PrivacyConfig().resolve_secret({USER_ID_SECRET_ENV: "from-the-env-123456"})
    assert (secret, source) == (b"from-the-env-123456", "env")


def test_short_secret_in_environment_is_refused_naming_the_variable() -> None:
    with pytest.raises(ValueError, match=f"{USER_ID_SECRET_ENV}: expected at least 16"):
        PrivacyConfig().resolve_secret({USER_ID_SECRET_ENV: "abc"})


def test_without_a_secret_one_random_key_serves_the_whole_process() -> None:
    first, second = Redactor(env={}), Redactor(env={})
    assert first.secret_is_ephemeral
    assert first.hash_user_id("alice") == second.hash_user_id("alice")


def test_configured_secret_is_not_ephemeral(redactor: Redactor) -> None:
    assert not redactor.secret_is_ephemeral


# --- checksums --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("046454286", True), ("0", True)],
)
def test_luhn_checksum(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def test_luhn_refuses_non_digits() -> None:
    assert not luhn_valid("4111-1111")


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("GB82 WEST 1234 5698 7654 32", True),
        ("DE89370400440532013000", True),
        ("FR1420041010050500013M02606", True),
        ("GB83 WEST 1234 5698 7654 32", False),
        ("GB82", False),
    ],
)
def test_iban_mod97_checksum(iban: str, valid: bool) -> None:
    assert iban_valid(iban) is valid


@pytest.mark.parametrize(
    ("digits", "plausible"),
    [
        ("4111111111111111", True),
        ("5555555555554444", True),
        ("2221000000000009", True),
        ("378282246310005", True),
        ("6011111111111117", True),
        ("1732550000123456789", False),  # epoch nanoseconds
        ("2000000000000000", False),
        ("411111111111", False),  # too short
    ],
)
def test_card_brand_plausibility(digits: str, plausible: bool) -> None:
    assert card_brand_plausible(digits) is plausible


# --- detectors: true positives ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe+tag@example.co.uk now", "write to [REDACTED:email] now"),
        ("path /users/jane@example.com/x", "path /users/[REDACTED:email]/x"),
        ("encoded jane%40example.com", "encoded [REDACTED:email]"),
    ],
)
def test_email_is_masked(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact_text(text) == expected


@pytest.mark.parametrize(
    "phone",
    ["+1 514 555 0199", "(514) 555-0199", "514.555.0199", "+33 1 23 45 67 89", "01 23 45 67 89"],
)
def test_phone_number_is_masked(redactor: Redactor, phone: str) -> None:
    assert redactor.redact_text(f"call {phone} today") == "call [REDACTED:phone] today"


@pytest.mark.parametrize(
    "card", ["4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "3782 822463 10005"]
)
def test_luhn_valid_card_number_is_masked(redactor: Redactor, card: str) -> None:
    assert redactor.redact_text(f"card {card}.") == "card [REDACTED:credit_card]."


def test_card_number_failing_luhn_is_not_reported_as_a_card(redactor: Redactor) -> None:
    # Documented trade-off: without the checksum every 16-digit number would be a card.
    assert redactor.redact_text("ref 4111111111111112") == "ref 4111111111111112"


@pytest.mark.parametrize("sin", ["046 454 286", "046-454-286"])
def test_formatted_sin_is_masked(redactor: Redactor, sin: str) -> None:
    assert redactor.redact_text(f"sin {sin}") == "sin [REDACTED:sin]"


@pytest.mark.parametrize(
    "text",
    ["SIN: 046454286", "my SIN is 046454286", "NAS 046454286", "social insurance number 046454286"],
)
def test_bare_sin_after_a_label_is_masked(redactor: Redactor, text: str) -> None:
    assert "046454286" not in redactor.redact_text(text)
    assert "[REDACTED:sin]" in redactor.redact_text(text)


def test_bare_nine_digits_without_label_are_kept(redactor: Redactor) -> None:
    assert redactor.redact_text("took 046454286 ns") == "took 046454286 ns"


def test_sin_failing_luhn_is_kept(redactor: Redactor) -> None:
    assert redactor.redact_text("sin 046 454 287") == "sin 046 454 287"


@pytest.mark.parametrize("iban", ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"])
def test_valid_iban_is_masked(redactor: Redactor, iban: str) -> None:
    assert redactor.redact_text(f"pay to {iban} now") == "pay to [REDACTED:iban] now"


def test_iban_with_wrong_checksum_is_kept(redactor: Redactor) -> None:
    assert redactor.redact_text("GB83WEST12345698765432") == "GB83WEST12345698765432"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.7:443", "[REDACTED:ipv4]:443"),
        ("[2001:db8::1]:443", "[[REDACTED:ipv6]]:443"),
        ("fe80::1%eth0", "[REDACTED:ipv6]"),
        ("::ffff:203.0.113.7", "[REDACTED:ipv6]"),
    ],
)
def test_ip_address_is_masked(redactor: Redactor, address: str, expected: str) -> None:
    assert redactor.redact_text(f"peer {address} closed") == f"peer {expected} closed"


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "0.0.0.0"])
def test_loopback_and_unspecified_addresses_are_kept_by_default(
    redactor: Redactor, address: str
) -> None:
    assert redactor.redact_text(f"bind {address}") == f"bind {address}"


def test_loopback_addresses_masked_when_configured(redactor: Redactor) -> None:
    strict = make_redactor(keep_loopback_ips=False)
    assert strict.redact_text("bind 127.0.0.1") == "bind [REDACTED:ipv4]"


def test_jwt_is_masked(redactor: Redactor) -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    assert redactor.redact_text(f"token {jwt}") == "token [REDACTED:jwt]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc123def456", "Authorization: Bearer [REDACTED:bearer]"),
        ("header Basic dXNlcjpwYXNz", "header Basic [REDACTED:bearer]"),
    ],
)
def test_bearer_and_basic_credentials_are_masked(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact_text(text) == expected


def test_the_word_bearer_in_prose_is_kept(redactor: Redactor) -> None:
    assert redactor.redact_text("Bearer of bad tidings") == "Bearer of bad tidings"


@pytest.mark.parametrize(
    "key",
    [
        "sk-proj-abcdefghijklmnop1234",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a1B2" * 9,
        "xoxb-1234567890-abcdefghij",
        "AIza" + "Sy9" * 11 + "ab",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "ghp_" + "A" * 36,  # found by the fuzz profile: no digit at all
    ],
)
def test_api_key_shapes_are_masked(redactor: Redactor, key: str) -> None:
    assert redactor.redact_text(f"key {key} used") == "key [REDACTED:api_key] used"


def test_private_key_block_is_masked(redactor: Redactor) -> None:
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"
    assert redactor.redact_text(f"pem {block}") == "pem [REDACTED:api_key]"


def test_high_entropy_value_of_any_key_is_masked(redactor: Redactor) -> None:
    assert redactor.redact_text("cfg=Zk3pQ9vX2mR8tL5wN7yB4cH6 ok") == "cfg=[REDACTED:api_key] ok"


def test_url_credentials_are_masked(redactor: Redactor) -> None:
    assert (
        redactor.redact_text("db postgres://admin:hunter2@db.internal:5432/app")
        == "db postgres://[REDACTED:url_credentials]@db.internal:5432/app"
    )


def test_extra_pattern_from_config_is_masked() -> None:
    custom = make_redactor(extra_patterns=[{"name": "ticket", "pattern": r"TCK-\d{6}"}])
    assert custom.redact_text("see TCK-123456") == "see [REDACTED:ticket]"


def test_custom_mask_format_is_used() -> None:
    custom = make_redactor(mask="<{kind}>")
    assert custom.redact_text("mail a@b.io") == "mail <email>"


def test_detector_turned_off_leaves_its_kind_alone() -> None:
    custom = make_redactor(detectors={"email": False})
    assert custom.redact_text("mail a@b.io") == "mail a@b.io"


def test_redacting_twice_changes_nothing_more(redactor: Redactor) -> None:
    text = "a@b.io Bearer abc123def456 password=hunter2 https://x.io/?q=1 4111111111111111"
    once = redactor.redact_text(text)
    assert redactor.redact_text(once) == once


# --- detectors: identifiers telemetry is made of are never touched ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        TRACE_ID,
        SPAN_ID,
        f"0x{TRACE_ID}",
        "00000000000000000000000000000000",
        str(uuid.UUID("123e4567-e89b-12d3-a456-426614174000")),
        "12345678-1234-5678-1234-567812345678",
        "2024-11-25T11:44:00.123456+00:00",
        "2024-11-25 11:44:00Z",
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc).isoformat(),
        "1.45.2",
        "0.66b2",
        "v1.2.3.4",
        "8080",
        "1732550000",
        "1732550000123",
        "1732550000123456789",
        "0.4111111111111111",
        "took 12.5 ms on port 443",
        "00:1a:2b:3c:4d:5e",
        "hmac-sha256:" + "ab" * 32,
        "task-abcdefghijklmnopqrstu1",
        "Note: nothing to see",
        "gen_ai.usage.input_tokens=12",
        # found by the fuzz profile:
        "E09AC7E9-7FE1-ADEC-2516-BD763713624F E4FDF16C-4F14-02CE-11D3-30BD1BE4C382",
        "Sat, 01 Jan 2000 00:00:00 +0000 0.0.10",
        "Sat, 01 Jan 2000 00:00:00 +1000 1.2.30",
    ],
)
def test_identifiers_timestamps_and_numbers_are_left_untouched(
    redactor: Redactor, text: str
) -> None:
    assert redactor.redact_text(text) == text


def test_every_contract_name_is_left_untouched(redactor: Redactor) -> None:
    constants = [value for value in vars(names).values() if isinstance(value, str)]
    assert constants
    assert [redactor.redact_text(value) for value in constants] == constants


# --- sensitive keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "PASSWORD",
        "db.password",
        "X-Api-Key",
        "apiKey",
        "tool.args.apikey",
        "set-cookie",
        "sessionId",
        "client_secret",
        "refresh_token",
        "accessToken",
        "private_key",
        "credit_card_number",
        "ssn",
    ],
)
def test_sensitive_key_matches_case_and_separator_insensitively(key: str) -> None:
    assert make_redactor().is_sensitive_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "gen_ai.usage.input_tokens",
        "tool.name",
        "conversation_id",
        "business",
        "cardinality",
        "author",
        "http.response.status_code",
    ],
)
def test_ordinary_key_is_not_sensitive(key: str) -> None:
    assert not make_redactor().is_sensitive_key(key)


def test_key_matcher_repr_lists_its_names() -> None:
    assert repr(KeyMatcher(["Api-Key"])) == "KeyMatcher(['apikey'])"


def test_sensitive_key_masks_any_value_type(redactor: Redactor) -> None:
    assert redactor.redact_value("pin", 1234) == "[REDACTED:secret]"
    assert redactor.redact_value("password", ["a", "b"]) == "[REDACTED:secret]"


def test_sensitive_key_keeps_booleans(redactor: Redactor) -> None:
    assert redactor.redact_value("session.active", True) is True


def test_extra_sensitive_key_from_config_is_masked() -> None:
    custom = make_redactor(extra_sensitive_keys=["ticket"])
    assert custom.redact_value("support.ticket", "T-42") == "[REDACTED:secret]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2 ok", "password=[REDACTED:secret] ok"),
        ("token: abc, next", "token: [REDACTED:secret], next"),
        ("api_key='xyz'", "api_key='[REDACTED:secret]'"),
        ("Authorization: Token abc123", "Authorization: [REDACTED:secret]"),
    ],
)
def test_sensitive_key_inside_free_text_is_masked(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact_text(text) == expected


def test_json_text_is_redacted_by_key_and_stays_valid_json(redactor: Redactor) -> None:
    text = json.dumps({"path": "/tmp/x", "password": "hunter2", "note": {"to": "a@b.io"}})
    assert json.loads(redactor.redact_text(text)) == {
        "path": "/tmp/x",
        "password": "[REDACTED:secret]",
        "note": {"to": "[REDACTED:email]"},
    }


def test_json_text_without_findings_is_returned_verbatim(redactor: Redactor) -> None:
    text = '{"a":  1,   "b": [1, 2]}'
    assert redactor.redact_text(text) == text


# --- HTTP headers -----------------------------------------------------------------------------


def test_header_outside_allow_list_is_dropped(redactor: Redactor) -> None:
    attributes = {
        "http.request.header.cookie": ("sid=abc",),
        "http.request.header.x_forwarded_for": ("203.0.113.7",),
        "http.response.header.set_cookie": ("sid=abc",),
        "http.route": "/chat",
    }
    assert redactor.redact_attributes(attributes) == {"http.route": "/chat"}


def test_header_in_allow_list_is_kept(redactor: Redactor) -> None:
    attributes = {"http.request.header.content-type": ("application/json",)}
    assert redactor.redact_attributes(attributes) == attributes


def test_header_allow_list_is_configurable() -> None:
    custom = make_redactor(allowed_http_headers=["User-Agent"])
    attributes = {
        "http.request.header.user_agent": ("curl/8.5",),
        "http.request.header.content_type": ("text/plain",),
    }
    assert custom.redact_attributes(attributes) == {"http.request.header.user_agent": ("curl/8.5",)}


def test_sensitive_header_is_masked_even_when_allowed() -> None:
    custom = make_redactor(allowed_http_headers=["authorization"])
    attributes = {"http.request.header.authorization": ("Bearer abc123def456",)}
    assert custom.redact_attributes(attributes) == {
        "http.request.header.authorization": "[REDACTED:secret]"
    }


# --- URLs -------------------------------------------------------------------------------------


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


# --- user ids ---------------------------------------------------------------------------------


def test_user_id_hash_is_hmac_sha256_of_the_id(redactor: Redactor) -> None:
    hashed = redactor.hash_user_id("alice")
    assert hashed.startswith("hmac-sha256:")
    assert len(hashed) == len("hmac-sha256:") + 64


def test_user_id_hash_is_not_a_plain_sha256(redactor: Redactor) -> None:
    plain = hashlib.sha256(b"alice").hexdigest()
    assert plain not in redactor.hash_user_id("alice")


def test_user_id_hash_depends_on_the_secret() -> None:
    first = make_redactor(user_id_hmac_secret="first-secret-0123456789")
    second = make_redactor(user_id_hmac_secret="second-secret-0123456789")
    assert first.hash_user_id("alice") != second.hash_user_id("alice")


def test_user_id_hash_is_stable_for_one_secret() -> None:
    assert make_redactor().hash_user_id("alice") == make_redactor().hash_user_id("alice")


def test_hashing_a_hash_returns_it_unchanged(redactor: Redactor) -> None:
    hashed = redactor.hash_user_id("alice")
    assert redactor.hash_user_id(hashed) == hashed


@pytest.mark.parametrize("key", ["enduser.id", "user_id", "user.id", "userid", "ENDUSER.ID"])
def test_user_id_attribute_is_hashed(redactor: Redactor, key: str) -> None:
    assert redactor.redact_attributes({key: "alice"}) == {key: redactor.hash_user_id("alice")}


def test_user_id_in_free_text_is_hashed(redactor: Redactor) -> None:
    assert redactor.redact_text("user_id=alice") == f"user_id={redactor.hash_user_id('alice')}"


def test_hash_user_id_still_hashes_when_redaction_is_off() -> None:
    off = make_redactor(enabled=False)
    assert off.hash_user_id("alice") == make_redactor().hash_user_id("alice")


# --- mappings, records, content -----------------------------------------------------------


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


# --- structlog ------------------------------------------------------------------------------


def render_with(redactor: Redactor, emit: Any) -> dict[str, Any]:
    stream = io.StringIO()
    logger = structlog.wrap_logger(
        structlog.PrintLogger(stream),
        processors=[redact_log_event(redactor), structlog.processors.JSONRenderer()],
    )
    emit(logger)
    line: dict[str, Any] = json.loads(stream.getvalue())
    return line


def test_log_event_fields_are_redacted_and_trace_context_kept(redactor: Redactor) -> None:
    line = render_with(
        redactor,
        lambda log: log.info("login by jane@example.com", password="pw", trace_id=TRACE_ID),
    )
    assert line == {
        "event": "login by [REDACTED:email]",
        "password": "[REDACTED:secret]",
        "trace_id": TRACE_ID,
    }


def test_log_exception_is_formatted_then_redacted(redactor: Redactor) -> None:
    def emit(log: Any) -> None:
        try:
            raise ValueError("mail me at a@b.com")
        except ValueError:
            log.exception("tool failed")

    line = render_with(redactor, emit)
    assert "exc_info" not in line
    assert "ValueError: mail me at [REDACTED:email]" in line["exception"]
    assert "a@b.com" not in json.dumps(line)


def test_log_processor_passes_events_through_when_disabled() -> None:
    line = render_with(make_redactor(enabled=False), lambda log: log.info("a@b.io"))
    assert line == {"event": "a@b.io"}


# --- span processor ---------------------------------------------------------------------------


class Pipeline:
    """A provider with redaction first, then an in-memory exporter."""

    def __init__(self, redactor: Redactor, **provider_args: Any) -> None:
        self.provider = TracerProvider(**provider_args)
        self.processor = install_redaction(self.provider, redactor)
        self.exporter = InMemorySpanExporter()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("test")

    def only_span(self) -> ReadableSpan:
        (span,) = self.exporter.get_finished_spans()
        return span


@pytest.fixture
def pipeline(redactor: Redactor) -> Iterator[Pipeline]:
    built = Pipeline(redactor)
    yield built
    built.provider.shutdown()


def test_exported_span_attributes_are_redacted(pipeline: Pipeline, redactor: Redactor) -> None:
    with pipeline.tracer.start_as_current_span("work") as span:
        span.set_attribute("tool.args.path", "/data/jane@example.com/notes.txt")
        span.set_attribute("enduser.id", "alice")
        span.set_attribute("http.request.header.authorization", ("Bearer abc123def456",))
    assert dict(pipeline.only_span().attributes or {}) == {
        "tool.args.path": "/data/[REDACTED:email]/notes.txt",
        "enduser.id": redactor.hash_user_id("alice"),
    }


def test_attributes_given_at_span_start_are_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("work", attributes={"password": "pw"}):
        pass
    assert dict(pipeline.only_span().attributes or {}) == {"password": "[REDACTED:secret]"}


def test_exception_event_message_and_stacktrace_are_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("work") as span:
        span.record_exception(ValueError("mail me at a@b.com"))
    (event,) = pipeline.only_span().events
    attributes = dict(event.attributes or {})
    assert event.name == "exception"
    assert attributes["exception.message"] == "mail me at [REDACTED:email]"
    assert "ValueError: mail me at [REDACTED:email]" in str(attributes["exception.stacktrace"])
    assert "a@b.com" not in json.dumps(attributes)


def test_status_description_of_escaped_exception_is_redacted(pipeline: Pipeline) -> None:
    with (
        pytest.raises(ValueError, match=r"a@b\.com"),
        pipeline.tracer.start_as_current_span("work"),
    ):
        raise ValueError("mail me at a@b.com")
    span = pipeline.only_span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "ValueError: mail me at [REDACTED:email]"


def test_span_name_with_personal_data_is_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("GET /users/jane@example.com?token=abc"):
        pass
    assert pipeline.only_span().name == "GET /users/[REDACTED:email]?token=[REDACTED:query]"


def test_link_attributes_are_redacted(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("first") as first:
        context = first.get_span_context()
    with pipeline.tracer.start_as_current_span("second", links=[Link(context, {"by": "a@b.io"})]):
        pass
    second = pipeline.exporter.get_finished_spans()[1]
    assert [dict(link.attributes or {}) for link in second.links] == [{"by": "[REDACTED:email]"}]
    assert second.links[0].context == context


def test_resource_attributes_are_redacted(redactor: Redactor) -> None:
    resource = Resource({"service.name": "filagent", "deploy.owner": "ops@example.com"})
    built = Pipeline(redactor, resource=resource)
    with built.tracer.start_as_current_span("work"):
        pass
    assert dict(built.only_span().resource.attributes) == {
        "service.name": "filagent",
        "deploy.owner": "[REDACTED:email]",
    }


def test_message_content_events_are_dropped_from_spans(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("chat rule") as span:
        span.add_event("gen_ai.user.message", {"content": "hello"})
        span.add_event("retry", {"attempt": 2})
    assert [event.name for event in pipeline.only_span().events] == ["retry"]


def test_trace_and_span_ids_are_unchanged(pipeline: Pipeline) -> None:
    with pipeline.tracer.start_as_current_span("work") as span:
        context = span.get_span_context()
    assert pipeline.only_span().context == context


def test_dropped_attribute_count_survives_redaction(redactor: Redactor) -> None:
    built = Pipeline(redactor, span_limits=SpanLimits(max_span_attributes=2))
    with built.tracer.start_as_current_span("work") as span:
        span.set_attributes({"a": 1, "b": 2, "c": 3})
    assert built.only_span().dropped_attributes == 1


def test_processor_added_later_sees_only_the_redacted_span(
    pipeline: Pipeline,
) -> None:
    seen: list[str] = []

    class Capture(SpanProcessor):
        def on_end(self, span: ReadableSpan) -> None:
            seen.append(json.dumps(dict(span.attributes or {})))

    pipeline.provider.add_span_processor(Capture())
    with pipeline.tracer.start_as_current_span("work", attributes={"m": "a@b.io"}):
        pass
    assert seen == ['{"m": "[REDACTED:email]"}']


def test_disabled_redactor_exports_spans_unchanged() -> None:
    built = Pipeline(make_redactor(enabled=False))
    with built.tracer.start_as_current_span("GET /u/a@b.io", attributes={"m": "a@b.io"}):
        pass
    span = built.only_span()
    assert (span.name, dict(span.attributes or {})) == ("GET /u/a@b.io", {"m": "a@b.io"})


def test_failed_redaction_drops_the_span_content_and_logs_no_data(
    redactor: Redactor, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Redactor):
        def redact_attributes(self, attributes: Any) -> dict[str, Any]:
            raise RuntimeError("boom a@b.io")

    built = Pipeline(Broken(PrivacyConfig(user_id_hmac_secret=SecretStr(SECRET))))
    with (
        caplog.at_level(logging.ERROR, logger="filagent.telemetry.privacy"),
        built.tracer.start_as_current_span("GET /u/a@b.io", attributes={"m": "a@b.io"}) as span,
    ):
        span.add_event("e", {"m": "a@b.io"})
    exported = built.only_span()
    assert exported.name == "[REDACTED:span]"
    assert dict(exported.attributes or {}) == {"filagent.redaction.failed": True}
    assert exported.events == ()
    assert "redaction of a span failed (RuntimeError)" in caplog.text
    assert "a@b.io" not in caplog.text


def test_install_redaction_refuses_a_provider_with_processors_already() -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    with pytest.raises(ValueError, match="no span processor yet, found SimpleSpanProcessor"):
        install_redaction(provider, Redactor(env={}))


def test_install_redaction_refuses_concurrent_processors() -> None:
    provider = TracerProvider(active_span_processor=ConcurrentMultiSpanProcessor(2))
    with pytest.raises(TypeError, match="found ConcurrentMultiSpanProcessor"):
        install_redaction(provider, Redactor(env={}))
    provider.shutdown()


def test_sdk_layout_check_passes_on_the_installed_sdk() -> None:
    check_sdk_span_layout()


def test_processor_refuses_an_sdk_whose_span_fields_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class RenamedFields(ReadableSpan):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._span_events = self._events
            del self._events

    monkeypatch.setattr(sdk_trace, "ReadableSpan", RenamedFields)
    with pytest.raises(RuntimeError, match=r"ReadableSpan has no field\(s\) _events"):
        RedactingSpanProcessor(Redactor(env={}))


def test_processor_refuses_an_sdk_whose_properties_ignore_the_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class CopiedName(ReadableSpan):
        @property
        def name(self) -> str:
            return "probe"

    monkeypatch.setattr(sdk_trace, "ReadableSpan", CopiedName)
    with pytest.raises(RuntimeError, match="reads back"):
        RedactingSpanProcessor(Redactor(env={}))


def test_repr_names_the_configuration(redactor: Redactor) -> None:
    assert repr(redactor).startswith("Redactor(enabled=True, secret_source='config', detectors=[")


# --- documentation ----------------------------------------------------------------------------


def documented_privacy_section() -> dict[str, Any]:
    text = (Path(__file__).parents[2] / "docs" / "PRIVACY.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    section: dict[str, Any] = yaml.safe_load(block)["privacy"]
    return section


def test_documented_configuration_is_valid_and_its_extra_pattern_works() -> None:
    config = PrivacyConfig.model_validate(
        {**documented_privacy_section(), "user_id_hmac_secret": SECRET}
    )
    assert Redactor(config, env={}).redact_text("see TCK-123456") == "see [REDACTED:ticket]"


def test_documented_defaults_are_the_real_defaults() -> None:
    documented = documented_privacy_section()
    documented.pop("extra_patterns")
    assert PrivacyConfig.model_validate(documented) == PrivacyConfig()
