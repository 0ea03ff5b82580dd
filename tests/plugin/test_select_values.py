"""Selector attribute filters compare values by the one typed rule."""

from __future__ import annotations

import pytest

from pytest_filagent_trace._select import select
from tests.plugin import nodes


@pytest.mark.parametrize(
    ("selector", "value", "picked"),
    [
        ("a[ok=1]", True, False),
        ("a[ok=true]", True, True),
        ("a[ok=true]", 1, False),
        ("a[ok=0]", False, False),
        ("a[n=1]", 1, True),
        ("a[n=1]", 1.0, False),
        ("a[n=1.0]", 1.0, True),
        ("a[n=1.0]", 1, False),
        ("a[n!=1]", 1.0, True),
        ("a[n=1]", "1", True),
        ('a[n="1"]', 1, False),
    ],
)
def test_a_selector_value_matches_only_its_own_type(
    selector: str, value: object, picked: bool
) -> None:
    node = nodes.make("a", attributes={"ok": value, "n": value})

    assert (select(node, selector) == [node]) is picked
