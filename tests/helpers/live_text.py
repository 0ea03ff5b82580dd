"""A pytest plugin for the export round-trip test: what each test's capture renders, live.

Loaded with ``-p tests.helpers.live_text``; at the end of the run it writes, to the JSON file
the ``LIVE_TEXT_FILE`` variable names, node id -> ``render_tree(trace_capture)`` of every
test that captured spans.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_filagent_trace import render_tree

_TEXTS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _live_text(request: pytest.FixtureRequest) -> Iterator[None]:
    if "trace_capture" not in request.fixturenames:
        yield
        return
    capture = request.getfixturevalue("trace_capture")
    yield
    if len(capture):
        _TEXTS[request.node.nodeid] = render_tree(capture)


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("LIVE_TEXT_FILE")
    if path:
        Path(path).write_text(json.dumps(_TEXTS, ensure_ascii=False))
