"""Variant spellings of personal data: each is masked like its plain form.

Detectors read the NFKC form of a text, percent-decoded until stable
(``filagent.telemetry.privacy.forms``), and know a few more layouts: cards grouped by
dots or 4-8-4, inside a word; dotted SINs; IBANs in lower case or with dashes.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from filagent.telemetry.privacy import PrivacyConfig, Redactor
from filagent.telemetry.privacy.checksums import iban_country_length_ok, iban_valid
from filagent.telemetry.privacy.forms import MAX_DECODING_ROUNDS, detection_form

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def wide(text: str) -> str:
    """``text`` in fullwidth forms (U+FF01 to U+FF5E); spaces stay ASCII."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


@pytest.fixture
def redactor() -> Redactor:
    return Redactor(PrivacyConfig(user_id_hmac_secret=SecretStr("variant-secret-0123456789")))


# --- the form detectors read ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("plain text", "plain text"),
        (wide("4111"), "4111"),
        ("jane" + wide("@") + "example.com", "jane@example.com"),
        (f"4111{NBSP}1111", "4111 1111"),
        ("jane%40example.com", "jane@example.com"),
        ("jane%2540example.com", "jane@example.com"),
        ("jane%252540example.com", "jane@example.com"),
        ("%EF%BC%A0", "@"),  # a fullwidth '@', percent-encoded: decoded, then NFKC
        ("100% sure", "100% sure"),
        ("4111\\xa01111", "4111 1111"),  # repr() of a non-breaking space
        ("jane\\uff20example.com", "jane@example.com"),
        ("lone \\ud800 surrogate", "lone \\ud800 surrogate"),
        ("50%off", "50%off"),
    ],
)
def test_detection_form_is_nfkc_and_percent_decoded(text: str, form: str) -> None:
    assert detection_form(text) == form


def test_decoding_stops_after_a_bounded_number_of_rounds() -> None:
    encoded = "@"
    for _ in range(MAX_DECODING_ROUNDS + 2):
        encoded = encoded.replace("%", "%25") if "%" in encoded else "%40"

    assert detection_form(encoded) != "@"
    assert "%" in detection_form(encoded)


# --- cards -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        f"4111{NBSP}1111{NBSP}1111{NBSP}1111",
        f"4111{NARROW_NBSP}1111{NARROW_NBSP}1111{NARROW_NBSP}1111",
        "4111.1111.1111.1111",
        "4111 11111111 1111",
        "4111-11111111-1111",
        wide("4111111111111111"),
        wide("4111") + " " + wide("1111") + " " + wide("1111") + " " + wide("1111"),
        "4111%201111%201111%201111",
        "4111%25201111%25201111%25201111",
        "4111\\xa01111\\xa01111\\xa01111",
        "4111111111111111",
    ],
)
def test_card_in_a_variant_form_is_masked(redactor: Redactor, card: str) -> None:
    assert redactor.redact_text(f"card {card} ok") == "card [REDACTED:credit_card] ok"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("invoice-4111111111111111.pdf", "invoice-[REDACTED:credit_card].pdf"),
        ("ref_4111111111111111", "ref_[REDACTED:credit_card]"),
        ("x4111111111111111y", "x[REDACTED:credit_card]y"),
        ("conv-5555555555554444", "conv-[REDACTED:credit_card]"),
    ],
)
def test_card_inside_a_word_is_masked(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "a4111111111111111b",  # a hex word: ids are made of these
        "deadbeef-4111111111111111",
        "0.4111111111111111",
        "invoice-4111111111111112.pdf",  # fails Luhn
        "build-1732550000123456",  # an epoch time, not a card brand
    ],
)
def test_digit_runs_in_hex_words_or_failing_checks_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


# --- SIN, phone, e-mail ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sin", ["046.454.286", wide("046") + " " + wide("454") + " " + wide("286"), "046%20454%20286"]
)
def test_sin_in_a_variant_form_is_masked(redactor: Redactor, sin: str) -> None:
    assert redactor.redact_text(f"sin {sin}") == "sin [REDACTED:sin]"


def test_dotted_nine_digits_failing_luhn_are_kept(redactor: Redactor) -> None:
    assert redactor.redact_text("v 046.454.287") == "v 046.454.287"


@pytest.mark.parametrize(
    "phone",
    [
        "%2B1%20514%20555%200199",
        "%2B1-514-555-0199",
        "%252B1%2520514%2520555%25200199",
        wide("+") + "1 514 555 0199",
    ],
)
def test_phone_in_a_variant_form_outside_a_url_is_masked(redactor: Redactor, phone: str) -> None:
    assert redactor.redact_text(f"call {phone} now") == "call [REDACTED:phone] now"


@pytest.mark.parametrize(
    "email",
    [
        "jane%2540example.com",
        "jane%252540example.com",
        "jane" + wide("@") + "example.com",
        wide("jane@example.com"),
        "jane%EF%BC%A0example.com",
    ],
)
def test_email_in_a_variant_form_is_masked(redactor: Redactor, email: str) -> None:
    assert redactor.redact_text(f"mail {email}") == "mail [REDACTED:email]"


# --- IBAN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "GB82-WEST-1234-5698-7654-32",
        "gb82west12345698765432",
        "gb82 west 1234 5698 7654 32",
        "Gb82-West-1234-5698-7654-32",
        "de89370400440532013000",
        "de89-3704-0044-0532-0130-00",
    ],
)
def test_iban_in_lower_case_or_with_dashes_is_masked(redactor: Redactor, iban: str) -> None:
    assert redactor.redact_text(f"pay to {iban} now") == "pay to [REDACTED:iban] now"


@pytest.mark.parametrize(
    "text",
    [
        "gb83west12345698765432",  # wrong check digits
        "gb82west1234569876543",  # one character short for GB
        "be68539007547034",  # a valid Belgian IBAN in lower case is also a span id's shape
    ],
)
def test_lower_case_iban_like_ids_are_kept(redactor: Redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_iban_checks_accept_dashes_and_any_case() -> None:
    assert iban_valid("gb82-west-1234-5698-7654-32")
    assert iban_country_length_ok("gb82west12345698765432")
    assert not iban_country_length_ok("zz82west12345698765432")


# --- what the variants become -------------------------------------------------------------------


def test_text_without_findings_keeps_its_own_spelling(redactor: Redactor) -> None:
    text = wide("Hello") + ", 100%25 done, café"

    assert redactor.redact_text(text) == text


def test_text_with_a_finding_is_returned_in_its_detection_form(redactor: Redactor) -> None:
    assert redactor.redact_text(wide("Hi") + " jane%2540example.com") == "Hi [REDACTED:email]"


def test_variant_detectors_follow_their_toggle() -> None:
    config = PrivacyConfig.model_validate(
        {"user_id_hmac_secret": "variant-secret-0123456789", "detectors": {"credit_card": False}}
    )
    text = "invoice-4111111111111111.pdf"

    assert Redactor(config).redact_text(text) == text
