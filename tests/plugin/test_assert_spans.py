"""assert_spans: every picked span satisfies every condition; picking nothing fails."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer

from pytest_filagent_trace import (
    SelectedSpansMismatch,
    SelectorError,
    SpanTree,
    assert_spans,
    capture_spans,
    glob,
    select,
)
from tests.plugin import nodes

make = nodes.make
MS = 1_000_000


@pytest.fixture
def trace() -> SpanTree:
    root = make(
        "POST /checkout",
        make(
            "auth.check",
            make("db.query", attributes={"db.system": "sqlite"}, duration=2 * MS),
            duration=5 * MS,
        ),
        make("db.query", attributes={"db.system": "postgresql"}, duration=73_200_000),
        make("db.query", attributes={"db.system": "sqlite"}, duration=1 * MS),
        kind="SERVER",
        duration=100 * MS,
    )
    return SpanTree("a" * 32, [root])


def failure(trace: object, selector: str, **conditions: object) -> str:
    with pytest.raises(SelectedSpansMismatch) as caught:
        assert_spans(trace, selector, **conditions)  # type: ignore[arg-type]
    return str(caught.value)


def test_spans_that_satisfy_every_condition_pass_and_are_returned(trace: SpanTree) -> None:
    picked = assert_spans(
        trace,
        "auth.check db.query",
        attributes={"db.system": "sqlite"},
        kind="INTERNAL",
        status="UNSET",
        duration="< 50ms",
        ancestor=":server",
        parent="auth.check",
        count=1,
    )

    assert picked == select(trace, "auth.check db.query")


def test_a_span_without_the_required_ancestor_is_named_by_its_path(trace: SpanTree) -> None:
    assert failure(trace, "db.query", ancestor="auth.check") == (
        'assert_spans("db.query", ancestor="auth.check"): 2 of 3 picked spans failed:\n'
        "POST /checkout › db.query (#1 of 2)\n"
        '    ancestor: expected one matching "auth.check", found none among POST /checkout\n'
        "POST /checkout › db.query (#2 of 2)\n"
        '    ancestor: expected one matching "auth.check", found none among POST /checkout'
    )


def test_each_failing_condition_says_what_was_expected_and_found(trace: SpanTree) -> None:
    assert failure(
        trace, "db.query", attributes={"db.system": "sqlite"}, duration="< 50ms", parent=":server"
    ) == (
        'assert_spans("db.query", attributes={"db.system": "sqlite"}, duration="< 50ms",'
        ' parent=":server"): 2 of 3 picked spans failed:\n'
        "POST /checkout › auth.check › db.query\n"
        '    parent: expected one matching ":server", found "auth.check"\n'
        "POST /checkout › db.query (#1 of 2)\n"
        "    duration: 73.2 ms, budget < 50ms\n"
        '    attribute db.system: expected "sqlite", found "postgresql"'
    )


def test_kind_and_status_read_as_in_span_patterns(trace: SpanTree) -> None:
    message = failure(trace, "auth.check", kind="client", status="ERROR: *denied*")

    assert message == (
        'assert_spans("auth.check", kind="CLIENT", status="ERROR: *denied*"):'
        " 1 of 1 picked span failed:\n"
        "POST /checkout › auth.check\n"
        "    kind: expected CLIENT, found INTERNAL\n"
        "    status: expected ERROR, found UNSET\n"
        '    status description: expected "*denied*", found none'
    )


def test_a_relative_budget_shows_the_bound_it_came_to(trace: SpanTree) -> None:
    assert failure(trace, '"POST /checkout" > db.query', duration="< 30% parent") == (
        """assert_spans('"POST /checkout" > db.query', duration="< 30% parent"):"""
        " 1 of 2 picked spans failed:\n"
        "POST /checkout › db.query (#1 of 2)\n"
        "    duration: 73.2 ms, budget < 30% parent = < 30.0 ms"
    )
    assert_spans(trace, "db.query", duration="< 80% trace")


def test_a_duration_may_be_a_matcher_or_predicate_on_nanoseconds(trace: SpanTree) -> None:
    assert_spans(trace, "db.query", duration=int)
    message = failure(trace, "auth.check", duration=glob("x*"))

    assert message.splitlines()[-1] == (
        '    duration: expected glob("x*") (nanoseconds), found 5000000 (5.0 ms)'
    )


def test_selecting_nothing_fails_and_lists_the_nearest_candidates(trace: SpanTree) -> None:
    assert failure(trace, "db.querry") == (
        'assert_spans("db.querry"): the selector picked no span (expected at least one span)\n'
        "nearest candidates:\n"
        '    POST /checkout › auth.check › db.query: the name is not "db.querry"\n'
        '    POST /checkout › db.query (2 spans): the name is not "db.querry"\n'
        "to assert that there is none, pass count=0; to allow none, count=(0, None)"
    )


def test_the_right_span_in_the_wrong_place_is_the_nearest_candidate(trace: SpanTree) -> None:
    lines = failure(trace, "auth.check > db.query[db.system=postgresql]").splitlines()

    assert lines[1:4] == [
        "nearest candidates:",
        "    POST /checkout › db.query: a db.query[db.system=postgresql],"
        " but not auth.check > db.query[db.system=postgresql]",
        '    POST /checkout › auth.check › db.query: [db.system=postgresql]: db.system="sqlite"',
    ]


def test_failed_pseudo_classes_say_what_the_candidate_has(trace: SpanTree) -> None:
    lines = failure(trace, "db.query:error:leaf[rows>1]").splitlines()

    assert lines[2] == (
        "    POST /checkout › auth.check › db.query:"
        " :error: status UNSET; [rows>1]: no attribute rows"
    )


def test_without_any_close_candidate_the_captured_names_are_listed(trace: SpanTree) -> None:
    assert failure(trace, "cache.get").splitlines()[1] == (
        "no span comes close; the 5 captured spans are named"
        ' "POST /checkout", "auth.check", "db.query"'
    )


def test_a_single_captured_span_is_counted_in_the_singular() -> None:
    assert failure(make("a"), "zzz").splitlines()[1] == (
        'no span comes close; the 1 captured span is named "a"'
    )


def test_an_empty_source_says_no_spans_were_captured() -> None:
    assert failure([], "db.query").splitlines()[1] == "no spans were captured"


def test_count_zero_asserts_absence_anywhere(trace: SpanTree) -> None:
    assert assert_spans(trace, "cache.*", count=0) == []
    assert failure(trace, "db.query[db.system=sqlite]", count=0) == (
        'assert_spans("db.query[db.system=sqlite]", count=0): expected no span,'
        " the selector picked 2:\n"
        "    POST /checkout › auth.check › db.query\n"
        "    POST /checkout › db.query"
    )


@pytest.mark.parametrize(
    ("count", "passes"),
    [(3, True), (2, False), ((1, 3), True), ((4, None), False), ((0, None), True), ((0, 2), False)],
)
def test_count_is_exact_or_a_range(trace: SpanTree, count: object, passes: bool) -> None:
    if passes:
        assert len(assert_spans(trace, "db.query", count=count)) == 3  # type: ignore[arg-type]
    else:
        assert "the selector picked 3:" in failure(trace, "db.query", count=count)


def test_a_range_that_allows_none_passes_on_nothing(trace: SpanTree) -> None:
    assert assert_spans(trace, "cache.get", count=(0, None), attributes={"hit": True}) == []


def test_a_range_that_needs_spans_fails_on_nothing_with_candidates(trace: SpanTree) -> None:
    assert failure(trace, "db.querry", count=(2, 5)).splitlines()[0] == (
        'assert_spans("db.querry", count=(2, 5)): the selector picked no span'
        " (expected between 2 and 5 spans)"
    )


def test_a_wrong_count_and_failing_spans_are_both_reported(trace: SpanTree) -> None:
    message = failure(trace, "db.query", count=2, duration="< 10ms")

    assert message.splitlines()[0] == (
        'assert_spans("db.query", count=2, duration="< 10ms"): expected 2 spans,'
        " the selector picked 3:"
    )
    assert "1 of 3 picked spans failed:" in message


def test_many_failures_are_cut_after_ten(trace: SpanTree) -> None:
    root = make("r", *(make("q", duration=5) for _ in range(12)))
    message = failure(root, "q", duration="< 1ns")

    assert message.splitlines()[-1] == "... and 2 more failing spans"
    assert "r › q (#10 of 12)" in message
    assert "r › q (#11 of 12)" not in message


def test_the_exception_carries_the_picked_and_failing_spans(trace: SpanTree) -> None:
    with pytest.raises(SelectedSpansMismatch) as caught:
        assert_spans(trace, "db.query", ancestor="auth.check")

    assert caught.value.selector == "db.query"
    assert caught.value.selected == select(trace, "db.query")
    assert [f.node.path() for f in caught.value.failures] == ["POST /checkout › db.query"] * 2
    assert isinstance(caught.value, AssertionError)
    assert type(caught.value).__module__ == "pytest_filagent_trace"


def test_an_orphan_has_no_ancestor_nor_parent_to_match() -> None:
    orphan = make("db.query", orphan=True)

    assert failure(orphan, "db.query", ancestor="auth.*", parent="auth.*").splitlines()[2:] == [
        '    ancestor: expected one matching "auth.*", found none (an orphan: its parent was'
        " not captured)",
        '    parent: expected one matching "auth.*", found none (an orphan: its parent was not'
        " captured)",
    ]


@pytest.mark.parametrize("count", [-1, True, 1.0, (3, 1), (1,), (None, 2), "1"])
def test_a_count_that_is_not_a_count_is_refused(trace: SpanTree, count: object) -> None:
    with pytest.raises(ValueError, match=r"assert_spans\(count=\.\.\.\) takes None"):
        assert_spans(trace, "db.query", count=count)  # type: ignore[arg-type]


def test_bad_selectors_and_budgets_are_refused_before_looking(trace: SpanTree) -> None:
    with pytest.raises(SelectorError, match="column 3"):
        assert_spans(trace, "a[")
    with pytest.raises(SelectorError, match="column 2"):
        assert_spans(trace, "db.query", ancestor="a)")
    with pytest.raises(ValueError, match=r"invalid duration budget '1\.0 ms'"):
        assert_spans(trace, "db.query", duration="1.0 ms")


def auth_then_query(tracer: Tracer) -> None:
    with tracer.start_as_current_span("auth.check"), tracer.start_as_current_span("db.query"):
        pass


def test_every_source_select_takes_is_accepted() -> None:
    provider = TracerProvider()
    tracer = provider.get_tracer("test")
    with capture_spans(provider) as capture:
        auth_then_query(tracer)

    tree = capture.trace()
    for source in (capture, tree, tree.roots[0], list(tree.roots), capture.raw_spans):
        picked = assert_spans(source, "db.query", ancestor="auth.check", duration="< 10 s")
        assert [node.path() for node in picked] == ["auth.check › db.query"]
