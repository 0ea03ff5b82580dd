"""Unit tests of trace snapshot normalization and serialization (no pytest run inside)."""

from __future__ import annotations

import os
import random
import re
import secrets
import socket
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pytest_filagent_trace._snapshot import (
    SnapshotOptions,
    TraceSnapshotExtension,
    normalize_traces,
    parse_mask_line,
    serialize_traces,
)
from pytest_filagent_trace._spans import (
    SpanEvent,
    SpanNode,
    SpanTree,
    build_trees,
)

# --------------------------------------------------------------------------- builders


@dataclass
class Span:
    """A span to build, with random ids like a real tracer would give it."""

    name: str
    children: list[Span] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    kind: str = "INTERNAL"
    status: str = "UNSET"
    description: str | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    span_id: str = field(default_factory=lambda: secrets.token_hex(8))


def span(name: str, *children: Span, **attributes: Any) -> Span:
    return Span(name, list(children), dict(attributes))


def nodes_of(
    root: Span,
    *,
    trace_id: str | None = None,
    parent_id: str | None = None,
    clock: Iterator[int] | None = None,
) -> list[SpanNode]:
    """Flat SpanNodes of ``root``'s tree, started in the order given by ``clock``."""
    trace_id = trace_id or secrets.token_hex(16)
    clock = clock or iter(range(1, 1_000_000))
    result: list[SpanNode] = []
    stack: list[tuple[Span, str | None]] = [(root, parent_id)]
    while stack:
        item, parent = stack.pop()
        start = next(clock)
        result.append(
            SpanNode(
                name=item.name,
                kind=item.kind,
                status=item.status,
                status_description=item.description,
                attributes=dict(item.attributes),
                events=[SpanEvent(n, dict(a), timestamp=start) for n, a in item.events],
                trace_id=trace_id,
                span_id=item.span_id,
                parent_span_id=parent,
                start_time=start,
                end_time=start + 1_000,
                resource={"host.name": socket.gethostname(), "process.pid": os.getpid()},
            )
        )
        stack.extend((child, item.span_id) for child in reversed(item.children))
    return result


def trees_of(*roots: Span, shuffle: random.Random | None = None) -> list[SpanTree]:
    nodes: list[SpanNode] = []
    for root in roots:
        clock: Iterator[int] | None = None
        if shuffle is not None:
            starts = list(range(1, 10_000))
            shuffle.shuffle(starts)
            clock = iter(starts)
        nodes.extend(nodes_of(root, clock=clock))
    return build_trees(nodes)


def outline(trees: list[SpanTree]) -> str:
    """A minimal text form of normalized trees, independent of render.py."""
    lines: list[str] = []
    for tree in trees:
        lines.append(f"trace {tree.trace_id}")
        stack = [(root, 1) for root in reversed(tree.roots)]
        while stack:
            node, depth = stack.pop()
            attrs = ", ".join(f"{k}={v!r}" for k, v in node.attributes.items())
            flags = " (orphan)" if node.orphan else ""
            lines.append(f"{'  ' * depth}{node.name} {node.span_id}{flags} {{{attrs}}}")
            stack.extend((child, depth + 1) for child in reversed(node.children))
    return "\n".join(lines)


def only_attributes(trees: list[SpanTree]) -> list[dict[str, Any]]:
    return [node.attributes for tree in trees for node in tree.walk()]


# ------------------------------------------------------------------ ids and ordinals


def test_span_ids_become_ordinals_in_reading_order() -> None:
    trees = normalize_traces(trees_of(span("root", span("a"), span("b", span("c")))))

    assert [(n.name, n.span_id, n.parent_span_id) for n in trees[0].walk()] == [
        ("root", "<span#1>", None),
        ("a", "<span#2>", "<span#1>"),
        ("b", "<span#3>", "<span#1>"),
        ("c", "<span#4>", "<span#3>"),
    ]


def test_trace_and_span_ids_inside_attribute_values_become_their_ordinals() -> None:
    child = span("child")
    root = span("root", child)
    (tree,) = trees_of(root)
    tree.roots[0].attributes["log.trace_id"] = tree.trace_id
    tree.roots[0].attributes["traceparent"] = f"00-{tree.trace_id}-{child.span_id}-01"

    (normalized,) = normalize_traces(tree)

    assert normalized.trace_id == "<trace#1>"
    assert normalized.roots[0].attributes == {
        "log.trace_id": "<trace#1>",
        "traceparent": "00-<trace#1>-<span#2>-01",
    }


