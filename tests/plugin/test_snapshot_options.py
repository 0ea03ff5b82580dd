"""SnapshotOptions: user masks, attribute filters, the order option and mask lines of ini files."""

from __future__ import annotations

import re

import pytest

from pytest_filagent_trace._snapshot import SnapshotOptions, normalize_traces, parse_mask_line
from tests.helpers.snapshot_trees import only_attributes, span, trees_of


def test_attribute_masks_replace_values_by_name_glob() -> None:
    trees = trees_of(span("root", **{"app.request_id": "r-81", "app.user": "ana", "n": 1}))
    options = SnapshotOptions().with_masks({"app.request_*": "<request>"})

    assert only_attributes(normalize_traces(trees, options)) == [
        {"app.request_id": "<request>", "app.user": "ana", "n": 1}
    ]


def test_regex_masks_rewrite_matches_inside_values() -> None:
    trees = trees_of(span("root", note="order ord-1234 for ord-99"))
    options = SnapshotOptions().with_masks({re.compile(r"ord-\d+"): "<order>"})

    assert only_attributes(normalize_traces(trees, options)) == [
        {"note": "order <order> for <order>"}
    ]


def test_callable_masks_keep_what_matters_of_a_value() -> None:
    trees = trees_of(span("root", latency_budget=1234, tokens=57))
    options = SnapshotOptions().with_masks({"tokens": lambda v: "<int>" if v > 0 else v})

    assert only_attributes(normalize_traces(trees, options)) == [
        {"latency_budget": "<duration>", "tokens": "<int>"}
    ]


def test_a_later_mask_overrides_an_earlier_one() -> None:
    trees = trees_of(span("root", tenant="acme"))
    options = SnapshotOptions().with_masks({"tenant": "<a>"}).with_masks({"tenant": "<b>"})

    assert only_attributes(normalize_traces(trees, options)) == [{"tenant": "<b>"}]


def test_exclude_drops_attributes_by_glob() -> None:
    trees = trees_of(span("GET", **{"http.request.method": "GET", "http.x": 1, "route": "/"}))
    options = SnapshotOptions().with_attributes(exclude=["http.*"])

    assert only_attributes(normalize_traces(trees, options)) == [{"route": "/"}]


def test_include_keeps_only_matching_span_attributes() -> None:
    trees = trees_of(span("agent.route", **{"route.mode": "htn", "route.reason": "x", "k": 1}))
    options = SnapshotOptions().with_attributes(include=["route.mode"])

    assert only_attributes(normalize_traces(trees, options)) == [{"route.mode": "htn"}]


def test_include_does_not_empty_events() -> None:
    failing = span("tool", a=1)
    failing.events.append(("exception", {"exception.type": "ValueError"}))
    options = SnapshotOptions().with_attributes(include=["a"])

    (tree,) = normalize_traces(trees_of(failing), options)

    assert tree.roots[0].events[0].attributes == {"exception.type": "ValueError"}


def test_with_attributes_rejects_a_single_string() -> None:
    with pytest.raises(TypeError, match=r"list of globs, found the string 'http\.\*'"):
        SnapshotOptions().with_attributes(exclude="http.*")


def test_with_masks_rejects_other_key_types() -> None:
    with pytest.raises(TypeError, match=r"attribute-name globs .* found int: 3"):
        SnapshotOptions().with_masks({3: "<x>"})  # type: ignore[dict-item]


def test_an_unknown_order_is_rejected_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="one of 'canonical', 'start', found 'end'"):
        SnapshotOptions(order="end")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("conversation_id = <conversation>", ("conversation_id", "<conversation>")),
        ("  app.* =  <app>  ", ("app.*", "<app>")),
    ],
)
def test_parse_mask_line_reads_attribute_masks(line: str, expected: tuple[str, str]) -> None:
    assert parse_mask_line(line) == expected


def test_parse_mask_line_reads_regex_masks() -> None:
    key, replacement = parse_mask_line(r"/req-\d+ = x/ = <request>")

    assert isinstance(key, re.Pattern)
    assert (key.pattern, replacement) == (r"req-\d+ = x", "<request>")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("conversation_id", "expected 'attribute.glob = replacement'"),
        (" = <x>", "expected 'attribute.glob = replacement'"),
        ("/(/ = <x>", "bad regex '/\\(/'"),
    ],
)
def test_parse_mask_line_rejects_bad_lines(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_mask_line(line)
