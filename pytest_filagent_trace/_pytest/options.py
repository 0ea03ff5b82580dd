"""The plugin's command-line and ini options, read once into the session's :class:`Run`.

Example:
    >>> def pytest_addoption(parser):  # doctest: +SKIP
    ...     add_options(parser)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from pytest_filagent_trace._pytest.run import Run
from pytest_filagent_trace._pytest.snapshot import add_snapshot_options

if TYPE_CHECKING:
    from pytest_filagent_trace._otlp.http_target import OtlpHttpTarget
    from pytest_filagent_trace._types import TreeMode

TREE_MODES = ("failed", "all", "none")


def add_options(parser: pytest.Parser) -> None:
    """Register ``--trace-tree``, ``--trace-strict`` and the ini options."""
    group = parser.getgroup("filagent-trace", "OpenTelemetry trace capture")
    group.addoption(
        "--trace-tree",
        nargs="?",
        const="failed",
        default=None,
        metavar="failed|all|none",
        dest="trace_tree",
        help="print the span trees each test captured: of failed tests (the default when "
        "given without a value), of all tests, or none. Default: the trace_tree ini value.",
    )
    group.addoption(
        "--trace-strict",
        action="store_true",
        default=None,
        dest="trace_strict",
        help="fail a test that leaves spans open when it finishes, instead of warning.",
    )
    group.addoption(
        "--trace-report",
        default=None,
        metavar="DIR",
        dest="trace_report",
        help="write DIR/index.html and one HTML waterfall page per test that captured spans.",
    )
    group.addoption(
        "--trace-report-only",
        default="all",
        choices=("all", "failed"),
        dest="trace_report_only",
        help="with --trace-report, write pages for all tests (default) or only failed ones.",
    )
    group.addoption(
        "--trace-export",
        default=None,
        metavar="FILE",
        dest="trace_export",
        help="write every test's captured spans to FILE as OTLP/JSON, one line per test.",
    )
    group.addoption(
        "--trace-run-export",
        default=None,
        metavar="URL|env",
        dest="trace_run_export",
        help="send the run as one trace (session span, a span per test, each test's spans "
        "under it) to the OTLP/HTTP endpoint URL (http://host:4318), or to the one the "
        "OTEL_EXPORTER_OTLP_* variables name with 'env'.",
    )
    parser.addini(
        "trace_tree",
        "which tests' captured span trees to print: failed, all or none (default: none).",
        default="none",
    )
    parser.addini(
        "trace_strict",
        "fail tests that leave spans open instead of warning (default: false).",
        type="bool",
        default=False,
    )
    parser.addini(
        "trace_capture_provider",
        "'module:callable' returning the TracerProvider the program under test builds "
        "itself (when it does not set the global provider).",
        default="",
    )
    add_snapshot_options(parser)


def expand_bare_trace_tree(args: list[str]) -> None:
    """``pytest --trace-tree tests/`` must not read "tests/" as the mode.

    A bare flag followed by anything but a mode means the default mode.
    """
    for index, arg in enumerate(args):
        if arg == "--trace-tree" and (index + 1 == len(args) or args[index + 1] not in TREE_MODES):
            args[index] = "--trace-tree=failed"


def run_from_config(config: pytest.Config) -> Run:
    """The session's :class:`Run`; raises ``pytest.UsageError`` naming a bad value's source."""
    option = config.getoption("trace_tree")
    mode = option if option is not None else str(config.getini("trace_tree")).strip()
    if mode not in TREE_MODES:
        source = "--trace-tree" if option is not None else f"trace_tree in {config.inipath}"
        raise pytest.UsageError(f"{source}: expected one of failed, all, none; got {mode!r}")
    strict_option = config.getoption("trace_strict")
    report = config.getoption("trace_report")
    export = config.getoption("trace_export")
    return Run(
        run_export_target=_run_export_target(config.getoption("trace_run_export")),
        report_dir=None if report is None else Path(report).absolute(),
        report_only_failed=config.getoption("trace_report_only") == "failed",
        export_path=None if export is None else Path(export).absolute(),
        tree_mode=cast("TreeMode", mode),
        strict=bool(strict_option) if strict_option is not None else config.getini("trace_strict"),
        provider_spec=str(config.getini("trace_capture_provider")).strip(),
        provider_where=f"trace_capture_provider (ini option in {config.inipath or 'no file'})",
    )


def _run_export_target(value: str | None) -> OtlpHttpTarget | None:
    if value is None:
        return None
    # Loaded only when asked for: start-up loads nothing of the OTLP package.
    from pytest_filagent_trace._otlp.http_target import (
        TargetError,
        target_from_env,
        target_from_url,
    )

    try:
        if value.strip() == "env":
            return target_from_env(os.environ)
        return target_from_url(value)
    except TargetError as error:
        option = "--trace-run-export=env" if value.strip() == "env" else "--trace-run-export"
        raise pytest.UsageError(f"{option}: {error}") from None
