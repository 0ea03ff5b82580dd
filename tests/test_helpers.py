"""The suite's own helpers: inner pytest runs start from a fresh process state and leave none.

Plugin tests run pytest inside this process; if an inner run saw the outer run's tracer
provider or log hooks, or left its own behind, tests would pass or fail by the order they
ran in.
"""

from __future__ import annotations

import logging
import os
import sys

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from tests.helpers.pytester import (
    log_hooks,
    log_install,
    process_state_of_a_fresh_run,
    run_pytest,
)

PID_TEST = f"""
import os

def test_where_it_runs():
    print("inner pid", os.getpid(), "outer pid {os.getpid()}")
"""


def test_an_inner_run_finds_no_global_provider_and_may_set_one() -> None:
    outer = trace.get_tracer_provider()

    with process_state_of_a_fresh_run():
        assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
        inner = TracerProvider()
        trace.set_tracer_provider(inner)
        assert trace.get_tracer_provider() is inner

    assert trace.get_tracer_provider() is outer


def test_a_provider_set_before_an_inner_run_still_cannot_be_replaced_after_it() -> None:
    with process_state_of_a_fresh_run():  # a process of this test's own
        outer = TracerProvider()
        trace.set_tracer_provider(outer)

        with process_state_of_a_fresh_run():
            trace.set_tracer_provider(TracerProvider())
        trace.set_tracer_provider(TracerProvider())  # refused: set once per process

        assert trace.get_tracer_provider() is outer


def test_the_state_comes_back_when_the_inner_run_raises() -> None:
    outer = trace.get_tracer_provider()
    handlers = list(logging.root.handlers)

    def broken_inner_run() -> None:
        with process_state_of_a_fresh_run():
            trace.set_tracer_provider(TracerProvider())
            logging.root.addHandler(logging.NullHandler())
            raise RuntimeError("inner run broke")

    with pytest.raises(RuntimeError, match="inner run broke"):
        broken_inner_run()

    assert trace.get_tracer_provider() is outer
    assert logging.root.handlers == handlers


def test_the_outer_log_hooks_survive_an_inner_run_that_removes_its_own(
    pytester: pytest.Pytester,
) -> None:
    was_installed = log_install.installed()
    log_install.install()
    try:
        wrapped_configure = structlog.configure
        result = run_pytest(
            pytester,
            test_source="""
            import logging

            def test_logs(trace_capture):
                logging.getLogger("shop").warning("inside")
                assert trace_capture.logs.events() == ["inside"]
            """,
        )

        result.assert_outcomes(passed=1)
        assert log_install.installed()
        assert log_hooks.ROOT_HANDLER in logging.root.handlers
        assert structlog.configure is wrapped_configure
    finally:
        if not was_installed:
            log_install.uninstall()


def test_an_inner_run_starts_without_log_hooks_or_recording_captures() -> None:
    was_installed = log_install.installed()
    log_install.install()
    try:
        with process_state_of_a_fresh_run():
            assert not log_install.installed()
            assert log_hooks.ROOT_HANDLER not in logging.root.handlers
            assert not log_hooks.is_recording()
        assert log_install.installed()
    finally:
        if not was_installed:
            log_install.uninstall()


def test_this_suites_tests_package_is_hidden_from_an_inner_run() -> None:
    suite = sys.modules["tests"]

    with process_state_of_a_fresh_run():
        assert "tests" not in sys.modules
        assert "tests.helpers.pytester" not in sys.modules

    assert sys.modules["tests"] is suite


def test_run_pytest_writes_the_test_source_and_runs_in_this_process(
    pytester: pytest.Pytester,
) -> None:
    result = run_pytest(pytester, "-s", test_source=PID_TEST, test_module="test_pid")

    result.assert_outcomes(passed=1)
    assert (pytester.path / "test_pid.py").exists()
    result.stdout.fnmatch_lines([f"*inner pid {os.getpid()} outer pid {os.getpid()}*"])


@pytest.mark.slow
def test_run_pytest_with_subprocess_starts_a_new_process(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "-s", test_source=PID_TEST, subprocess=True)

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*inner pid * outer pid {os.getpid()}*"])
    result.stdout.no_fnmatch_line(f"*inner pid {os.getpid()} *")
