"""Span rewriting: the first SDK span processor replaces each finished span's content.

Every later processor and exporter (and a test capture attached after it)
receives the same ``ReadableSpan`` object, so they only ever see its redacted
form. Importing this module does not import OpenTelemetry; building the
processor does.

Example:
    >>> from opentelemetry.sdk.trace import TracerProvider
    >>> install_redaction(TracerProvider(), Redactor())
    RedactingSpanProcessor(Redactor(enabled=True, ...))
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from filagent.telemetry.privacy.plans import CONTENT_EVENT_NAMES
from filagent.telemetry.privacy.propagation import private_span_context
from filagent.telemetry.privacy.redactor import Redactor

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import ReadableSpan, Span, TracerProvider

_SPAN_FIELDS: Final = (
    "_name",
    "_attributes",
    "_events",
    "_links",
    "_status",
    "_resource",
    "_context",
    "_parent",
)
_REDACTION_FAILED: Final = "filagent.redaction.failed"


#: Named after the package, whose logs users filter on, not after this module.
_logger = logging.getLogger("filagent.telemetry.privacy")


def _sdk_version() -> str:
    from opentelemetry.sdk.version import __version__

    return str(__version__)


def check_sdk_span_layout() -> None:
    """Raise ``RuntimeError`` unless finished SDK spans can be rewritten in place.

    ``ReadableSpan`` is read-only by API; redaction replaces its private fields.
    This check writes each field on a probe span and reads it back through the
    public properties, so an SDK whose internals changed is refused at start-up
    instead of silently exporting unredacted spans.

    Example:
        >>> check_sdk_span_layout()  # passes on the supported SDK versions
    """
    from opentelemetry.attributes import BoundedAttributes
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.trace import Link, SpanContext
    from opentelemetry.trace.status import Status, StatusCode

    problems: list[str] = []
    try:
        probe = ReadableSpan(name="probe")
        missing = [name for name in _SPAN_FIELDS if name not in vars(probe)]
        if missing:
            problems.append(f"ReadableSpan has no field(s) {', '.join(missing)}")
        else:
            context = SpanContext(trace_id=1, span_id=2, is_remote=False)
            probe._name = "renamed"
            probe._attributes = BoundedAttributes(attributes={"k": "v"}, immutable=True)
            probe._events = (Event("e", BoundedAttributes(attributes={"a": "b"}), 1),)
            probe._links = (Link(context, BoundedAttributes(attributes={"l": "m"})),)
            probe._status = Status(StatusCode.ERROR, "d")
            probe._resource = Resource({"r": "s"})
            probe._context = probe._parent = context
            observed = (
                probe.name,
                dict(probe.attributes or {}),
                dict(probe.events[0].attributes or {}),
                dict(probe.links[0].attributes or {}),
                probe.status.description,
                dict(probe.resource.attributes),
                probe.context is context and probe.parent is context,
            )
            expected = ("renamed", {"k": "v"}, {"a": "b"}, {"l": "m"}, "d", {"r": "s"}, True)
            if observed != expected:
                problems.append(f"wrote {expected!r} but the span reads back {observed!r}")
    except (TypeError, AttributeError, ValueError) as exc:
        problems.append(f"{type(exc).__name__}: {exc}")
    if problems:
        raise RuntimeError(
            "RedactingSpanProcessor cannot rewrite finished spans of opentelemetry-sdk "
            f"{_sdk_version()}: expected ReadableSpan fields {', '.join(_SPAN_FIELDS)} to be "
            f"writable, found: {'; '.join(problems)}. Spans would leave unredacted, so "
            "telemetry start-up stops here; use opentelemetry-sdk 1.30 to 1.45."
        )


class RedactingSpanProcessor:
    """Rewrites every finished span into its redacted form, in place.

    Must be the first processor of the SDK ``TracerProvider``: processors run in
    the order they were added and all receive the same ``ReadableSpan`` object, so
    exporters and test captures added afterwards see only the redacted span. Use
    ``install_redaction`` to add it with that check.

    Redaction happens in ``on_end`` only: attributes set at start and changed
    later are all present then, and a span is only exported after it ends.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> provider = TracerProvider()
        >>> processor = install_redaction(provider, Redactor())
        >>> with provider.get_tracer("doc").start_as_current_span("GET /u/jane@example.com"):
        ...     pass
    """

    def __init__(self, redactor: Redactor) -> None:
        check_sdk_span_layout()
        from opentelemetry.attributes import BoundedAttributes
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import Event
        from opentelemetry.trace import Link
        from opentelemetry.trace.status import Status

        self.redactor = redactor
        self._bounded = BoundedAttributes
        self._event = Event
        self._link = Link
        self._status = Status
        self._resource = Resource
        self._resources: dict[int, tuple[Resource, Resource]] = {}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Make the span's ``tracestate`` private, before any child or outgoing call copies it.

        Attributes wait for ``on_end``, which sees every attribute ever set.
        """
        context = span.context
        if context is not None and context.trace_state and self.redactor.enabled:
            span._context = private_span_context(context, self.redactor)

    def _on_ending(self, span: Span) -> None:
        """Called by the SDK just before ``on_end``; nothing to do."""

    def on_end(self, span: ReadableSpan) -> None:
        """Replace the span's name, attributes, events, links, status and resource."""
        if not self.redactor.enabled:
            return
        try:
            self._rewrite(span)
        except Exception as exc:  # noqa: BLE001 - a failure must never export the raw span
            _logger.error(
                "redaction of a span failed (%s); its content was dropped", type(exc).__name__
            )
            self._scrub(span)

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        return True

    def _plain(self, attributes: Any) -> Any:
        # BoundedAttributes iterates in Python, under a lock; its dict iterates in C.
        inner = (
            getattr(attributes, "_dict", None) if isinstance(attributes, self._bounded) else None
        )
        return inner if isinstance(inner, dict) else attributes

    def _attributes(self, original: Any, redacted: Mapping[str, Any]) -> Any:
        bounded = self._bounded(attributes=redacted, immutable=True)
        bounded.dropped = getattr(original, "dropped", 0)
        return bounded

    def _rewrite(self, span: ReadableSpan) -> None:
        # What redaction leaves unchanged keeps its own object: nothing is rebuilt twice.
        redactor = self.redactor
        attributes = redactor.changed_attributes(self._plain(span._attributes))
        if attributes is not None:
            span._attributes = self._attributes(span._attributes, attributes)
        span._name = redactor.redact_text(span.name)
        events = self._redact_events(span.events) if span.events else None
        if events is not None:
            span._events = self._same_container(span._events, events)
        links = self._redact_links(span.links) if span.links else None
        if links is not None:
            span._links = self._same_container(span._links, links)
        status = span.status
        if status.description:
            description = redactor.redact_text(status.description)
            if description != status.description:
                span._status = self._status(status.status_code, description)
        span._resource = self._redact_resource(span.resource)
        if span.parent is not None and span.parent.trace_state:
            span._parent = private_span_context(span.parent, redactor)
        if span.context is not None and span.context.trace_state:
            span._context = private_span_context(span.context, redactor)

    def _redact_events(self, originals: Sequence[Any]) -> list[Any] | None:
        """The events redacted (GenAI content dropped unless captured), or None if unchanged."""
        redactor = self.redactor
        events: list[Any] = []
        changed = False
        for event in originals:
            if not redactor.capture_message_content and event.name in CONTENT_EVENT_NAMES:
                changed = True
                continue
            name = redactor.redact_text(event.name)
            attributes = redactor.changed_attributes(self._plain(event.attributes))
            if attributes is None and name == event.name:
                events.append(event)
                continue
            changed = True
            kept = attributes if attributes is not None else dict(event.attributes or {})
            events.append(
                self._event(
                    name=name,
                    attributes=self._attributes(event.attributes, kept),
                    timestamp=event.timestamp,
                )
            )
        return events if changed else None

    def _redact_links(self, originals: Sequence[Any]) -> list[Any] | None:
        """The links redacted (``tracestate`` made private), or None if unchanged."""
        redactor = self.redactor
        links: list[Any] = []
        changed = False
        for link in originals:
            context = private_span_context(link.context, redactor)
            attributes = redactor.changed_attributes(self._plain(link.attributes))
            if attributes is None and context is link.context:
                links.append(link)
                continue
            changed = True
            kept = attributes if attributes is not None else dict(link.attributes or {})
            links.append(self._link(context, self._attributes(link.attributes, kept)))
        return links if changed else None

    @staticmethod
    def _same_container(original: Any, items: Sequence[Any]) -> Any:
        from opentelemetry.sdk.util import BoundedList

        if isinstance(original, BoundedList):
            bounded = BoundedList.from_seq(None, items)
            bounded.dropped = original.dropped
            return bounded
        return tuple(items)

    def _redact_resource(self, resource: Resource) -> Resource:
        # One provider has one resource: redact it once, not for every span.
        cached = self._resources.get(id(resource))
        if cached is not None and cached[0] is resource:
            return cached[1]
        attributes = self.redactor.redact_attributes(resource.attributes)
        redacted = (
            resource
            if attributes == dict(resource.attributes)
            else self._resource(attributes, resource.schema_url)
        )
        if len(self._resources) > 64:
            self._resources.clear()
        self._resources[id(resource)] = (resource, redacted)
        return redacted

    def _scrub(self, span: ReadableSpan) -> None:
        span._name = self.redactor.mask("span")
        span._attributes = self._bounded(attributes={_REDACTION_FAILED: True}, immutable=True)
        span._events = ()
        span._links = ()
        span._status = self._status(span.status.status_code)

    def __repr__(self) -> str:
        return f"RedactingSpanProcessor({self.redactor!r})"


