"""``--trace-report=DIR``: one waterfall page per test that captured spans, and an index.

Pages are written where the test ran (an xdist worker, or the only process) while its
capture is still held; the index is written once, by the process that sees every report
(the xdist controller, or the only process), from what the reports carry.

Example:
    >>> pytest --trace-report=trace-report  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_filagent_trace._report import ReportEntry, index_page, report_page

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import TraceCapture

__all__ = ["TraceReport"]

_SPANS = "trace_report_spans"
_PAGE = "trace_report_page"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class TraceReport:
    """Writes the report pages of the tests and, at the end, the index."""

    def __init__(self, directory: Path, *, only_failed: bool) -> None:
        self.directory = directory
        self.only_failed = only_failed
        self.entries: dict[str, ReportEntry] = {}

    def write_page(
        self,
        item: pytest.Item,
        report: pytest.TestReport,
        capture: TraceCapture | None,
        error: BaseException | None,
    ) -> None:
        """Write ``item``'s page for its ``call`` report, and note it on the report.

        ``error`` is what the test raised; a ``SpanTreeMismatch`` marks its problems.
        """
        if report.when != "call" and not (report.failed and report.when == "setup"):
            return
        spans = len(capture) if capture is not None else 0
        page = None
        if capture is not None and spans and (report.failed or not self.only_failed):
            page = _page_name(item.nodeid)
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / page).write_text(
                report_page(item.nodeid, report.outcome, capture, _problems(report, error)),
                encoding="utf-8",
            )
        report.user_properties.append((_SPANS, spans))
        report.user_properties.append((_PAGE, page))

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties: dict[str, Any] = dict(report.user_properties)
        if _SPANS not in properties:
            if report.failed and report.nodeid in self.entries:
                entry = self.entries[report.nodeid]
                self.entries[report.nodeid] = ReportEntry(
                    entry.nodeid, "failed", entry.spans, entry.page
                )
            return
        self.entries[report.nodeid] = ReportEntry(
            report.nodeid, report.outcome, int(properties[_SPANS]), properties[_PAGE]
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workerinput"):
            return  # an xdist worker: the controller writes the one index
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "index.html").write_text(
            index_page(list(self.entries.values())), encoding="utf-8"
        )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        pages = sum(entry.page is not None for entry in self.entries.values())
        terminalreporter.write_line(
            f"trace report: {self.directory / 'index.html'} ({pages} page(s))"
        )


def _page_name(nodeid: str) -> str:
    # Readable and unique: the node id with unsafe characters folded, plus a short hash.
    digest = hashlib.sha1(nodeid.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{_UNSAFE.sub('_', nodeid)[-80:]}-{digest}.html"


def _problems(report: pytest.TestReport, error: BaseException | None) -> list[tuple[Any, str]]:
    problems = getattr(error, "problems", None)
    if not problems:
        if report.failed and report.longrepr is not None:
            return [(None, str(getattr(report.longrepr, "reprcrash", report.longrepr)))]
        return []
    return [(problem.node, f"{problem.where}: {'; '.join(problem.lines)}") for problem in problems]
