"""Reading one ``[...]`` of a selector: an attribute filter or the ``duration`` budget.

Example:
    >>> read_filter(Cursor("[http.status_code>=500]")).text
    '[http.status_code>=500]'
    >>> read_filter(Cursor("[duration<1.5ms]")).nanoseconds
    1500000.0
"""

from __future__ import annotations

import re

from pytest_filagent_trace._select.cursor import Cursor, typed_literal
from pytest_filagent_trace._select.filters import COMPARISONS, AttributeFilter, DurationFilter
from pytest_filagent_trace._textform import BUDGET, DURATION_UNITS

__all__ = ["DURATION_KEY", "OPERATORS", "parse_duration", "read_filter"]

_KEY_STOP = frozenset(" \t\n=!~[]:\"'<>^$*")
_VALUE_STOP = frozenset(" \t\n]")
OPERATORS = ("!=", "^=", "$=", "*=", "~=", "<=", ">=", "=", "<", ">")
"""Every operator of an attribute filter, longest first (as they are tried)."""
_LISTED = ", ".join(sorted(OPERATORS, key=OPERATORS.index))
DURATION_KEY = "duration"
"""The unquoted key that stands for the span's own duration in a comparison."""


def parse_duration(text: str) -> float | None:
    """Nanoseconds for a duration with its unit (``50ms``, ``1.5 s``), as budgets write
    them; None for anything else.

    Example:
        >>> parse_duration("50ms"), parse_duration("20 µs"), parse_duration("50")
        (50000000.0, 20000.0, None)
    """
    found = BUDGET.fullmatch(f"< {text}")
    if found is None or found["unit"] is None:
        return None
    return float(found["number"]) * DURATION_UNITS[found["unit"]]


def read_filter(cursor: Cursor) -> AttributeFilter | DurationFilter:
    """The filter that starts at the ``[`` under ``cursor``; the cursor moves past ``]``."""
    opening = cursor.pos
    cursor.pos += 1
    cursor.spaces()
    absent = False
    if cursor.peek() == "!":
        absent = True
        cursor.pos += 1
        cursor.spaces()
    quoted_key = cursor.peek() in ("'", '"')
    key = cursor.string() if quoted_key else cursor.run(_KEY_STOP)
    if not key:
        raise cursor.fail(f"expected an attribute name after [, found {cursor.found()}")
    cursor.spaces()
    if cursor.peek() == "]":
        cursor.pos += 1
        return AttributeFilter(key, "absent" if absent else "exists")
    if absent:
        raise cursor.fail(f'expected "]" after [!{key}: [!key] takes no value')
    operator = next((op for op in OPERATORS if cursor.text.startswith(op, cursor.pos)), None)
    if operator is None:
        if not cursor.peek():
            # Most often a forgotten "]": name the usual operators only.
            raise cursor.fail(
                f'expected "]", "=", "!=" or "~=" after [{key}, found {cursor.found()}'
            )
        raise cursor.fail(
            f'expected "]" or an operator ({_LISTED}) after [{key}, found {cursor.found()}'
        )
    cursor.pos += len(operator)
    cursor.spaces()
    value_at = cursor.pos
    quoted = cursor.peek() in ("'", '"')
    raw = cursor.string() if quoted else cursor.run(_VALUE_STOP)
    if not quoted and not raw:
        raise cursor.fail(f"expected a value after {key}{operator}")
    cursor.spaces()
    if cursor.peek() != "]":
        raise cursor.fail(
            f'expected "]" to close the attribute filter opened at column {opening + 1},'
            f" found {cursor.found()}"
        )
    cursor.pos += 1
    if operator in COMPARISONS:
        if key == DURATION_KEY and not quoted_key:
            return _duration(cursor, operator, None if quoted else raw, value_at)
        return _comparison(cursor, key, operator, None if quoted else raw, value_at)
    regex = None
    if operator == "~=":
        try:
            regex = re.compile(raw)
        except re.error as error:
            raise cursor.fail(f"invalid regular expression {raw!r}: {error}", value_at) from None
    value = raw if quoted or operator not in {"=", "!="} else typed_literal(raw)
    return AttributeFilter(key, operator, value, raw, quoted, regex)


def _comparison(
    cursor: Cursor, key: str, operator: str, bare: str | None, value_at: int
) -> AttributeFilter:
    """``[key<number]``; ``bare`` is None for a quoted value, which is never a number."""
    value = None if bare is None else typed_literal(bare)
    if bare is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = repr(cursor.text[value_at : cursor.pos - 1].strip())
        hint = ""
        if bare is not None and parse_duration(bare) is not None:
            hint = f" (a duration with a unit compares the span's own: [duration{operator}{bare}])"
        raise cursor.fail(
            f"[{key}{operator}...] compares numbers: expected a number, found {shown}{hint}",
            value_at,
        )
    return AttributeFilter(key, operator, value, bare)


def _duration(cursor: Cursor, operator: str, bare: str | None, value_at: int) -> DurationFilter:
    """``[duration<50ms]``; ``bare`` is None for a quoted value, which is never a duration."""
    nanoseconds = None if bare is None else parse_duration(bare)
    raw = cursor.text[value_at : cursor.pos - 1].strip()
    if bare is None or nanoseconds is None:
        raise cursor.fail(
            "[duration...] is the span's duration and takes a number with a unit"
            f" (ns, us or µs, ms, s), e.g. [duration<50ms]; found {raw!r}"
            ' (quote the key, ["duration"<5], for an attribute of that name)',
            value_at,
        )
    return DurationFilter(operator, nanoseconds, bare)
