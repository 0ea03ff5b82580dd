"""The plugin does no harm to start-up: a run in which no test asks loads only its entry point.

Which modules and plugins a run loads shows only in a new process: each test runs pytest in
a subprocess (marked slow).
"""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_a_run_in_which_no_test_asks_loads_only_the_plugins_entry_point(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        START_UP = {
            "pytest_filagent_trace",
            "pytest_filagent_trace._ini",
            "pytest_filagent_trace.plugin",
            "pytest_filagent_trace._pytest",
            "pytest_filagent_trace._pytest.assertrepr",
            "pytest_filagent_trace._pytest.fixtures",
            "pytest_filagent_trace._pytest.options",
            "pytest_filagent_trace._pytest.reporting",
            "pytest_filagent_trace._pytest.run",
            "pytest_filagent_trace._pytest.snapshot",
        }

        def loaded():
            return {name for name in sys.modules if name.startswith("pytest_filagent_trace")}

        def test_1_plain():
            assert loaded() == START_UP
            assert "opentelemetry.sdk.trace" not in sys.modules

        def test_2_a_failing_comparison_elsewhere_loads_nothing(pytestconfig):
            hook = pytestconfig.pluginmanager.hook
            assert hook.pytest_assertrepr_compare(
                config=pytestconfig, op="==", left=[1], right=[2]
            )
            assert loaded() == START_UP

        def test_3_the_first_capture_loads_what_it_needs(trace_capture):
            assert "pytest_filagent_trace._capture" in sys.modules
            assert "opentelemetry.sdk.trace" in sys.modules
            assert "pytest_filagent_trace._match" not in sys.modules
            assert "pytest_filagent_trace._snapshot" not in sys.modules

        def test_4_a_public_name_loads_its_package():
            from pytest_filagent_trace import SpanTreeMismatch, assert_span_tree

            assert assert_span_tree.__module__.startswith("pytest_filagent_trace._match")
            assert SpanTreeMismatch.__module__ == "pytest_filagent_trace"
            assert "pytest_filagent_trace._snapshot" not in sys.modules
        """
    )

    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=4)


@pytest.mark.slow
def test_with_autoload_off_p_name_alone_brings_the_snapshot_support(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(
        test_snap="""
        from opentelemetry import trace

        def test_snapshot(trace_capture, trace_snapshot):
            with trace.get_tracer("app").start_as_current_span("pinned"):
                pass
            assert trace_snapshot == trace_capture
        """
    )

    written = pytester.runpytest_subprocess("-p", "pytest_filagent_trace", "--snapshot-update")
    compared = pytester.runpytest_subprocess("-p", "pytest_filagent_trace")

    written.assert_outcomes(passed=1)
    compared.assert_outcomes(passed=1)
    assert (pytester.path / "snapshots" / "test_snap" / "test_snapshot.trace").read_text() == (
        "pinned\n"
    )
