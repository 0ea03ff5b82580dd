"""Which provider the plugin captures from: its own global one, the program's, or one it is given.

How the plugin attaches depends on the process-wide OpenTelemetry provider, which each
scenario sets up differently: each inner run starts from the state of a fresh process
(``tests.helpers.pytester``). The run with instrumentation that patches httpx for the
whole process starts a new process.
"""

from __future__ import annotations

import pytest

from tests.helpers.pytester import run_pytest


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
