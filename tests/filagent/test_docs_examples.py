"""The docs' examples that claim to run are run: SNAPSHOTS.md and OPENTELEMETRY_USAGE.md.

Each test takes the block from the page itself, runs it (or the command it shows) and
compares what it prints with what the page shows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.metrics import Metrics
from filagent.settings import Settings
from filagent.telemetry.config import config_from_mapping
from filagent.telemetry.manager import TelemetryManager
from pytest_filagent_trace import SnapshotOptions, serialize_traces

DOCS = Path(__file__).parents[2] / "docs"
SNAPSHOTS = (DOCS / "SNAPSHOTS.md").read_text(encoding="utf-8")
USAGE = (DOCS / "OPENTELEMETRY_USAGE.md").read_text(encoding="utf-8")


def blocks(text: str, language: str = "") -> list[str]:
    """The fenced code blocks of ``text`` in ``language`` ('' for unlabelled ones)."""
    found: list[str] = []
    current: list[str] | None = None
    label = ""
    for line in text.splitlines():
        stripped = line.strip()
        if current is None and stripped.startswith("```"):
            current, label = [], stripped[3:].strip()
        elif current is not None and stripped == "```":
            if label == language:
                found.append("".join(f"{item}\n" for item in current))
            current = None
        elif current is not None:
            current.append(line)
    return found


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("FILAGENT_", "OTEL_"))}


# --- SNAPSHOTS.md -----------------------------------------------------------------------------


def test_the_first_snapshot_shown_is_the_trace_its_example_produces() -> None:
    example = next(b for b in blocks(SNAPSHOTS, "python") if "def test_simple_answer" in b)
    request = re.search(r'client\.post\("/chat", json=(\{.*\})\)', example)
    assert request is not None, example
    shown = next(b for b in blocks(SNAPSHOTS) if "$ cat snapshots/" in b)
    expected = shown.split(".trace\n", 1)[1].split("$ git add", 1)[0]

    exporter = InMemorySpanExporter()
    config = config_from_mapping({"records": {"path": None}, "traces": {"exporters": []}})
    telemetry = TelemetryManager(config, span_exporter=exporter)
    app = create_app(Settings(), telemetry, metrics=Metrics(), recorder=DecisionRecorder(None))
    with TestClient(app) as client:
        client.post("/chat", json=eval(request.group(1)))
    assert serialize_traces(exporter.get_finished_spans()) == expected


def test_the_snapshot_shown_uses_the_stable_http_names() -> None:
    shown = next(b for b in blocks(SNAPSHOTS) if "$ cat snapshots/" in b)
    for old in ("http.method", "http.status_code", "http.target", "net.peer.ip"):
        assert old not in shown


def test_the_extension_subclass_example_runs() -> None:
    example = next(b for b in blocks(SNAPSHOTS, "python") if "class MyTraces" in b)
    namespace: dict[str, object] = {}
    exec(example, namespace)
    options = namespace["MyTraces"].options  # type: ignore[attr-defined]
    assert options == SnapshotOptions().with_attributes(exclude=["http.*"])


# --- OPENTELEMETRY_USAGE.md -------------------------------------------------------------------


def test_the_embedding_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    example = next(b for b in blocks(USAGE, "python") if "TelemetryManager(load_telemetry" in b)
    for variable in list(os.environ):
        if variable.startswith(("FILAGENT_", "OTEL_")):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("FILAGENT_RECORDS_PATH", "none")
    namespace: dict[str, object] = {}
    exec(example, namespace)
    assert namespace["manager"].enabled  # type: ignore[attr-defined]
    assert TestClient(namespace["app"]).get("/health").status_code == 200  # type: ignore[arg-type]


def shown_commands(block: str) -> list[tuple[str, str]]:
    """(command, output) pairs of a shell block: ``$ `` lines and what follows them."""
    pairs, command, output = [], None, []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command is not None:
                pairs.append((command, "\n".join(output)))
            command, output = line[2:], []
        elif line or output:
            output.append(line)
    if command is not None:
        pairs.append((command, "\n".join(output).rstrip()))
    return [(c, o.rstrip()) for c, o in pairs]


@pytest.mark.slow  # starts filagent processes
def test_every_configuration_problem_shown_is_what_serve_prints(tmp_path: Path) -> None:
    block = next(b for b in blocks(USAGE) if "filagent: configuration error" in b)
    pairs = shown_commands(block)
    yaml_text = next(out for command, out in pairs if command == "cat telemetry.yaml")
    (tmp_path / "telemetry.yaml").write_text(yaml_text + "\n", encoding="utf-8")
    ran = 0
    for command, output in pairs:
        if not command.endswith("filagent serve"):
            continue
        *assignments, _, _ = command.split()
        env = clean_env()
        env.update(dict(a.split("=", 1) for a in assignments))
        completed = subprocess.run(
            [sys.executable, "-m", "filagent", "serve", "--no-search"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 2
        assert completed.stderr.rstrip() == output
        ran += 1
    assert ran == 2
