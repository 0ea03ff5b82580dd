"""A span's kind and status as :func:`span` accepts them: any case, or the SDK's enums.

Example:
    >>> normalize_kind("server"), normalize_status("ERROR: boom")
    ('SERVER', ('ERROR', 'boom'))
"""

from __future__ import annotations

from typing import Any

from pytest_filagent_trace._textform import KINDS, STATUSES

__all__ = ["normalize_kind", "normalize_status"]


def normalize_kind(kind: Any) -> str | None:
    """``kind`` as the upper-case name the tree holds (``None`` when not given)."""
    if kind is None:
        return None
    text = getattr(kind, "name", kind)
    if isinstance(text, str) and text.upper() in KINDS:
        return text.upper()
    raise ValueError(f"span(kind=...) must be one of {', '.join(KINDS)}, found {kind!r}")


def normalize_status(status: Any) -> tuple[str | None, str | None]:
    """``status`` split into its code and description (each ``None`` when not given)."""
    if status is None:
        return None, None
    text = getattr(status, "name", status)
    if isinstance(text, str):
        word, colon, description = text.partition(":")
        if word.strip().upper() in STATUSES:
            if not colon:
                return word.strip().upper(), None
            return word.strip().upper(), description.removeprefix(" ")
    raise ValueError(
        f"span(status=...) must be one of {', '.join(STATUSES)}, optionally followed by"
        f' ": description" (e.g. "ERROR: ValueError: boom"), found {status!r}'
    )
