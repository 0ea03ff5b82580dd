"""In-memory capture of finished spans, isolated per test without touching global state.

One :class:`CaptureProcessor` is added once to each tracer provider the program uses.
It appends every finished span to the :class:`TraceCapture` that is open at that moment
(the current test's), so isolation comes from switching that target, never from
resetting OpenTelemetry's globals. Outside pytest, :func:`capture_spans` opens one.

Example:
    >>> from opentelemetry import trace
    >>> with capture_spans() as capture:
    ...     with trace.get_tracer("demo").start_as_current_span("work"):
    ...         pass
    >>> [node.name for node in capture.spans]
    ['work']
"""

from __future__ import annotations

import importlib
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider

from pytest_filagent_trace._spans.tree import (
    SpanNode,
    SpanTree,
    link_trees,
    matches_name,
    node_from_span,
    node_matches,
)

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import Span

    from pytest_filagent_trace._logs.logs import LogCapture
    from pytest_filagent_trace._select.selectors import Selector
    from pytest_filagent_trace._types import NamePattern, SupportsSpanProcessors, WaitCondition

__all__ = [
    "CaptureProcessor",
    "LeakedSpan",
    "LogsNotCapturedError",
    "ProviderAttachments",
    "ProviderConfigError",
    "SpanLeakWarning",
    "SpanWaitTimeoutError",
    "TraceCapture",
    "TraceCaptureError",
    "TraceLookupError",
    "capture_spans",
    "load_provider",
]

_HEX_TRACE_ID = re.compile(r"(?:0x)?([0-9a-fA-F]{32})")
_POLL_SECONDS = 0.005
_LISTED = 20  # spans named in an error message before the list is cut


class TraceCaptureError(Exception):
    """Base class of the errors :class:`TraceCapture` raises for a test to read."""


class TraceLookupError(TraceCaptureError, LookupError):
    """``trace()`` or ``get()`` found no match or several; the message lists what was there."""


class SpanWaitTimeoutError(TraceCaptureError, TimeoutError):
    """``wait_for()`` timed out; the message says what it waited for and what arrived."""


class LogsNotCapturedError(TraceCaptureError, AttributeError):
    """``logs`` was read from a capture opened without log capture."""


class ProviderConfigError(TraceCaptureError):
    """``trace_capture_provider`` names no usable tracer provider; the message says why."""


class SpanLeakWarning(UserWarning):
    """A span started during a test was still open when the test finished."""


@dataclass(frozen=True)
class LeakedSpan:
    """A span started by a test and not ended when that test finished."""

    name: str
    test_id: str
    trace_id: str
    span_id: str

    def describe(self) -> str:
        """One line naming the span and the test that started it.

        Example:
            >>> LeakedSpan("GET /slow", "test_app.py::test_a", "ab" * 16, "cd" * 8).describe()
            "span 'GET /slow' (trace abababababababababababababababab) started by test_app.py::test_a was still open when that test finished"
        """  # noqa: E501 - a doctest output line cannot be wrapped
        return (
            f"span {self.name!r} (trace {self.trace_id}) started by {self.test_id} "
            "was still open when that test finished"
        )


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
        what = f"span {_describe_name(name)}" + (f" with {wanted!r}" if wanted else "")
        if found:
            listed = "\n".join(f"  {node.path()}" for node in found[:_LISTED])
            raise TraceLookupError(f"expected one {what}, found {len(found)}:\n{listed}")
        raise TraceLookupError(f"expected one {what}, found none. {self._candidates()}")

    def select(self, selector: str | Selector) -> list[SpanNode]:
        """Spans matching a CSS-like selector, e.g. ``"agent.run_with_htn > tool.execute.*"``.

        The grammar is documented in :mod:`pytest_filagent_trace._select.selectors`.

        Example:
            >>> capture.select("tool.execute.*[tool.execution.success=false]")  # doctest: +SKIP
            [<SpanNode 'POST /chat › agent.run_simple › tool.execute.calculator' ...>]
        """
        __tracebackhide__ = True
        from pytest_filagent_trace._select.selectors import select

        return select(self, selector)

    def wait_for(self, condition: WaitCondition, timeout: float = 5.0) -> list[SpanNode]:
        """Wait until spans ended by other threads or tasks arrive; return the ones waited for.

        ``condition`` is a count (at least that many spans in total), a name pattern (a
        span with that name) or a predicate on a :class:`SpanNode`. Raises
        :class:`SpanWaitTimeoutError` saying what was awaited and what arrived.

        Example:
            >>> worker.submit(job)  # doctest: +SKIP
            >>> [done] = capture.wait_for("job.finished", timeout=2.0)  # doctest: +SKIP
        """
        __tracebackhide__ = True
        check, what = _wait_check(condition)
        deadline = time.monotonic() + timeout
        while True:
            nodes = self._refresh()[0]
            found = check(nodes)
            if found:
                return found
            if time.monotonic() >= deadline:
                break
            time.sleep(_POLL_SECONDS)
        raise SpanWaitTimeoutError(
            f"waited {timeout:g} s for {what}; {len(nodes)} span(s) arrived"
            + (":\n" + _list_nodes(nodes) if nodes else f". {self._source_note()}")
        )

    def clear(self) -> None:
        """Forget every span captured so far (e.g. those of a warm-up request)."""
        with self._lock:
            self._raw.clear()
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
                nodes = [node_from_span(span) for span in raw]
                self._trees = link_trees(nodes)
                self._nodes = nodes
                self._cache_key = key
            return self._nodes, self._trees

    def _source_note(self) -> str:
        return self._sources() if self._sources is not None else ""

    def _nothing(self) -> str:
        return f"No span ended while the capture was open. {self._source_note()}".strip()

    def _candidates(self) -> str:
        nodes = self._refresh()[0]
        if not nodes:
            return self._nothing()
        return "Captured spans:\n" + _list_nodes(nodes)


