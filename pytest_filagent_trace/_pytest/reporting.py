"""What the plugin adds to pytest's reports: leak warnings, ``--trace-tree`` sections.

Also keeps the snapshots of a failed ``trace_snapshot`` test from being counted as unused.

Example:
    >>> report_leaks(item, leaks, strict=False)  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, cast

import pytest

from pytest_filagent_trace._pytest.run import CAPTURE, RUN, TREES_SHOWN

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import LeakedSpan, LeakedTrace, TraceCapture

SECTION = "Captured trace trees"
_MAX_VALUE_LENGTH = 120  # longer strings print as "prefix"..., which still matches
_SNAPSHOT_FIXTURE = "trace_snapshot"
_KEEP_SNAPSHOTS = "filagent_trace_keep_snapshots"
_LEAKS_OUTPUT = "filagent_trace_late_leaks"


def report_leaks(item: pytest.Item, leaks: list[LeakedSpan], *, strict: bool) -> None:
    """Warn about each span ``item`` left open, or fail it under ``--trace-strict``."""
    if strict:
        lines = "\n".join(f"  {leak.describe()}" for leak in leaks)
        pytest.fail(
            f"{len(leaks)} span(s) left open by {item.nodeid} (--trace-strict):\n{lines}\n"
            "End them before the test returns, or wait for them with "
            "trace_capture.wait_for(...).",
            pytrace=False,
        )
    from pytest_filagent_trace import SpanLeakWarning

    path, lineno, _ = item.location
    for leak in leaks:
        warnings.warn_explicit(
            SpanLeakWarning(leak.describe()),
            SpanLeakWarning,
            filename=str(item.config.rootpath / path),
            lineno=(lineno or 0) + 1,
        )


def late_leaks(traces: list[LeakedTrace]) -> list[str]:
    """One line per leaked trace with spans that ended after their test."""
    return [trace.describe() for trace in traces if trace.late_count]


def hand_leaks_to_controller(config: pytest.Config, traces: list[LeakedTrace]) -> None:
    """Under xdist, send a worker's :func:`late_leaks` to the controller, which prints them.

    Only the controller writes the terminal summary; xdist delivers ``workeroutput`` to it
    when the worker finishes (read back by :func:`leaks_from_worker`).
    """
    output = getattr(config, "workeroutput", None)
    if output is not None:
        output[_LEAKS_OUTPUT] = late_leaks(traces)


def leaks_from_worker(workeroutput: dict[str, Any]) -> list[str]:
    """The :func:`late_leaks` lines a finished xdist worker sent."""
    return list(workeroutput.get(_LEAKS_OUTPUT, ()))


def report_leaked_traces(terminalreporter: pytest.TerminalReporter, lines: list[str]) -> None:
    """Name, at the end of the run, the spans of leaked traces that ended after their test.

    They were kept out of every later test's capture; this is where they are accounted for.
    """
    if not lines:
        return
    terminalreporter.section("spans of leaked traces")
    for line in lines:
        terminalreporter.line(line)


def annotate_report(item: pytest.Item, report: pytest.TestReport) -> None:
    """Add the captured trees to ``report`` when ``--trace-tree`` asks for them."""
    if (
        report.failed
        and report.when != "teardown"
        and _SNAPSHOT_FIXTURE in getattr(item, "fixturenames", ())
    ):
        # Read by SnapshotKeeper, in the xdist controller too: keywords travel with the
        # report.
        cast("dict[str, Any]", report.keywords)[_KEEP_SNAPSHOTS] = 1
    run = item.config.stash[RUN]
    if run.tree_mode == "none" or item.stash.get(TREES_SHOWN, False):
        return
    if report.failed or (run.tree_mode == "all" and report.when == "teardown"):
        capture = item.stash.get(CAPTURE, None)
        text = _render_trees(capture) if capture is not None else ""
        if text:
            report.sections.append((SECTION, text))
            item.stash[TREES_SHOWN] = True


def _render_trees(capture: TraceCapture) -> str:
    from pytest_filagent_trace._textform import render_tree

    if not len(capture):
        return ""
    return render_tree(capture, max_value_length=_MAX_VALUE_LENGTH)


class SnapshotKeeper:
    """Keeps the snapshots of a test that failed before its snapshot assertions ran.

    syrupy counts a snapshot no assertion used as unused: the run fails on it and
    ``--snapshot-update`` deletes it, although the test still means to compare with it.
    For a failed test that uses ``trace_snapshot``, syrupy is told the test was skipped,
    which is how it already protects the snapshots of skipped tests: they are neither
    reported nor deleted. The test's own failure still fails the run.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(trylast=True)  # after syrupy has recorded the outcome
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not report.keywords.get(_KEEP_SNAPSHOTS):
            return
        session = getattr(self.config, "_syrupy", None)
        ran_item = getattr(session, "ran_item", None)
        if callable(ran_item):
            ran_item(report.nodeid, "skipped")


class PassedTrees:
    """Collects the trees of tests that did not fail, for the ``trace trees`` summary."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Runs in the xdist controller too, where report sections arrive from the workers.
        if report.failed:
            return
        self.entries.extend(
            (report.nodeid, text) for title, text in report.sections if title == SECTION
        )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.entries:
            return
        terminalreporter.section("trace trees")
        for nodeid, text in self.entries:
            terminalreporter.write_sep("_", nodeid)
            terminalreporter.line(text)
