"""pytest entry point of pytest_filagent_trace: the hooks pytest loads, and nothing else.

Each hook only wires :mod:`pytest_filagent_trace._capture` into pytest's test life cycle
through the parts in :mod:`pytest_filagent_trace._pytest`: ``options`` (command line and ini),
``fixtures`` (``trace_capture``), ``reporting`` (leaks, ``--trace-tree``), ``snapshot``
(``trace_snapshot``) and ``assertrepr``.

No harm: at start-up only the options, the run's state and the fixture declarations load.
What a captured test needs (the capture, the OpenTelemetry SDK, reports) loads at the first
test that asks, so a run in which none does pays for nothing else.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from pytest_filagent_trace._pytest.assertrepr import assertrepr_compare
from pytest_filagent_trace._pytest.fixtures import (
    trace_capture,
    trace_capture_provider,
    trace_receiver,
)
from pytest_filagent_trace._pytest.options import (
    add_options,
    expand_bare_trace_tree,
    run_from_config,
)
from pytest_filagent_trace._pytest.reporting import (
    PassedTrees,
    SnapshotKeeper,
    annotate_report,
    hand_leaks_to_controller,
    late_leaks,
    leaks_from_worker,
    report_leaked_traces,
    report_leaks,
)
from pytest_filagent_trace._pytest.run import CAPTURE, RUN
from pytest_filagent_trace._pytest.snapshot import (
    check_snapshot_ini,
    trace_snapshot,
    trace_snapshot_options,
)

# Importing the fixtures here registers them with pytest.
__all__ = [
    "trace_capture",
    "trace_capture_provider",
    "trace_receiver",
    "trace_snapshot",
    "trace_snapshot_options",
]

# trace_snapshot needs syrupy's plugin: loading it from here makes `-p pytest_filagent_trace`
# enough under PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 (pytest skips it when already loaded).
pytest_plugins = ["syrupy"]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    expand_bare_trace_tree(args)


def pytest_configure(config: pytest.Config) -> None:
    run = run_from_config(config)
    config.stash[RUN] = run
    if run.tree_mode == "all":
        config.pluginmanager.register(PassedTrees(), "filagent-trace-passed-trees")
    worker = getattr(config, "workerinput", {}).get("workerid")
    if run.report_dir is not None:
        from pytest_filagent_trace._pytest.trace_report import TraceReport

        run.report = TraceReport(run.report_dir, only_failed=run.report_only_failed)
        config.pluginmanager.register(run.report, "filagent-trace-report")
    if run.export_path is not None:
        from pytest_filagent_trace._pytest.trace_export import TraceExport

        run.export = TraceExport(run.export_path, worker)
        config.pluginmanager.register(run.export, "filagent-trace-export")
    if run.run_export_target is not None:
        from pytest_filagent_trace._pytest.run_export import RunExport

        run.run_export = RunExport(run.run_export_target, config)
        config.pluginmanager.register(run.run_export, "filagent-trace-run-export")
    config.pluginmanager.register(SnapshotKeeper(config), "filagent-trace-snapshot-keeper")
    # A bad trace_snapshot_* ini value stops the run here, once, not in every test.
    check_snapshot_ini(config)


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """``assert span(...) == trace`` explains itself like ``assert_span_tree``."""
    return assertrepr_compare(op, left, right)


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is not None:
        run.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    run = item.config.stash[RUN]
    if not run.asks(item):
        return (yield)
    from pytest_filagent_trace._pytest.capturing import open_test

    error = open_test(item, run)
    result = yield
    if error is not None:
        pytest.fail(str(error), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    # Spans of session, module or class fixtures belong to no single test.
    run = request.config.stash.get(RUN, None)
    if fixturedef.scope == "function" or run is None or not run.in_test:
        return (yield)
    with run.attachments.processor.paused():
        return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    run = item.config.stash[RUN]
    if CAPTURE not in item.stash:
        return (yield)
    from pytest_filagent_trace._pytest.capturing import close_test

    try:
        result = yield
    finally:
        leaks = close_test(item, run)
    if leaks:
        report_leaks(item, leaks, strict=run.strict)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    annotate_report(item, report)
    run = item.config.stash[RUN]
    capture = item.stash.get(CAPTURE, None)
    if run.report is not None:
        run.report.write_page(item, report, capture, call.excinfo.value if call.excinfo else None)
    if run.export is not None and capture is not None:
        run.export.export(item, report, capture)
    if run.run_export is not None:
        run.run_export.record(item, report, call, capture)
    if report.when == "teardown" and capture is not None:
        from pytest_filagent_trace._pytest.capturing import release_test

        release_test(item)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(RUN, None)
    if run is not None:
        hand_leaks_to_controller(session.config, run.leaked_traces)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist: a worker finished; keep what its leaked traces did, for the summary."""
    run = node.config.stash.get(RUN, None)
    if run is not None:
        run.worker_leaks.extend(leaks_from_worker(getattr(node, "workeroutput", {})))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    run = terminalreporter.config.stash.get(RUN, None)
    if run is not None:
        report_leaked_traces(terminalreporter, [*late_leaks(run.leaked_traces), *run.worker_leaks])
