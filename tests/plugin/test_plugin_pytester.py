"""The plugin run the way users run it: pytest on a small program, checked on what it prints.

How the plugin attaches depends on the process-wide OpenTelemetry provider, which each
scenario sets up differently: each inner run starts from the state of a fresh process
(``tests.helpers.pytester``). Runs under xdist or pytest-randomly, with instrumentation
that patches httpx for the whole process, or outside pytest, start a new process.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers.pytester import run_pytest

PROGRAM = '''
"""A small program traced with the plain OpenTelemetry API; it knows nothing of pytest."""
from opentelemetry import trace

tracer = trace.get_tracer("shop")


def checkout(items):
    with tracer.start_as_current_span("checkout", attributes={"cart.size": len(items)}):
        total = 0
        for item in items:
            with tracer.start_as_current_span("price", attributes={"item": item}):
                total += len(item)
        return total
'''


@pytest.fixture
def program(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(shop=PROGRAM)
    return pytester


def test_a_passing_suite_captures_each_tests_spans_separately(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_shop="""
        from shop import checkout

        def test_two_items(trace_capture):
            assert checkout(["tea", "milk"]) == 7
            tree = trace_capture.trace()
            assert tree.root.name == "checkout"
            assert [c.attributes["item"] for c in tree.root.children] == ["tea", "milk"]

        def test_one_item_sees_only_its_own_spans(trace_capture):
            checkout(["bread"])
            assert [n.name for n in trace_capture.spans] == ["price", "checkout"]
        """
    )

    result = run_pytest(program)

    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*warning*")


def test_the_plugin_installs_a_global_sdk_provider_when_the_program_set_none(
    program: pytest.Pytester,
) -> None:
    program.makepyfile(
        test_provider="""
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from shop import checkout

        def test_global_provider_is_an_sdk_provider(trace_capture):
            checkout([])
            assert isinstance(trace.get_tracer_provider(), TracerProvider)
            assert len(trace_capture.spans) == 1
        """
    )

    run_pytest(program).assert_outcomes(passed=1)


def test_a_provider_the_program_set_globally_is_kept_and_captured(
    program: pytest.Pytester,
) -> None:
    program.makeconftest(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        EXPORTER = InMemorySpanExporter()
        PROVIDER = TracerProvider(resource=Resource.create({"service.name": "shop"}))
        PROVIDER.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(PROVIDER)
        """
    )
    program.makepyfile(
        test_global="""
        from opentelemetry import trace
        from conftest import EXPORTER, PROVIDER
        from shop import checkout

        def test_program_keeps_its_provider_and_exporter(trace_capture):
            checkout(["tea"])
            assert trace.get_tracer_provider() is PROVIDER
            assert len(EXPORTER.get_finished_spans()) == 2
            assert trace_capture.trace().root.resource["service.name"] == "shop"
        """
    )

    run_pytest(program).assert_outcomes(passed=1)


INJECTED_PROGRAM = """
from opentelemetry.sdk.trace import TracerProvider

PROVIDER = TracerProvider()


def get_provider():
    return PROVIDER


def handle(order_id):
    tracer = PROVIDER.get_tracer("orders")
    with tracer.start_as_current_span("handle order", attributes={"order.id": order_id}):
        pass
"""


def test_a_provider_named_in_the_ini_file_is_captured_without_a_global_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(orders=INJECTED_PROGRAM)
    pytester.makeini("[pytest]\ntrace_capture_provider = orders:get_provider\n")
    pytester.makepyfile(
        test_orders="""
        from opentelemetry import trace
        from orders import handle

        def test_order_span_is_captured(trace_capture):
            handle("A-1")
            assert trace_capture.get("handle order").attributes == {"order.id": "A-1"}
            assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
        """
    )

    run_pytest(pytester).assert_outcomes(passed=1)


