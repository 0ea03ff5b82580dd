"""Decision records: JSON lines joined to traces, written safely, read back with clear errors."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from filagent.audit import DecisionRecord, DecisionRecorder, RecordsError, read_records

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"


def record(trace_id: str = TRACE, **changes: Any) -> DecisionRecord:
    values: dict[str, Any] = {
        "trace_id": trace_id,
        "span_id": SPAN,
        "conversation_id": "c-1",
        "task_id": "t-1",
        "route_mode": "htn",
        "route_reason": "several steps",
        "route_confidence": 0.8,
        "tools": [{"tool": "calculator", "success": True}],
        "outcome": "success",
    }
    return DecisionRecord(**{**values, **changes})


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_record_is_one_json_line_with_its_trace(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    DecisionRecorder(path).record(record())
    (written,) = lines(path)
    assert written["trace_id"] == TRACE
    assert written["span_id"] == SPAN
    assert written["tools"] == [{"tool": "calculator", "success": True}]
    assert (written["route_mode"], written["outcome"], written["error"]) == ("htn", "success", None)
    assert written["timestamp"].endswith("Z")


def test_records_are_appended_across_recorders(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    DecisionRecorder(path).record(record(task_id="first"))
    DecisionRecorder(path).record(record(task_id="second"))
    assert [line["task_id"] for line in lines(path)] == ["first", "second"]


def test_the_parent_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "2025" / "records.jsonl"
    DecisionRecorder(path).record(record())
    assert len(lines(path)) == 1


def test_no_path_records_nothing(tmp_path: Path) -> None:
    recorder = DecisionRecorder(None)
    assert recorder.enabled is False
    assert recorder.record(record()) is None
    assert list(tmp_path.iterdir()) == []


def test_redact_hook_rewrites_the_record_before_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"

    def redact(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "error": "[REDACTED:email]"}

    recorder = DecisionRecorder(path, redact=redact)
    returned = recorder.record(record(outcome="error", error="mail bob@example.com failed"))
    (written,) = lines(path)
    assert written["error"] == "[REDACTED:email]"
    assert returned == written
    assert "bob@example.com" not in path.read_text(encoding="utf-8")


def test_concurrent_records_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    recorder = DecisionRecorder(path)

    def write_many(worker: int) -> None:
        for index in range(50):
            recorder.record(record(task_id=f"{worker}-{index}", route_reason="x" * 2000))

    threads = [threading.Thread(target=write_many, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    task_ids = {line["task_id"] for line in lines(path)}
    assert len(task_ids) == 400


def test_empty_trace_context_is_recorded_as_null(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    DecisionRecorder(path).record(record(trace_id="", span_id=""))
    (written,) = lines(path)
    assert (written["trace_id"], written["span_id"]) == (None, None)


def test_trace_id_must_be_32_lowercase_hex() -> None:
    with pytest.raises(ValidationError, match="trace_id"):
        record(trace_id="4BF92F3577B34DA6")


def test_outcome_is_success_or_error() -> None:
    with pytest.raises(ValidationError, match="outcome"):
        record(outcome="partial")


def test_read_records_filters_by_trace_id(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    other = "0af7651916cd43dd8448eb211c80319c"
    recorder = DecisionRecorder(path)
    for trace_id, task_id in ((TRACE, "a"), (other, "b"), (TRACE, "c")):
        recorder.record(record(trace_id=trace_id, task_id=task_id))
    assert [r["task_id"] for r in read_records(path, trace_id=TRACE)] == ["a", "c"]
    assert [r["task_id"] for r in read_records(path, trace_id=other.upper())] == ["b"]
    assert len(read_records(path)) == 3


def test_read_records_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('\n{"trace_id": "x"}\n\n', encoding="utf-8")
    assert read_records(path) == [{"trace_id": "x"}]


def test_read_records_names_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.jsonl"
    with pytest.raises(RecordsError, match=f"no decision records file at {path}"):
        read_records(path)


def test_read_records_names_file_and_line_of_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text('{"trace_id": "a"}\n{"trace_id": \n', encoding="utf-8")
    with pytest.raises(RecordsError) as info:
        read_records(path)
    assert str(info.value).startswith(f"{path}:2: expected a JSON object, found malformed JSON")


def test_read_records_refuses_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(RecordsError, match=r":1: expected a JSON object, found list"):
        read_records(path)
