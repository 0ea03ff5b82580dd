"""opentelemetry-instrumentation-flask's tests (tests/test_programmatic.py), ported.

Upstream builds one app per test class in ``setUp`` and compares ``span.attributes`` dicts;
here the ``make_app`` fixture builds the same routes on a fresh, instrumented app, and each
test states the span tree it expects, with ``exact_attributes=True`` where upstream compared
the whole dict. Requests go through werkzeug's test client, as upstream's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask
import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.propagators import (
    TraceResponsePropagator,
    get_global_response_propagator,
    set_global_response_propagator,
)
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from werkzeug.test import Client

from pytest_filagent_trace import TraceCapture, assert_span_tree, assert_spans, capture_spans, span
from tests.examples.flask_port.app import (
    HELLO_ROUTE,
    MODES,
    ROUTE,
    MakeApp,
    attributes,
    old,
    one_server_span,
    routes,
    stable,
    uninstrument_app,
)


# upstream: test_instrument_app_and_instrument (instrumented twice, traced once)
def test_instrument_app_and_instrument(
    trace_capture: TraceCapture, client: Client, instrumented_class: Callable[..., None]
) -> None:
    instrumented_class()
    answer = client.get("/hello/123")
    assert (answer.status_code, answer.get_data()) == (200, b"Hello: 123")
    assert_spans(trace_capture, "*", count=1)


# upstream: test_uninstrument_app
def test_uninstrument_app(trace_capture: TraceCapture, make_app: MakeApp) -> None:
    app, client = make_app()
    client.get("/hello/123")
    assert_spans(trace_capture, f'"{ROUTE}"', count=1)  # a selector: a name with spaces is quoted
    uninstrument_app(app)
    assert client.get("/hello/123").get_data() == b"Hello: 123"
    assert_spans(trace_capture, "*", count=1)


# upstream: test_uninstrument_app_after_instrument
def test_uninstrument_app_after_instrument(
    trace_capture: TraceCapture,
    make_app: MakeApp,
    instrumented_class: Callable[..., None],
) -> None:
    app, client = make_app()
    instrumented_class()
    uninstrument_app(app)
    assert client.get("/hello/123").status_code == 200
    assert_spans(trace_capture, "*", count=0)


# upstream: test_only_strings_in_environ (WSGI servers such as Gunicorn expect str keys)
def test_only_strings_in_environ(make_app: MakeApp) -> None:
    app, client = make_app()
    keys: list[object] = []

    def assert_environ() -> str:
        keys.extend(flask.request.environ)
        return "hi"

    app.route("/assert_environ")(assert_environ)
    client.get("/assert_environ")
    assert keys
    assert [key for key in keys if not isinstance(key, str)] == []


# upstream: test_simple, test_simple_new_semconv, test_simple_both_semconv
@pytest.mark.parametrize("mode", MODES)
def test_simple(trace_capture: TraceCapture, make_app: MakeApp, mode: str) -> None:
    make_app(mode)[1].get("/hello/123")
    expected = attributes(
        mode, old("/hello/123", more=HELLO_ROUTE), stable("/hello/123", more=HELLO_ROUTE)
    )
    one_server_span(trace_capture, ROUTE, expected)


# upstream: test_404, test_404_new_semconv, test_404_both_semconv
@pytest.mark.parametrize("mode", MODES)
def test_404(trace_capture: TraceCapture, make_app: MakeApp, mode: str) -> None:
    answer = make_app(mode)[1].post("/bye")
    assert answer.status_code == 404
    answer.close()
    expected = attributes(mode, old("/bye", 404, "POST"), stable("/bye", 404, "POST"))
    one_server_span(trace_capture, "POST /bye", expected)


# upstream: test_internal_error, test_internal_error_new_semconv, ..._both_semconv
@pytest.mark.parametrize("mode", MODES)
def test_internal_error(trace_capture: TraceCapture, make_app: MakeApp, mode: str) -> None:
    answer = make_app(mode)[1].get("/hello/500")
    assert answer.status_code == 500
    answer.close()
    expected = attributes(
        mode,
        old("/hello/500", 500, more=HELLO_ROUTE),
        stable("/hello/500", 500, more={**HELLO_ROUTE, "error.type": "500"}),
    )
    one_server_span(trace_capture, ROUTE, expected)


# upstream: test_trace_response
def test_trace_response(trace_capture: TraceCapture, client: Client) -> None:
    previous = get_global_response_propagator()  # type: ignore[no-untyped-call]
    set_global_response_propagator(TraceResponsePropagator())  # type: ignore[no-untyped-call]
    try:
        answer = client.get("/hello/123")
    finally:
        set_global_response_propagator(previous)  # type: ignore[no-untyped-call]
    served = trace_capture.get(ROUTE)
    _, trace_id, span_id, _flags = answer.headers["traceresponse"].split("-")
    assert (trace_id, span_id) == (served.trace_id, served.span_id)
    assert answer.headers["access-control-expose-headers"] == "traceresponse"


# upstream: test_not_recording (a provider that records nothing: no span, same answer)
def test_not_recording(trace_capture: TraceCapture, make_app: MakeApp) -> None:
    client = make_app(tracer_provider=trace.NoOpTracerProvider())[1]
    assert client.get("/hello/123").get_data() == b"Hello: 123"
    assert_spans(trace_capture, "*", count=0)


# upstream: test_exclude_lists_from_env
def test_exclude_lists_from_env(trace_capture: TraceCapture, client: Client) -> None:
    for path in ("/env_excluded_arg/123", "/env_excluded_arg/125", "/env_excluded_noarg"):
        client.get(path)
    client.get("/env_excluded_noarg2")  # the exclusions are searched: this one matches too
    assert_span_tree(trace_capture, span("GET /env_excluded_arg/125"), exact_spans=True)


# upstream: test_exclude_lists_from_explicit
def test_exclude_lists_from_explicit(trace_capture: TraceCapture, make_app: MakeApp) -> None:
    excluded = "http://localhost/excluded/123,explicit_excluded_noarg"
    client = make_app(excluded_urls=excluded)[1]
    client.get("/excluded/123")
    client.get("/excluded/125")
    client.get("/explicit_excluded_noarg")
    assert_span_tree(
        trace_capture,
        span("GET /excluded/<int:helloid>", attributes={"http.target": "/excluded/125"}),
        exact_spans=True,
    )


def _hooks(suffix: str) -> dict[str, Callable[..., None]]:
    def request_hook(span: trace.Span, environ: dict[str, Any]) -> None:
        span.update_name(f"name from hook{suffix}")

    def response_hook(span: trace.Span, environ: dict[str, Any], headers: list[Any]) -> None:
        span.set_attribute("hook_attr", f"hello world{suffix}")
        headers.append(("hook_attr", f"hello otel{suffix}"))

    return {"request_hook": request_hook, "response_hook": response_hook}


# upstream: TestProgrammaticHooks.test_hooks
def test_hooks(trace_capture: TraceCapture, make_app: MakeApp) -> None:
    answer = make_app(**_hooks(""))[1].get("/hello/123")
    assert answer.headers["hook_attr"] == "hello otel"
    attributes = old("/hello/123", more={**HELLO_ROUTE, "hook_attr": "hello world"})
    one_server_span(trace_capture, "name from hook", attributes)


# upstream: TestProgrammaticHooksWithoutApp.test_no_app_hooks
def test_no_app_hooks(
    trace_capture: TraceCapture, semconv: Callable[[str], None], instrumented_class: Any
) -> None:
    semconv("default")
    instrumented_class(**_hooks(" without app"))
    answer = routes(flask.Flask(__name__)).get("/hello/123")
    assert answer.headers["hook_attr"] == "hello otel without app"
    attributes = old("/hello/123", more={**HELLO_ROUTE, "hook_attr": "hello world without app"})
    one_server_span(trace_capture, "name from hook without app", attributes)


# upstream: TestProgrammaticCustomTracerProvider(WithoutApp).test_custom_span_name
@pytest.mark.parametrize("with_app", [True, False], ids=["instrument_app", "instrument"])
def test_custom_tracer_provider(
    trace_capture: TraceCapture,
    make_app: MakeApp,
    instrumented_class: Callable[..., None],
    with_app: bool,
) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "flask-api"}))
    with capture_spans(provider) as own:
        if with_app:
            client = make_app(tracer_provider=provider)[1]
        else:
            instrumented_class(tracer_provider=provider)
            client = routes(flask.Flask(__name__))
        client.get("/hello/123")
    assert_span_tree(own, span(ROUTE, resource={"service.name": "flask-api"}), exact_spans=True)
    assert_spans(trace_capture, "*", count=0)  # the global provider saw none of it


# upstream: TestProgrammaticWrappedWithOtherFramework
def test_mark_span_internal_in_presence_of_span_from_other_framework(
    trace_capture: TraceCapture, make_app: MakeApp
) -> None:
    app, client = make_app()
    app.wsgi_app = OpenTelemetryMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    answer = client.get("/hello/123")
    assert answer.get_data() == b"Hello: 123"
    assert_span_tree(
        trace_capture,
        span("GET /hello/123", span(ROUTE, kind="INTERNAL"), kind="SERVER"),
        exact_spans=True,
    )