def test_a_provider_given_by_overriding_the_fixture_is_captured(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(orders=INJECTED_PROGRAM)
    pytester.makeconftest(
        """
        import pytest
        import orders

        @pytest.fixture(scope="session")
        def trace_capture_provider():
            return orders.PROVIDER
        """
    )
    pytester.makepyfile(
        test_orders="""
        from orders import handle

        def test_order_span_is_captured(trace_capture):
            handle("B-2")
            assert trace_capture.trace().root.attributes["order.id"] == "B-2"
        """
    )

    run_pytest(pytester).assert_outcomes(passed=1)


def test_a_wrong_provider_option_says_what_is_wrong(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(orders=INJECTED_PROGRAM)
    pytester.makeini("[pytest]\ntrace_capture_provider = orders:make_provider\n")
    pytester.makepyfile(test_orders="def test_anything():\n    pass\n")

    result = run_pytest(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_anything _*",
            "trace_capture_provider (ini option in *tox.ini) = "
            "'orders:make_provider': 'orders' has no attribute 'make_provider'",
        ]
    )


HTTP_TEST = """
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

HTTPXClientInstrumentor().instrument()


class Greeting(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Greeting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def fetch_greeting(url):
    with trace.get_tracer("greeter").start_as_current_span("fetch greeting"):
        with httpx.Client(timeout=5.0) as client:
            return client.get(url + "/hello").text


def test_request_span_is_a_client_child_of_the_caller(trace_capture, server_url):
    assert fetch_greeting(server_url) == "hello"

    [request] = trace_capture.find("GET", attributes={"http.status_code": 200})
    assert request.kind == "CLIENT"
    assert request.parent.name == "fetch greeting"
    assert request.attributes["http.url"] == server_url + "/hello"
"""


@pytest.mark.slow
def test_spans_of_httpx_instrumentation_are_captured(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_http=HTTP_TEST)

    run_pytest(pytester, subprocess=True).assert_outcomes(passed=1)


FAILING_TEST = """
from shop import checkout

def test_cart_total(trace_capture):
    checkout(["tea", "milk"])
    assert trace_capture.get("checkout").attributes["cart.size"] == 3

def test_passes():
    checkout(["bread"])
"""


def test_trace_tree_prints_the_trees_of_failed_tests(program: pytest.Pytester) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, "--trace-tree")

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_cart_total _*",
            "E       assert 2 == 3",
            "*- Captured trace trees -*",
            "checkout {cart.size=2}",
            '├── price {item="tea"}',
            '└── price {item="milk"}',
        ]
    )
    result.stdout.no_fnmatch_line('*item="bread"*')


def test_trace_tree_flag_may_be_followed_by_a_test_path(program: pytest.Pytester) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, "--trace-tree", "test_cart.py")

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*- Captured trace trees -*"])


def test_trace_tree_all_prints_passing_tests_in_a_summary_section(
    program: pytest.Pytester,
) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, "--trace-tree=all")

    result.stdout.fnmatch_lines(
        [
            "*- Captured trace trees -*",
            "checkout {cart.size=2}",
            "*= trace trees =*",
            "*_ test_cart.py::test_passes _*",
            "checkout {cart.size=1}",
            '└── price {item="bread"}',
        ]
    )


@pytest.mark.parametrize("args", [(), ("--trace-tree=none",)], ids=["no flag", "none"])
def test_no_trees_are_printed_without_the_flag_or_with_none(
    program: pytest.Pytester, args: tuple[str, ...]
) -> None:
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program, *args)

    result.assert_outcomes(failed=1, passed=1)
    result.stdout.no_fnmatch_line("*trace trees*")


def test_trace_tree_ini_value_turns_trees_on(program: pytest.Pytester) -> None:
    program.makeini("[pytest]\ntrace_tree = failed\n")
    program.makepyfile(test_cart=FAILING_TEST)

    result = run_pytest(program)

    result.stdout.fnmatch_lines(["*- Captured trace trees -*"])


def test_an_unknown_trace_tree_mode_is_a_usage_error(program: pytest.Pytester) -> None:
    result = run_pytest(program, "--trace-tree=sometimes")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--trace-tree: expected one of failed, all, none; got 'sometimes'"]
    )


def test_long_attribute_values_are_shortened_not_dropped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_long="""
        from opentelemetry import trace

        def test_prompt():
            with trace.get_tracer("t").start_as_current_span("chat", attributes={"p": "x" * 500}):
                pass
            assert False
        """
    )

    result = run_pytest(pytester, "--trace-tree")

    result.stdout.fnmatch_lines(['*p="xxxxxxxxxx*"...'])
    result.stdout.no_fnmatch_line("*" + "x" * 200 + "*")


LEAKING_TEST = """
import threading
import time

from opentelemetry import trace

tracer = trace.get_tracer("jobs")
ended = threading.Event()

def end_later(span):
    time.sleep(0.2)
    span.end()
    ended.set()

def test_starts_background_job():
    threading.Thread(target=end_later, args=(tracer.start_span("background job"),)).start()

def test_next_test_does_not_capture_the_leaked_span(trace_capture):
    assert ended.wait(5.0)
    assert trace_capture.spans == []
"""


def test_a_span_left_open_by_a_test_is_reported_as_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leak=LEAKING_TEST)

    result = run_pytest(pytester)

    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*= warnings summary =*",
            "test_leak.py::test_starts_background_job",
            "*test_leak.py:14: SpanLeakWarning: span 'background job' (trace *) started by "
            "test_leak.py::test_starts_background_job was still open when that test finished",
        ]
    )


def test_trace_strict_turns_a_leaked_span_into_a_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leak=LEAKING_TEST)

    result = run_pytest(pytester, "--trace-strict")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_starts_background_job _*",
            "1 span(s) left open by test_leak.py::test_starts_background_job (--trace-strict):",
            "  span 'background job' (trace *) started by "
            "test_leak.py::test_starts_background_job was still open when that test finished",
        ]
    )


def test_a_span_open_across_a_session_fixture_is_no_leak(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_session="""
        import pytest
        from opentelemetry import trace
        from shop import checkout

        @pytest.fixture(scope="session")
        def session_span():
            span = trace.get_tracer("t").start_span("whole session")
            yield span
            span.end()

        def test_uses_session_span(session_span, trace_capture):
            checkout([])
            assert [n.name for n in trace_capture.spans] == ["checkout"]
        """
    )

    result = run_pytest(program, "--trace-strict")

    result.assert_outcomes(passed=1)


