"""The CSS-like selector grammar over span trees."""

from __future__ import annotations

from pytest_filagent_trace._select.selectors import (
    Selector,
    SelectorError,
    select,
)

__all__ = [
    "Selector",
    "SelectorError",
    "select",
]
