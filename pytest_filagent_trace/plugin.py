"""pytest entry point of pytest_filagent_trace: options, fixtures and report hooks.

Everything here only wires :mod:`pytest_filagent_trace._capture` into pytest's test
life cycle: open a capture when a test's setup starts, close it after its teardown,
report leaked spans, and print captured trees with ``--trace-tree``.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pytest

from pytest_filagent_trace._capture import (
    CaptureProcessor,
    LeakedSpan,
    ProviderAttachments,
    ProviderConfigError,
    SpanLeakWarning,
    TraceCapture,
    load_provider,
)
from pytest_filagent_trace._pytest.assertrepr import assertrepr_compare
from pytest_filagent_trace._pytest.snapshot import (
    add_snapshot_options,
    options_from_config,
    trace_snapshot,
    trace_snapshot_options,
)

if TYPE_CHECKING:
    from pytest_filagent_trace._logs import LogCapture
    from pytest_filagent_trace._types import SupportsSpanProcessors, TreeMode

# The snapshot fixtures live next to their extension; importing them here registers them.
__all__ = ["trace_capture", "trace_capture_provider", "trace_snapshot", "trace_snapshot_options"]

_TREE_MODES = ("failed", "all", "none")
_SECTION = "Captured trace trees"
_MAX_VALUE_LENGTH = 120  # longer strings print as "prefix"..., which still matches


@dataclass
class _Run:
    """What the plugin keeps for one pytest session (one per xdist worker)."""

    tree_mode: TreeMode
    strict: bool
    provider_spec: str
    provider_where: str
    attachments: ProviderAttachments = field(
        default_factory=lambda: ProviderAttachments(CaptureProcessor())
    )
    provider: SupportsSpanProcessors | None = None
    provider_error: ProviderConfigError | None = None
    provider_loaded: bool = False
    logs_installed: bool = False

    def configured_provider(self) -> SupportsSpanProcessors | None:
        # Loaded at the first test rather than at start-up: the module often lives next to
        # the tests and is only importable once collection has set sys.path up.
        if not self.provider_loaded:
            self.provider_loaded = True
            if self.provider_spec:
                try:
                    self.provider = load_provider(self.provider_spec, where=self.provider_where)
                except ProviderConfigError as error:
                    self.provider_error = error
        if self.provider_error is not None:
            raise self.provider_error
        return self.provider


_RUN = pytest.StashKey[_Run]()
_CAPTURE = pytest.StashKey[TraceCapture]()
_TREES_SHOWN = pytest.StashKey[bool]()
_LOGS: pytest.StashKey[LogCapture] = pytest.StashKey()
_SNAPSHOT_FIXTURE = "trace_snapshot"
_KEEP_SNAPSHOTS = "filagent_trace_keep_snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
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


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    # `pytest --trace-tree tests/` must not read "tests/" as the mode: a bare flag
    # followed by anything but a mode means the default mode.
    for index, arg in enumerate(args):
        if arg == "--trace-tree" and (index + 1 == len(args) or args[index + 1] not in _TREE_MODES):
            args[index] = "--trace-tree=failed"


def pytest_configure(config: pytest.Config) -> None:
    option = config.getoption("trace_tree")
    mode = option if option is not None else str(config.getini("trace_tree")).strip()
    if mode not in _TREE_MODES:
        source = "--trace-tree" if option is not None else f"trace_tree in {config.inipath}"
        raise pytest.UsageError(f"{source}: expected one of failed, all, none; got {mode!r}")
    strict_option = config.getoption("trace_strict")
    config.stash[_RUN] = _Run(
        tree_mode=cast("TreeMode", mode),
        strict=bool(strict_option) if strict_option is not None else config.getini("trace_strict"),
        provider_spec=str(config.getini("trace_capture_provider")).strip(),
        provider_where=f"trace_capture_provider (ini option in {config.inipath or 'no file'})",
    )
    if mode == "all":
        config.pluginmanager.register(_PassedTrees(), "filagent-trace-passed-trees")
    config.pluginmanager.register(_SnapshotKeeper(config), "filagent-trace-snapshot-keeper")
    # A bad trace_snapshot_* ini value stops the run here, once, not in every test.
    options_from_config(config)


def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """``assert span(...) == trace`` explains itself like ``assert_span_tree``."""
    return assertrepr_compare(op, left, right)


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is not None and run.logs_installed:
        from pytest_filagent_trace._logs import uninstall

        uninstall()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    run = item.config.stash[_RUN]
    log_capture = None
    if "trace_capture" in getattr(item, "fixturenames", ()):
        # Logs are recorded only for tests that can read them: the hooks they need sit on
        # the root logger and structlog, which other tests should not pay for.
        from pytest_filagent_trace._logs import LogCapture

        log_capture = LogCapture()
        log_capture.start()
        item.stash[_LOGS] = log_capture
        run.logs_installed = True
    capture = TraceCapture(sources=run.attachments.describe, logs=log_capture)
    item.stash[_CAPTURE] = capture
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
    attachments = item.config.stash[_RUN].attachments
    attachments.attach_global(install=not attachments.any_attached)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    # Spans of session, module or class fixtures belong to no single test.
    if fixturedef.scope == "function" or _RUN not in request.config.stash:
        return (yield)
    with request.config.stash[_RUN].attachments.processor.paused():
        return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    run = item.config.stash[_RUN]
    try:
        result = yield
    finally:
        leaks = run.attachments.processor.close_test()
        log_capture = item.stash.get(_LOGS, None)
        if log_capture is not None:
            log_capture.stop()
    if leaks:
        _report_leaks(item, leaks, strict=run.strict)
    return result


def _report_leaks(item: pytest.Item, leaks: list[LeakedSpan], *, strict: bool) -> None:
    if strict:
        lines = "\n".join(f"  {leak.describe()}" for leak in leaks)
        pytest.fail(
            f"{len(leaks)} span(s) left open by {item.nodeid} (--trace-strict):\n{lines}\n"
            "End them before the test returns, or wait for them with "
            "trace_capture.wait_for(...).",
            pytrace=False,
        )
    path, lineno, _ = item.location
    for leak in leaks:
        warnings.warn_explicit(
            SpanLeakWarning(leak.describe()),
            SpanLeakWarning,
            filename=str(item.config.rootpath / path),
            lineno=(lineno or 0) + 1,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if (
        report.failed
        and report.when != "teardown"
        and _SNAPSHOT_FIXTURE in getattr(item, "fixturenames", ())
    ):
        # Read by _SnapshotKeeper, in the xdist controller too: keywords travel with the
        # report.
        cast("dict[str, Any]", report.keywords)[_KEEP_SNAPSHOTS] = 1
    run = item.config.stash[_RUN]
    if run.tree_mode == "none" or item.stash.get(_TREES_SHOWN, False):
        return report
    if report.failed or (run.tree_mode == "all" and report.when == "teardown"):
        capture = item.stash.get(_CAPTURE, None)
        text = _render_trees(capture) if capture is not None else ""
        if text:
            report.sections.append((_SECTION, text))
            item.stash[_TREES_SHOWN] = True
    return report


def _render_trees(capture: TraceCapture) -> str:
    from pytest_filagent_trace._textform import render_tree

    if not len(capture):
        return ""
    return render_tree(capture, max_value_length=_MAX_VALUE_LENGTH)


class _SnapshotKeeper:
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


class _PassedTrees:
    """Collects the trees of tests that did not fail, for the ``trace trees`` summary."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Runs in the xdist controller too, where report sections arrive from the workers.
        if report.failed:
            return
        self.entries.extend(
            (report.nodeid, text) for title, text in report.sections if title == _SECTION
        )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.entries:
            return
        terminalreporter.section("trace trees")
        for nodeid, text in self.entries:
            terminalreporter.write_sep("_", nodeid)
            terminalreporter.line(text)


