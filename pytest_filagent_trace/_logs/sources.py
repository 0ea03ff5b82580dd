"""What the correlation check accepts as records, turned into labelled dicts in one place.

A trace capture (its ``logs``), a :class:`LogCapture`, a list of dicts, JSON-lines text or
a path to a JSON-lines file all become ``(label, record)`` pairs; the label is how a
failure names the record (``log record 3``, ``decisions.jsonl line 2``).

Example:
    >>> labelled_records([{"event": "boot"}], "record")
    [('record 0', {'event': 'boot'})]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pytest_filagent_trace._logs.records import records_from_json_lines

__all__ = ["is_trace_capture", "labelled_records"]


def is_trace_capture(source: object) -> bool:
    """True for a trace capture (anything that keeps ``spans`` and is not a list).

    Example:
        >>> is_trace_capture([]), is_trace_capture({"spans": []})
        (False, False)
    """
    return hasattr(source, "spans") and not isinstance(source, (list, tuple, Mapping))


def labelled_records(source: object, name: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``(label, record)`` pairs from any record source; ``name`` labels plain dicts.

    Example:
        >>> labelled_records('{"event": "ready"}', "record")
        [('line 1', {'event': 'ready'})]
    """
    if source is None:
        return []
    if is_trace_capture(source):
        # A trace capture: its logs (a capture opened without logs says so when read).
        source = source.logs  # type: ignore[attr-defined]
    if hasattr(source, "records") and not isinstance(source, Mapping):
        source = source.records
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and os.path.isfile(source)
    ):
        path = Path(source)
        parsed = records_from_json_lines(path.read_text(encoding="utf-8"))
        return [(f"{path.name} line {record.line}", record) for record in parsed]
    if isinstance(source, str):
        return [(f"line {record.line}", record) for record in records_from_json_lines(source)]
    if isinstance(source, Mapping):
        return [(f"{name} 0", source)]
    if not isinstance(source, Iterable):
        raise TypeError(
            f"records must be a log capture, a list of dicts, JSON lines or a path; "
            f"got {type(source).__name__}"
        )
    return [_labelled(index, record, name) for index, record in enumerate(source)]


def _labelled(index: int, record: object, name: str) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(record, Mapping):
        raise TypeError(f"{name} {index} is a {type(record).__name__}, expected a dict of fields")
    line = getattr(record, "line", None)
    if isinstance(line, int):
        return f"log line {line}", record
    if getattr(record, "source", None) is not None:
        return f"log record {index}", record
    return f"{name} {index}", record
