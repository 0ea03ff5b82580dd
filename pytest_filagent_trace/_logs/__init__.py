"""Log capture and log-trace correlation."""

from __future__ import annotations

from pytest_filagent_trace._logs.logs import (
    CapturedLog,
    CorrelationProblem,
    LogCapture,
    LogsNotCorrelated,
    assert_logs_correlated,
    capture_logs,
    check_logs_correlated,
    install,
    structlog_processor,
    uninstall,
)

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
