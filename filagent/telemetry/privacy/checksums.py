"""Checks that tell personal data from look-alikes: Luhn, mod-97, card brands, entropy.

A detector's regular expression finds candidates; these decide which are real.

Example:
    >>> luhn_valid("4111111111111111"), iban_valid("GB82 WEST 1234 5698 7654 32")
    (True, True)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Final


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (only 0-9) passes the Luhn checksum.

    Example:
        >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
        (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """True when ``candidate`` (spaces allowed) is an IBAN with a valid mod-97 check.

    Example:
        >>> iban_valid("GB82 WEST 1234 5698 7654 32"), iban_valid("GB00 WEST 1234 5698 7654 32")
        (True, False)
    """
    compact = candidate.replace(" ", "").replace("-", "").upper()
    if not 15 <= len(compact) <= 34 or not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    as_number = "".join(str(int(char, 36)) for char in rearranged)
    return int(as_number) % 97 == 1


def card_brand_plausible(digits: str) -> bool:
    """True when ``digits`` has the length and leading digits of a payment card.

    Epoch times in ms, us or ns start with ``1`` until the year 2033, so they are
    never mistaken for cards even when their Luhn digit happens to be right.

    Example:
        >>> card_brand_plausible("4111111111111111"), card_brand_plausible("1732550000123")
        (True, False)
    """
    if not 13 <= len(digits) <= 19:
        return False
    first, two, four = digits[0], int(digits[:2]), int(digits[:4])
    if first == "2":
        return 2221 <= four <= 2720
    if first == "3":
        return two in {30, 34, 35, 36, 37, 38, 39}
    return first in {"4", "5", "6"}


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text``; random API keys score about 4 and more.

    Example:
        >>> round(shannon_entropy("aaaa"), 1), round(shannon_entropy("abcd"), 1)
        (0.0, 2.0)
    """
    if not text:
        return 0.0
    counts = Counter(text)
    length = len(text)
    return sum(n / length * math.log2(length / n) for n in counts.values())


#: IBAN length by country (ISO 13616 registry), for IBANs written in lower case or with
#: dashes: their shape alone is too common in ids to trust the mod-97 check by itself.
IBAN_LENGTHS: Final[dict[str, int]] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TL": 23, "TN": 24, "TR": 26, "UA": 29,
    "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_country_length_ok(compact: str) -> bool:
    """True when ``compact`` (no separators, any case) has its country's IBAN length.

    Example:
        >>> iban_country_length_ok("de89370400440532013000"), iban_country_length_ok("DE8937")
        (True, False)
    """
    return IBAN_LENGTHS.get(compact[:2].upper()) == len(compact)
