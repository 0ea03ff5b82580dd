"""Redaction as a structlog processor: log lines leave as redacted as spans.

Example:
    >>> process = redact_log_event(Redactor())
    >>> process(None, "info", {"event": "to jane@example.com"})
    {'event': 'to [REDACTED:email]'}
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from filagent.telemetry.privacy.redactor import Redactor

EventDict = MutableMapping[str, Any]
LogProcessor = Callable[[Any, str, EventDict], EventDict]


def redact_log_event(redactor: Redactor) -> LogProcessor:
    """A structlog processor that redacts every field of a log event.

    Place it after the processors that add fields (``add_log_level``,
    trace-context injection, ``format_exc_info``) and before the renderer. An
    ``exc_info`` still present is formatted here first, so a traceback cannot
    reach the renderer unredacted.

    Example:
        >>> process = redact_log_event(Redactor())
        >>> process(None, "info", {"event": "hi jane@example.com", "span_id": "4bf92f3577b34da6"})
        {'event': 'hi [REDACTED:email]', 'span_id': '4bf92f3577b34da6'}
    """

    def processor(logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
        if not redactor.enabled:
            return event_dict
        if event_dict.get("exc_info"):
            from structlog.processors import format_exc_info

            event_dict = format_exc_info(logger, method_name, event_dict)
        redacted = redactor.redact_mapping(event_dict)
        event_dict.clear()
        event_dict.update(redacted)
        return event_dict

    return processor
