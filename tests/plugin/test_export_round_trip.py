"""The contract suite's traces survive --trace-export and load_traces byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_filagent_trace import load_traces, render_tree

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_exported_contract_traces_load_back_into_the_text_the_live_captures_rendered(
    tmp_path: Path,
) -> None:
    export, live = tmp_path / "contract.jsonl", tmp_path / "live.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/contract",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-p",
            "tests.helpers.live_text",
            f"--trace-export={export}",
        ],
        cwd=ROOT,
        env={**os.environ, "LIVE_TEXT_FILE": str(live)},
        check=True,
        capture_output=True,
        timeout=600,
    )
    rendered = json.loads(live.read_text())
    by_test = load_traces(export).by_test()

    assert len(rendered) >= 20
    assert set(by_test) == set(rendered)
    mismatched = [
        nodeid for nodeid, text in rendered.items() if render_tree(by_test[nodeid]) != text
    ]
    assert mismatched == []
