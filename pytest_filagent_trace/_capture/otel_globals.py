"""The one module that touches OpenTelemetry's private global-provider names.

OpenTelemetry lets a program set the global tracer provider once per process
(``trace.set_tracer_provider``). A test that wants spans while the program set none needs
a provider for that test only, and must leave the set-once slot free, so that a later test
(or a fixture, or a ``create_app()`` inside the same test) can still set the program's own.
logfire solves the same problem with a proxy provider it owns for the whole process;
opentelemetry-test-utils' ``reset_trace_globals`` by replacing the globals after each
test, which strands tracers cached at import time on the discarded provider. Here:

- while a capture needs it, ``_TRACER_PROVIDER`` holds :class:`FallbackProvider` **without
  consuming** ``_TRACER_PROVIDER_SET_ONCE``: ``set_tracer_provider`` still succeeds, and
  :class:`_WatchedOnce` reports it so that the capture attaches to the program's provider;
- when the capture ends, ``_TRACER_PROVIDER`` is ``None`` again (the API's own
  ``ProxyTracerProvider`` answers ``get_tracer_provider()``) and the original ``Once``
  is back in place when nothing was set meanwhile;
- tracers handed out by the fallback follow the global on every span: to the fallback
  while it is installed, to the program's provider once one is set, and to no-op spans
  when none is, exactly as OpenTelemetry's ``ProxyTracer`` does before a provider is set.
  So a module-level ``trace.get_tracer(__name__)`` first used during a capture still
  reaches the provider the program sets later.

Private names used: ``opentelemetry.trace._TRACER_PROVIDER``,
``opentelemetry.trace._TRACER_PROVIDER_SET_ONCE``, ``opentelemetry.util._once.Once`` and
``ProxyTracer._tracer``. They are the same in every SDK from the declared minimum to the
newest tested (``tests/plugin/test_otel_globals.py`` runs in both of CI's environments).

Example:
    >>> from opentelemetry import trace
    >>> token = install_fallback(lambda provider: None)
    >>> trace.get_tracer_provider() is fallback_provider()
    True
    >>> release_fallback(token)
    >>> type(trace.get_tracer_provider()).__name__
    'ProxyTracerProvider'
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.util._once import Once

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.trace import Span

__all__ = [
    "FallbackInstall",
    "FallbackProvider",
    "fallback_provider",
    "install_fallback",
    "release_fallback",
]

OnProviderSet = Callable[[trace_api.TracerProvider], None]


class _Relay(SpanProcessor):
    """The fallback's one processor: forwards to the connected capture processors.

    Each pytest session connects its processor once and disconnects it when it ends, so
    sessions run one after another in one process (pytester) do not pile processors up.
    """

    def __init__(self) -> None:
        self.targets: tuple[SpanProcessor, ...] = ()

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        for target in self.targets:
            target.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        for target in self.targets:
            target.on_end(span)

    def shutdown(self) -> None:
        """The connected processors belong to their sessions: nothing to shut down here."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Spans are forwarded synchronously: never anything to flush."""
        return True


class FallbackProvider(SdkTracerProvider):
    """The SDK provider a capture installs while the program has set none of its own."""

    def __init__(self) -> None:
        super().__init__()
        self._relay = _Relay()
        self.add_span_processor(self._relay)

    def connect(self, processor: SpanProcessor) -> None:
        """Forward this provider's spans to ``processor`` until :meth:`disconnect`."""
        with _lock:
            if processor not in self._relay.targets:
                self._relay.targets = (*self._relay.targets, processor)

    def disconnect(self, processor: SpanProcessor) -> None:
        """Stop forwarding to ``processor``."""
        with _lock:
            self._relay.targets = tuple(t for t in self._relay.targets if t is not processor)

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Any = None,
    ) -> trace_api.Tracer:
        return _FollowingTracer(
            self, instrumenting_module_name, instrumenting_library_version, schema_url, attributes
        )

    def own_tracer(self, *args: Any) -> trace_api.Tracer:
        """The SDK tracer of this provider itself (what :meth:`get_tracer` forwards to)."""
        return super().get_tracer(*args)


