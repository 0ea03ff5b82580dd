"""The CSS-like selector grammar over span trees, and ``assert_spans`` over what it picks.

``cursor``, ``brackets`` and ``grammar`` read the text; ``filters``, ``relations`` and
``chains`` are its parts; ``selectors`` holds ``Selector`` and
``select``; ``candidates``, ``conditions`` and ``assertions`` hold ``assert_spans``.
"""

from __future__ import annotations

from pytest_filagent_trace._select.assertions import SelectedSpansMismatch, assert_spans
from pytest_filagent_trace._select.selectors import (
    Selector,
    SelectorError,
    select,
)

__all__ = [
    "SelectedSpansMismatch",
    "Selector",
    "SelectorError",
    "assert_spans",
    "select",
]
