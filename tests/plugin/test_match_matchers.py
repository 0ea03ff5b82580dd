"""Attribute value matchers: what glob, starts_with, types, predicates and combinators match.

Also how each reads in a repr, which failure messages show as the expected value.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from pytest_filagent_trace._match import ABSENT, ANY, as_matcher, event, glob, starts_with


def is_positive(value: int) -> bool:
    return value > 0


@pytest.mark.parametrize(
    ("matcher", "text"),
    [
        (glob("web_*"), 'glob("web_*")'),
        (starts_with("Trace"), 'starts_with("Trace")'),
        (as_matcher(re.compile("boom")), "re.compile('boom')"),
        (as_matcher(is_positive), "is_positive"),
        (as_matcher(float), "float"),
        (as_matcher("x") | 3, '"x" | 3'),
        (ABSENT | glob("a*") | 1, 'ABSENT | glob("a*") | 1'),
        (ANY & ~as_matcher(0), "ANY & ~0"),
        (~(glob("a") | glob("b")), '~(glob("a") | glob("b"))'),
        (event("exception", attributes={"exception.type": "ValueError"}), None),
    ],
)
def test_matcher_repr_is_the_expected_value(matcher: Any, text: str | None) -> None:
    expected = text or 'event("exception", attributes={"exception.type": "ValueError"})'
    assert repr(matcher) == expected


# --------------------------------------------------------------------------- matchers


def test_equal_values_must_have_the_same_type() -> None:
    assert as_matcher(1) == 1
    assert as_matcher(1) != 1.0
    assert as_matcher(1) != True  # noqa: E712 - bool is not int in a trace
    assert as_matcher(True) != 1
    assert as_matcher(("a", "b")) == ("a", "b")
    assert as_matcher(["a", "b"]) == ("a", "b")
    assert as_matcher(math.nan).equals(math.nan)


def test_glob_regex_and_prefix_match_strings_only() -> None:
    assert glob("web_*") == "web_search"
    assert glob("web_*") != 3
    assert as_matcher(re.compile("bo+m")) == "ValueError: boom"
    assert as_matcher(re.compile("1")) != 1
    assert starts_with("Tra") == "Trace"


def test_types_match_instances_and_int_excludes_bool() -> None:
    assert as_matcher(int) == 3
    assert as_matcher(int) != True  # noqa: E712
    assert as_matcher(str) == "x"


def test_predicates_decide_and_their_errors_are_mismatches() -> None:
    assert as_matcher(is_positive) == 2
    assert as_matcher(is_positive) != "text"


def test_objects_with_their_own_eq_compare_themselves() -> None:
    class Even:
        def __eq__(self, other: object) -> bool:
            return isinstance(other, int) and other % 2 == 0

        __hash__ = None  # type: ignore[assignment]

    assert as_matcher(Even()) == 4
    assert as_matcher(Even()) != 3


def test_combinators_compose() -> None:
    either = glob("a*") | "b"
    assert either == "abc"
    assert either == "b"
    assert either != "c"
    assert (as_matcher(int) & is_positive) == 3
    assert (as_matcher(int) & is_positive) != -3
    assert (~glob("a*")) == "b"


def test_two_matchers_are_equal_when_they_read_the_same() -> None:
    assert glob("a*") == glob("a*")
    assert glob("a*") != glob("b*")
    assert ANY != ABSENT
