"""What a scan reads from each kind of source: captures and spans (through the one source
adapter), log captures, records, JSON-lines files and text, dataclasses, pydantic models
and nested JSON-like data.

Example:
    >>> from pytest_filagent_trace._privacy.detectors.defaults import DEFAULT_DETECTORS
    >>> scanner = Scanner(DEFAULT_DETECTORS, None, [])
    >>> scan_source(scanner, 'started\\n{"event": "login", "user": "jane.doe@example.com"}')
    >>> [finding.where for finding in scanner.findings]
    ["line 2 (event 'login'), field user"]
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pytest_filagent_trace._privacy.raw import ReadableSpan, links_by_span
from pytest_filagent_trace._privacy.scan import Scanner
from pytest_filagent_trace._spans import SpanNode, SpanTree, spans_of

__all__ = ["scan_source"]


def _is_span(item: object) -> bool:
    return isinstance(item, (SpanNode, SpanTree, ReadableSpan))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _looks_like_file(text: str) -> bool:
    return text.endswith((".jsonl", ".json", ".log", ".ndjson", ".txt")) and os.path.isfile(text)


def scan_source(scanner: Scanner, source: object, where: str = "$") -> None:
    """Scan anything ``find_pii`` accepts, reporting into ``scanner``."""
    if source is None:
        return
    if isinstance(source, os.PathLike):
        path = Path(source)
        _lines(scanner, path.read_text(encoding="utf-8", errors="replace"), f"{path.name} line")
    elif isinstance(source, str):
        if "\n" not in source and len(source) < 4096 and _looks_like_file(source):
            scan_source(scanner, Path(source), where)
        else:
            _lines(scanner, source, "line")
    elif isinstance(source, bytes):
        _lines(scanner, source.decode("utf-8", errors="replace"), "line")
    elif _is_span(source):
        _spans(scanner, [source])
    elif isinstance(source, Mapping):
        scanner.counts.records += 1
        scanner.mapping(source, where, None)
    elif hasattr(source, "spans") and not isinstance(source, (list, tuple)):
        _capture(scanner, source)
    elif hasattr(source, "records") and not isinstance(source, (list, tuple)):
        _records(scanner, list(source.records), "log record")
    elif dataclasses.is_dataclass(source) and not isinstance(source, type):
        scan_source(scanner, dataclasses.asdict(source), where)
    elif callable(dump := getattr(source, "model_dump", None)):
        scan_source(scanner, dump(mode="json"), where)
    elif isinstance(source, Iterable):
        _iterable(scanner, list(source), where)
    else:
        scanner.counts.texts += 1
        scanner.text(str(source), where)


def _capture(scanner: Scanner, capture: Any) -> None:
    # A TraceCapture hands out its trees, cached per generation; anything else with
    # ``.spans`` hands out a list of spans.
    raw = getattr(capture, "raw_spans", None)
    if callable(getattr(capture, "traces", None)):
        _spans(scanner, capture, list(raw) if raw is not None else [])
    else:
        _spans(scanner, list(capture.spans))
    logs = getattr(capture, "logs", None)
    if logs is not None:
        _records(scanner, getattr(logs, "records", logs), "log record")


def _spans(scanner: Scanner, source: Any, raw: Iterable[object] = ()) -> None:
    """Spans, as nodes from the one source adapter; links from the finished spans."""
    items = source if isinstance(source, list) else []
    scanner.spans(spans_of(source), links_by_span([*items, *raw]))


def _iterable(scanner: Scanner, items: list[Any], where: str) -> None:
    spans = [item for item in items if _is_span(item)]
    if spans:
        _spans(scanner, spans)
    rest = [item for item in items if not _is_span(item)]
    if all(isinstance(item, (Mapping, str)) for item in rest):
        _records(scanner, rest)
        return
    for index, item in enumerate(rest):
        scan_source(scanner, item, f"{where}[{index}]")


def _records(scanner: Scanner, records: Iterable[Any], name: str = "record") -> None:
    for index, record in enumerate(records):
        if isinstance(record, Mapping):
            _record(scanner, record, _record_label(scanner, record, index, name))
        elif isinstance(record, str):
            scanner.counts.texts += 1
            scanner.text(record, f"{name} {index}")
        else:
            scan_source(scanner, record, f"{name} {index}")


def _record(scanner: Scanner, record: Mapping[str, Any], where: str) -> None:
    if where.startswith("log "):
        scanner.counts.logs += 1
    else:
        scanner.counts.records += 1
    scanner.mapping(record, where, "field")


def _record_label(scanner: Scanner, record: Mapping[str, Any], index: int, name: str) -> str:
    line = getattr(record, "line", None)
    if isinstance(line, int):
        base = f"log line {line}"
    elif getattr(record, "source", None) is not None:
        base = f"log record {index}"
    else:
        base = f"{name} {index}"
    event = next(
        (record[k] for k in ("event", "message", "msg") if isinstance(record.get(k), str)),
        None,
    )
    return f"{base} (event {_short(scanner.label(event), 40)!r})" if event else base


def _lines(scanner: Scanner, text: str, name: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        parsed: object = None
        if stripped.startswith("{"):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
        if isinstance(parsed, dict):
            _record(scanner, parsed, _record_label(scanner, parsed, number, name))
        else:
            scanner.counts.texts += 1
            scanner.text(line, f"{name} {number}")