@pytest.fixture(scope="session")
def trace_capture_provider(pytestconfig: pytest.Config) -> SupportsSpanProcessors | None:
    """The tracer provider a program builds itself and injects, to capture its spans.

    Defaults to the provider named by the ``trace_capture_provider`` ini option, or
    ``None`` when spans go through the global provider. Override it when the program
    builds its provider in test code:

    Example:
        >>> @pytest.fixture(scope="session")  # doctest: +SKIP
        ... def trace_capture_provider():
        ...     return my_app.telemetry.tracer_provider
    """
    try:
        return pytestconfig.stash[_RUN].configured_provider()
    except ProviderConfigError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def trace_capture(
    request: pytest.FixtureRequest, trace_capture_provider: SupportsSpanProcessors | None
) -> TraceCapture:
    """The spans that ended during this test, with trees, lookups and waits.

    Spans come from the global tracer provider (an SDK one is installed if the program
    set none) and from the provider ``trace_capture_provider`` returns. The log records
    of the test are in ``trace_capture.logs``.

    Example:
        >>> def test_route(trace_capture, client):  # doctest: +SKIP
        ...     client.post("/chat", json={"message": "2+2"})
        ...     assert trace_capture.get("agent.route").attributes["route.mode"] == "simple"
    """
    run = request.config.stash[_RUN]
    if trace_capture_provider is not None:
        run.attachments.attach(trace_capture_provider, "the trace_capture_provider fixture")
    node: pytest.Item = request.node
    return node.stash[_CAPTURE]
