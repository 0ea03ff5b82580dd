"""``filagent serve`` in its own processes, exporting over OTLP/HTTP, for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from filagent.serving import free_port


@dataclass
class Served:
    """A running ``filagent serve`` and where to reach it."""

    process: subprocess.Popen[bytes]
    url: str
    search_port: int
    workdir: Path
    log: Path


@contextmanager
def serving(endpoint: str, workdir: Path, **env: str) -> Iterator[Served]:
    """Run ``filagent serve`` (and its search service) exporting over OTLP/HTTP to ``endpoint``."""
    port, search_port = free_port(), free_port()
    environment = {
        **os.environ,
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "FILAGENT_USER_ID_SECRET": "e2e-secret-0123456789",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    environment.pop("FILAGENT_TELEMETRY_CONFIG", None)
    environment.pop("OTEL_SDK_DISABLED", None)
    log = workdir / "stdout.log"
    with log.open("w") as stdout:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "filagent",
                "serve",
                "--port",
                str(port),
                "--search-port",
                str(search_port),
            ],
            stdout=stdout,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=workdir,
        )
        served = Served(process, f"http://127.0.0.1:{port}", search_port, workdir, log)
        try:
            wait_until_healthy(served.url, process, log)
            yield served
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"filagent serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"filagent serve did not answer /health within 40s:\n{log.read_text()}")