def test_an_orphans_missing_parent_gets_the_next_span_ordinal() -> None:
    caller = secrets.token_hex(8)
    nodes = nodes_of(span("POST /chat", caller=caller), parent_id=caller)

    (tree,) = normalize_traces(build_trees(nodes))

    root = tree.roots[0]
    assert root.orphan
    assert (root.span_id, root.parent_span_id) == ("<span#1>", "<span#2>")
    assert root.attributes == {"caller": "<span#2>"}


def test_a_uuid_repeated_across_spans_keeps_one_ordinal() -> None:
    conversation, task = str(uuid.uuid4()), str(uuid.uuid4())
    trees = trees_of(
        span(
            "agent.run",
            span("tool.a", conversation_id=conversation, task_id=task),
            conversation_id=conversation,
        )
    )

    assert only_attributes(normalize_traces(trees)) == [
        {"conversation_id": "<uuid#1>"},
        {"conversation_id": "<uuid#1>", "task_id": "<uuid#2>"},
    ]


def test_unknown_hex_ids_are_numbered_by_length() -> None:
    trees = trees_of(span("root", echoed=secrets.token_hex(16), digest=secrets.token_hex(32)))

    assert only_attributes(normalize_traces(trees)) == [
        {"digest": "<hex64#1>", "echoed": "<hex32#1>"}
    ]


def test_uppercase_ids_match_their_lowercase_ordinal() -> None:
    (tree,) = trees_of(span("root"))
    tree.roots[0].attributes["x_trace_id"] = tree.trace_id.upper()

    assert only_attributes(normalize_traces(tree)) == [{"x_trace_id": "<trace#1>"}]


# ------------------------------------------------------------- built-in value masks


def test_ports_are_masked_and_loopback_hosts_kept() -> None:
    trees = trees_of(
        span(
            "GET /search",
            **{
                "url.full": "http://127.0.0.1:53211/search?q=x",
                "server.port": 53211,
                "peer": "localhost:8000",
                "clock": "12:30",
            },
        )
    )

    assert only_attributes(normalize_traces(trees)) == [
        {
            "clock": "12:30",
            "peer": "localhost:<port>",
            "server.port": "<port>",
            "url.full": "http://127.0.0.1:<port>/search?q=x",
        }
    ]


def test_the_machines_host_name_is_masked_in_urls() -> None:
    host = socket.gethostname()
    if host in {"localhost", ""} or len(host) < 2:
        pytest.skip(f"host name {host!r} is not distinctive enough to mask")
    trees = trees_of(span("call", url=f"http://{host}:9000/x", plain=f"https://{host}/y"))

    assert only_attributes(normalize_traces(trees)) == [
        {"plain": "https://<host>/y", "url": "http://<host>:<port>/x"}
    ]


def test_the_host_name_as_a_plain_word_is_kept() -> None:
    # A machine named like a common word ("build", "vm") must not change snapshot text
    # from one machine to the next.
    host = socket.gethostname()
    trees = trees_of(span("call", who=f"served by {host}"))

    assert only_attributes(normalize_traces(trees)) == [{"who": f"served by {host}"}]


def test_numbers_after_a_colon_that_is_not_a_host_are_kept() -> None:
    trees = trees_of(span("x", ratio="3:45", note="retry: 10", ipv6="[::1]:8080"))

    assert only_attributes(normalize_traces(trees)) == [
        {"ipv6": "[::1]:<port>", "note": "retry: 10", "ratio": "3:45"}
    ]


def test_a_dashed_run_that_is_no_uuid_keeps_its_other_parts() -> None:
    trees = trees_of(span("x", build="2024-01-31-1234-ABCDEF", key=f"K-{'AB12' * 4}-Z"))

    assert only_attributes(normalize_traces(trees)) == [
        {"build": "2024-01-31-1234-ABCDEF", "key": "K-<hex16#1>-Z"}
    ]


def test_hex_runs_inside_words_are_kept() -> None:
    word = "x" + "ab" * 10 + "z"
    trees = trees_of(span("x", word=word))

    assert only_attributes(normalize_traces(trees)) == [{"word": word}]


