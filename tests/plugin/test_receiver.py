"""The OTLP/HTTP receiver: real exporters of this and other processes send to it."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind

from pytest_filagent_trace import TraceReceiver, assert_span_tree, otlp_json
from tests.plugin.nodes import make


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def exporter_class() -> type:
    module = pytest.importorskip(
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
        reason="needs opentelemetry-exporter-otlp-proto-http",
    )
    return module.OTLPSpanExporter  # type: ignore[no-any-return]


def test_the_sdk_exporter_sends_spans_that_arrive_as_trees() -> None:
    otlp_span_exporter = exporter_class()
    with TraceReceiver() as receiver:
        provider = TracerProvider(resource=Resource.create({"service.name": "worker"}))
        exporter = otlp_span_exporter(endpoint=receiver.endpoint + "/v1/traces")
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("worker")
        with (
            tracer.start_as_current_span("job", kind=SpanKind.CONSUMER),
            tracer.start_as_current_span("step", attributes={"n": 1}),
        ):
            pass
        provider.shutdown()

        assert_span_tree(receiver, "job [CONSUMER]\n└── step {n=1}")
        assert receiver.requests == 2
        assert receiver.spans[0].resource["service.name"] == "worker"


def test_json_and_gzip_bodies_are_read() -> None:
    body = otlp_json([make("GET /health", kind="SERVER")]).encode()
    with TraceReceiver() as receiver:
        url = receiver.endpoint + "/v1/traces"
        status, reply = post(url, body, {"Content-Type": "application/json"})
        gz_status, _ = post(
            url,
            gzip.compress(body),
            {"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )

        assert (status, json.loads(reply), gz_status) == (200, {}, 200)
        assert [node.name for node in receiver] == ["GET /health", "GET /health"]


def test_a_bad_body_or_path_is_refused_and_noted() -> None:
    pytest.importorskip("opentelemetry.proto", reason="needs opentelemetry-proto")
    with TraceReceiver() as receiver:
        bad, _ = post(receiver.endpoint + "/v1/traces", b"\x00garbage", {})
        wrong, _ = post(receiver.endpoint + "/v1/logs", b"{}", {})

        assert (bad, wrong) == (400, 404)
        assert receiver.errors[0].startswith("protobuf bytes: not a TracesData message")
        assert receiver.errors[1] == "/v1/logs: OTLP traces go to /v1/traces"
        assert len(receiver) == 0


@pytest.mark.slow
def test_a_subprocess_exports_with_the_variables_env_returns() -> None:
    exporter_class()
    program = textwrap.dedent(
        """
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        with provider.get_tracer("child").start_as_current_span("child.work"):
            pass
        provider.shutdown()
        """
    )
    with TraceReceiver() as receiver:
        subprocess.run([sys.executable, "-c", program], env=receiver.env(), check=True, timeout=60)

        assert [node.name for node in receiver.spans] == ["child.work"]


def test_a_stopped_receiver_has_no_endpoint_but_keeps_its_spans() -> None:
    receiver = TraceReceiver()
    with pytest.raises(RuntimeError, match="the trace receiver is not running"):
        receiver.endpoint  # noqa: B018
    assert repr(receiver) == "<TraceReceiver stopped: 0 span(s) from 0 request(s)>"


def test_clear_forgets_the_spans_and_new_ones_still_arrive() -> None:
    body = otlp_json([make("first")]).encode()
    with TraceReceiver() as receiver:
        url = receiver.endpoint + "/v1/traces"
        post(url, body, {"Content-Type": "application/json"})
        assert [node.name for node in receiver.spans] == ["first"]

        receiver.clear()
        assert receiver.spans == []
        post(url, otlp_json([make("second")]).encode(), {"Content-Type": "application/json"})

        assert [node.name for node in receiver.spans] == ["second"]


@pytest.mark.slow
def test_a_plain_script_reports_to_the_trace_receiver_fixture(pytester: pytest.Pytester) -> None:
    exporter_class()
    pytester.makepyfile(
        worker="""
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.trace import SpanKind

        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        tracer = provider.get_tracer("worker")
        with tracer.start_as_current_span("job.run", kind=SpanKind.CONSUMER) as job:
            job.set_attribute("job.id", 7)
            with tracer.start_as_current_span("db.query", attributes={"db.system": "sqlite"}):
                pass
        provider.shutdown()
        """,
        test_worker="""
        import subprocess, sys
        from pytest_filagent_trace import assert_span_tree, span

        def test_worker(trace_receiver):
            subprocess.run(
                [sys.executable, "worker.py"], env=trace_receiver.env(), check=True, timeout=60
            )
            trace_receiver.wait_for("db.query")
            assert_span_tree(
                trace_receiver,
                span(
                    "job.run",
                    span("db.query", attributes={"db.system": "sqlite"}),
                    kind="CONSUMER",
                    attributes={"job.id": 7},
                    scope="worker",
                ),
                exact=True,
            )
        """,
    )

    result = pytester.runpytest_subprocess("-p", "no:randomly")

    result.assert_outcomes(passed=1)
