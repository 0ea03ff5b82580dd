"""Snapshot normalization: the built-in masks of volatile values (ports, hosts, paths, pids).

Also what they leave alone: words that only look like hosts, ports or ids.
"""

from __future__ import annotations

import socket
import tempfile
import uuid

import pytest

from pytest_filagent_trace._snapshot import SnapshotOptions, normalize_traces
from tests.helpers.snapshot_trees import only_attributes, span, trees_of


def test_ports_are_masked_and_loopback_hosts_kept() -> None:
    trees = trees_of(
        span(
            "GET /search",
            **{
                "url.full": "http://127.0.0.1:53211/search?q=x",
                "server.port": 53211,
                "peer": "localhost:8000",
                "clock": "12:30",
            },
        )
    )

    assert only_attributes(normalize_traces(trees)) == [
        {
            "clock": "12:30",
            "peer": "localhost:<port>",
            "server.port": "<port>",
            "url.full": "http://127.0.0.1:<port>/search?q=x",
        }
    ]


def test_the_machines_host_name_is_masked_in_urls() -> None:
    host = socket.gethostname()
    if host in {"localhost", ""} or len(host) < 2:
        pytest.skip(f"host name {host!r} is not distinctive enough to mask")
    trees = trees_of(span("call", url=f"http://{host}:9000/x", plain=f"https://{host}/y"))

    assert only_attributes(normalize_traces(trees)) == [
        {"plain": "https://<host>/y", "url": "http://<host>:<port>/x"}
    ]


def test_the_host_name_as_a_plain_word_is_kept() -> None:
    # A machine named like a common word ("build", "vm") must not change snapshot text
    # from one machine to the next.
    host = socket.gethostname()
    trees = trees_of(span("call", who=f"served by {host}"))

    assert only_attributes(normalize_traces(trees)) == [{"who": f"served by {host}"}]


def test_numbers_after_a_colon_that_is_not_a_host_are_kept() -> None:
    trees = trees_of(span("x", ratio="3:45", note="retry: 10", ipv6="[::1]:8080"))

    assert only_attributes(normalize_traces(trees)) == [
        {"ipv6": "[::1]:<port>", "note": "retry: 10", "ratio": "3:45"}
    ]


def test_a_dashed_run_that_is_no_uuid_keeps_its_other_parts() -> None:
    trees = trees_of(span("x", build="2024-01-31-1234-ABCDEF", key=f"K-{'AB12' * 4}-Z"))

    assert only_attributes(normalize_traces(trees)) == [
        {"build": "2024-01-31-1234-ABCDEF", "key": "K-<hex16#1>-Z"}
    ]


def test_hex_runs_inside_words_are_kept() -> None:
    word = "x" + "ab" * 10 + "z"
    trees = trees_of(span("x", word=word))

    assert only_attributes(normalize_traces(trees)) == [{"word": word}]


def test_rootdir_and_temporary_paths_are_masked() -> None:
    temp = tempfile.gettempdir()
    trees = trees_of(
        span(
            "file_read",
            source="/srv/checkout/app/data/a.txt",
            tmp_path=f"{temp}/pytest-of-ci/pytest-17/test_read0/data/a.txt",
            mkdtemp=f"{temp}/tmpk2j4x9/a.txt",
        )
    )

    normalized = normalize_traces(trees, SnapshotOptions(rootdir="/srv/checkout"))

    assert only_attributes(normalized) == [
        {
            "mkdtemp": "<tmp>/a.txt",
            "source": "<rootdir>/app/data/a.txt",
            "tmp_path": "<tmp_path>/data/a.txt",
        }
    ]


def test_a_path_that_only_starts_like_the_rootdir_is_kept() -> None:
    trees = trees_of(span("x", other="/srv/checkout-old/a.txt"))

    normalized = normalize_traces(trees, SnapshotOptions(rootdir="/srv/checkout"))

    assert only_attributes(normalized) == [{"other": "/srv/checkout-old/a.txt"}]


def test_volatile_attributes_keep_their_name_with_a_masked_value() -> None:
    trees = trees_of(
        span(
            "tool.execute.calculator",
            **{
                "tool.duration_ms": 3.25,
                "process.pid": 4242,
                "thread.id": 139,
                "thread.name": "ThreadPoolExecutor-0_3",
                "user_agent.original": "python-httpx/0.28.1",
                "tool.name": "calculator",
            },
        )
    )

    assert only_attributes(normalize_traces(trees)) == [
        {
            "process.pid": "<pid>",
            "thread.id": "<thread.id>",
            "thread.name": "<thread.name>",
            "tool.duration_ms": "<duration>",
            "tool.name": "calculator",
            "user_agent.original": "<user-agent>",
        }
    ]


def test_event_attributes_are_masked_like_span_attributes() -> None:
    failing = span("tool.execute.file_read")
    failing.events.append(
        ("exception", {"exception.stacktrace": 'File "/x.py"', "exception.type": "OSError"})
    )

    (tree,) = normalize_traces(trees_of(failing))

    event = tree.roots[0].events[0]
    assert (event.name, event.attributes, event.timestamp) == (
        "exception",
        {"exception.stacktrace": "<stacktrace>", "exception.type": "OSError"},
        0,
    )


def test_ids_inside_names_and_status_descriptions_are_masked() -> None:
    job = str(uuid.uuid4())
    failing = span(f"job {job}")
    failing.status, failing.description = "ERROR", f"job {job} failed"

    (tree,) = normalize_traces(trees_of(failing))

    root = tree.roots[0]
    assert (root.name, root.status, root.status_description) == (
        "job <uuid#1>",
        "ERROR",
        "job <uuid#1> failed",
    )


def test_without_default_masks_values_are_kept_verbatim() -> None:
    conversation = str(uuid.uuid4())
    trees = trees_of(span("root", conversation_id=conversation, **{"server.port": 8123}))

    normalized = normalize_traces(trees, SnapshotOptions(default_masks=False))

    assert only_attributes(normalized) == [{"conversation_id": conversation, "server.port": 8123}]


def test_sequence_values_are_masked_item_by_item() -> None:
    ids = (str(uuid.uuid4()), "plain")
    trees = trees_of(span("root", ids=ids))

    assert only_attributes(normalize_traces(trees)) == [{"ids": ("<uuid#1>", "plain")}]
