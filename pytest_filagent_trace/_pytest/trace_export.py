"""``--trace-export=FILE``: every test's captured spans as OTLP/JSON, one line per test.

Each span carries the test semantic-convention attributes (``test.case.name``,
``test.case.result.status``, ``test.suite.name``), so the file loads into Phoenix or any
OTLP/JSON reader with the tests told apart. Under xdist each worker writes its own part
and the controller joins them into ``FILE`` at the end.

Example:
    >>> pytest --trace-export=traces.jsonl  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_filagent_trace._otlp import otlp_json
from pytest_filagent_trace._otlp.run_trace import case_attributes

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import TraceCapture

__all__ = ["TraceExport"]


class TraceExport:
    """Appends each test's spans to this process's part of the export file."""

    def __init__(self, path: Path, worker: str | None) -> None:
        self.path = path
        self.worker = worker
        self.part = path.with_name(f"{path.name}.part-{worker or 'main'}")
        self.part.parent.mkdir(parents=True, exist_ok=True)
        if worker is None:
            # Configured before any worker starts: parts left by an interrupted run go.
            for stale in path.parent.glob(f"{path.name}.part-*"):
                stale.unlink()
        self.part.write_text("", encoding="utf-8")

    def export(self, item: pytest.Item, report: pytest.TestReport, capture: TraceCapture) -> None:
        """Write ``item``'s spans, with its outcome, when its ``call`` phase is reported."""
        if report.when != "call" or not len(capture):
            return
        extra = case_attributes(item.nodeid, report.outcome)
        with self.part.open("a", encoding="utf-8") as part:
            part.write(otlp_json(capture, extra))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker is not None:
            return  # the controller joins the parts
        parts = sorted(self.path.parent.glob(f"{self.path.name}.part-*"))
        with self.path.open("w", encoding="utf-8") as joined:
            for part in parts:
                joined.write(part.read_text(encoding="utf-8"))
                os.remove(part)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        terminalreporter.write_line(f"trace export: {self.path} (OTLP/JSON)")