def test_rootdir_and_temporary_paths_are_masked() -> None:
    temp = tempfile.gettempdir()
    trees = trees_of(
        span(
            "file_read",
            source="/srv/checkout/app/data/a.txt",
            tmp_path=f"{temp}/pytest-of-ci/pytest-17/test_read0/data/a.txt",
            mkdtemp=f"{temp}/tmpk2j4x9/a.txt",
        )
    )

    normalized = normalize_traces(trees, SnapshotOptions(rootdir="/srv/checkout"))

    assert only_attributes(normalized) == [
        {
            "mkdtemp": "<tmp>/a.txt",
            "source": "<rootdir>/app/data/a.txt",
            "tmp_path": "<tmp_path>/data/a.txt",
        }
    ]


def test_a_path_that_only_starts_like_the_rootdir_is_kept() -> None:
    trees = trees_of(span("x", other="/srv/checkout-old/a.txt"))

    normalized = normalize_traces(trees, SnapshotOptions(rootdir="/srv/checkout"))

    assert only_attributes(normalized) == [{"other": "/srv/checkout-old/a.txt"}]


def test_volatile_attributes_keep_their_name_with_a_masked_value() -> None:
    trees = trees_of(
        span(
            "tool.execute.calculator",
            **{
                "tool.duration_ms": 3.25,
                "process.pid": 4242,
                "thread.id": 139,
                "thread.name": "ThreadPoolExecutor-0_3",
                "user_agent.original": "python-httpx/0.28.1",
                "tool.name": "calculator",
            },
        )
    )

    assert only_attributes(normalize_traces(trees)) == [
        {
            "process.pid": "<pid>",
            "thread.id": "<thread.id>",
            "thread.name": "<thread.name>",
            "tool.duration_ms": "<duration>",
            "tool.name": "calculator",
            "user_agent.original": "<user-agent>",
        }
    ]


def test_event_attributes_are_masked_like_span_attributes() -> None:
    failing = span("tool.execute.file_read")
    failing.events.append(
        ("exception", {"exception.stacktrace": 'File "/x.py"', "exception.type": "OSError"})
    )

    (tree,) = normalize_traces(trees_of(failing))

    event = tree.roots[0].events[0]
    assert (event.name, event.attributes, event.timestamp) == (
        "exception",
        {"exception.stacktrace": "<stacktrace>", "exception.type": "OSError"},
        0,
    )


def test_ids_inside_names_and_status_descriptions_are_masked() -> None:
    job = str(uuid.uuid4())
    failing = span(f"job {job}")
    failing.status, failing.description = "ERROR", f"job {job} failed"

    (tree,) = normalize_traces(trees_of(failing))

    root = tree.roots[0]
    assert (root.name, root.status, root.status_description) == (
        "job <uuid#1>",
        "ERROR",
        "job <uuid#1> failed",
    )


def test_without_default_masks_values_are_kept_verbatim() -> None:
    conversation = str(uuid.uuid4())
    trees = trees_of(span("root", conversation_id=conversation, **{"server.port": 8123}))

    normalized = normalize_traces(trees, SnapshotOptions(default_masks=False))

    assert only_attributes(normalized) == [{"conversation_id": conversation, "server.port": 8123}]


def test_sequence_values_are_masked_item_by_item() -> None:
    ids = (str(uuid.uuid4()), "plain")
    trees = trees_of(span("root", ids=ids))

    assert only_attributes(normalize_traces(trees)) == [{"ids": ("<uuid#1>", "plain")}]


# ------------------------------------------------------------- user masks and filters


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


# ----------------------------------------------------------------------- canonical order


def test_siblings_are_ordered_by_name_then_attributes() -> None:
    root = span("run", span("tool.b", i=2), span("tool.a", i=9), span("tool.b", i=1))

    (tree,) = normalize_traces(trees_of(root))

    assert [(c.name, c.attributes) for c in tree.roots[0].children] == [
        ("tool.a", {"i": 9}),
        ("tool.b", {"i": 1}),
        ("tool.b", {"i": 2}),
    ]


def test_numbers_order_siblings_by_value_not_by_text() -> None:
    values = [10, 2, -3, 2.5, -0.5, 1]
    root = span("run", *(span("task", n=value) for value in values))

    (tree,) = normalize_traces(trees_of(root))

    assert [c.attributes["n"] for c in tree.roots[0].children] == [-3, -0.5, 1, 2, 2.5, 10]


