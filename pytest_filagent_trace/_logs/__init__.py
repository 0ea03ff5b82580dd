"""Log capture and log-trace correlation.

``records`` (one captured record, JSON lines), ``hooks`` (the root handler and the
structlog processor), ``install`` (attaching them), ``logs`` (the capture), and the
correlation check with its inputs (``sources``, ``span_index``, ``ids``, ``correlation``).
"""

from __future__ import annotations

from pytest_filagent_trace._logs.correlation import (
    CorrelationProblem,
    LogsNotCorrelated,
    assert_logs_correlated,
    check_logs_correlated,
)
from pytest_filagent_trace._logs.hooks import structlog_processor
from pytest_filagent_trace._logs.install import install, uninstall
from pytest_filagent_trace._logs.logs import LogCapture, capture_logs
from pytest_filagent_trace._logs.records import CapturedLog

__all__ = [
    "CapturedLog",
    "CorrelationProblem",
    "LogCapture",
    "LogsNotCorrelated",
    "assert_logs_correlated",
    "capture_logs",
    "check_logs_correlated",
    "install",
    "structlog_processor",
    "uninstall",
]
