"""``filagent serve`` owns its search child: it proves its identity, and its death is seen.

Real processes on 127.0.0.1: ``filagent serve`` as a subprocess, a foreign HTTP
service holding the search port, and the search child killed while serve runs.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from filagent.search.app import create_search_app
from filagent.search.identity import ask_identity
from filagent.serving import free_port, serve_in_thread

pytestmark = pytest.mark.slow

SERVE = (sys.executable, "-m", "filagent", "serve")


@contextmanager
def foreign_service() -> Iterator[tuple[int, list[str]]]:
    """Another program on 127.0.0.1 that answers 200 to every GET; yields (port, paths)."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            body = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def serve_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FILAGENT_", "OTEL_"))}
    env.update(
        OTEL_TRACES_EXPORTER="none",
        FILAGENT_RECORDS_PATH=str(tmp_path / "records.jsonl"),
        FILAGENT_USER_ID_SECRET="serve-test-secret-0123",
        PYTHONUNBUFFERED="1",
    )
    return env


def test_a_foreign_service_on_the_search_port_stops_start_up_naming_the_port(
    tmp_path: Path,
) -> None:
    with foreign_service() as (search_port, paths):
        completed = subprocess.run(
            [*SERVE, "--port", str(free_port()), "--search-port", str(search_port)],
            env=serve_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert f"port {search_port}" in completed.stderr
    assert completed.stderr.startswith("filagent: cannot start: ")
    assert not [path for path in paths if path.startswith("/search")]


def test_identity_is_proven_only_by_the_holder_of_the_token() -> None:
    with serve_in_thread(create_search_app(instance_token="the-token-of-this-start")) as url:
        assert ask_identity(url, "the-token-of-this-start") is True
        assert ask_identity(url, "another-token") is False
    with foreign_service() as (port, _):
        assert ask_identity(f"http://127.0.0.1:{port}", "the-token-of-this-start") is False
    assert ask_identity(f"http://127.0.0.1:{free_port()}", "any") is None


def test_health_without_a_challenge_is_unchanged() -> None:
    with serve_in_thread(create_search_app(instance_token="t" * 20)) as url:
        body = httpx.get(f"{url}/health", timeout=5).json()
    assert set(body) == {"status", "documents"}


@contextmanager
def running_serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, dict[str, Any]]]:
    """``filagent serve`` with its own search child; yields (process, url, start-up line)."""
    port = free_port()
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--search-port", str(free_port())],
        env=serve_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.extend(iter(process.stdout.readline, "")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    try:
        started = wait_for_line(lines, "serve.started", process)
        yield process, started["url"], {"lines": lines, **started}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wait_for_line(
    lines: list[str], event: str, process: subprocess.Popen[str], timeout: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(lines):
            if line.startswith("{") and json.loads(line).get("event") == event:
                found: dict[str, Any] = json.loads(line)
                return found
        if process.poll() is not None and not lines:
            break
        time.sleep(0.05)
    raise AssertionError(f"no {event!r} line within {timeout:.0f}s; output: {''.join(lines)}")


def test_serve_prints_one_start_up_line_naming_its_own_search_service(tmp_path: Path) -> None:
    with running_serve(tmp_path) as (process, url, started):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert started["exporter"] == "none"
        assert started["sampler"] == "parentbased_always_on"
        assert started["records"] == str(tmp_path / "records.jsonl")
        assert re.fullmatch(r"own \(pid \d+\)", started["search_service"])
        search_line = wait_for_line(started["lines"], "search.started", process)
        assert search_line["started_by"] == "filagent serve"
        serve_lines = [line for line in started["lines"] if '"serve.started"' in line]
        assert len(serve_lines) == 1


def test_a_search_child_that_dies_is_logged_and_web_search_then_fails(tmp_path: Path) -> None:
    with running_serve(tmp_path) as (process, url, started):
        child_pid = int(re.findall(r"\d+", started["search_service"])[0])
        os.kill(child_pid, signal.SIGKILL)
        exited = wait_for_line(started["lines"], "search.exited", process)
        assert exited["level"] == "error"
        assert exited["pid"] == child_pid
        response = httpx.post(
            f"{url}/chat",
            json={"messages": [{"role": "user", "content": "search for pytest fixtures"}]},
            timeout=30,
        )
        assert response.status_code == 200
        (call,) = [c for c in response.json()["tool_calls"] if c["tool"] == "web_search"]
        assert call["success"] is False
        assert "search service" in call["error"]
        assert "web_search is unavailable" in call["error"]
