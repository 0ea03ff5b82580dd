"""HTML trace reports: one self-contained waterfall page per test and an index."""

from __future__ import annotations

from pytest_filagent_trace._report.index import ReportEntry, index_page
from pytest_filagent_trace._report.page import report_page

__all__ = ["ReportEntry", "index_page", "report_page"]
