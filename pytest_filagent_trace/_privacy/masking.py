"""How values are shown in failure messages, and how an already masked value is told apart.

Example:
    >>> mask_keep("4242 4242 4242 4242", 0, 4), is_masked("[REDACTED]")
    ('**** **** **** 4242', True)
"""

from __future__ import annotations

import re

__all__ = ["MASK", "is_masked", "mask_email", "mask_generic", "mask_keep"]

MASK = "********"
"""What a secret's value is shown as: its length is not given away either."""

_MASKED_WORDS = re.compile(r"(?i)redacted|filtered|masked|hidden|removed|scrubbed|\*\*\*")
_MASK_SHAPE = re.compile(r"[*\u2022xX#.\-_ ]+|<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}|\(?null\)?")
_HASHED = re.compile(r"(?i)(?:hmac[-_]?)?sha-?(?:256|512)[:=][0-9a-f+/=_-]{8,}")
_PLACEHOLDER_WORDS = frozenset({"none", "null", "nil", "true", "false", "undefined", "n/a"})


def is_masked(value: object) -> bool:
    """True when ``value`` is empty or already masked (``***``, ``[REDACTED]``, a hash).

    Used for sensitive keys: ``password="[REDACTED]"`` is fine, ``password="hunter2"`` is not.

    Example:
        >>> is_masked("[REDACTED]"), is_masked("****"), is_masked("hunter2")
        (True, True, False)
    """
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        # Small numbers under a sensitive key are flags and counts, not secrets; a PIN or
        # a numeric password has four digits or more.
        return abs(value) < 1000
    text = str(value).strip()
    if not text or text.lower() in _PLACEHOLDER_WORDS:
        return True
    if _MASK_SHAPE.fullmatch(text) or _HASHED.fullmatch(text):
        return True
    return _MASKED_WORDS.search(text) is not None


def mask_keep(value: str, keep_start: int, keep_end: int) -> str:
    """Letters and digits become ``*`` except the first/last few; separators stay.

    Example:
        >>> mask_keep("+1 514 555 0199", 0, 2)
        '+* *** *** **99'
    """
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    if len(positions) <= keep_start + keep_end + 3:
        # Too short to show anything without showing most of it.
        keep_start, keep_end = 0, min(keep_end, max(0, len(positions) - 6))
    keep = set(positions[:keep_start]) | set(positions[len(positions) - keep_end :])
    return "".join(
        char if (i in keep or not char.isalnum()) else "*" for i, char in enumerate(value)
    )


def mask_generic(value: str) -> str:
    """The first two and last two letters or digits shown, the rest starred.

    Example:
        >>> mask_generic("TCK-123456")
        'TC*-****56'
    """
    return mask_keep(value, 2, 2)


def mask_email(value: str) -> str:
    """An address with its local part cut short and its domain hidden but the TLD.

    Example:
        >>> mask_email("jane.doe@example.com")
        'ja***@***.com'
    """
    local, _, domain = value.rpartition("@")
    tld = domain.rsplit(".", 1)[-1]
    shown = local[:2] if len(local) > 3 else local[:1]
    return f"{shown}***@***.{tld}"
