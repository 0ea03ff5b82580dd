"""The app upstream's Flask tests serve, and the attributes they expect of its spans.

``routes()`` is upstream's ``_common_initialization``; ``old()`` and ``stable()`` are its
``expected_attributes`` and ``expected_attributes_new``. The instrumentor's app-level
calls are untyped upstream: they are wrapped here once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from werkzeug.test import Client
from werkzeug.wrappers import Response

from pytest_filagent_trace import TraceCapture, assert_span_tree, span

ROUTE = "GET /hello/<int:helloid>"
SECRET_HEADERS = {
    "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SANITIZE_FIELDS": ".*my-secret.*",
    "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST": (
        "Custom-Test-Header-1,Custom-Test-Header-2,Regex-Test-Header-.*,.*my-secret.*"
    ),
    "OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_RESPONSE": (
        "content-type,content-length,my-custom-header,my-custom-regex-header-.*,.*my-secret.*"
    ),
}


def hello(helloid: int) -> str:
    if helloid == 500:
        raise ValueError(":-(")
    return f"Hello: {helloid}"


def custom_response_headers() -> flask.Response:
    answer = flask.Response("test response")
    answer.headers["content-type"] = "text/plain; charset=utf-8"
    answer.headers["my-custom-header"] = "my-custom-value-1,my-custom-header-2"
    answer.headers["my-custom-regex-header-1"] = "my-custom-regex-value-1"
    answer.headers["my-secret-header"] = "my-secret-value"
    return answer


def routes(app: flask.Flask) -> Client:
    """upstream's ``_common_initialization``: the routes every test class serves."""
    app.route("/hello/<int:helloid>")(hello)
    app.route("/excluded/<int:helloid>")(hello)
    app.route("/test_custom_response_headers")(custom_response_headers)
    return Client(app, Response)


# what the ``make_app`` fixture returns: call it with a mode and instrument_app options
MakeApp = Callable[..., tuple[flask.Flask, Client]]
MODES = ["default", "http", "http/dup"]
HELLO_ROUTE = {"http.route": "/hello/<int:helloid>"}


def instrument_app(app: flask.Flask, **options: Any) -> None:
    FlaskInstrumentor().instrument_app(app, **options)  # type: ignore[no-untyped-call]


def uninstrument_app(app: flask.Flask) -> None:
    FlaskInstrumentor().uninstrument_app(app)  # type: ignore[no-untyped-call]


def old(
    target: str, status: int = 200, method: str = "GET", more: dict[str, Any] | None = None
) -> dict[str, Any]:
    """upstream's ``expected_attributes``: the default (old) HTTP server conventions."""
    return {
        "http.method": method,
        "http.server_name": "localhost",
        "http.scheme": "http",
        "net.host.port": 80,
        "net.host.name": "localhost",
        "http.host": "localhost",
        "http.target": target,
        "http.flavor": "1.1",
        "http.status_code": status,
        **(more or {}),
    }


def stable(
    path: str, status: int = 200, method: str = "GET", more: dict[str, Any] | None = None
) -> dict[str, Any]:
    """upstream's ``expected_attributes_new``: the stable HTTP server conventions."""
    return {
        "http.request.method": method,
        "server.port": 80,
        "server.address": "localhost",
        "url.path": path,
        "url.scheme": "http",
        "network.protocol.version": "1.1",
        "http.response.status_code": status,
        **(more or {}),
    }


def attributes(mode: str, old: dict[str, Any], stable: dict[str, Any]) -> dict[str, Any]:
    return {"default": old, "http": stable, "http/dup": {**old, **stable}}[mode]


def one_server_span(capture: TraceCapture, name: str, attributes: dict[str, Any]) -> None:
    expected = span(name, kind="SERVER", attributes=attributes, exact_attributes=True)
    assert_span_tree(capture, expected, exact_spans=True)
