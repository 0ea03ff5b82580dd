"""Values in the text form: the lexicon (kinds, statuses, token patterns) and quoting.

Example:
    >>> format_value(("a", 1))
    '("a", 1)'
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

KINDS = ("INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")
STATUSES = ("UNSET", "OK", "ERROR")

# A bare span name ends where a space is followed by the start of the next part.
_NAME_END = re.compile(r" (?=[\[{<(#])")
_BARE_KEY = re.compile(r"[^\s=,{}()\[\]<>\"'#]+")
_WORD = re.compile(r"-?[A-Za-z_]+")

DURATION_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9}
"""Nanoseconds per unit of a written duration."""
BUDGET = re.compile(
    r"\s*(?P<op><=|>=|<|>)\s*(?P<number>\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?:(?P<unit>ns|us|µs|μs|ms|s)|%\s*(?P<whole>parent|trace))\s*\Z"
)
"""A duration budget: ``< 50ms``, ``>= 1.5 s``, ``< 30% parent``, ``< 10% trace``."""
BUDGET_SYNTAX = (
    'a budget is <, <=, > or >= then a duration in ns, µs, us, ms or s ("< 50ms",'
    ' ">= 1.5 s") or a share of the parent or the trace ("< 30% parent", "< 10% trace")'
)
"""How a budget is written, for the messages that refuse one."""


# --------------------------------------------------------------------------- values


def _escape(char: str) -> str:
    if char == '"':
        return '\\"'
    if char == "\\":
        return "\\\\"
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def quote(text: str) -> str:
    """``text`` as a double-quoted string literal that :func:`parse_tree` reads back.

    Example:
        >>> quote('say "hi"')
        '"say \\\\"hi\\\\""'
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return '"' + "".join(_escape(char) for char in text) + '"'


def format_value(value: Any) -> str:
    """An attribute value as a Python literal, the way the text form writes it.

    Strings are double-quoted, numbers and booleans are Python literals, sequences are
    tuples or lists; ``...`` stands for a masked value.

    Example:
        >>> format_value(("a", 1, 2.5, True))
        '("a", 1, 2.5, True)'
    """
    if isinstance(value, str):
        return quote(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(format_value(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if value is ...:
        return "..."
    if isinstance(value, dict):
        items = ", ".join(f"{format_value(k)}: {format_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    return repr(value)


def format_duration(nanoseconds: float) -> str:
    """A duration the way ``--trace-tree`` prints it.

    Example:
        >>> format_duration(1_234_000), format_duration(512)
        ('1.2 ms', '512 ns')
    """
    if nanoseconds < 1_000:
        return f"{nanoseconds:.0f} ns"
    if nanoseconds < 1_000_000:
        return f"{nanoseconds / 1_000:.1f} µs"
    if nanoseconds < 1_000_000_000:
        return f"{nanoseconds / 1_000_000:.1f} ms"
    return f"{nanoseconds / 1_000_000_000:.2f} s"


def _shortened(value: Any, limit: int | None) -> str:
    if limit is not None and isinstance(value, str) and len(value) > limit:
        # A quoted prefix followed by ... reads back as "starts with", so a shortened
        # value still round-trips.
        return quote(value[:limit]) + "..."
    return format_value(value)


# --------------------------------------------------------------------------- names


def _is_bare_name(name: str) -> bool:
    return (
        name not in ("", "...")
        and name == name.strip()
        and name.isprintable()
        and name[0] not in "\"'#│├└|`+→"
        and not name.startswith("->")
        and _NAME_END.search(name) is None
    )


def _is_bare_text(text: str, forbidden: str) -> bool:
    return (
        text != ""
        and text == text.strip()
        and text.isprintable()
        and text[0] not in "\"'"
        and not any(char in text for char in forbidden)
    )


@functools.lru_cache(maxsize=4096)
def _name_text(name: str) -> str:
    # Cached: a trace repeats a few dozen span names on thousands of spans.
    return name if _is_bare_name(name) else quote(name)


@functools.lru_cache(maxsize=4096)
def _key_text(key: str) -> str:
    # Cached: a trace repeats the same few dozen attribute keys on every span.
    return key if key != "..." and _BARE_KEY.fullmatch(key) else quote(key)
