"""The ``filagent`` command as a user runs it: demo, chat, records, and refusing bad configuration.

``demo`` and ``chat`` run the service in-process (no network beyond 127.0.0.1, no
external service) and print trace trees; they are called through ``main([...])``
and their output read with ``capsys``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from filagent.audit import DecisionRecord, DecisionRecorder
from filagent.cli import DEMO_REQUESTS, main
from filagent.telemetry.logging import SERVER_LOGGERS

TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACE_B = "0af7651916cd43dd8448eb211c80319c"
TRACE_LINE = re.compile(r"^trace ([0-9a-f]{32})$", re.MULTILINE)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults, whatever the shell running the tests has set."""
    for variable in list(os.environ):
        if variable.startswith(("FILAGENT_", "OTEL_")):
            monkeypatch.delenv(variable)


@contextlib.contextmanager
def logging_restored() -> Iterator[None]:
    """``chat`` and ``demo`` configure logging for the process; put it back afterwards."""
    loggers = [logging.getLogger(name) for name in ("", *SERVER_LOGGERS)]
    saved = [(list(lg.handlers), lg.level, lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
        structlog.reset_defaults()


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    with logging_restored():
        yield


@pytest.fixture(scope="module")
def demo() -> tuple[int, str]:
    """Exit code and output of one ``filagent demo`` run, shared by the demo tests."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in list(os.environ):
            if variable.startswith(("FILAGENT_", "OTEL_")):
                patch.delenv(variable)
        out = io.StringIO()
        with logging_restored(), contextlib.redirect_stdout(out):
            code = main(["demo"])
    return code, out.getvalue()


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "telemetry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write_records(path: Path) -> None:
    recorder = DecisionRecorder(path)
    for trace_id, task in ((TRACE_A, "task-a"), (TRACE_B, "task-b")):
        recorder.record(
            DecisionRecord(
                trace_id=trace_id,
                span_id="00f067aa0ba902b7",
                conversation_id="conv-1",
                task_id=task,
                route_mode="simple",
                route_reason="one tool intent",
                route_confidence=0.9,
                outcome="success",
            )
        )


# --- demo -----------------------------------------------------------------------------------


def test_demo_succeeds(demo: tuple[int, str]) -> None:
    code, _ = demo
    assert code == 0


def test_demo_prints_one_trace_tree_per_representative_request(demo: tuple[int, str]) -> None:
    _, out = demo
    assert len(DEMO_REQUESTS) == 4
    for number, (title, _, _) in enumerate(DEMO_REQUESTS, start=1):
        assert f"── {number}. {title}" in out
    assert out.count("POST /chat [SERVER]") == 4


def test_demo_shows_the_search_service_inside_the_trace(demo: tuple[int, str]) -> None:
    _, out = demo
    assert "GET /search [SERVER]" in out
    assert "GET [CLIENT]" in out


def test_demo_shows_an_htn_plan_run_in_parallel(demo: tuple[int, str]) -> None:
    _, out = demo
    assert "agent.run_with_htn" in out
    assert 'strategy="parallel"' in out
    assert "completed_tasks=3" in out


def test_demo_shows_a_failing_tool_as_an_error_span(demo: tuple[int, str]) -> None:
    _, out = demo
    assert re.search(r"tool\.execute\.file_read \[ERROR: ToolError: path traversal refused", out)
    assert "tool    : file_read → failed: path traversal refused" in out


def test_demo_reports_logs_and_records_joined_to_each_trace(demo: tuple[int, str]) -> None:
    _, out = demo
    joined = re.findall(r"logs    : (\d+) of (\d+) log lines carry the trace id; 1 decision", out)
    assert len(joined) == 4
    assert all(carried == total != "0" for carried, total in joined)


# --- chat -----------------------------------------------------------------------------------


def test_chat_prints_the_answer_and_the_trace_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["chat", "What is 2+2?"])

    out = capsys.readouterr().out
    assert code == 0
    assert "calculator: 2+2 = 4" in out.splitlines()[1]
    assert TRACE_LINE.search(out)
    assert "POST /chat [SERVER]" in out
    assert "tool.execute.calculator" in out


def test_chat_mode_option_forces_htn(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["chat", "What is 2+2?", "--mode", "htn"])

    out = capsys.readouterr().out
    assert code == 0
    assert "agent.run_with_htn" in out
    assert "agent.run_simple" not in out


def test_chat_without_tracing_still_answers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")

    code = main(["chat", "What is 2+2?"])

    out = capsys.readouterr().out
    assert code == 0
    assert "calculator: 2+2 = 4" in out
    assert "trace (none)" in out
    assert "(tracing is disabled: no trace)" in out


def test_chat_refused_by_the_service_exits_1_with_the_reason(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILAGENT_MAX_CONTENT_CHARS", "5")

    code = main(["chat", "What is 2+2?"])

    out = capsys.readouterr().out
    assert code == 1
    assert "messages[0].content: at most 5 characters are accepted, found 12" in out


# --- records --------------------------------------------------------------------------------


def test_records_prints_the_records_of_one_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.jsonl"
    write_records(path)

    code = main(["records", "--trace-id", TRACE_B, "--path", str(path)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [json.loads(line)["task_id"] for line in lines] == ["task-b"]


def test_records_without_a_trace_id_prints_every_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.jsonl"
    write_records(path)

    code = main(["records", "--path", str(path)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [json.loads(line)["trace_id"] for line in lines] == [TRACE_A, TRACE_B]


def test_records_reads_the_file_named_by_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "decisions.jsonl"
    write_records(path)
    config = write_config(tmp_path, f"records:\n  path: {path}\n")
    monkeypatch.setenv("FILAGENT_TELEMETRY_CONFIG", str(config))

    code = main(["records", "--trace-id", TRACE_A])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["task_id"] == "task-a"


def test_records_refuses_a_malformed_trace_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["records", "--trace-id", "not-a-trace", "--path", str(tmp_path / "r.jsonl")])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "--trace-id expects 32 hex digits, found 'not-a-trace'" in captured.err


def test_records_names_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.jsonl"

    code = main(["records", "--trace-id", TRACE_A, "--path", str(missing)])

    assert code == 1
    assert f"no decision records file at {missing}" in capsys.readouterr().err


def test_records_says_when_no_record_has_the_trace_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.jsonl"
    write_records(path)
    other = "ffffffffffffffffffffffffffffffff"

    code = main(["records", "--trace-id", other, "--path", str(path)])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert f"no decision record of trace {other} in {path}" in captured.err


# --- refusing bad configuration -------------------------------------------------------------


def test_invalid_config_value_exits_2_naming_file_field_and_allowed_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, "traces:\n  sampler: sometimes\n")
    monkeypatch.setenv("FILAGENT_TELEMETRY_CONFIG", str(config))

    code = main(["chat", "What is 2+2?"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    message = captured.err
    assert message.startswith("filagent: configuration error: ")
    assert f"{config}: traces.sampler: found 'sometimes', expected one of" in message
    assert "parentbased_always_on" in message


def test_invalid_yaml_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, "traces:\n  sampler: [always_on\n")
    monkeypatch.setenv("FILAGENT_TELEMETRY_CONFIG", str(config))

    code = main(["chat", "What is 2+2?"])

    assert code == 2
    assert re.search(
        rf"{re.escape(str(config))}:\d+:\d+: found .*expected valid YAML", capsys.readouterr().err
    )


def test_serve_refuses_to_start_with_an_invalid_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, "service:\n  colour: blue\n")
    monkeypatch.setenv("FILAGENT_TELEMETRY_CONFIG", str(config))

    code = main(["serve", "--no-search", "--port", "0"])

    message = capsys.readouterr().err
    assert code == 2
    assert f"{config}: service.colour: found 'blue', expected a known field: name" in message


def test_invalid_setting_exits_2_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILAGENT_MODEL", "gpt-4")

    code = main(["chat", "What is 2+2?"])

    assert code == 2
    assert "FILAGENT_MODEL='gpt-4'" in capsys.readouterr().err


# --- the command itself ---------------------------------------------------------------------


def test_python_m_filagent_help_lists_the_commands() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "filagent", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    for command in ("serve", "search", "chat", "demo", "records"):
        assert command in completed.stdout


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err
