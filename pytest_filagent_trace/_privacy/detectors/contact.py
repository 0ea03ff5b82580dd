"""Contact details: e-mail addresses and phone numbers.

Example:
    >>> [f.masked for f in EMAIL.find("write to jane.doe@example.com")]
    ['ja***@***.com']
"""

from __future__ import annotations

import re

from pytest_filagent_trace._privacy.detectors.regex import RegexDetector
from pytest_filagent_trace._privacy.masking import mask_email, mask_keep

__all__ = ["EMAIL", "PHONE"]

EMAIL = RegexDetector(
    "email",
    re.compile(
        r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,63})?"
        r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
        r"(?![A-Za-z0-9\-])",
        re.ASCII,
    ),
    mask=mask_email,
    requires="@",
)
"""E-mail addresses (``name@domain.tld``); shown as ``ja***@***.com``."""


_NANP = (
    r"(?:\+?1[ .\-]?)?(?:\([2-9]\d{2}\)[ .\-]?|[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}"
    r"|\+1[ .\-]?[2-9]\d{2}[2-9]\d{6}"
)
_INTERNATIONAL = r"\+[1-9]\d{0,2}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}"


def _phone_valid(match: re.Match[str]) -> bool:
    value = match.group(0)
    digits = sum(char.isdigit() for char in value)
    if not value.startswith("+"):
        return digits in (10, 11)
    separated = any(char in " .-()" for char in value)
    # A compact "+" number must be long enough not to be a signed count ("+12345678").
    return (8 if separated else 10) <= digits <= 15


PHONE = RegexDetector(
    "phone",
    re.compile(
        rf"(?<![\w+.\-])(?:{_NANP}|{_INTERNATIONAL})(?![\w]|[.\-]\d)",
        re.ASCII,
    ),
    validate=_phone_valid,
    mask=lambda value: mask_keep(value, 0, 2),
    # Every shape ends in "ddd-dddd" or starts with "+": most numbers have neither.
    requires=r"\+[1-9]|\d[ .\-]\d{4}",
)
"""Phone numbers: international (``+33 1 23 45 67 89``, ``+442071838750``) and
North-American (``(514) 555-0199``, ``514-555-0199``, ``+1 514 555 0199``). Bare runs of
ten digits are not reported: they are far more often counters and timestamps."""
