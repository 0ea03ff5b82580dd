"""One log record as the plugin keeps it, and records read back from JSON lines.

A :class:`CapturedLog` is a plain ``dict`` of the record's fields, so tests compare it with
``==``, plus where it came from: the span active when it was logged, or its line number.

Example:
    >>> [record["event"] for record in records_from_json_lines('{"event": "ready"}\\nplain')]
    ['ready']
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["CapturedLog", "json_object", "records_from_json_lines"]

MESSAGE_KEYS = ("event", "message", "msg")
"""Fields read as a record's message, first present wins."""


class CapturedLog(dict[str, Any]):
    """One log record: a ``dict`` of its fields, plus where it came from.

    ``source`` is ``"logging"``, ``"structlog"`` or ``"json"``; ``active_trace_id`` and
    ``active_span_id`` name the span that was current in the logging thread (``None``
    outside any span, or when not known, as for parsed JSON lines); ``line`` is the
    1-based line number of a parsed JSON line.

    Example:
        >>> record = CapturedLog({"event": "tool.done"}, source="structlog")
        >>> record["event"], record.source, record.active_span_id
        ('tool.done', 'structlog', None)
    """

    __slots__ = ("active_span_id", "active_trace_id", "line", "source")

    def __init__(
        self,
        fields: Mapping[str, Any],
        *,
        source: str,
        active_trace_id: str | None = None,
        active_span_id: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(fields)
        self.source = source
        self.active_trace_id = active_trace_id
        self.active_span_id = active_span_id
        self.line = line

    @property
    def event(self) -> str | None:
        """The message: ``event``, else ``message``, else ``msg``."""
        for key in MESSAGE_KEYS:
            value = self.get(key)
            if isinstance(value, str):
                return value
        return None


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object ``text`` holds, or ``None`` when it holds anything else.

    Example:
        >>> json_object(' {"event": "ready"} '), json_object("[1]"), json_object("plain")
        ({'event': 'ready'}, None, None)
    """
    stripped = text.strip()
    if not stripped.startswith("{"):
        return None
    try:
        parsed = json.loads(stripped)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def records_from_json_lines(text: str, *, keep_text: bool = False) -> list[CapturedLog]:
    """The records of JSON-lines text, such as a program's stdout, with their line numbers.

    Lines that are not JSON objects are skipped, or kept as ``{"event": line}`` with
    ``keep_text=True``.

    Example:
        >>> [(r["event"], r.line) for r in records_from_json_lines('x\\n{"event": "ready"}')]
        [('ready', 2)]
    """
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = json_object(line)
        if parsed is not None:
            records.append(CapturedLog(parsed, source="json", line=number))
        elif keep_text and line.strip():
            records.append(CapturedLog({"event": line}, source="text", line=number))
    return records
