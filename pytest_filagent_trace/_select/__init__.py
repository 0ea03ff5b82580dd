"""The CSS-like selector grammar over span trees, and ``assert_spans`` over what it picks.

``cursor``, ``brackets`` and ``grammar`` read the text; ``filters``, ``relations`` and
``chains`` are its parts; ``durations`` the budgets; ``selectors`` holds ``Selector`` and
``select``; ``candidates``, ``conditions`` and ``assertions`` hold ``assert_spans``.
"""

from __future__ import annotations

from pytest_filagent_trace._select.assertions import SelectedSpansMismatch, assert_spans
from pytest_filagent_trace._select.durations import Budget, format_duration, parse_budget
from pytest_filagent_trace._select.selectors import (
    Selector,
    SelectorError,
    select,
)

__all__ = [
    "Budget",
    "SelectedSpansMismatch",
    "Selector",
    "SelectorError",
    "assert_spans",
    "format_duration",
    "parse_budget",
    "select",
]
