"""Decision records: one JSON line per request, joined to its trace by ``trace_id``.

A record says how a request was routed, which tools ran and how it ended, so
an operator can go from a trace in Jaeger to the decision (and back) with
``filagent records --trace-id <id>``.

Example::

    recorder = DecisionRecorder(Path("filagent-records.jsonl"))
    recorder.record(DecisionRecord(trace_id="4bf9...", span_id="00f0...", conversation_id="c1",
                                   task_id="t1", route_mode="simple", route_reason="one step",
                                   route_confidence=0.9, tools=[], outcome="success"))
    read_records(Path("filagent-records.jsonl"), trace_id="4bf9...")
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Redact = Callable[[dict[str, Any]], dict[str, Any]]
#: ``on_failure(error)``: called when a record could not be written.
FailureHook = Callable[[Exception], None]

_log = logging.getLogger("filagent.audit")


class ToolUse(BaseModel):
    """One tool the request called, and whether the call succeeded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str
    success: bool


class DecisionRecord(BaseModel):
    """What was decided for one request. ``trace_id``/``span_id`` are None without tracing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timestamp: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    trace_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    span_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{16}$")
    conversation_id: str
    task_id: str
    route_mode: str
    route_reason: str
    route_confidence: float
    tools: list[ToolUse] = Field(default_factory=list)
    outcome: Literal["success", "error"]
    error: str | None = None

    @field_validator("trace_id", "span_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # Outside a span the trace context is empty; record that as "no trace".
        return None if value == "" else value


class RecordsError(ValueError):
    """A decision records file is missing or holds a line that is not a JSON object."""


class DecisionRecorder:
    """Appends :class:`DecisionRecord` s to a JSON lines file; ``path=None`` records nothing.

    Safe to share between threads. The parent directory is created on the
    first write. ``redact`` (for example the privacy redactor) rewrites each
    record's dict before it is written, so the file never holds what the
    redactor removes.

    A write that fails (disk full, permissions changed) never fails the
    request: it is logged as an error and reported to ``on_failure`` (the app
    counts it in ``filagent_records_failed_total``). :meth:`check` is the
    start-up test that the path can be written at all.
    """

    def __init__(
        self,
        path: Path | None,
        redact: Redact | None = None,
        on_failure: FailureHook | None = None,
    ) -> None:
        self.path = path
        self._redact = redact
        self.on_failure = on_failure
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """True when records are written."""
        return self.path is not None

    def record(self, record: DecisionRecord) -> dict[str, Any] | None:
        """Append one record; returns the dict written (None when disabled).

        Example::

            recorder.record(record)   # one more line in the file
        """
        if self.path is None:
            return None
        data = record.model_dump(mode="json")
        if self._redact is not None:
            data = self._redact(data)
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as file:
                    file.write(line)
        except (OSError, ValueError) as exc:  # ValueError: text that cannot be encoded
            _log.error("decision record not written to %s: %s", self.path, type(exc).__name__)
            if self.on_failure is not None:
                self.on_failure(exc)
            return None
        return data

    def check(self) -> str | None:
        """Why records cannot be written to ``path``, or None when they can.

        Nothing is created: the nearest existing directory must be writable, and
        an existing ``path`` must be a writable file.

        Example::

            DecisionRecorder(Path("/proc/records.jsonl")).check()
            # 'directory /proc is not writable'
        """
        if self.path is None:
            return None
        path = Path(self.path)
        if path.exists():
            if not path.is_file():
                return f"{path} is not a file"
            return None if os.access(path, os.W_OK) else f"file {path} is not writable"
        parent = path.parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            return f"{parent} is not a directory"
        if not os.access(parent, os.W_OK | os.X_OK):
            return f"directory {parent} is not writable"
        return None


def read_records(path: Path, trace_id: str | None = None) -> list[dict[str, Any]]:
    """Every record of ``path`` in file order, or only those of ``trace_id``.

    Example::

        read_records(Path("filagent-records.jsonl"), trace_id="4bf92f3577b34da6a3ce929d0e0e4736")

    Raises:
        RecordsError: the file does not exist, or ``file:line`` is not a JSON object.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = (
            f"no decision records file at {path}: expected the JSON lines file named by "
            "records.path in the telemetry configuration"
        )
        raise RecordsError(msg) from None
    wanted = trace_id.strip().lower() if trace_id else None
    records: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            msg = f"{path}:{number}: expected a JSON object, found malformed JSON ({exc.msg})"
            raise RecordsError(msg) from None
        if not isinstance(data, dict):
            msg = f"{path}:{number}: expected a JSON object, found {type(data).__name__}"
            raise RecordsError(msg)
        if wanted is None or data.get("trace_id") == wanted:
            records.append(data)
    return records
