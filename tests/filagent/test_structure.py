"""FilAgent's modules load only what they need, and its CLI runs without the pytest plugin.

Imports are checked in a fresh interpreter: in this one, other tests have
already loaded everything.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

import filagent
import filagent.telemetry
from filagent.trace_text import plain_tree
from tests.blocked_imports import blocking_prelude
from tests.helpers.python import run_python

#: what "the whole telemetry stack" is: none of it may load with a light module
TELEMETRY_STACK = (
    "yaml",
    "prometheus_client",
    "filagent.metrics",
    "filagent.telemetry.config",
    "filagent.telemetry.manager",
    "filagent.telemetry.setup",
    "filagent.telemetry.privacy",
    "opentelemetry.sdk",
)

LIGHT_MODULES = (
    "filagent.telemetry.names",
    "filagent.tools.calculator",
    "filagent.tools.file_read",
    "filagent.tools.web_search",
    "filagent.tools.registry",
)


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_a_light_module_does_not_load_the_telemetry_stack(module: str) -> None:
    completed = run_python(
        f"""
        import sys
        import {module}
        stack = {TELEMETRY_STACK!r}
        print(sorted(m for m in sys.modules if any(m == s or m.startswith(s + ".") for s in stack)))
        """
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


def test_the_telemetry_package_still_offers_its_names() -> None:
    for name in filagent.telemetry.__all__:
        assert getattr(filagent.telemetry, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = filagent.telemetry.nothing


def test_chat_prints_a_trace_tree_without_the_pytest_plugin() -> None:
    blocked = ["pytest_filagent_trace", "pytest", "_pytest", "syrupy"]
    completed = run_python(
        blocking_prelude(blocked)
        + textwrap.dedent(
            """
            from filagent.cli import main
            code = main(["chat", "What is 2+2?"])
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
            print("exit", code, "loaded", loaded)
            """
        )
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "calculator: 2+2 = 4" in out
    assert "POST /chat [SERVER]" in out
    assert "├── agent.route" in out
    assert 'route.mode="simple"' in out
    assert out.strip().splitlines()[-1] == "exit 0 loaded []"


def test_the_plain_printer_draws_kinds_errors_and_chosen_attributes() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST /chat", kind=SpanKind.SERVER):
        with tracer.start_as_current_span("agent.route", attributes={"route.mode": "simple"}):
            pass
        with (
            tracer.start_as_current_span("agent.run_simple"),
            tracer.start_as_current_span("tool.execute.file_read") as failing,
        ):
            failing.set_status(Status(StatusCode.ERROR, "ToolError: refused"))
            failing.set_attribute("tool.execution.success", False)

    text = plain_tree(exporter.get_finished_spans(), ["route.*", "tool.*"], False)

    assert text.splitlines() == [
        "POST /chat [SERVER]",
        '├── agent.route {route.mode="simple"}',
        "└── agent.run_simple",
        "    └── tool.execute.file_read [ERROR: ToolError: refused] {tool.execution.success=False}",
    ]


def test_no_filagent_module_is_over_400_lines() -> None:
    package = Path(filagent.__file__).parent
    sizes = {
        str(path.relative_to(package)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert {name: size for name, size in sizes.items() if size > 400} == {}
