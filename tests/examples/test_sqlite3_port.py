"""opentelemetry-instrumentation-sqlite3's tests (tests/test_sqlite3.py), ported.

Upstream reads ``memory_exporter.get_finished_spans()`` and compares fields one by one;
here each test states the tree it expects. The last tests state what upstream needed the
raw SDK spans for: the scope's version, the schema URL, the trace flags and the exact
attribute set.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from sqlite3 import dbapi2

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.instrumentation.utils import suppress_instrumentation

from pytest_filagent_trace import (
    SpanPattern,
    TraceCapture,
    assert_span_tree,
    assert_spans,
    glob,
    span,
)

CREATE = "CREATE TABLE IF NOT EXISTS test (id integer)"
INSERT = "INSERT INTO test (id) VALUES (?)"
SCOPE = "opentelemetry.instrumentation.sqlite3"


@pytest.fixture
def instrumented(trace_capture: TraceCapture) -> Iterator[None]:
    SQLite3Instrumentor().instrument(tracer_provider=trace.get_tracer_provider())
    yield
    SQLite3Instrumentor().uninstrument()


@pytest.fixture
def connections(instrumented: None) -> Iterator[list[sqlite3.Connection]]:
    """The three ways upstream connects: sqlite3, dbapi2 and an instrumented connection."""
    made = [
        sqlite3.connect(":memory:"),
        dbapi2.connect(":memory:"),
        SQLite3Instrumentor.instrument_connection(dbapi2.connect(":memory:")),
    ]
    yield made
    for connection in made:
        connection.close()


def _execute(statement: str) -> None:
    """Run one statement on a fresh in-memory database, closed after it."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.cursor().execute(statement)
    finally:
        connection.close()


def _one_child_under_root(name: str) -> SpanPattern:
    return span("rootSpan", span(name, kind="CLIENT", attributes={"db.system": "sqlite"}))


# upstream: TestSQLite3.test_execute
def test_execute(
    trace_capture: TraceCapture, tracer: trace.Tracer, connections: list[sqlite3.Connection]
) -> None:
    for connection in connections:
        with tracer.start_as_current_span("rootSpan"):
            connection.cursor().execute(CREATE)
        assert_span_tree(trace_capture, _one_child_under_root("CREATE"), exact_spans=True)
        trace_capture.clear()


# upstream: TestSQLite3.test_executemany
def test_executemany(
    trace_capture: TraceCapture, tracer: trace.Tracer, connections: list[sqlite3.Connection]
) -> None:
    for connection in connections:
        connection.cursor().execute(CREATE)
    trace_capture.clear()
    for connection in connections:
        with tracer.start_as_current_span("rootSpan"):
            connection.cursor().executemany(INSERT, [("1",), ("2",), ("3",)])
        assert_span_tree(trace_capture, _one_child_under_root("INSERT"), exact_spans=True)
        trace_capture.clear()


# upstream: TestSQLite3.test_callproc (sqlite3 cursors have no callproc: no span is made)
def test_callproc(
    trace_capture: TraceCapture, tracer: trace.Tracer, connections: list[sqlite3.Connection]
) -> None:
    with tracer.start_as_current_span("rootSpan"), pytest.raises(AttributeError):
        connections[0].cursor().callproc("test", ())  # type: ignore[attr-defined]
    assert_span_tree(trace_capture, span("rootSpan", span("*", count=0)), exact_spans=True)


# upstream: TestSQLite3Integration.test_uninstrument
def test_uninstrument(trace_capture: TraceCapture, instrumented: None) -> None:
    _execute(CREATE)
    assert_spans(trace_capture, "CREATE", count=1)
    SQLite3Instrumentor().uninstrument()
    trace_capture.clear()
    _execute(CREATE)
    assert_spans(trace_capture, "*", count=0)


# upstream: TestSQLite3Integration.test_uninstrument_connection_with_instrument
def test_uninstrument_connection_with_instrument(
    trace_capture: TraceCapture, instrumented: None
) -> None:
    connection = sqlite3.connect(":memory:")
    connection.cursor().execute(CREATE)
    assert_spans(trace_capture, "CREATE", count=1)
    trace_capture.clear()
    connection = SQLite3Instrumentor.uninstrument_connection(connection)
    connection.cursor().execute(CREATE)
    connection.close()
    assert_spans(trace_capture, "*", count=0)


# upstream: TestSQLite3Integration.test_no_op_tracer_provider
def test_no_op_tracer_provider(trace_capture: TraceCapture) -> None:
    SQLite3Instrumentor().instrument(tracer_provider=trace.NoOpTracerProvider())
    try:
        _execute(CREATE)
    finally:
        SQLite3Instrumentor().uninstrument()
    assert_spans(trace_capture, "*", count=0)


