"""pytest entry point of pytest_filagent_trace: the hooks pytest loads, and nothing else.

Each hook only wires :mod:`pytest_filagent_trace._capture` into pytest's test life cycle
through the parts in :mod:`pytest_filagent_trace._pytest`: ``options`` (command line and ini),
``fixtures`` (``trace_capture``), ``reporting`` (leaks, ``--trace-tree``), ``snapshot``
(``trace_snapshot``) and ``assertrepr``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from pytest_filagent_trace._capture import ProviderConfigError, TraceCapture
from pytest_filagent_trace._pytest.assertrepr import assertrepr_compare
from pytest_filagent_trace._pytest.fixtures import trace_capture, trace_capture_provider
from pytest_filagent_trace._pytest.options import (
    add_options,
    expand_bare_trace_tree,
    run_from_config,
)
from pytest_filagent_trace._pytest.reporting import (
    PassedTrees,
    SnapshotKeeper,
    annotate_report,
    report_leaks,
)
from pytest_filagent_trace._pytest.run import CAPTURE, LOGS, RUN
from pytest_filagent_trace._pytest.snapshot import (
    options_from_config,
    trace_snapshot,
    trace_snapshot_options,
)

# Importing the fixtures here registers them with pytest.
__all__ = ["trace_capture", "trace_capture_provider", "trace_snapshot", "trace_snapshot_options"]


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
    config.pluginmanager.register(SnapshotKeeper(config), "filagent-trace-snapshot-keeper")
    # A bad trace_snapshot_* ini value stops the run here, once, not in every test.
    options_from_config(config)


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """``assert span(...) == trace`` explains itself like ``assert_span_tree``."""
    return assertrepr_compare(op, left, right)


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is not None and run.logs_installed:
        from pytest_filagent_trace._logs import uninstall

        uninstall()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    run = item.config.stash[RUN]
    log_capture = None
    if "trace_capture" in getattr(item, "fixturenames", ()):
        # Logs are recorded only for tests that can read them: the hooks they need sit on
        # the root logger and structlog, which other tests should not pay for.
        from pytest_filagent_trace._logs import LogCapture

        log_capture = LogCapture()
        log_capture.start()
        item.stash[LOGS] = log_capture
        run.logs_installed = True
    capture = TraceCapture(sources=run.attachments.describe, logs=log_capture)
    item.stash[CAPTURE] = capture
    run.attachments.processor.open_test(item.nodeid, capture)
    # A bad provider option fails the test after the other plugins' setup ran, so their
    # teardown finds what it expects.
    error: ProviderConfigError | None = None
    try:
        provider = run.configured_provider()
    except ProviderConfigError as raised:
        error, provider = raised, None
    if provider is not None:
        run.attachments.attach(provider, run.provider_where)
    run.attachments.attach_global(install=False)
    result = yield
    if error is not None:
        pytest.fail(str(error), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    # Installing a global provider waits until the fixtures ran, so a program that sets
    # its own provider in a fixture keeps it.
    attachments = item.config.stash[RUN].attachments
    attachments.attach_global(install=not attachments.any_attached)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    # Spans of session, module or class fixtures belong to no single test.
    if fixturedef.scope == "function" or RUN not in request.config.stash:
        return (yield)
    with request.config.stash[RUN].attachments.processor.paused():
        return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    run = item.config.stash[RUN]
    try:
        result = yield
    finally:
        leaks = run.attachments.processor.close_test()
        log_capture = item.stash.get(LOGS, None)
        if log_capture is not None:
            log_capture.stop()
    if leaks:
        report_leaks(item, leaks, strict=run.strict)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    annotate_report(item, report)
    return report