def _describe_name(name: NamePattern) -> str:
    return f"matching /{name.pattern}/" if isinstance(name, re.Pattern) else repr(name)


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


def _wait_check(
    condition: WaitCondition,
) -> tuple[Callable[[list[SpanNode]], list[SpanNode]], str]:
    if isinstance(condition, bool):
        raise TypeError("wait_for() takes a span count, a name pattern or a predicate, not a bool")
    if isinstance(condition, int):
        count = condition
        return (lambda nodes: nodes if len(nodes) >= count else []), f"{count} span(s)"
    if isinstance(condition, (str, re.Pattern)):
        pattern = condition
        return (
            lambda nodes: [node for node in nodes if matches_name(node.name, pattern)],
            f"a span named {_describe_name(pattern)}",
        )
    predicate = condition
    label = getattr(predicate, "__qualname__", None) or repr(predicate)
    return (
        lambda nodes: [node for node in nodes if predicate(node)],
        f"a span satisfying {label}",
    )


class CaptureProcessor(SpanProcessor):
    """Appends each finished span to the open :class:`TraceCapture`; notes leaked spans.

    Added once to each provider, it stays for the whole run: opening a capture only
    switches the list ``on_end`` appends to. Per span that costs a dict insert in
    ``on_start`` and a pop when the span ends (the spans a test started and has not ended
    are its leaks), and one list append in ``on_end``; spans are never kept alive past
    their end by the bookkeeping. See ``bench/capture_overhead.py`` for the cost against
    the bare SDK.

    Example:
        >>> processor = CaptureProcessor()
        >>> provider.add_span_processor(processor)  # doctest: +SKIP
        >>> with processor.capturing(TraceCapture()) as capture:  # doctest: +SKIP
        ...     run_program()
    """

    def __init__(self) -> None:
        self._sink: list[ReadableSpan] | None = None
        # Spans the open test started and that have not ended, by identity. on_start adds
        # to _recording and _on_ending pops from _started: the same dict, except while
        # paused, when nothing new is recorded but ends are still noted.
        self._recording: dict[Span, None] | None = None
        self._started: dict[Span, None] = {}
        self._owner: str | None = None
        self._leaked: dict[int, LeakedSpan] = {}
        self._capture: TraceCapture | None = None

    # -- SpanProcessor -----------------------------------------------------------------------

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Remember spans started by the open test, to report those it leaves open."""
        recording = self._recording
        if recording is not None:
            recording[span] = None

    def _on_ending(self, span: Span) -> None:
        # The SDK (1.35+) calls this with the live span just before on_end; forgetting the
        # span here keeps it from living on until the test ends. Older SDKs never call
        # it, and close_test then tells ended spans apart by their end_time.
        started = self._started
        if started:
            started.pop(span, None)

    def on_end(self, span: ReadableSpan) -> None:
        """Append ``span`` to the open capture, unless an earlier test leaked it."""
        if self._leaked and self._late(span):
            return
        sink = self._sink
        if sink is not None:
            sink.append(span)

    def shutdown(self) -> None:
        """Nothing to release; a provider shutting down must not stop other providers' capture."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Spans are delivered synchronously, so there is never anything to flush."""
        return True

    # -- windows ----------------------------------------------------------------------------

    @property
    def current(self) -> TraceCapture | None:
        """The capture spans are appended to right now, if any."""
        return self._capture

    @property
    def leaked(self) -> list[LeakedSpan]:
        """Leaked spans that have not ended yet."""
        return list(self._leaked.values())

    def open_test(self, test_id: str, capture: TraceCapture) -> None:
        """Start appending to ``capture`` and note the spans ``test_id`` starts."""
        self._owner = test_id
        self._capture = capture
        self._started = {}
        self._recording = self._started
        self._sink = capture._raw
        self._route()

    def close_test(self) -> list[LeakedSpan]:
        """Stop appending; return the spans the test started and left open."""
        started, owner = self._started, self._owner or "<unknown test>"
        self._recording = None
        self._sink = None
        self._capture = None
        self._owner = None
        self._started = {}
        self._route()
        leaks = []
        for span in list(started):
            if span.end_time is not None:
                continue
            context = span.get_span_context()
            leak = LeakedSpan(
                name=span.name,
                test_id=owner,
                trace_id=format(context.trace_id, "032x"),
                span_id=format(context.span_id, "016x"),
            )
            self._leaked[context.span_id] = leak
            leaks.append(leak)
        return leaks

    def _route(self) -> None:
        # The common case, a capture open and no leaked span pending, gets on_end bound
        # straight to the capture's list.append: no Python frame per span at all. Any
        # other state falls back to the checking method of the class.
        sink = self._sink
        if sink is not None and not self._leaked:
            self.on_end = sink.append  # type: ignore[method-assign,assignment]
        else:
            self.__dict__.pop("on_end", None)

    def _late(self, span: ReadableSpan) -> bool:
        context = span.context
        return context is not None and self._leaked.pop(context.span_id, None) is not None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Neither capture nor own spans inside (e.g. while a session fixture is set up)."""
        sink, recording, capture = self._sink, self._recording, self._capture
        self._sink, self._recording, self._capture = None, None, None
        self._route()
        try:
            yield
        finally:
            self._sink, self._recording, self._capture = sink, recording, capture
            self._route()

    @contextmanager
    def capturing(self, capture: TraceCapture) -> Iterator[TraceCapture]:
        """Append to ``capture`` inside the block; an enclosing capture also gets the spans."""
        outer_sink, outer_capture = self._sink, self._capture
        self._sink, self._capture = capture._raw, capture
        self._route()
        try:
            yield capture
        finally:
            self._sink, self._capture = outer_sink, outer_capture
            self._route()
            if outer_sink is not None:
                outer_sink.extend(capture._raw)


class ProviderAttachments:
    """Adds one processor to each tracer provider once, and says where spans come from.

    Example:
        >>> attachments = ProviderAttachments(CaptureProcessor())
        >>> attachments.attach(provider, "the injected provider")  # doctest: +SKIP
        True
    """

    def __init__(self, processor: CaptureProcessor) -> None:
        self.processor = processor
        self._attached: weakref.WeakSet[Any] = weakref.WeakSet()
        self._attached_ids: set[int] = set()  # for providers that refuse weak references
        self._origins: list[str] = []
        self._lock = threading.Lock()

    @property
    def any_attached(self) -> bool:
        """True once the processor sits on at least one provider."""
        return bool(self._origins)

    def attach(self, provider: SupportsSpanProcessors, origin: str) -> bool:
        """Add the processor to ``provider`` unless already done; True when it was added.

        Raises ``TypeError`` naming ``origin`` when ``provider`` cannot take processors.
        """
        add = getattr(provider, "add_span_processor", None)
        if not callable(add):
            raise TypeError(
                f"{origin} is {type(provider).__qualname__}, which has no add_span_processor(); "
                "expected an OpenTelemetry SDK TracerProvider (opentelemetry.sdk.trace)"
            )
        with self._lock:
            if self._is_attached(provider):
                return False
            add(self.processor)
            try:
                self._attached.add(provider)
            except TypeError:
                self._attached_ids.add(id(provider))
            self._origins.append(f"{origin} ({type(provider).__qualname__})")
            return True

    def attach_global(self, *, install: bool) -> bool:
        """Attach to the global provider; with ``install``, set an SDK one if none was set.

        A global provider is installed only while OpenTelemetry still holds its default
        proxy, so a program that sets its own provider always keeps it.
        """
        provider = trace_api.get_tracer_provider()
        if isinstance(provider, trace_api.ProxyTracerProvider):
            if not install:
                return False
            installed = SdkTracerProvider()
            trace_api.set_tracer_provider(installed)
            provider = trace_api.get_tracer_provider()
            origin = (
                "the global TracerProvider, installed by pytest_filagent_trace because the "
                "program had set none"
                if provider is installed
                else "the global TracerProvider"
            )
            return self.attach(provider, origin)  # type: ignore[arg-type]
        if not callable(getattr(provider, "add_span_processor", None)):
            return False
        return self.attach(provider, "the global TracerProvider")  # type: ignore[arg-type]

    def describe(self) -> str:
        """Which providers spans are captured from, for "nothing captured" messages."""
        if not self._origins:
            return (
                "The capture is attached to no tracer provider yet: set "
                "trace_capture_provider in the ini file or override the "
                "trace_capture_provider fixture if the program builds its own provider."
            )
        return (
            "Spans are captured from: "
            + "; ".join(self._origins)
            + ". If the program builds its own provider, name it with trace_capture_provider."
        )

    def _is_attached(self, provider: object) -> bool:
        try:
            return provider in self._attached
        except TypeError:
            return id(provider) in self._attached_ids


def load_provider(spec: str, *, where: str = "trace_capture_provider") -> SupportsSpanProcessors:
    """Import ``"module:attribute"`` and return the provider it names.

    The attribute may be the provider itself or a callable returning it. Errors raise
    :class:`ProviderConfigError` naming ``where`` (the option and file it came from).

    Example:
        >>> load_provider("myapp.telemetry:get_tracer_provider")  # doctest: +SKIP
        <opentelemetry.sdk.trace.TracerProvider object at ...>
    """
    module_name, sep, attribute = spec.strip().partition(":")
    if not sep or not module_name or not attribute:
        raise ProviderConfigError(
            f"{where} = {spec!r}: expected 'module:callable', e.g. "
            "'myapp.telemetry:get_tracer_provider'"
        )
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as error:
        raise ProviderConfigError(
            f"{where} = {spec!r}: module {module_name!r} could not be imported: "
            f"{type(error).__name__}: {error}"
        ) from error
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ProviderConfigError(
                f"{where} = {spec!r}: {module_name!r} has no attribute {attribute!r}"
            ) from None
    if not hasattr(target, "add_span_processor") and callable(target):
        try:
            target = target()
        except Exception as error:
            raise ProviderConfigError(
                f"{where} = {spec!r}: calling {attribute}() raised {type(error).__name__}: {error}"
            ) from error
    if not callable(getattr(target, "add_span_processor", None)):
        raise ProviderConfigError(
            f"{where} = {spec!r}: expected an OpenTelemetry SDK TracerProvider "
            f"(with add_span_processor), got {type(target).__qualname__}"
        )
    return cast("SupportsSpanProcessors", target)


_default_attachments: ProviderAttachments | None = None
_default_lock = threading.Lock()


def _default() -> ProviderAttachments:
    global _default_attachments  # noqa: PLW0603 - one processor per process, made on first use
    with _default_lock:
        if _default_attachments is None:
            _default_attachments = ProviderAttachments(CaptureProcessor())
        return _default_attachments


@contextmanager
def capture_spans(
    provider: SupportsSpanProcessors | None = None, *, logs: bool = False
) -> Iterator[TraceCapture]:
    """Capture the spans that end inside the block, without pytest.

    With no ``provider``, spans come from the global provider (an SDK one is installed if
    the program set none); otherwise from ``provider`` as well. Captures nest: an outer
    block also receives the inner block's spans. With ``logs=True`` the log records
    emitted inside the block are captured too, as ``capture.logs``.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> provider = TracerProvider()
        >>> with capture_spans(provider) as capture:
        ...     with provider.get_tracer("demo").start_as_current_span("step"):
        ...         pass
        >>> capture.trace().root.name
        'step'
    """
    attachments = _default()
    if provider is None:
        attachments.attach_global(install=True)
    else:
        attachments.attach(provider, "the provider given to capture_spans()")
    with ExitStack() as stack:
        log_capture = None
        if logs:
            from pytest_filagent_trace._logs.logs import capture_logs

            log_capture = stack.enter_context(capture_logs())
        capture = TraceCapture(sources=attachments.describe, logs=log_capture)
        yield stack.enter_context(attachments.processor.capturing(capture))
