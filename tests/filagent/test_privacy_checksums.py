"""The checksums that tell personal data from other numbers: Luhn, IBAN mod-97, card brands."""

from __future__ import annotations

import pytest

from filagent.telemetry.privacy.checksums import card_brand_plausible, iban_valid, luhn_valid


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
