"""The report's index page: every test of the run, its outcome and its span count."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from pytest_filagent_trace._report.assets import STYLE

__all__ = ["ReportEntry", "index_page"]


@dataclass(frozen=True)
class ReportEntry:
    """One test in the index: its node id, outcome, span count and page (if it has one)."""

    nodeid: str
    outcome: str
    spans: int
    page: str | None


def index_page(entries: Sequence[ReportEntry]) -> str:
    """The HTML of the index, tests in the order given."""
    rows = "".join(
        "<tr>"
        + (
            f"<td><a href='{html.escape(entry.page, quote=True)}'>"
            f"{html.escape(entry.nodeid)}</a></td>"
            if entry.page
            else f"<td>{html.escape(entry.nodeid)}</td>"
        )
        + f"<td class='outcome {html.escape(entry.outcome)}'>{html.escape(entry.outcome)}</td>"
        + f"<td class='duration'>{entry.spans}</td></tr>"
        for entry in entries
    )
    failed = sum(entry.outcome == "failed" for entry in entries)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Trace report</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Trace report</h1>{len(entries)} test(s), {failed} failed</header>"
        "<table id='tests'><tr><th>test</th><th>outcome</th><th>spans</th></tr>"
        f"{rows}</table></body></html>"
    )
