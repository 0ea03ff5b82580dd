"""Property-based tests of the redactor: variant spellings are masked as their kind.

Cards, SINs, phone numbers, e-mails and IBANs are generated valid, then spelt the way
text may hold them (fullwidth, percent-encoded, other separators, lower case); the
detection form must not hold their digits or letters outside a mask.

Profiles come from ``tests/conftest.py``: ``quick`` in ``make test``, and
``HYPOTHESIS_PROFILE=fuzz`` (10,000 cases per property) in ``make fuzz``, which
selects these tests with ``-m fuzz``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filagent.telemetry.privacy.forms import detection_form
from tests.helpers.canaries import (
    ALNUM_UPPER,
    FILLER,
    JSON_KEYS,
    MASK,
    REDACTOR,
    Canary,
    cards,
    emails,
    phones,
    sins,
)

pytestmark = pytest.mark.fuzz


def fullwidth(text: str) -> str:
    """``text`` in fullwidth forms (U+FF01 to U+FF5E); spaces stay ASCII."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def compact(text: str) -> str:
    """``text`` without the separators variant spellings put between digits or groups."""
    return re.sub(r"[\s.()+-]", "", text).upper()


def grouped(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


CARD_SPELLINGS = (
    lambda d: grouped(d, (4, 4, 4, 4), "\u00a0"),
    lambda d: grouped(d, (4, 4, 4, 4), "\u202f"),
    lambda d: grouped(d, (4, 4, 4, 4), "."),
    lambda d: grouped(d, (4, 8, 4), " "),
    lambda d: grouped(d, (4, 8, 4), "-"),
    fullwidth,
    lambda d: fullwidth(grouped(d, (4, 4, 4, 4), " ")),
    lambda d: f"invoice-{d}.pdf",
    lambda d: f"ref_{d}",
    lambda d: quote(grouped(d, (4, 4, 4, 4), " ")),
    lambda d: quote(quote(grouped(d, (4, 4, 4, 4), " "))),
    lambda d: repr(grouped(d, (4, 4, 4, 4), "\u00a0"))[1:-1],
)


@st.composite
def card_variants(draw: st.DrawFn) -> Canary:
    number = compact(draw(cards()).text)
    spelling = draw(st.sampled_from(CARD_SPELLINGS))
    return Canary("credit_card", spelling(number), number)


@st.composite
def sin_variants(draw: st.DrawFn) -> Canary:
    number = compact(draw(sins()).text)
    dotted = grouped(number, (3, 3, 3), ".")
    spelling = draw(
        st.sampled_from([dotted, fullwidth(dotted), quote(grouped(number, (3, 3, 3), " "))])
    )
    return Canary("sin", spelling, number)


@st.composite
def phone_variants(draw: st.DrawFn) -> Canary:
    number = draw(phones()).text
    spelling = draw(st.sampled_from([quote(number), quote(quote(number)), fullwidth(number)]))
    return Canary("phone", spelling, compact(number))


@st.composite
def email_variants(draw: st.DrawFn) -> Canary:
    address = draw(emails()).text
    local, _, domain = address.partition("@")
    spelling = draw(
        st.sampled_from(
            [
                f"{local}%40{domain}",
                f"{local}%2540{domain}",
                f"{local}%252540{domain}",
                f"{local}{fullwidth('@')}{domain}",
                fullwidth(address),
            ]
        )
    )
    return Canary("email", spelling, address.upper())


#: Countries whose IBAN is not all digits after the check digits, or long enough not to be
#: taken for a 16-hex span id in lower case (Belgian IBANs are both).
IBAN_COUNTRIES = {"GB": 22, "DE": 22, "FR": 27, "NL": 18, "ES": 24, "CH": 21, "IT": 27}


@st.composite
def iban_variants(draw: st.DrawFn) -> Canary:
    country = draw(st.sampled_from(sorted(IBAN_COUNTRIES)))
    bban = draw(
        st.text(
            ALNUM_UPPER, min_size=IBAN_COUNTRIES[country] - 4, max_size=IBAN_COUNTRIES[country] - 4
        )
    )
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(char, 36)) for char in rearranged)) % 97
    iban = f"{country}{check:02d}{bban}"
    groups = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    spelling = draw(
        st.sampled_from(
            [
                iban.lower(),
                groups.replace(" ", "-"),
                groups.lower(),
                groups.lower().replace(" ", "-"),
            ]
        )
    )
    return Canary("iban", spelling, iban)


VARIANTS = st.one_of(
    card_variants(), sin_variants(), phone_variants(), email_variants(), iban_variants()
)


@given(canary=VARIANTS)
def test_each_variant_spelling_is_masked_as_its_kind(canary: Canary) -> None:
    output = REDACTOR.redact_text(f"before {canary.text} after")

    assert f"[REDACTED:{canary.kind}]" in output, output
    assert canary.secret not in compact(detection_form(MASK.sub(" ", output)))


@given(data=st.data(), canaries=st.lists(VARIANTS, min_size=1, max_size=3))
def test_variant_spellings_in_json_records_do_not_survive(
    data: st.DataObject, canaries: list[Canary]
) -> None:
    record = {data.draw(JSON_KEYS): f"{data.draw(FILLER)} {c.text} x" for c in canaries}
    output = json.dumps(REDACTOR.redact_mapping({"record": record}), ensure_ascii=False)
    context = json.dumps(record, ensure_ascii=False)
    for canary in canaries:
        context = context.replace(canary.text, "\x00")
    visible = compact(detection_form(MASK.sub(" ", output)))
    for canary in canaries:
        # Random filler may hold the same digits by chance: count beyond what it holds.
        allowed = compact(detection_form(context)).count(canary.secret)
        assert visible.count(canary.secret) <= allowed, output
