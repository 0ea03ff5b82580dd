"""Cheap tests that rule detectors out before their regular expressions run.

Almost every string in a span is an id, a name or a short phrase that no detector can
match: a card needs 13 digits, an e-mail an ``@``, a JWT ``eyJ``. :func:`possible_kinds`
reads a text once (its length, digit count and a few characters) and names the built-in
detectors that could match it; the others are skipped. Every test is implied by its
detector's pattern, so skipping never misses a finding. Text that is not ASCII after
normalisation gets every detector (``\\d`` also matches other scripts' digits).

Example:
    >>> sorted(possible_kinds("GET /search"))
    []
    >>> sorted(possible_kinds("mail jane@example.com"))
    ['email']
"""

from __future__ import annotations

import re
from typing import Final

_NO_DIGITS: Final = str.maketrans("", "", "0123456789")
_IBAN_START: Final = re.compile(r"[A-Za-z]{2}\d{2}")
_API_KEY_START: Final = re.compile(
    r"-----BEGIN|sk-|[spr]k_|A(?:KIA|SIA|GPA|IDA|ROA|NPA)|gh[pousr]_|github_pat_|glpat-|xox|AIza"
)

#: The detectors this module can rule out; any other (``extra_patterns``) always runs.
GATED_KINDS: Final = frozenset(
    {
        "url_credentials",
        "jwt",
        "bearer",
        "api_key",
        "email",
        "iban",
        "credit_card",
        "sin",
        "phone",
        "ipv6",
        "ipv4",
    }
)


def possible_kinds(text: str) -> frozenset[str]:
    """The gated detectors that could find something in ``text``.

    Example:
        >>> sorted(possible_kinds("card 4111 1111 1111 1111"))
        ['credit_card', 'phone', 'sin']
    """
    if not text.isascii():
        return GATED_KINDS
    kinds: set[str] = set()
    digits = len(text) - len(text.translate(_NO_DIGITS))
    if digits >= 8:
        kinds.add("phone")
        if digits >= 9:
            kinds.add("sin")
        if digits >= 13:
            kinds.add("credit_card")
    if "@" in text:
        kinds.add("email")
        if "://" in text:
            kinds.add("url_credentials")
    elif "%40" in text:
        kinds.add("email")
    if "eyJ" in text:
        kinds.add("jwt")
    if digits >= 2 and _IBAN_START.search(text):
        kinds.add("iban")
    if text.count(":") >= 2:
        kinds.add("ipv6")
    if text.count(".") >= 3:
        kinds.add("ipv4")
    lowered = text.lower()
    if "bearer" in lowered or "basic" in lowered:
        kinds.add("bearer")
    if _API_KEY_START.search(text):
        kinds.add("api_key")
    return frozenset(kinds)


def may_hold_pairs(text: str) -> bool:
    """True when ``text`` has a separator of ``key=value`` or ``key: value``.

    Example:
        >>> may_hold_pairs("password=x"), may_hold_pairs("plain words")
        (True, False)
    """
    return "=" in text or ":" in text


def may_hold_urls(text: str) -> bool:
    """True when ``text`` may hold an absolute URL or a path with a query string.

    Example:
        >>> may_hold_urls("see https://x.io"), may_hold_urls("/chat")
        (True, False)
    """
    return "://" in text or "?" in text