def test_wait_for_sees_spans_ended_by_another_thread(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_thread="""
        import threading
        from shop import checkout

        def test_waits(trace_capture):
            worker = threading.Timer(0.1, checkout, args=(["tea"],))
            worker.start()
            [done] = trace_capture.wait_for("checkout", timeout=5.0)
            worker.join()
            assert done.attributes["cart.size"] == 1
        """
    )

    run_pytest(program).assert_outcomes(passed=1)


def test_trace_with_several_traces_fails_with_the_list_of_traces(
    program: pytest.Pytester,
) -> None:
    program.makepyfile(
        test_traces="""
        from shop import checkout

        def test_ambiguous(trace_capture):
            checkout(["tea"])
            checkout(["milk", "bread"])
            trace_capture.trace()
        """
    )

    result = run_pytest(program)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       trace_capture.trace()",
            "E       pytest_filagent_trace.TraceLookupError: expected exactly one trace, found 2:",
            "E         ????????????????????????????????: 2 span(s), root 'checkout'",
            "E         ????????????????????????????????: 3 span(s), root 'checkout'",
            "E       pass trace_id=... (e.g. the X-Trace-ID response header) to pick one",
            "",
            "test_traces.py:6: TraceLookupError",
        ]
    )


def test_trace_with_no_spans_says_where_spans_are_captured_from(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_empty="def test_empty(trace_capture):\n    trace_capture.trace()\n")

    result = run_pytest(pytester)

    result.stdout.fnmatch_lines(
        [
            "E       *TraceLookupError: expected exactly one trace, found none. "
            "No span ended while the capture was open. Spans are captured from: "
            "the global TracerProvider, installed by pytest_filagent_trace because the "
            "program had set none (TracerProvider). *"
        ]
    )


def test_logs_of_the_test_are_captured_with_its_spans(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_logs="""
        import logging
        from shop import checkout

        def test_logs(trace_capture):
            logging.getLogger("shop").warning("checking out")
            checkout(["tea"])
            assert trace_capture.logs.events() == ["checking out"]

        def test_other_test_sees_only_its_own_logs(trace_capture):
            assert trace_capture.logs.events() == []
        """
    )

    run_pytest(program).assert_outcomes(passed=2)


@pytest.mark.slow
def test_captures_stay_per_test_in_random_order(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_random="""
        import pytest
        from shop import checkout

        @pytest.mark.parametrize("size", range(8))
        def test_sizes(trace_capture, size):
            checkout(["x"] * size)
            assert trace_capture.trace().root.attributes["cart.size"] == size
            assert len(trace_capture.spans) == size + 1
        """
    )

    result = run_pytest(program, "--randomly-seed=7", "-v", random_order=True, subprocess=True)

    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["Using --randomly-seed=7"])


@pytest.mark.slow
def test_captures_stay_per_test_under_xdist(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_many="""
        import pytest
        from shop import checkout

        @pytest.mark.parametrize("size", range(6))
        def test_sizes(trace_capture, size):
            checkout(["x"] * size)
            assert len(trace_capture.spans) == size + 1
            assert size != 4
        """
    )

    result = run_pytest(program, "-n", "2", "--trace-tree", subprocess=True)

    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_sizes?4? _*",
            "*- Captured trace trees -*",
            "checkout {cart.size=4}",
            '└── price {item="x"}',
        ]
    )


@pytest.mark.slow
def test_trace_tree_all_summary_works_under_xdist(program: pytest.Pytester) -> None:
    program.makepyfile(
        test_pair="""
        from shop import checkout

        def test_one():
            checkout(["one"])

        def test_two():
            checkout(["two"])
        """
    )

    result = run_pytest(program, "-n", "2", "--trace-tree=all", subprocess=True)

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*= trace trees =*"])
    result.stdout.fnmatch_lines(['└── price {item="one"}'])
    result.stdout.fnmatch_lines(['└── price {item="two"}'])


def test_options_are_documented_in_help(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--help")

    result.stdout.fnmatch_lines(
        [
            "OpenTelemetry trace capture:",
            "  --trace-tree=[failed|all|none]",
            "  --trace-strict*",
        ]
    )
    result.stdout.fnmatch_lines(["  trace_capture_provider (string):*"])
    result.stdout.fnmatch_lines(["  trace_tree (string):*"])
    result.stdout.fnmatch_lines(["  trace_strict (bool):*"])


@pytest.mark.slow
def test_capture_spans_works_without_pytest(pytester: pytest.Pytester) -> None:
    script = pytester.makepyfile(
        script=textwrap.dedent(
            """
            from opentelemetry import trace
            from pytest_filagent_trace import capture_spans

            with capture_spans() as capture:
                with trace.get_tracer("nb").start_as_current_span("cell"):
                    pass
            print("captured:", [node.name for node in capture.spans])
            """
        )
    )

    result = pytester.runpython(script)

    assert result.ret == 0
    result.stdout.fnmatch_lines(["captured: ['cell']"])
