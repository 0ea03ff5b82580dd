"""Matching spans against patterns: matchers, patterns, the engine, explanations."""

from __future__ import annotations

from pytest_filagent_trace._match.match import (
    ABSENT,
    ANY,
    DescendantPattern,
    EventPattern,
    Matcher,
    Problem,
    SpanPattern,
    SpanTreeMismatch,
    as_matcher,
    assert_span_tree,
    descendant,
    event,
    glob,
    parse_tree,
    patterns_from_drafts,
    span,
    span_tree_matches,
    starts_with,
)

__all__ = [
    "ABSENT",
    "ANY",
    "DescendantPattern",
    "EventPattern",
    "Matcher",
    "Problem",
    "SpanPattern",
    "SpanTreeMismatch",
    "as_matcher",
    "assert_span_tree",
    "descendant",
    "event",
    "glob",
    "parse_tree",
    "patterns_from_drafts",
    "span",
    "span_tree_matches",
    "starts_with",
]