def test_values_of_different_types_order_without_error() -> None:
    root = span("run", span("x", v="1"), span("x", v=1), span("x", v=True), span("x", v=(1, "a")))

    (tree,) = normalize_traces(trees_of(root))

    assert [c.attributes["v"] for c in tree.roots[0].children] == [True, 1, "1", (1, "a")]


def test_siblings_equal_on_their_own_line_are_ordered_by_their_subtrees() -> None:
    root = span("run", span("task", span("tool.z")), span("task", span("tool.a")))

    (tree,) = normalize_traces(trees_of(root))

    assert [c.children[0].name for c in tree.roots[0].children] == ["tool.a", "tool.z"]


def test_start_order_keeps_siblings_as_they_started() -> None:
    root = span("run", span("tool.b"), span("tool.a"))

    (tree,) = normalize_traces(trees_of(root), SnapshotOptions(order="start"))

    assert [c.name for c in tree.roots[0].children] == ["tool.b", "tool.a"]


def test_traces_are_ordered_by_their_roots_not_by_start_time() -> None:
    trees = trees_of(span("POST /chat"), span("GET /health"))

    assert [t.roots[0].name for t in normalize_traces(trees)] == ["GET /health", "POST /chat"]
    assert [t.trace_id for t in normalize_traces(trees)] == ["<trace#1>", "<trace#2>"]


def test_orphans_come_after_the_true_roots_of_their_trace() -> None:
    trace_id = secrets.token_hex(16)
    nodes = nodes_of(span("z.root"), trace_id=trace_id)
    nodes += nodes_of(span("a.orphan"), trace_id=trace_id, parent_id=secrets.token_hex(8))

    (tree,) = normalize_traces(build_trees(nodes))

    assert [(r.name, r.orphan) for r in tree.roots] == [("z.root", False), ("a.orphan", True)]


def test_output_does_not_depend_on_start_order_or_ids() -> None:
    def build(seed: int) -> str:
        conversation = str(uuid.uuid4())
        tools = [
            span("tool.execute.calculator", conversation_id=conversation, expr=str(i % 3))
            for i in range(6)
        ]
        root = span("POST /chat", span("agent.route"), span("agent.run_with_htn", *tools))
        return outline(normalize_traces(trees_of(root, shuffle=random.Random(seed))))

    assert len({build(seed) for seed in range(20)}) == 1


def test_spans_from_parallel_threads_normalize_identically_on_every_run() -> None:
    def run_once() -> str:
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("agent.htn.execution"):
            parent = otel_context.get_current()
            barrier = threading.Barrier(4)

            def task(index: int) -> None:
                token = otel_context.attach(parent)
                try:
                    barrier.wait(timeout=5)
                    with tracer.start_as_current_span(
                        f"tool.execute.t{index % 2}", attributes={"task": index}
                    ):
                        pass
                finally:
                    otel_context.detach(token)

            threads = [threading.Thread(target=task, args=(i,)) for i in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=5)
        return outline(normalize_traces(exporter.get_finished_spans()))

    runs = {run_once() for _ in range(10)}

    assert len(runs) == 1
    assert "tool.execute.t0 <span#2> {task=0}" in runs.pop()


# ----------------------------------------------------------------- inputs and safety


def test_the_input_trees_are_not_modified() -> None:
    (tree,) = trees_of(span("root", span("b"), span("a"), port=1))
    before = outline([tree])

    normalize_traces(tree)

    assert outline([tree]) == before


def test_clocks_and_resources_are_dropped() -> None:
    (tree,) = normalize_traces(trees_of(span("root", span("child"))))

    assert {(n.start_time, n.end_time, n.duration_ns) for n in tree.walk()} == {(0, 0, 0)}
    assert all(n.resource == {} for n in tree.walk())


def test_a_flat_list_of_linked_spans_means_their_trees_once() -> None:
    (tree,) = trees_of(span("root", span("a", span("a1")), span("b")))

    assert outline(normalize_traces(tree.spans)) == outline(normalize_traces(tree))


def test_selected_spans_are_snapshotted_with_their_subtrees_only() -> None:
    (tree,) = trees_of(span("root", span("tool.a", span("GET")), span("agent.route")))

    (normalized,) = normalize_traces(tree.find("tool.*"))

    assert [n.name for n in normalized.walk()] == ["tool.a", "GET"]


