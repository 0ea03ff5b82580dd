"""OTLP/JSON and protobuf read into trees that every assertion takes, and written back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from pytest_filagent_trace import (
    OtlpError,
    assert_no_pii,
    assert_span_tree,
    assert_spans,
    link,
    load_traces,
    otlp_json,
    render_tree,
    serialize_traces,
    span,
)
from pytest_filagent_trace._spans import build_trees

EXPECTED = """
POST /orders [SERVER] {http.route="/orders", tags=("a", "b")}
├── db.query [ERROR: timeout] <retry> {db.rows=3, ratio=0.5}
└── publish [PRODUCER]
"""


def finished() -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "shop"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("shop.api", "1.2", schema_url="https://opentelemetry.io/s/1")
    with tracer.start_as_current_span(
        "POST /orders", kind=SpanKind.SERVER, attributes={"http.route": "/orders"}
    ) as root:
        root.set_attribute("tags", ["a", "b"])
        with tracer.start_as_current_span("db.query") as query:
            query.set_attributes({"db.rows": 3, "ratio": 0.5})
            query.add_event("retry", {"attempt": 2})
            query.set_status(Status(StatusCode.ERROR, "timeout"))
        with tracer.start_as_current_span("publish", kind=SpanKind.PRODUCER) as publish:
            published = publish.get_span_context()
    with tracer.start_as_current_span("consume", kind=SpanKind.CONSUMER, links=[Link(published)]):
        pass
    provider.shutdown()
    return list(exporter.get_finished_spans())


def test_protobuf_from_the_sdk_exporter_reads_back_into_the_same_trees() -> None:
    encoder = pytest.importorskip(
        "opentelemetry.exporter.otlp.proto.common.trace_encoder",
        reason="needs opentelemetry-exporter-otlp-proto-common (the OTLP exporters)",
    )
    encode_spans = encoder.encode_spans
    spans = finished()
    loaded = load_traces(encode_spans(spans).SerializeToString())

    assert render_tree(loaded) == render_tree(build_trees(spans))
    assert_span_tree(loaded, [span("POST /orders", ...), span("consume", ...)])
    assert_span_tree(loaded, EXPECTED + "consume [CONSUMER]")
    [consume] = [node for node in loaded if node.name == "consume"]
    assert consume.links[0].target is not None
    assert consume.links[0].target.name == "publish"
    root = loaded.traces()[0].root
    assert (root.scope, root.scope_version, root.schema_url) == (
        "shop.api",
        "1.2",
        "https://opentelemetry.io/s/1",
    )
    assert root.resource["service.name"] == "shop"


def test_our_otlp_json_round_trips_through_a_file(tmp_path: Path) -> None:
    spans = finished()
    path = tmp_path / "traces.jsonl"
    path.write_text(otlp_json(build_trees(spans)) + otlp_json([]))

    loaded = load_traces(path)

    assert render_tree(loaded) == render_tree(build_trees(spans))
    assert serialize_traces(loaded) == serialize_traces(build_trees(spans))
    assert len(loaded) == 4
    assert repr(loaded) == f"<LoadedTraces 4 span(s) in 2 trace(s) from {path}>"


def test_loaded_traces_are_accepted_by_every_assertion() -> None:
    loaded = load_traces(otlp_json(build_trees(finished())))

    assert_spans(loaded, "db.query", status="ERROR: timeout", parent='"POST /orders"')
    assert_span_tree(loaded, [span("consume", links=[link(to="publish")]), ...])
    assert_no_pii(loaded)


def test_a_pretty_printed_document_and_enum_names_read_too() -> None:
    document = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "0AF7651916CD43DD8448EB211C80319C",
                                "spanId": "b7ad6b7169203331",
                                "name": "GET /",
                                "kind": "SPAN_KIND_SERVER",
                                "status": {"code": "STATUS_CODE_OK"},
                                "startTimeUnixNano": "100",
                                "endTimeUnixNano": 200,
                                "flags": 0,
                                "attributes": [
                                    {"key": "n", "value": {"intValue": "7"}},
                                    {"key": "kv", "value": {"kvlistValue": {"values": []}}},
                                ],
                            }
                        ]
                    }
                ]
            }
        ]
    }

    [node] = load_traces(json.dumps(document, indent=2)).spans

    assert (node.kind, node.status, node.duration_ns, node.sampled) == ("SERVER", "OK", 100, False)
    assert node.attributes == {"n": 7, "kv": {}}
    assert node.trace_id == "0af7651916cd43dd8448eb211c80319c"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.jsonl", "expected an OTLP/JSON file, OTLP/JSON text or protobuf bytes"),
        ('{"resourceSpans": 3}', "expected resourceSpans to be a list, found int"),
        (
            '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}',
            r"resourceSpans\[0\], scopeSpans\[0\].spans\[0\].traceId: expected 32 hex digits",
        ),
        (
            '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "'
            + "1" * 32
            + '", "spanId": "'
            + "2" * 16
            + '", "kind": 9}]}]}]}',
            r"\.kind: expected 0-5 or SPAN_KIND_<NAME>, found 9",
        ),
        (3.5, "load_traces\\(\\) takes a path, OTLP/JSON text, protobuf bytes or a decoded"),
    ],
)
def test_unreadable_sources_say_what_was_expected_and_where(source: object, message: str) -> None:
    with pytest.raises(OtlpError, match=message):
        load_traces(source)


def test_a_bad_line_of_a_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"resourceSpans": []}\n{"resourceSpans": [\n')

    with pytest.raises(OtlpError, match=r"export\.jsonl line 2: not JSON"):
        load_traces(path)


def test_bytes_that_are_no_traces_data_are_refused() -> None:
    pytest.importorskip("opentelemetry.proto", reason="needs opentelemetry-proto")

    with pytest.raises(OtlpError, match="protobuf bytes: not a TracesData message"):
        load_traces(b"\x00\x01garbage")


def _with_trace_state() -> list[ReadableSpan]:
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    remote = SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
        span_id=0x00F067AA0BA902B7,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
        trace_state=TraceState([("vendor", "abc123"), ("other", "x")]),
    )
    parent = trace.set_span_in_context(NonRecordingSpan(remote))
    with provider.get_tracer("shop").start_as_current_span("POST /orders", context=parent):
        pass
    with provider.get_tracer("shop").start_as_current_span("no state"):
        pass
    return list(exporter.get_finished_spans())


def test_a_spans_trace_state_is_read_from_the_sdk_and_round_trips_through_otlp_json() -> None:
    spans = _with_trace_state()
    nodes = {node.name: node for tree in build_trees(spans) for node in tree.walk()}

    assert nodes["POST /orders"].trace_state == "vendor=abc123,other=x"
    assert nodes["no state"].trace_state == ""
    document = otlp_json(build_trees(spans))
    assert '"traceState":"vendor=abc123,other=x"' in document
    assert document.count("traceState") == 1
    loaded = {node.name: node.trace_state for node in load_traces(document)}
    assert loaded == {"POST /orders": "vendor=abc123,other=x", "no state": ""}
    # Not part of the text form: a snapshot does not change with a vendor's state.
    assert "vendor" not in render_tree(build_trees(spans))