class _FollowingTracer(trace_api.ProxyTracer):
    """A tracer that resolves, on every span, to whatever provider is global right now."""

    def __init__(self, fallback: FallbackProvider, *args: Any) -> None:
        super().__init__(*args)
        self._fallback = fallback
        self._args = args
        self._resolved: tuple[object, trace_api.Tracer] | None = None

    @property
    def _tracer(self) -> trace_api.Tracer:
        current = trace_api._TRACER_PROVIDER  # private: see the module docstring
        if current is None:
            return self._noop_tracer
        resolved = self._resolved
        if resolved is not None and resolved[0] is current:
            return resolved[1]
        if current is self._fallback:
            tracer = self._fallback.own_tracer(*self._args)
        else:
            tracer = current.get_tracer(*self._args)
        self._resolved = (current, tracer)
        return tracer

    def start_as_current_span(self, *args: Any, **kwargs: Any) -> Any:
        # The resolved tracer's own context manager, not one more generator around it:
        # the API's ProxyTracer, which module-level tracers already are, adds the first.
        return self._tracer.start_as_current_span(*args, **kwargs)


class _WatchedOnce(Once):
    """OpenTelemetry's set-once guard, telling the captures when the program set a provider."""

    def do_once(self, func: Callable[[], None]) -> bool:
        did = super().do_once(func)
        provider = trace_api._TRACER_PROVIDER
        if did and provider is not None:
            for on_set in list(_watchers):
                on_set(provider)
        return did


class FallbackInstall:
    """One :func:`install_fallback` call, to hand back to :func:`release_fallback`."""

    def __init__(self, on_set: OnProviderSet) -> None:
        self.on_set = on_set


_lock = threading.RLock()
_fallback: FallbackProvider | None = None
_watchers: list[OnProviderSet] = []
_installs: list[FallbackInstall] = []
_original_once: Once | None = None


def fallback_provider() -> FallbackProvider:
    """The process's one fallback provider, made on first use."""
    global _fallback  # noqa: PLW0603 - one per process, so processors are added once
    with _lock:
        if _fallback is None:
            _fallback = FallbackProvider()
        return _fallback


def program_provider() -> trace_api.TracerProvider | None:
    """The global provider the program set, or None (nothing set, or only the fallback)."""
    provider = trace_api._TRACER_PROVIDER
    if provider is None or provider is _fallback:
        return None
    return provider


def install_fallback(on_set: OnProviderSet) -> FallbackInstall | None:
    """Make the fallback global until :func:`release_fallback`; None if the program set one.

    ``on_set`` is called with the program's provider if the program sets one meanwhile.
    Installs nest: the global is unset again when the last one is released.
    """
    global _original_once  # noqa: PLW0603 - the slot's state is process-wide by nature
    fallback = fallback_provider()
    with _lock:
        current = trace_api._TRACER_PROVIDER
        if current is not None and current is not fallback:
            return None
        if current is None:
            _original_once = trace_api._TRACER_PROVIDER_SET_ONCE
            trace_api._TRACER_PROVIDER_SET_ONCE = _WatchedOnce()
            trace_api._TRACER_PROVIDER = fallback
        install = FallbackInstall(on_set)
        _installs.append(install)
        _watchers.append(on_set)
        return install


def release_fallback(install: FallbackInstall | None) -> None:
    """Undo :func:`install_fallback`: the global is unset again unless the program set one."""
    global _original_once  # noqa: PLW0603
    if install is None:
        return
    with _lock:
        if install not in _installs:
            return
        _installs.remove(install)
        _watchers.remove(install.on_set)
        if _installs:
            return
        if trace_api._TRACER_PROVIDER is _fallback:
            trace_api._TRACER_PROVIDER = None
        once = trace_api._TRACER_PROVIDER_SET_ONCE
        # A program that set its provider meanwhile consumed the guard: it stays consumed.
        if isinstance(once, _WatchedOnce) and not once._done and _original_once is not None:
            trace_api._TRACER_PROVIDER_SET_ONCE = _original_once
        _original_once = None
