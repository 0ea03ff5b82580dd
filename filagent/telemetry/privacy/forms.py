r"""The form of a text detectors read: unescaped, NFKC-normalised, percent-decoded.

Personal data hides in variant spellings that mean the same to a reader: fullwidth
digits (U+FF10 to U+FF19), a fullwidth at sign (U+FF20), non-breaking spaces between
card groups (written ``\xa0`` by ``repr()``, as in an exception message), and
percent-encoding, once or twice over (``jane%2540example.com``).
Detectors run over the one form in which all of these are plain ASCII.

Example:
    >>> detection_form("jane%2540example.com"), detection_form("\uff14\uff11\uff11\uff11\u00a01111")
    ('jane@example.com', '4111 1111')
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import unquote

#: Enough for any encoding a client applies by mistake (``%252540`` is three rounds).
MAX_DECODING_ROUNDS: Final = 4

_ESCAPE: Final = re.compile(r"%[0-9A-Fa-f]{2}")
# What repr() and JSON write for characters they will not show: "4111\xa01111".
_BACKSLASH_ESCAPE: Final = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U000[0-9A-Fa-f]{5})")


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(0)[2:], 16)
    # A lone surrogate stays escaped: it could not be normalised nor encoded.
    return chr(code) if not 0xD800 <= code <= 0xDFFF else match.group(0)


def detection_form(text: str) -> str:
    """``text`` with ``\\x..``/``\\u....`` escapes read, in NFKC, then percent-decoded until
    nothing changes (at most 4 rounds).

    ASCII text without an escape sequence is returned as is, at the cost of two checks.

    Example:
        >>> detection_form("card%204111%201111"), detection_form("plain")
        ('card 4111 1111', 'plain')
    """
    if "\\" in text:
        text = _BACKSLASH_ESCAPE.sub(_unescape, text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    for _ in range(MAX_DECODING_ROUNDS):
        if "%" not in text or _ESCAPE.search(text) is None:
            break
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded if decoded.isascii() else unicodedata.normalize("NFKC", decoded)
    return text
