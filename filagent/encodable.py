"""Text that can always be written: lone surrogates become U+FFFD.

A JSON body may carry ``"\\ud800"``, a lone UTF-16 surrogate: Python decodes it
into a ``str`` that cannot be encoded as UTF-8, so every later write (the JSON
response, a decision record, an OTLP export) would fail. The strings a model
and the tools produce pass through :func:`encodable` once, where they enter
FilAgent, and stay writable everywhere after.

Example:
    >>> encodable({"query": "caf\\ud800", "limit": 3})
    {'query': 'caf\\ufffd', 'limit': 3}
"""

from __future__ import annotations

import re
from typing import Any, Final, TypeVar

T = TypeVar("T")

REPLACEMENT: Final = "\ufffd"
_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def encodable_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (the same object when none).

    Example:
        >>> encodable_text("ok"), encodable_text("x\\udfffy")
        ('ok', 'x\\ufffdy')
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub(REPLACEMENT, text)
    return text


def encodable(value: T) -> T:
    """``value`` with every string in it (dict keys included) made encodable."""
    return _encodable(value)  # type: ignore[no-any-return]


def _encodable(value: Any) -> Any:
    if isinstance(value, str):
        return encodable_text(value)
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encodable(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_encodable(item) for item in value)
    return value
