"""A real Arize Phoenix on 127.0.0.1, run from its own venv (``make e2e`` builds it).

Phoenix runs with a temporary working directory (its SQLite database), free ports for HTTP and
gRPC, and everything that would reach the internet switched off: the telemetry pixels,
external resources (fonts, the WASM sandbox download), the agent assistant and the MCP server.
"""

from __future__ import annotations

import base64
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import ParseDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from filagent.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
#: The ``phoenix`` command; ``make e2e`` installs it in ``.venv-phoenix``.
PHOENIX = Path(
    os.environ.get("FILAGENT_PHOENIX", ROOT / ".venv-phoenix" / "bin" / "phoenix")
).absolute()
_START_SECONDS = 120

QUIET = {
    "PHOENIX_TELEMETRY_ENABLED": "false",
    "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false",
    "PHOENIX_DISABLE_AGENT_ASSISTANT": "true",
    "PHOENIX_ENABLE_MCP_SERVER": "false",
    "PHOENIX_ENABLE_PROMETHEUS": "false",
}


@dataclass
class RunningPhoenix:
    """Where a started Phoenix answers, and what it said about itself."""

    url: str
    version: str
    log: Path

    def post_traces(self, body: bytes) -> None:
        """POST one ``ExportTraceServiceRequest`` to ``/v1/traces``: Phoenix takes only protobuf."""
        request = urllib.request.Request(
            f"{self.url}/v1/traces",
            data=body,
            headers={"Content-Type": "application/x-protobuf"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200, response.read()


def require_phoenix() -> Path:
    if not PHOENIX.is_file():
        pytest.skip(f"needs arize-phoenix installed as {PHOENIX} (make e2e installs it)")
    return PHOENIX


@contextmanager
def phoenix_serving(workdir: Path) -> Iterator[RunningPhoenix]:
    """``phoenix serve`` until the block ends; killed if it does not stop when asked."""
    command = require_phoenix()
    port, grpc_port = free_port(), free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    environment.update(
        QUIET,
        PHOENIX_WORKING_DIR=str(workdir),
        PHOENIX_HOST="127.0.0.1",
        PHOENIX_PORT=str(port),
        PHOENIX_GRPC_PORT=str(grpc_port),
    )
    log = workdir / "phoenix.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(command), "serve"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=workdir,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            version = _wait_until_healthy(url, process, log)
            yield RunningPhoenix(url, version, log)
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"phoenix serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return str(response.headers.get("x-phoenix-server-version", "unknown"))
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(
        f"phoenix serve did not answer /healthz within {_START_SECONDS}s:\n{log.read_text()}"
    )


def protobuf_request(traces_data: dict[str, Any]) -> bytes:
    """One OTLP/JSON ``TracesData`` (hex ids) as ``ExportTraceServiceRequest`` bytes.

    Protobuf's JSON parser reads bytes fields as base64, so the ids are re-encoded first.
    """
    for resource_spans in traces_data.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                _base64_ids(span)
                for link in span.get("links", []):
                    _base64_ids(link)
    message = ParseDict(traces_data, ExportTraceServiceRequest())
    return message.SerializeToString()


def _base64_ids(item: dict[str, Any]) -> None:
    for key in ("traceId", "spanId", "parentSpanId"):
        if item.get(key):
            item[key] = base64.b64encode(bytes.fromhex(item[key])).decode("ascii")