# upstream: TestSQLite3Integration.test_suppress_instrumentation
def test_suppress_instrumentation(trace_capture: TraceCapture, instrumented: None) -> None:
    with suppress_instrumentation():
        _execute(CREATE)
    assert_spans(trace_capture, "*", count=0)


# upstream: TestSQLite3Integration.test_span_failed
def test_span_failed(trace_capture: TraceCapture, instrumented: None) -> None:
    with pytest.raises(sqlite3.OperationalError):
        _execute("SELECT * FROM nonexistent_table")
    assert_span_tree(
        trace_capture,
        span(
            "SELECT",
            kind="CLIENT",
            status="ERROR: OperationalError: no such table: nonexistent_table",
            attributes={"db.statement": "SELECT * FROM nonexistent_table"},
        ),
    )


@pytest.fixture
def opt_in(
    trace_capture: TraceCapture, semconv: Callable[[str], None]
) -> Iterator[Callable[[str], None]]:
    """Instrument under a given ``OTEL_SEMCONV_STABILITY_OPT_IN``, as upstream's
    ``use_semconv_opt_in`` does."""

    def instrument(mode: str) -> None:
        semconv(mode)
        SQLite3Instrumentor().instrument(tracer_provider=trace.get_tracer_provider())

    yield instrument
    SQLite3Instrumentor().uninstrument()


def _only_these_attributes(capture: TraceCapture, attributes: dict[str, str]) -> None:
    # Upstream asserts the attributes present, then lists absent ones (no connection, peer
    # or server attribute, none of the other convention): exact_attributes says both.
    _execute("SELECT 1")
    assert_span_tree(
        capture,
        span("SELECT", kind="CLIENT", attributes=attributes, exact_attributes=True),
        exact_spans=True,
    )


# upstream: TestSQLite3Integration.test_semconv_default
def test_semconv_default(trace_capture: TraceCapture, opt_in: Callable[[str], None]) -> None:
    opt_in("")
    _only_these_attributes(trace_capture, {"db.system": "sqlite", "db.statement": "SELECT 1"})


# upstream: TestSQLite3Integration.test_semconv_stable
def test_semconv_stable(trace_capture: TraceCapture, opt_in: Callable[[str], None]) -> None:
    opt_in("database,http")
    _only_these_attributes(trace_capture, {"db.system.name": "sqlite", "db.query.text": "SELECT 1"})


# upstream: TestSQLite3Integration.test_semconv_dup
def test_semconv_dup(trace_capture: TraceCapture, opt_in: Callable[[str], None]) -> None:
    opt_in("database/dup,http/dup")
    _only_these_attributes(
        trace_capture,
        {
            "db.system": "sqlite",
            "db.system.name": "sqlite",
            "db.statement": "SELECT 1",
            "db.query.text": "SELECT 1",
        },
    )


# upstream: the span.attributes == {...} comparisons of the dbapi-based suites
def test_span_attributes_are_exactly_system_and_statement(
    trace_capture: TraceCapture, instrumented: None
) -> None:
    _execute(CREATE)
    assert_span_tree(
        trace_capture,
        span(
            "CREATE",
            attributes={"db.system": "sqlite", "db.statement": CREATE},
            exact_attributes=True,
        ),
    )


# upstream: TestBase's span.instrumentation_scope checks (check_span_instrumentation_info)
def test_scope_version_and_schema_url(trace_capture: TraceCapture, instrumented: None) -> None:
    from opentelemetry.instrumentation.sqlite3.version import __version__

    _execute(CREATE)
    assert_span_tree(
        trace_capture,
        span(
            "CREATE",
            scope=SCOPE,
            scope_version=__version__,
            schema_url=glob("https://opentelemetry.io/schemas/*"),
        ),
    )


# upstream: span.context.trace_flags.sampled under a sampled and an unsampled parent
def test_trace_flags_follow_the_parent(trace_capture: TraceCapture, instrumented: None) -> None:
    unsampled = trace.NonRecordingSpan(
        trace.SpanContext(0x1234, 0x5678, is_remote=True, trace_flags=trace.TraceFlags(0))
    )
    connection = sqlite3.connect(":memory:")
    with trace.use_span(unsampled):
        connection.cursor().execute(CREATE)  # not sampled: never recorded
    connection.cursor().execute(CREATE)
    connection.close()
    assert_span_tree(trace_capture, span("CREATE", sampled=True), exact_spans=True)