def test_finished_sdk_spans_are_accepted(
    sdk: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = sdk
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
        pass

    (tree,) = normalize_traces(exporter.get_finished_spans())

    assert [n.name for n in tree.walk()] == ["outer", "inner"]


@pytest.mark.parametrize("bad", ["POST /chat", 42, [1, 2]])
def test_other_inputs_are_rejected_naming_what_was_found(bad: object) -> None:
    with pytest.raises(TypeError, match="a trace snapshot takes a TraceCapture, a SpanTree"):
        normalize_traces(bad)


def test_a_tree_deeper_than_the_recursion_limit_is_normalized() -> None:
    depth = sys.getrecursionlimit() + 500
    nodes: list[SpanNode] = []
    parent: str | None = None
    trace_id = secrets.token_hex(16)
    for index in range(depth):
        span_id = secrets.token_hex(8)
        nodes += nodes_of(
            Span(f"level{index % 3}", span_id=span_id), trace_id=trace_id, parent_id=parent
        )
        parent = span_id

    (tree,) = normalize_traces(build_trees(nodes))

    assert len(tree) == depth


# ----------------------------------------------------------------- serialization


def test_serialize_renders_each_normalized_trace_and_ends_with_a_newline() -> None:
    from pytest_filagent_trace._textform import render_tree

    trees = trees_of(span("POST /chat", span("agent.route")), span("GET /health"))

    text = serialize_traces(trees)

    expected = [render_tree(tree, width=100) for tree in normalize_traces(trees)]
    assert text == "\n\n".join(expected) + "\n"


def test_serialize_of_nothing_says_so() -> None:
    assert serialize_traces([]) == "(no spans)\n"


def test_the_extension_serializes_with_its_class_options() -> None:
    class NoPorts(TraceSnapshotExtension):
        options = SnapshotOptions().with_attributes(exclude=["server.port"])

    trees = trees_of(span("GET", **{"server.port": 80, "ok": True}))

    assert NoPorts().serialize(trees) == serialize_traces(trees, NoPorts.options)
    assert "server.port" not in str(NoPorts().serialize(trees))


def test_the_extension_rejects_syrupy_property_filters() -> None:
    with pytest.raises(ValueError, match=r"with_attributes\(include=\[...\], exclude=\[...\]\)"):
        TraceSnapshotExtension().serialize([], exclude=lambda **_: True)


# ------------------------------------------------------------------ property


_names = st.sampled_from(["agent.route", "tool.a", "tool.b", "GET"])


@st.composite
def span_trees(draw: st.DrawFn, depth: int = 3) -> Span:
    name = draw(_names)
    attributes: Mapping[str, Any] = draw(
        st.dictionaries(st.sampled_from(["k", "ok", "n"]), st.integers(0, 2), max_size=2)
    )
    children = draw(st.lists(span_trees(depth=depth - 1), max_size=3)) if depth > 0 else []
    return Span(name, children, dict(attributes))


@given(root=span_trees(), seeds=st.tuples(st.integers(), st.integers()))
def test_any_tree_normalizes_the_same_whatever_the_start_order(
    root: Span, seeds: tuple[int, int]
) -> None:
    first, second = (
        outline(normalize_traces(trees_of(root, shuffle=random.Random(seed)))) for seed in seeds
    )

    assert first == second


def test_equal_values_of_different_types_keep_their_own_text() -> None:
    # True == 1 == 1.0 and 0.0 == -0.0: a snapshot still writes each as it was recorded.
    trees = trees_of(
        span(
            "root",
            span("a", k=True),
            span("b", k=1),
            span("c", k=1.0),
            span("d", k=0.0),
            span("e", k=-0.0),
        )
    )

    text = serialize_traces(trees)

    for line in ("a {k=True}", "b {k=1}", "c {k=1.0}", "d {k=0.0}", "e {k=-0.0}"):
        assert line in text


def test_a_value_the_writer_cannot_hash_is_still_written() -> None:
    node = nodes_of(span("root"))[0]
    node.attributes = {"items": ["a", ["b"]], "k": {"x": 1}}

    assert serialize_traces([node]) == 'root {items=["a", ["b"]], k={"x": 1}}\n'
