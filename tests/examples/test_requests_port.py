"""opentelemetry-instrumentation-requests's tests (tests/test_requests_integration.py), ported.

Upstream answers requests from a socket mock and compares ``span.attributes`` dicts; here a
real HTTP server on 127.0.0.1 answers, and each test states the span it expects, with
``exact_attributes=True`` where upstream compared the whole dict. Upstream runs its base
tests twice, with ``requests.get`` and with a prepared request: so does ``perform``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from opentelemetry import trace
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.requests.version import __version__
from opentelemetry.instrumentation.utils import (
    suppress_http_instrumentation,
    suppress_instrumentation,
)
from requests.adapters import BaseAdapter

from pytest_filagent_trace import TraceCapture, assert_span_tree, assert_spans, span
from tests.helpers.status_server import StatusServer, status_server

SCOPE = "opentelemetry.instrumentation.requests"
AGENT = f"python-requests/{requests.__version__}"

Perform = Callable[..., requests.Response]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[StatusServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with status_server() as running:
        yield running


@pytest.fixture
def base(server: StatusServer) -> str:
    return server.base


@pytest.fixture
def url(base: str) -> str:
    return f"{base}/status/200"


@pytest.fixture
def instrument(
    trace_capture: TraceCapture,
    semconv: Callable[[str], None],
    excluded_from_env: Callable[[str, str], None],
) -> Iterator[Callable[..., None]]:
    """Instrument as upstream's ``setUp`` does: an opt-in mode, URLs excluded by the
    environment, and the keyword arguments a test passes. The default mode unless asked."""
    excluded_from_env("requests", "env_excluded_arg/123,env_excluded_noarg")

    def again(mode: str = "default", **options: Any) -> None:
        if RequestsInstrumentor().is_instrumented_by_opentelemetry:
            RequestsInstrumentor().uninstrument()
        semconv(mode)
        options.setdefault("tracer_provider", trace.get_tracer_provider())
        RequestsInstrumentor().instrument(**options)

    again()
    yield again
    RequestsInstrumentor().uninstrument()


def _get(url: str, session: requests.Session | None = None) -> requests.Response:
    if session is None:
        return requests.get(url, timeout=5)
    return session.get(url, timeout=5)


def _prepared(url: str, session: requests.Session | None = None) -> requests.Response:
    session = session or requests.Session()
    return session.send(session.prepare_request(requests.Request("GET", url)), timeout=5)


@pytest.fixture(params=[_get, _prepared], ids=["get", "prepared"])
def perform(request: pytest.FixtureRequest, instrument: Callable[..., None]) -> Perform:
    """Upstream's two subclasses: ``TestRequestsIntegration`` and ``...PreparedRequest``."""
    function: Perform = request.param
    return function


def _old(url: str, status: int | None = 200, more: dict[str, Any] | None = None) -> dict[str, Any]:
    """The attributes of the default (old) HTTP conventions, as upstream lists them."""
    attributes: dict[str, Any] = {
        "http.method": "GET",
        "http.url": url,
        "user_agent.original": AGENT,
    }
    if status is not None:
        attributes["http.status_code"] = status
    return {**attributes, **(more or {})}


def _stable(url: str, port: int, status: int = 200) -> dict[str, Any]:
    return {
        "http.request.method": "GET",
        "url.full": url,
        "server.address": "127.0.0.1",
        "server.port": port,
        "network.peer.address": "127.0.0.1",
        "network.peer.port": port,
        "network.protocol.version": "1.1",
        "http.response.status_code": status,
        "user_agent.original": AGENT,
    }


def _one_get(capture: TraceCapture, attributes: dict[str, Any], **fields: Any) -> None:
    fields.setdefault("status", "UNSET")
    expected = span("GET", kind="CLIENT", attributes=attributes, exact_attributes=True, **fields)
    assert_span_tree(capture, expected, exact_spans=True)


# upstream: test_basic
def test_basic(trace_capture: TraceCapture, perform: Perform, url: str) -> None:
    assert perform(url).text == "Hello!"
    _one_get(
        trace_capture,
        _old(url),
        scope=SCOPE,
        scope_version=__version__,
        schema_url="https://opentelemetry.io/schemas/1.11.0",
    )


# upstream: test_basic_new_semconv
def test_basic_new_semconv(
    trace_capture: TraceCapture,
    perform: Perform,
    instrument: Callable[..., None],
    server: StatusServer,
    url: str,
) -> None:
    instrument("http")
    assert perform(url).text == "Hello!"
    _one_get(
        trace_capture,
        _stable(url, server.server_port),
        schema_url="https://opentelemetry.io/schemas/1.21.0",
    )


