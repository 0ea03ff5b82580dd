"""In-memory capture of finished spans, isolated per test without touching global state.

One :class:`CaptureProcessor` is added once to each tracer provider the program uses.
It appends every finished span to the :class:`TraceCapture` that is open at that moment
(the current test's), so isolation comes from switching that target, never from
resetting OpenTelemetry's globals. Outside pytest, :func:`capture_spans` opens one.

Example:
    >>> from opentelemetry import trace
    >>> from pytest_filagent_trace import capture_spans
    >>> with capture_spans() as capture:
    ...     with trace.get_tracer("demo").start_as_current_span("work"):
    ...         pass
    >>> [node.name for node in capture.spans]
    ['work']
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk.trace import ReadableSpan

from pytest_filagent_trace._capture.errors import (
    LogsNotCapturedError,
    SpanWaitTimeoutError,
    TraceLookupError,
)
from pytest_filagent_trace._capture.waiting import (
    POLL_SECONDS,
    describe_name,
    refuse_on_event_loop,
    wait_check,
)
from pytest_filagent_trace._spans import (
    SpanNode,
    SpanTree,
    link_trees,
    node_matches,
    nodes_from_spans,
    numbered_paths,
)
from pytest_filagent_trace._textform import format_value

if TYPE_CHECKING:
    from pytest_filagent_trace._logs import LogCapture
    from pytest_filagent_trace._select import Selector
    from pytest_filagent_trace._types import NamePattern, WaitCondition


_HEX_TRACE_ID = re.compile(r"(?:0x)?([0-9a-fA-F]{32})")
_LISTED = 20  # spans named in an error message before the list is cut


class TraceCapture:
    """The spans that ended while this capture was open, in end order, with query helpers.

    In pytest it is the ``trace_capture`` fixture; elsewhere :func:`capture_spans` opens one.

    Example:
        >>> def test_checkout(trace_capture):  # doctest: +SKIP
        ...     client.post("/checkout")
        ...     assert trace_capture.trace().root.name == "POST /checkout"
    """

    def __init__(
        self, *, sources: Callable[[], str] | None = None, logs: LogCapture | None = None
    ) -> None:
        self._raw: list[ReadableSpan] = []
        # span id -> the live span until it ends, in creation order; kept by the processor
        self._started: dict[int, Any] = {}
        self._sources = sources
        self._logs = logs
        self._cache_key: tuple[int, int] | None = None
        self._generation = 0
        self._nodes: list[SpanNode] = []
        self._trees: list[SpanTree] = []
        self._lock = threading.Lock()

    # -- views -----------------------------------------------------------------------------

    @property
    def raw_spans(self) -> list[ReadableSpan]:
        """The finished SDK spans themselves, in end order (a copy of the list)."""
        return list(self._raw)

    @property
    def spans(self) -> list[SpanNode]:
        """Every captured span as a :class:`SpanNode`, in end order, linked into its tree.

        Example:
            >>> [node.name for node in capture.spans]  # doctest: +SKIP
            ['agent.route', 'tool.execute.calculator', 'agent.run_simple', 'POST /chat']
        """
        return list(self._refresh()[0])

    def traces(self) -> list[SpanTree]:
        """One :class:`SpanTree` per trace id, in the order the traces started.

        Example:
            >>> [tree.roots[0].name for tree in capture.traces()]  # doctest: +SKIP
            ['POST /chat', 'GET /health']
        """
        return list(self._refresh()[1])

    def trace(self, trace_id: str | int | None = None) -> SpanTree:
        """The only captured trace, or the one with ``trace_id``.

        ``trace_id`` may be the 32 hex digits a service returns (e.g. in ``X-Trace-ID``,
        any case, optional ``0x``) or the integer id. Raises :class:`TraceLookupError`
        listing the captured traces when none or several match.

        Example:
            >>> response = client.post("/chat", json=payload)  # doctest: +SKIP
            >>> tree = capture.trace(response.headers["X-Trace-ID"])  # doctest: +SKIP
        """
        __tracebackhide__ = True
        trees = self.traces()
        if trace_id is None:
            if len(trees) == 1:
                return trees[0]
            if not trees:
                raise TraceLookupError(f"expected exactly one trace, found none. {self._nothing()}")
            raise TraceLookupError(
                f"expected exactly one trace, found {len(trees)}:\n"
                f"{_list_traces(trees)}\n"
                "pass trace_id=... (e.g. the X-Trace-ID response header) to pick one"
            )
        wanted = _normalize_trace_id(trace_id)
        for tree in trees:
            if tree.trace_id == wanted:
                return tree
        found = _list_traces(trees) if trees else f"  none. {self._nothing()}"
        raise TraceLookupError(
            f"no trace with id {wanted}; captured traces ({len(trees)}):\n{found}"
        )

    def find(
        self,
        name: NamePattern = "*",
        /,
        attributes: Mapping[str, Any] | None = None,
        **attribute_kwargs: Any,
    ) -> list[SpanNode]:
        """Spans, in end order, whose name and attributes match.

        ``name`` is exact, a glob (``tool.execute.*``) or a compiled regex. Attribute
        names with dots go in ``attributes={...}``; others may be keywords. A value
        matches by equality, a compiled regex (searched) or a callable returning true.

        Example:
            >>> capture.find("tool.execute.*", attributes={"tool.execution.success": False})
            ... # doctest: +SKIP
            [<SpanNode 'POST /chat › agent.run_simple › tool.execute.calculator' ...>]
        """
        wanted = {**(attributes or {}), **attribute_kwargs}
        return [node for node in self._refresh()[0] if node_matches(node, name, wanted)]

    def get(
        self,
        name: NamePattern,
        /,
        attributes: Mapping[str, Any] | None = None,
        **attribute_kwargs: Any,
    ) -> SpanNode:
        """The one span :meth:`find` returns; raises :class:`TraceLookupError` otherwise.

        Example:
            >>> capture.get("agent.route").attributes["route.mode"]  # doctest: +SKIP
            'htn'
        """
        __tracebackhide__ = True
        found = self.find(name, attributes, **attribute_kwargs)
        if len(found) == 1:
            return found[0]
        wanted = {**(attributes or {}), **attribute_kwargs}
        what = f"span {describe_name(name)}" + (f" with {wanted!r}" if wanted else "")
        if found:
            raise TraceLookupError(
                f"expected one {what}, found {len(found)}:\n{_told_apart(found[:_LISTED])}"
                + (f"\n  ... and {len(found) - _LISTED} more" if len(found) > _LISTED else "")
                + "\npass attributes=... to pick one, or use find() for all of them"
            )
        raise TraceLookupError(f"expected one {what}, found none. {self._candidates()}")

    def select(self, selector: str | Selector) -> list[SpanNode]:
        """Spans matching a CSS-like selector, e.g. ``"agent.run_with_htn > tool.execute.*"``.

        The grammar is documented in :mod:`pytest_filagent_trace._select.selectors`.

        Example:
            >>> capture.select("tool.execute.*[tool.execution.success=false]")  # doctest: +SKIP
            [<SpanNode 'POST /chat › agent.run_simple › tool.execute.calculator' ...>]
        """
        __tracebackhide__ = True
        from pytest_filagent_trace._select import select

        return select(self, selector)

    def wait_for(self, condition: WaitCondition, timeout: float = 5.0) -> list[SpanNode]:
        """Wait until spans ended by other threads arrive; return the ones waited for.

        ``condition`` is a count (at least that many spans in total), a name pattern (a
        span with that name) or a predicate on a :class:`SpanNode`. Raises
        :class:`SpanWaitTimeoutError` saying what was awaited and what arrived. On a
        thread that runs an event loop it raises ``RuntimeError`` at once: there, use
        :meth:`wait_for_async`.

        Example:
            >>> worker.submit(job)  # doctest: +SKIP
            >>> [done] = capture.wait_for("job.finished", timeout=2.0)  # doctest: +SKIP
        """
        __tracebackhide__ = True
        refuse_on_event_loop()
        check, what = wait_check(condition)
        deadline = time.monotonic() + timeout
        while True:
            nodes = self._refresh()[0]
            found = check(nodes)
            if found or time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        return found or self._timed_out(timeout, what, nodes)

    async def wait_for_async(
        self, condition: WaitCondition, timeout: float = 5.0
    ) -> list[SpanNode]:
        """:meth:`wait_for` for async tests: awaits, so the loop's own tasks keep running.

        Example:
            >>> task = asyncio.create_task(handle(request))  # doctest: +SKIP
            >>> [done] = await capture.wait_for_async("handle", timeout=2.0)  # doctest: +SKIP
        """
        __tracebackhide__ = True
        check, what = wait_check(condition)
        deadline = time.monotonic() + timeout
        while True:
            nodes = self._refresh()[0]
            found = check(nodes)
            if found or time.monotonic() >= deadline:
                break
            await asyncio.sleep(POLL_SECONDS)
        return found or self._timed_out(timeout, what, nodes)

    def _timed_out(self, timeout: float, what: str, nodes: list[SpanNode]) -> list[SpanNode]:
        __tracebackhide__ = True
        raise SpanWaitTimeoutError(
            f"waited {timeout:g} s for {what}; {len(nodes)} span(s) arrived"
            + (":\n" + _list_nodes(nodes) if nodes else f". {self.describe_sources()}")
        )

    def clear(self) -> None:
        """Forget every span captured so far (e.g. those of a warm-up request)."""
        with self._lock:
            self._raw.clear()
            self._generation += 1

    def release(self) -> None:
        """Drop every span and tree, for good: the plugin calls it once a test's report is done.

        What a test kept of the capture (nodes, trees) stays usable; the capture is empty.
        """
        with self._lock:
            self._raw = []
            self._started = {}
            self._nodes = []
            self._trees = []
            self._cache_key = None
            self._generation += 1

    @property
    def logs(self) -> LogCapture:
        """The log records emitted while the spans were captured, for correlation checks.

        The ``trace_capture`` fixture records them for its test; :func:`capture_spans`
        does with ``logs=True``. See :mod:`pytest_filagent_trace._logs.logs`.

        Example:
            >>> assert_logs_correlated(trace_capture)  # doctest: +SKIP
            >>> trace_capture.logs.events()  # doctest: +SKIP
            ['routing request', 'tool finished']
        """
        if self._logs is None:
            raise LogsNotCapturedError(
                "no logs were captured alongside these spans: use the trace_capture fixture, "
                "or capture_spans(logs=True)"
            )
        return self._logs

    def __len__(self) -> int:
        return len(self._raw)

    def __iter__(self) -> Iterator[SpanNode]:
        return iter(self.spans)

    def __repr__(self) -> str:
        nodes, trees = self._refresh()
        return f"<TraceCapture {len(nodes)} span(s) in {len(trees)} trace(s)>"

    # -- internals -------------------------------------------------------------------------

    def _refresh(self) -> tuple[list[SpanNode], list[SpanTree]]:
        # Rebuilt only when spans arrived or were cleared; fresh nodes each time so a tree
        # returned earlier is never relinked under the caller's feet.
        with self._lock:
            raw = list(self._raw)
            key = (self._generation, len(raw))
            if key != self._cache_key:
                nodes = nodes_from_spans(raw)
                self._trees = link_trees(nodes, _positions(self._started))
                self._nodes = nodes
                self._cache_key = key
            return self._nodes, self._trees

    def describe_sources(self) -> str:
        """Where this capture takes spans from, for messages about an empty capture.

        Example:
            >>> trace_capture.describe_sources()  # doctest: +SKIP
            'Spans are captured from: the global tracer provider (SDK TracerProvider).'
        """
        return self._sources() if self._sources is not None else ""

    def _nothing(self) -> str:
        return f"No span ended while the capture was open. {self.describe_sources()}".strip()

    def _candidates(self) -> str:
        nodes = self._refresh()[0]
        if not nodes:
            return self._nothing()
        return "Captured spans:\n" + _list_nodes(nodes)


def _positions(started: dict[int, Any]) -> dict[int, int]:
    """Span id -> its place in creation order."""
    return {span_id: index for index, span_id in enumerate(list(started))}


def _value_text(value: Any) -> str:
    return "absent" if value is None else format_value(value)


def _told_apart(nodes: list[SpanNode]) -> str:
    """Spans listed by path; equal paths get their ordinal and the attributes that differ."""
    numbered = numbered_paths(nodes)
    twins: dict[str, list[SpanNode]] = {}
    for node, (path, _, _) in zip(nodes, numbered, strict=True):
        twins.setdefault(path, []).append(node)
    lines = []
    for node, (path, ordinal, total) in zip(nodes, numbered, strict=True):
        if total == 1:
            lines.append(f"  {path}")
            continue
        group = twins[path]
        keys = sorted({key for twin in group for key in twin.attributes})
        differing = [
            key for key in keys if len({repr(twin.attributes.get(key)) for twin in group}) > 1
        ]
        shown = ", ".join(f"{key}={_value_text(node.attributes.get(key))}" for key in differing)
        lines.append(f"  {path} (#{ordinal} of {total}{'; ' + shown if shown else ''})")
    return "\n".join(lines)


def _list_nodes(nodes: list[SpanNode]) -> str:
    lines = [f"  {node.path()}" for node in nodes[:_LISTED]]
    if len(nodes) > _LISTED:
        lines.append(f"  ... and {len(nodes) - _LISTED} more")
    return "\n".join(lines)


def _list_traces(trees: list[SpanTree]) -> str:
    lines = []
    for tree in trees:
        roots = ", ".join(repr(root.name) for root in tree.roots)
        lines.append(f"  {tree.trace_id}: {len(tree)} span(s), root {roots}")
    return "\n".join(lines)


def _normalize_trace_id(trace_id: str | int) -> str:
    if isinstance(trace_id, int):
        return format(trace_id, "032x")
    match = _HEX_TRACE_ID.fullmatch(trace_id.strip())
    if match is None:
        raise ValueError(f"trace_id must be 32 hexadecimal digits, got {trace_id!r}")
    return match.group(1).lower()
