"""Fixtures of the Flask port: fresh instrumented apps, and the class-wide instrumentation.

Each app is uninstrumented after the test, and ``FlaskInstrumentor().instrument()`` is
undone with the hooks it leaves behind, so no test sees another's spans or names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import flask
import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor, _InstrumentedFlask
from werkzeug.test import Client

from pytest_filagent_trace import TraceCapture
from tests.examples.flask_port.app import MakeApp, instrument_app, routes, uninstrument_app


@pytest.fixture
def make_app(
    trace_capture: TraceCapture,
    semconv: Callable[[str], None],
    excluded_from_env: Callable[[str, str], None],
) -> Iterator[MakeApp]:
    """A fresh app with upstream's routes, instrumented under an opt-in mode (``default``
    unless asked) with the given options; URLs excluded by the environment as upstream's."""
    excluded_from_env("flask", "env_excluded_arg/123,env_excluded_noarg")
    made: list[flask.Flask] = []

    def make(mode: str = "default", **options: Any) -> tuple[flask.Flask, Client]:
        semconv(mode)
        app = flask.Flask(__name__)
        options.setdefault("tracer_provider", trace.get_tracer_provider())
        instrument_app(app, **options)
        made.append(app)
        return app, routes(app)

    yield make
    for app in made:
        uninstrument_app(app)


@pytest.fixture
def client(make_app: MakeApp) -> Client:
    return make_app()[1]


@pytest.fixture
def instrumented_class(trace_capture: TraceCapture) -> Iterator[Callable[..., None]]:
    """``FlaskInstrumentor().instrument(...)``: every ``flask.Flask`` made after it is traced."""

    def instrument(**options: Any) -> None:
        options.setdefault("tracer_provider", trace.get_tracer_provider())
        FlaskInstrumentor().instrument(**options)

    yield instrument
    if FlaskInstrumentor().is_instrumented_by_opentelemetry:
        FlaskInstrumentor().uninstrument()
    # The instrumentor keeps hooks on its Flask subclass across uninstrument() and sets them
    # again only when given: without this, one test's hooks name the next test's spans.
    _InstrumentedFlask._request_hook = _InstrumentedFlask._response_hook = None
