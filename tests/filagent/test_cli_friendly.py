"""A friendly command line and configuration: what a user sees when starting FilAgent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from opentelemetry import propagate

from filagent.cli import main
from filagent.serving import free_port
from filagent.telemetry.config import ConfigError, config_from_mapping, load_telemetry_config
from filagent.telemetry.manager import TelemetryManager

FILAGENT = (sys.executable, "-m", "filagent")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in list(os.environ):
        if variable.startswith(("FILAGENT_", "OTEL_")):
            monkeypatch.delenv(variable)
    textmap = propagate.get_global_textmap()
    yield
    propagate.set_global_textmap(textmap)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FILAGENT_", "OTEL_"))}
    return {**env, **extra}


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FILAGENT, *args],
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- the command itself ----------------------------------------------------------------------


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"filagent {metadata.version('filagent-tracing')}"


@pytest.mark.parametrize("command", [[], ["serve"], ["search"], ["chat"], ["demo"], ["records"]])
def test_help_texts_are_clean(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = capsys.readouterr().out
    assert "``" not in text
    assert ":class:" not in text


@pytest.mark.parametrize("command", ["serve", "search"])
def test_host_and_port_have_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--host HOST address the" in text
    assert "--port PORT port of the" in text


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_ports_are_range_checked(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", port])
    assert exited.value.code == 2
    assert "argument --port: expected a port" in capsys.readouterr().err


# --- configuration ---------------------------------------------------------------------------


def test_file_and_environment_problems_are_listed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "telemetry.yaml"
    path.write_text("traces:\n  sampler: sometimes\n", encoding="utf-8")
    env = {"OTEL_SDK_DISABLED": "maybe", "OTEL_BSP_MAX_QUEUE_SIZE": "lots"}
    with pytest.raises(ConfigError) as raised:
        load_telemetry_config(path, env=env)
    fields = {problem.source + ":" + problem.field for problem in raised.value.problems}
    assert fields == {
        "environment variable OTEL_SDK_DISABLED:",
        "environment variable OTEL_BSP_MAX_QUEUE_SIZE:",
        f"{path}:traces.sampler",
    }


def test_no_message_says_expected_twice() -> None:
    with pytest.raises(ConfigError) as raised:
        config_from_mapping({"privacy": {"extra_sensitive_keys": [""]}})
    message = str(raised.value)
    assert "expected expected" not in message
    assert "found [''], expected non-empty key names" in message


@pytest.mark.parametrize("field", ["endpoint", "traces_endpoint"])
def test_an_endpoint_port_out_of_range_is_refused(field: str) -> None:
    with pytest.raises(ConfigError, match=r"expected a URL whose port is from 1 to 65535"):
        config_from_mapping({"otlp": {field: "http://collector:99999"}})


def test_an_endpoint_variable_port_out_of_range_names_the_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        config_from_mapping({}, env={"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:99999"})
    assert "environment variable OTEL_EXPORTER_OTLP_ENDPOINT: found 'http://" in str(raised.value)


@pytest.mark.slow  # starts filagent processes
def test_grpc_without_the_extra_names_the_variable_once() -> None:
    completed = run("serve", "--no-search", "--port", "0", OTEL_EXPORTER_OTLP_PROTOCOL="grpc")
    assert completed.returncode == 2
    assert completed.stderr.count("pip install 'filagent-tracing[grpc]'") == 1
    assert "environment variable OTEL_EXPORTER_OTLP_PROTOCOL: found 'grpc'" in completed.stderr


# --- OTEL_PROPAGATORS -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ("tracecontext", {"traceparent", "tracestate"}),
        ("baggage", {"baggage"}),
        ("tracecontext,baggage", {"traceparent", "tracestate", "baggage"}),
        ("none", set()),
    ],
)
def test_otel_propagators_is_honoured(value: str, fields: set[str]) -> None:
    config = config_from_mapping({"traces": {"exporters": []}}, env={"OTEL_PROPAGATORS": value})
    TelemetryManager(config)
    assert propagate.get_global_textmap().fields == fields


@pytest.mark.slow  # starts filagent processes
def test_an_unknown_propagator_stops_start_up_naming_the_variable_and_the_package() -> None:
    completed = run("chat", "hi", OTEL_PROPAGATORS="b3")
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "environment variable OTEL_PROPAGATORS: found 'b3'" in completed.stderr
    assert "pip install opentelemetry-propagator-b3" in completed.stderr


# --- start-up output ----------------------------------------------------------------------------


@pytest.mark.slow  # starts filagent processes
def test_serve_start_up_lines_and_warnings_are_json(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*FILAGENT, "serve", "--no-search", "--port", str(port)],
        env=clean_env(
            OTEL_TRACES_EXPORTER="none",
            FILAGENT_RECORDS_PATH=str(tmp_path / "r.jsonl"),
            PYTHONUNBUFFERED="1",
        ),
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
        deadline = time.monotonic() + 60
        while not any('"serve.started"' in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            assert process.poll() is None, "".join(lines)
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(30)
        reader.join(10)
    records = [json.loads(line) for line in lines if line.strip()]  # every line is JSON
    (warning,) = [r for r in records if r["level"] == "warning"]
    assert "user id hashes will change at every restart" in warning["event"]
    (started,) = [r for r in records if r["event"] == "serve.started"]
    assert started["url"] == f"http://127.0.0.1:{port}"
    assert started["search_service"] == "external"
    assert started["search_url"] == "http://127.0.0.1:8001"
