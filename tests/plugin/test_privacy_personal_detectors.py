"""The detectors of personal data: e-mail, phone, card, SIN, IBAN and IP addresses."""

from __future__ import annotations

import pytest

from pytest_filagent_trace._privacy import (
    CANADIAN_SIN,
    CREDIT_CARD,
    EMAIL,
    IBAN,
    IPV4,
    IPV6,
    PHONE,
    iban_checksum_valid,
    luhn_valid,
)
from tests.helpers.findings import values


@pytest.mark.parametrize(
    "text",
    ["jane.doe@example.com", "j+tag@sub.example.co.uk", "X_Y-9@mail-host.io"],
)
def test_email_detector_finds_addresses(text: str) -> None:
    assert values(EMAIL.find(f"contact: {text}.")) == [text]


@pytest.mark.parametrize("text", ["user@localhost", "@decorator", "a@b", "pkg@1.2.3"])
def test_email_detector_ignores_addresses_without_a_domain(text: str) -> None:
    assert EMAIL.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "+1 514 555 0199",
        "+15145550199",
        "(514) 555-0199",
        "514-555-0199",
        "514.555.0199",
        "+33 1 23 45 67 89",
        "+44 (0)20 7183 8750",
        "+442071838750",
    ],
)
def test_phone_detector_finds_international_and_north_american_numbers(text: str) -> None:
    assert values(PHONE.find(f"call {text} now")) == [text]


@pytest.mark.parametrize(
    "text",
    ["5145550199", "+12345", "2024-05-01 12:30:45", "+00:00", "1714567890123456789"],
)
def test_phone_detector_ignores_bare_digits_dates_and_offsets(text: str) -> None:
    assert PHONE.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "4242 4242 4242 4242",
        "4242-4242-4242-4242",
        "4242424242424242",
        "3782 822463 10005",
        "5555555555554444",
        "6011 0009 9013 9424",
    ],
)
def test_card_detector_finds_luhn_valid_numbers_grouped_or_compact(text: str) -> None:
    assert values(CREDIT_CARD.find(f"paid with {text}, thanks")) == [text]


def test_card_detector_ignores_numbers_failing_luhn() -> None:
    assert CREDIT_CARD.find("4242 4242 4242 4241") == []


def test_card_detector_ignores_numbers_without_a_card_brand_prefix() -> None:
    # 19 digits and Luhn-valid, but no brand starts with 1: an epoch in nanoseconds.
    number = "171456789012345678"
    number += next(d for d in "0123456789" if luhn_valid(number + d))
    assert CREDIT_CARD.find(number) == []


def test_card_detector_finds_a_card_after_a_date_in_one_run_of_numbers() -> None:
    assert values(CREDIT_CARD.find("2024-05-01 4242 4242 4242 4242")) == ["4242 4242 4242 4242"]


def test_card_detector_masks_all_but_the_last_four_digits() -> None:
    assert [f.masked for f in CREDIT_CARD.find("4242 4242 4242 4242")] == ["**** **** **** 4242"]


@pytest.mark.parametrize("text", ["046 454 286", "046-454-286", "SIN: 046454286", "NAS 046454286"])
def test_sin_detector_finds_grouped_numbers_and_labelled_bare_numbers(text: str) -> None:
    assert [f.masked for f in CANADIAN_SIN.find(text)] in (
        ["*** *** 286"],
        ["***-***-286"],
        ["******286"],
    )


@pytest.mark.parametrize("text", ["046454286", "046 454 287", "12:30:45.046454286Z", "846 454 286"])
def test_sin_detector_ignores_bare_digits_bad_checksums_and_fractions(text: str) -> None:
    assert CANADIAN_SIN.find(text) == []


def test_sin_detector_uses_the_field_name_for_bare_numbers() -> None:
    assert values(CANADIAN_SIN.find_field("customer.sin", 46454286)) == ["046454286"]
    assert CANADIAN_SIN.find_field("duration_ns", 46454286) == []


@pytest.mark.parametrize(
    "text",
    [
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "gb82 west 1234 5698 7654 32",
    ],
)
def test_iban_detector_finds_checksummed_ibans(text: str) -> None:
    assert values(IBAN.find(f"pay to {text}.")) == [text]


@pytest.mark.parametrize(
    "text",
    ["DE89370400440532013001", "de89370400440532013000", "ZZ89370400440532013000", "DE8937040044"],
)
def test_iban_detector_ignores_bad_checksums_lower_case_compact_and_wrong_lengths(
    text: str,
) -> None:
    assert IBAN.find(text) == []


def test_iban_checksum_is_mod_97() -> None:
    assert iban_checksum_valid("GB82WEST12345698765432")
    assert not iban_checksum_valid("GB83WEST12345698765432")


@pytest.mark.parametrize("text", ["203.0.113.7", "8.8.8.8", "198.51.100.23:443"])
def test_ipv4_detector_finds_public_and_documentation_addresses(text: str) -> None:
    assert len(IPV4.find(f"client {text}")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1:8000",
        "10.1.2.3",
        "192.168.0.10",
        "0.0.0.0",
        "version 4.2.1.0",
        "1.2.3.4.5",
        "300.1.1.1",
    ],
)
def test_ipv4_detector_ignores_private_loopback_versions_and_non_addresses(text: str) -> None:
    assert IPV4.find(text) == []


@pytest.mark.parametrize("text", ["2001:db8::1", "2606:4700:4700::1111", "[2001:db8::7]:8080"])
def test_ipv6_detector_finds_global_addresses(text: str) -> None:
    assert len(IPV6.find(f"peer {text}.")) == 1


@pytest.mark.parametrize(
    "text", ["::1", "fe80::1", "fd00::5", "12:30:45", "00:1a:2b:3c:4d:5e", "std::vector"]
)
def test_ipv6_detector_ignores_local_addresses_times_and_macs(text: str) -> None:
    assert IPV6.find(text) == []


def test_luhn() -> None:
    assert luhn_valid("046454286")
    assert not luhn_valid("046454287")
    assert not luhn_valid("04645428x")
