"""OTLP/HTTP targets of the run export: URLs, the standard variables, and sending."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pytest_filagent_trace import TraceReceiver
from pytest_filagent_trace._otlp.http_target import (
    OtlpHttpTarget,
    TargetError,
    target_from_env,
    target_from_url,
)
from pytest_filagent_trace._otlp.write import otlp_json
from pytest_filagent_trace._spans import SpanNode


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces"),
        ("http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces"),
        ("https://otlp.example/v1/traces", "https://otlp.example/v1/traces"),
        ("http://collector:4318/custom/traces", "http://collector:4318/custom/traces"),
    ],
)
def test_a_url_without_a_path_gets_the_traces_path(value: str, url: str) -> None:
    assert target_from_url(value).url == url


@pytest.mark.parametrize("value", ["localhost:4318", "127.0.0.1", "ftp://host/x", "http://", ""])
def test_what_is_not_an_http_url_is_refused_saying_what_was_expected(value: str) -> None:
    with pytest.raises(TargetError, match=r"expected an OTLP/HTTP endpoint URL such as http://"):
        target_from_url(value)


def test_a_port_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(TargetError, match="Port could not be cast"):
        target_from_url("http://127.0.0.1:43x8")


def test_env_prefers_the_traces_endpoint_and_uses_it_as_it_is() -> None:
    environ = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/ingest",
    }

    assert target_from_env(environ).url == "http://traces:4318/ingest"
    del environ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    assert target_from_env(environ).url == "http://general:4318/v1/traces"


def test_env_reads_headers_timeout_and_compression_traces_first() -> None:
    target = target_from_env(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
            "OTEL_EXPORTER_OTLP_HEADERS": "x-general=1",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "api-key=s%3Dcret , x-team=ci",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip",
        }
    )

    assert target == OtlpHttpTarget(
        "http://127.0.0.1:4318/v1/traces",
        headers={"api-key": "s=cret", "x-team": "ci"},
        timeout=2.5,
        gzip=True,
    )


def test_env_defaults_are_the_specifications() -> None:
    target = target_from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})

    assert (target.headers, target.timeout, target.gzip) == ({}, 10.0, False)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {},
            "expected OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT to be "
            "set; neither is",
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
            "OTEL_EXPORTER_OTLP_ENDPOINT: expected an OTLP/HTTP endpoint URL",
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS": "nokey"},
            "OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas; got 'nokey'",
        ),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
                "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "soon",
            },
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: expected a positive number of milliseconds",
        ),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318",
                "OTEL_EXPORTER_OTLP_COMPRESSION": "zstd",
            },
            "OTEL_EXPORTER_OTLP_COMPRESSION: expected gzip or none; got 'zstd'",
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: this export speaks OTLP/HTTP only",
        ),
    ],
)
def test_env_errors_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(TargetError) as raised:
        target_from_env(environ)

    assert message in str(raised.value)


# -- sending -----------------------------------------------------------------------------


class Recorder:
    """A local HTTP server answering every POST with a fixed status and body."""

    def __init__(self, status: int = 200, body: bytes = b"{}") -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                headers = {key.lower(): value for key, value in self.headers.items()}
                recorder.requests.append((headers, self.rfile.read(length)))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder_factory() -> Iterator[Any]:
    started: list[Recorder] = []

    def start(status: int = 200, body: bytes = b"{}") -> Recorder:
        started.append(Recorder(status, body))
        return started[-1]

    yield start
    for recorder in started:
        recorder.close()


def test_a_batch_sent_to_the_receiver_arrives_as_spans() -> None:
    with TraceReceiver() as receiver:
        target = target_from_url(receiver.endpoint)

        job = SpanNode("job.run", "INTERNAL", "UNSET", None, {}, [], "a" * 32, "1" * 16, None, 1, 2)

        assert target.send(otlp_json([job]).encode()) is None

        assert [span.name for span in receiver.spans] == ["job.run"]


def test_headers_and_gzip_go_with_the_request(recorder_factory: Any) -> None:
    recorder = recorder_factory()
    target = OtlpHttpTarget(recorder.url, headers={"api-key": "k"}, gzip=True)

    assert target.send(b'{"resourceSpans":[]}') is None

    [(headers, body)] = recorder.requests
    assert headers["api-key"] == "k"
    assert headers["content-type"] == "application/json"
    assert headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body)) == {"resourceSpans": []}


def test_an_error_status_comes_back_with_its_body(recorder_factory: Any) -> None:
    recorder = recorder_factory(503, b'{"message":"overloaded"}')

    error = OtlpHttpTarget(recorder.url).send(b"{}")

    assert error == 'HTTP 503 Service Unavailable: {"message":"overloaded"}'


def test_spans_the_receiver_rejected_are_reported(recorder_factory: Any) -> None:
    answer = {"partialSuccess": {"rejectedSpans": "3", "errorMessage": "too old"}}
    recorder = recorder_factory(200, json.dumps(answer).encode())

    assert OtlpHttpTarget(recorder.url).send(b"{}") == "the receiver rejected 3 span(s): too old"


def test_a_closed_port_is_a_refused_connection() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert OtlpHttpTarget(f"http://127.0.0.1:{port}/v1/traces").send(b"{}") == (
        "connection refused"
    )


def test_an_endpoint_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]

        error = OtlpHttpTarget(f"http://127.0.0.1:{port}/v1/traces", timeout=0.2).send(b"{}")

    assert error == "no answer within 0.2 s"


def test_a_targets_repr_leaves_its_headers_out() -> None:
    target = OtlpHttpTarget("http://127.0.0.1:4318/v1/traces", headers={"api-key": "s3cret"})

    assert "s3cret" not in repr(target)
    assert "http://127.0.0.1:4318/v1/traces" in repr(target)