# upstream: test_basic_both_semconv
def test_basic_both_semconv(
    trace_capture: TraceCapture,
    perform: Perform,
    instrument: Callable[..., None],
    server: StatusServer,
    url: str,
) -> None:
    instrument("http/dup")
    assert perform(url).text == "Hello!"
    port = server.server_port
    old = _old(url, more={"http.host": "127.0.0.1", "net.peer.port": port, "http.flavor": "1.1"})
    _one_get(trace_capture, {**old, **_stable(url, port)})


# upstream: test_nonstandard_http_method (and its _new_semconv twin)
@pytest.mark.parametrize(
    ("mode", "attributes"),
    [
        ("default", {"http.method": "_OTHER", "http.status_code": 405}),
        (
            "http",
            {
                "http.request.method": "_OTHER",
                "http.request.method_original": "NONSTANDARD",
                "http.response.status_code": 405,
                "error.type": "405",
            },
        ),
    ],
)
def test_nonstandard_http_method(
    trace_capture: TraceCapture,
    instrument: Callable[..., None],
    base: str,
    mode: str,
    attributes: dict[str, Any],
) -> None:
    instrument(mode)
    requests.Session().request("NONSTANDARD", f"{base}/status/405", timeout=5)
    expected = span("HTTP", kind="CLIENT", status="ERROR", attributes=attributes)
    assert_span_tree(trace_capture, expected, exact_spans=True)


# upstream: test_hooks
def test_hooks(
    trace_capture: TraceCapture, perform: Perform, instrument: Callable[..., None], url: str
) -> None:
    def request_hook(span: trace.Span, request: Any) -> None:
        span.update_name("name set from hook")

    def response_hook(span: trace.Span, request: Any, response: Any) -> None:
        span.set_attribute("response_hook_attr", "value")

    instrument(request_hook=request_hook, response_hook=response_hook)
    assert perform(url).text == "Hello!"
    expected = span("name set from hook", attributes={"response_hook_attr": "value"})
    assert_span_tree(trace_capture, expected, exact_spans=True)


# upstream: test_excluded_urls_explicit
def test_excluded_urls_explicit(
    trace_capture: TraceCapture,
    perform: Perform,
    instrument: Callable[..., None],
    base: str,
    url: str,
) -> None:
    instrument(excluded_urls=".*/404")
    perform(url)
    perform(f"{base}/status/404")
    assert_spans(trace_capture, "GET", count=1, attributes={"http.url": url})


# upstream: test_excluded_urls_from_env
def test_excluded_urls_from_env(
    trace_capture: TraceCapture, perform: Perform, base: str, url: str
) -> None:
    perform(url)
    perform(f"{base}/env_excluded_arg/123")
    assert_spans(trace_capture, "GET", count=1, attributes={"http.url": url})


# upstream: test_name_callback_default (a callback returning a non-string is ignored)
def test_name_callback_default(
    trace_capture: TraceCapture, perform: Perform, instrument: Callable[..., None], url: str
) -> None:
    instrument(name_callback=lambda method, url: 123)
    assert perform(url).text == "Hello!"
    assert_span_tree(trace_capture, span("GET"), exact_spans=True)


# upstream: test_not_foundbasic, test_not_foundbasic_new_semconv, ..._both_semconv
@pytest.mark.parametrize(
    ("mode", "attributes"),
    [
        ("default", {"http.status_code": 404}),
        ("http", {"http.response.status_code": 404, "error.type": "404"}),
        (
            "http/dup",
            {"http.status_code": 404, "http.response.status_code": 404, "error.type": "404"},
        ),
    ],
)
def test_not_found(
    trace_capture: TraceCapture,
    perform: Perform,
    instrument: Callable[..., None],
    base: str,
    mode: str,
    attributes: dict[str, Any],
) -> None:
    instrument(mode)
    assert perform(f"{base}/status/404").status_code == 404
    assert_span_tree(trace_capture, span("GET", status="ERROR", attributes=attributes))


# upstream: test_uninstrument
def test_uninstrument(trace_capture: TraceCapture, perform: Perform, url: str) -> None:
    RequestsInstrumentor().uninstrument()
    assert perform(url).text == "Hello!"
    assert_spans(trace_capture, "*", count=0)


