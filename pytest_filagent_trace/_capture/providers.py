"""Attaching the capture processor to the program's tracer providers."""

from __future__ import annotations

import importlib
import threading
import weakref
from typing import TYPE_CHECKING, Any, cast

from opentelemetry import trace as trace_api

from pytest_filagent_trace._capture.errors import ProviderConfigError
from pytest_filagent_trace._capture.otel_globals import (
    FallbackInstall,
    FallbackProvider,
    fallback_provider,
    install_fallback,
    release_fallback,
)
from pytest_filagent_trace._capture.processor import CaptureProcessor

if TYPE_CHECKING:
    from pytest_filagent_trace._types import SupportsSpanProcessors


class GlobalUse:
    """One capture's use of the global provider; :meth:`release` gives the slot back."""

    def __init__(self, install: FallbackInstall | None) -> None:
        self._install = install

    @property
    def lent(self) -> bool:
        """True while the fallback provider is global for this capture."""
        return self._install is not None

    def release(self) -> None:
        """Unset the global provider again if this capture lent it and the program set none."""
        install, self._install = self._install, None
        release_fallback(install)


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

    def attach(self, provider: SupportsSpanProcessors, origin: str) -> bool:
        """Add the processor to ``provider`` unless already done; True when it was added.

        ``origin`` says in "nothing captured" messages where spans come from.

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
            self._remember(provider, f"{origin} ({type(provider).__qualname__})")
            return True

    def _remember(self, provider: object, origin: str) -> None:
        try:
            self._attached.add(provider)
        except TypeError:
            self._attached_ids.add(id(provider))
        if origin not in self._origins:
            self._origins.append(origin)

    def attach_global(self) -> bool:
        """Attach to the global provider if the program set one; True when it was added.

        Never sets a provider: that is :meth:`use_global`'s, for one capture at a time.
        """
        provider = trace_api.get_tracer_provider()
        if isinstance(provider, (trace_api.ProxyTracerProvider, FallbackProvider)):
            return False
        if not callable(getattr(provider, "add_span_processor", None)):
            return False
        return self.attach(provider, "the global TracerProvider")  # type: ignore[arg-type]

    def use_global(self) -> GlobalUse:
        """For one capture: attach to the program's global provider, or lend it one.

        When the program set none, the fallback SDK provider is global until
        :meth:`GlobalUse.release`, without taking the program's right to set its own (see
        :mod:`pytest_filagent_trace._capture.otel_globals`); if the program sets one
        meanwhile, the processor is attached to it at once.
        """
        self.attach_global()
        install = install_fallback(self._program_set)
        if install is not None:
            fallback = fallback_provider()
            with self._lock:
                if not self._is_attached(fallback):
                    fallback.connect(self.processor)
                    self._remember(
                        fallback,
                        "the global TracerProvider, installed by pytest_filagent_trace "
                        "because the program had set none (TracerProvider)",
                    )
        return GlobalUse(install)

    def close(self) -> None:
        """The session is over: the fallback provider stops forwarding to this processor."""
        with self._lock:
            fallback = fallback_provider()
            if self._is_attached(fallback):
                fallback.disconnect(self.processor)
                self._attached.discard(fallback)

    def _program_set(self, provider: object) -> None:
        if callable(getattr(provider, "add_span_processor", None)):
            self.attach(provider, "the global TracerProvider")  # type: ignore[arg-type]

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