def install_redaction(
    tracer_provider: TracerProvider, redactor: Redactor
) -> RedactingSpanProcessor:
    """Add a ``RedactingSpanProcessor`` as the first processor of ``tracer_provider``.

    Raises ``ValueError`` when processors were already added (they would see raw
    spans) and ``TypeError`` when the provider runs processors concurrently.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> install_redaction(TracerProvider(), Redactor())
        RedactingSpanProcessor(Redactor(enabled=True, ...))
    """
    from opentelemetry.sdk.trace import SynchronousMultiSpanProcessor

    active = getattr(tracer_provider, "_active_span_processor", None)
    if not isinstance(active, SynchronousMultiSpanProcessor):
        raise TypeError(
            "install_redaction: expected a TracerProvider whose processors run one after "
            f"the other (SynchronousMultiSpanProcessor), found {type(active).__name__}; "
            "with concurrent processors an exporter could see a span before redaction"
        )
    already = getattr(active, "_span_processors", ())
    if already:
        names = ", ".join(type(processor).__name__ for processor in already)
        raise ValueError(
            "install_redaction: expected a TracerProvider with no span processor yet, "
            f"found {names}; add the RedactingSpanProcessor first so that every later "
            "processor and exporter sees only redacted spans"
        )
    processor = RedactingSpanProcessor(redactor)
    tracer_provider.add_span_processor(processor)  # type: ignore[arg-type]
    return processor