# upstream: test_uninstrument_session
def test_uninstrument_session(trace_capture: TraceCapture, perform: Perform, url: str) -> None:
    quiet = requests.Session()
    RequestsInstrumentor().uninstrument_session(quiet)
    assert perform(url, quiet).text == "Hello!"
    assert_spans(trace_capture, "*", count=0)
    # other sessions, and requests' module functions, are still instrumented
    assert perform(url, requests.Session()).text == "Hello!"
    assert_spans(trace_capture, "GET", count=1)
    trace_capture.clear()
    assert perform(url).text == "Hello!"
    assert_spans(trace_capture, "GET", count=1)


# upstream: test_suppress_instrumentation, test_suppress_http_instrumentation
@pytest.mark.parametrize("suppress", [suppress_instrumentation, suppress_http_instrumentation])
def test_suppress_instrumentation(
    trace_capture: TraceCapture, perform: Perform, url: str, suppress: Callable[[], Any]
) -> None:
    with suppress():
        assert perform(url).text == "Hello!"
    assert_spans(trace_capture, "*", count=0)


# upstream: test_not_recording
def test_not_recording(
    trace_capture: TraceCapture, perform: Perform, instrument: Callable[..., None], url: str
) -> None:
    instrument(tracer_provider=trace.NoOpTracerProvider())
    assert perform(url).text == "Hello!"
    assert_spans(trace_capture, "*", count=0)


# upstream: test_distributed_context (the W3C propagator a program has, not a mock one)
def test_distributed_context(
    trace_capture: TraceCapture, perform: Perform, server: StatusServer, url: str
) -> None:
    assert perform(url).text == "Hello!"
    sent = trace_capture.get("GET")
    _, trace_id, parent_id, flags = server.received[-1]["traceparent"].split("-")
    assert (trace_id, parent_id) == (sent.trace_id, sent.span_id)
    assert int(flags, 16) & 0x01  # sampled


# upstream: test_response_hook
def test_response_hook(
    trace_capture: TraceCapture, perform: Perform, instrument: Callable[..., None], url: str
) -> None:
    def response_hook(span: trace.Span, request: Any, response: requests.Response) -> None:
        span.set_attribute("http.response.body", response.content.decode("utf-8"))

    instrument(response_hook=response_hook)
    assert perform(url).text == "Hello!"
    _one_get(trace_capture, _old(url, more={"http.response.body": "Hello!"}))


# upstream: test_requests_exception_without_response (a refused connection, not a mock)
def test_requests_exception_without_response(
    trace_capture: TraceCapture, perform: Perform, server: StatusServer
) -> None:
    closed = f"{server.base}/status/200"
    server.shutdown()
    server.server_close()
    with pytest.raises(requests.ConnectionError):
        perform(closed)
    _one_get(trace_capture, _old(closed, status=None), status="ERROR")


# upstream: test_requests_exception_with_response
def test_requests_exception_with_response(
    trace_capture: TraceCapture, perform: Perform, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = requests.Response()
    failed.status_code, failed.reason = 500, "Internal Server Error"

    def send(*args: Any, **kwargs: Any) -> requests.Response:
        raise requests.RequestException(response=failed)

    monkeypatch.setattr("requests.adapters.HTTPAdapter.send", send)
    with pytest.raises(requests.RequestException):
        perform(url)
    _one_get(trace_capture, _old(url, status=500), status="ERROR")


class _Adapter(BaseAdapter):
    def __init__(self, response: requests.Response) -> None:
        super().__init__()
        self._response = response

    def send(self, *args: Any, **kwargs: Any) -> requests.Response:
        return self._response

    def close(self) -> None:
        pass


# upstream: test_adapter_with_custom_response
def test_adapter_with_custom_response(
    trace_capture: TraceCapture, perform: Perform, url: str
) -> None:
    answer = requests.Response()
    answer.status_code, answer.reason = 210, "hello adapter"
    session = requests.Session()
    session.mount(url, _Adapter(answer))
    perform(url, session)
    _one_get(trace_capture, _old(url, status=210))


# upstream: TestRequestsIntegration.test_remove_sensitive_params
def test_remove_sensitive_params(trace_capture: TraceCapture, instrument: None, base: str) -> None:
    host = base.removeprefix("http://")
    requests.get(f"http://username:password@{host}/status/200?AWSAccessKeyId=secret", timeout=5)
    redacted = f"http://REDACTED:REDACTED@{host}/status/200?AWSAccessKeyId=REDACTED"
    assert_span_tree(trace_capture, span("GET", attributes={"http.url": redacted}))
