"""opentelemetry-instrumentation-flask's header capture tests
(tests/test_programmatic.py, ``TestCustomRequestResponseHeaders``), ported.

The capture is configured by the environment, as upstream's class decorator does: the
instrumentor reads it when an app is instrumented.
"""

from __future__ import annotations

import pytest
from opentelemetry import trace

from pytest_filagent_trace import TraceCapture, assert_span_tree, span
from tests.examples.flask_port.app import ROUTE, SECRET_HEADERS, MakeApp


@pytest.fixture(autouse=True)
def _capture_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRET_HEADERS.items():
        monkeypatch.setenv(name, value)


# upstream: TestCustomRequestResponseHeaders.test_custom_request_header_added_in_server_span
def test_custom_request_header_added_in_server_span(
    trace_capture: TraceCapture,
    make_app: MakeApp,
) -> None:
    headers = {
        "Custom-Test-Header-1": "Test Value 1",
        "Custom-Test-Header-2": "TestValue2,TestValue3",
        "regex-test-header-2": "RegexTestValue2,RegexTestValue3",
        "My-Secret-Header": "My Secret Value",
    }
    assert make_app()[1].get("/hello/123", headers=headers).status_code == 200
    expected = {
        "http.request.header.custom_test_header_1": ("Test Value 1",),
        "http.request.header.custom_test_header_2": ("TestValue2,TestValue3",),
        "http.request.header.regex_test_header_2": ("RegexTestValue2,RegexTestValue3",),
        "http.request.header.my_secret_header": ("[REDACTED]",),
    }
    assert_span_tree(trace_capture, span(ROUTE, kind="SERVER", attributes=expected))


# upstream: test_custom_response_header_added_in_server_span
def test_custom_response_header_added_in_server_span(
    trace_capture: TraceCapture,
    make_app: MakeApp,
) -> None:
    assert make_app()[1].get("/test_custom_response_headers").status_code == 200
    expected = {
        "http.response.header.content_type": ("text/plain; charset=utf-8",),
        "http.response.header.content_length": ("13",),
        "http.response.header.my_custom_header": ("my-custom-value-1,my-custom-header-2",),
        "http.response.header.my_custom_regex_header_1": ("my-custom-regex-value-1",),
        "http.response.header.my_secret_header": ("[REDACTED]",),
    }
    attributes = {**expected, "http.route": "/test_custom_response_headers"}
    assert_span_tree(trace_capture, span("GET *", kind="SERVER", attributes=attributes))


# upstream: test_custom_request_header_not_added_in_internal_span (and its response twin)
def test_custom_headers_not_added_in_internal_span(
    trace_capture: TraceCapture,
    tracer: trace.Tracer,
    make_app: MakeApp,
) -> None:
    client = make_app()[1]
    with tracer.start_as_current_span("test", kind=trace.SpanKind.SERVER):
        client.get("/test_custom_response_headers", headers={"Custom-Test-Header-1": "1"})
    internal = span(
        "GET /test_custom_response_headers",
        kind="INTERNAL",
        attributes={"http.route": "/test_custom_response_headers"},
    )
    assert_span_tree(trace_capture, span("test", internal, kind="SERVER"), exact_spans=True)
    served = trace_capture.get("GET /test_custom_response_headers")
    captured = [key for key in served.attributes if ".header." in key]
    assert captured == []
