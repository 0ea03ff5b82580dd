"""The detectors in free text: each kind of personal data is masked as its kind, and the
identifiers, timestamps and numbers telemetry is made of are never touched."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from filagent.telemetry import names
from filagent.telemetry.privacy import Redactor
from tests.helpers.privacy import SPAN_ID, TRACE_ID, make_redactor

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
