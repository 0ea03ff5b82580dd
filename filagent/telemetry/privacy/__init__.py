"""Redaction of personal data before any telemetry leaves the process.

Five small pieces, chained where data leaves FilAgent:

- :class:`PrivacyConfig` (``config``): the ``privacy`` section of ``telemetry.yaml``.
- :class:`Redactor` (``redactor``, over the free-text rules of ``text`` and the
  ``detectors``): masks personal data and secrets in text, attribute mappings,
  log events and decision records, and turns user ids into keyed hashes.
- :func:`redact_log_event` (``logs``): the same redaction as a structlog processor.
- :class:`PrivateContextPropagator` (``propagation``): ``tracestate`` and ``baggage``
  reduced to what the configuration allows, on the way in and on the way out.
- :class:`RedactingSpanProcessor` (``spans``): the first span processor of the SDK
  ``TracerProvider``; it rewrites every finished span so that each later
  processor and exporter only ever sees the redacted span.

Example:
    >>> redactor = Redactor(PrivacyConfig(user_id_hmac_secret="0123456789abcdef"))
    >>> redactor.redact_text("mail jane@example.com, card 4111 1111 1111 1111")
    'mail [REDACTED:email], card [REDACTED:credit_card]'
"""

from __future__ import annotations

from filagent.telemetry.privacy.config import (
    DEFAULT_ALLOWED_HTTP_HEADERS,
    DEFAULT_SENSITIVE_KEYS,
    DEFAULT_USER_ID_KEYS,
    MIN_SECRET_LENGTH,
    USER_ID_SECRET_ENV,
    DetectorToggles,
    ExtraPattern,
    PrivacyConfig,
)
from filagent.telemetry.privacy.logs import EventDict, LogProcessor, redact_log_event
from filagent.telemetry.privacy.plans import (
    CONTENT_ATTRIBUTE_PREFIXES,
    CONTENT_EVENT_NAMES,
    HEADER_PREFIXES,
    TRACE_CONTEXT_KEYS,
    URL_KEYS,
)
from filagent.telemetry.privacy.propagation import (
    PrivateContextPropagator,
    private_span_context,
    private_trace_state,
)
from filagent.telemetry.privacy.redactor import USER_ID_HASH_PREFIX, Redactor
from filagent.telemetry.privacy.spans import (
    RedactingSpanProcessor,
    check_sdk_span_layout,
    install_redaction,
)

__all__ = [
    "CONTENT_ATTRIBUTE_PREFIXES",
    "CONTENT_EVENT_NAMES",
    "DEFAULT_ALLOWED_HTTP_HEADERS",
    "DEFAULT_SENSITIVE_KEYS",
    "DEFAULT_USER_ID_KEYS",
    "HEADER_PREFIXES",
    "MIN_SECRET_LENGTH",
    "TRACE_CONTEXT_KEYS",
    "URL_KEYS",
    "USER_ID_HASH_PREFIX",
    "USER_ID_SECRET_ENV",
    "DetectorToggles",
    "EventDict",
    "ExtraPattern",
    "LogProcessor",
    "PrivacyConfig",
    "PrivateContextPropagator",
    "RedactingSpanProcessor",
    "Redactor",
    "check_sdk_span_layout",
    "install_redaction",
    "private_span_context",
    "private_trace_state",
    "redact_log_event",
]
