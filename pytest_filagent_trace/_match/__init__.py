"""Matching spans against patterns.

One concept per module: ``matchers`` (expected values), ``events``, ``patterns`` and
``children`` (expected spans), ``rules`` (the one local comparison: its differences both
decide a match and explain a mismatch), ``shapes`` (subtree summaries for candidate
lookup), ``engine`` and ``assignment`` (deciding), ``explain`` (the problems of a failed
match), ``assertion`` (``assert_span_tree``) and ``expected`` (the text form read back as
patterns).
"""

from __future__ import annotations

from pytest_filagent_trace._match.assertion import (
    SpanTreeMismatch,
    assert_span_tree,
    explain_comparison,
    span_tree_matches,
)
from pytest_filagent_trace._match.children import DescendantPattern
from pytest_filagent_trace._match.events import EventPattern, event
from pytest_filagent_trace._match.expected import parse_tree, patterns_from_drafts
from pytest_filagent_trace._match.explain import Problem
from pytest_filagent_trace._match.links import LinkPattern, link
from pytest_filagent_trace._match.matchers import (
    ABSENT,
    ANY,
    Matcher,
    as_matcher,
    glob,
    starts_with,
)
from pytest_filagent_trace._match.patterns import SpanPattern, descendant, span
from pytest_filagent_trace._match.rules import Difference, differences

__all__ = [
    "ABSENT",
    "ANY",
    "DescendantPattern",
    "Difference",
    "EventPattern",
    "LinkPattern",
    "Matcher",
    "Problem",
    "SpanPattern",
    "SpanTreeMismatch",
    "as_matcher",
    "assert_span_tree",
    "descendant",
    "differences",
    "event",
    "explain_comparison",
    "glob",
    "link",
    "parse_tree",
    "patterns_from_drafts",
    "span",
    "span_tree_matches",
    "starts_with",
]
