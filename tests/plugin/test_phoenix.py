"""``load_traces(phoenix(...))`` against a local server replaying answers of a real Phoenix.

The files in ``phoenix_recorded/`` were captured from Arize Phoenix 20.26.1's
``GET /v1/projects/filagent/spans/otlpv1`` (pages of 8 spans, then a ``trace_id`` filter and an
unknown project), after ``filagent serve`` exported an HTN request with a web search and a
refused ``file_read`` to it.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pytest_filagent_trace import (
    OtlpError,
    PhoenixError,
    assert_no_pii,
    assert_span_tree,
    load_traces,
    phoenix,
    span,
)

RECORDED = Path(__file__).parent / "phoenix_recorded"
HTN_TRACE = "bb3b9bf491bbb4a2beefdbd915d260e0"
FAILED_TRACE = "f34f25c91580dc9147f660d39d0311a8"
PAGES = {
    None: "spans_page1.json",
    "U3BhbjoxMA==": "spans_page2.json",
    "U3Bhbjoy": "spans_page3.json",
}

Answer = tuple[int, str, bytes]


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def replay_phoenix(path: str, query: dict[str, list[str]]) -> Answer:
    """Answer as the recorded Phoenix did: pages by cursor, one trace by id, 404 otherwise."""
    if path != "/v1/projects/filagent/spans/otlpv1":
        return 404, "text/plain", recorded("project_not_found.txt")
    if query.get("trace_id") == [FAILED_TRACE]:
        return 200, "application/json", recorded("spans_trace_f34f25c9.json")
    cursor = query.get("cursor", [None])[0]
    return 200, "application/json", recorded(PAGES[cursor])


@dataclass
class FakePhoenix:
    url: str
    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)


@contextmanager
def serving(answer: Callable[[str, dict[str, list[str]]], Answer]) -> Iterator[FakePhoenix]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            fake.requests.append((parts.path, query, dict(self.headers)))
            status, kind, body = answer(parts.path, query)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakePhoenix(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def recorded_phoenix() -> Iterator[FakePhoenix]:
    with serving(replay_phoenix) as fake:
        yield fake


def test_every_page_is_read_by_following_next_cursor(recorded_phoenix: FakePhoenix) -> None:
    traces = load_traces(phoenix(recorded_phoenix.url, project="filagent"))
    cursors = [query.get("cursor") for _, query, _ in recorded_phoenix.requests]
    assert cursors == [None, ["U3BhbjoxMA=="], ["U3Bhbjoy"]]
    assert all(query["limit"] == ["1000"] for _, query, _ in recorded_phoenix.requests)
    assert len(traces) == 18
    assert sorted(tree.trace_id for tree in traces.traces()) == sorted([HTN_TRACE, FAILED_TRACE])
    assert repr(traces) == (
        f"<LoadedTraces 18 span(s) in 2 trace(s) from phoenix('{recorded_phoenix.url}',"
        " project='filagent')>"
    )


def test_spans_from_phoenix_form_the_contract_tree_across_both_processes(
    recorded_phoenix: FakePhoenix,
) -> None:
    traces = load_traces(phoenix(recorded_phoenix.url, project="filagent"))
    (htn,) = [tree for tree in traces.traces() if tree.trace_id == HTN_TRACE]
    tool = {"tool.validation.success": True, "tool.execution.success": True}
    assert_span_tree(
        htn,
        span(
            "POST /chat",
            attributes={"http.request.method": "POST", "http.response.status_code": 200},
            children=[
                span("agent.route", attributes={"route.mode": "htn"}),
                span(
                    "agent.run_with_htn",
                    attributes={"execution_mode": "htn"},
                    children=[
                        span("chat *", count=2),
                        span("agent.htn.planning", attributes={"htn.task_count": 2}),
                        span(
                            "agent.htn.execution",
                            attributes={"success": True, "completed_tasks": 2},
                            children=[
                                span("tool.execute.calculator", attributes=tool),
                                span(
                                    "tool.execute.web_search",
                                    attributes=tool,
                                    children=[span("GET", children=[span("GET /search")])],
                                ),
                            ],
                        ),
                        span("agent.htn.verification"),
                    ],
                ),
            ],
        ),
    )


def test_values_keep_their_types_and_phoenix_keeps_no_kind_nor_resource(
    recorded_phoenix: FakePhoenix,
) -> None:
    traces = load_traces(phoenix(recorded_phoenix.url, project="filagent"))
    (planning,) = [node for node in traces if node.name == "agent.htn.planning"]
    assert planning.attributes["confidence"] == 0.95
    assert planning.attributes["htn.task_count"] == 2
    (chat, *_) = [node for node in traces if node.name.startswith("chat ")]
    assert isinstance(chat.attributes["gen_ai.response.finish_reasons"], tuple)
    assert {node.kind for node in traces} == {"INTERNAL"}
    assert all(node.resource == {} for node in traces)
    assert all(node.end_time >= node.start_time > 0 for node in traces)


def test_a_trace_id_asks_phoenix_for_that_trace_only(recorded_phoenix: FakePhoenix) -> None:
    traces = load_traces(
        phoenix(recorded_phoenix.url, project="filagent", trace_id=FAILED_TRACE.upper())
    )
    ((_, query, _),) = recorded_phoenix.requests
    assert query["trace_id"] == [FAILED_TRACE]
    assert [tree.trace_id for tree in traces.traces()] == [FAILED_TRACE]
    (refused,) = [node for node in traces if node.name == "tool.execute.file_read"]
    assert refused.status == "ERROR"
    assert refused.status_description is not None
    assert "path traversal refused" in refused.status_description
    assert [event.name for event in refused.events] == ["exception"]
    assert refused.events[0].attributes["exception.type"] == "filagent.tools.base.ToolError"


def test_what_phoenix_stored_carries_no_personal_data(recorded_phoenix: FakePhoenix) -> None:
    assert_no_pii(load_traces(phoenix(recorded_phoenix.url, project="filagent")))


def test_an_api_key_is_sent_as_a_bearer_token_and_kept_out_of_the_repr(
    recorded_phoenix: FakePhoenix,
) -> None:
    source = phoenix(recorded_phoenix.url, project="filagent", api_key="px-secret")
    load_traces(source)
    assert {headers["Authorization"] for _, _, headers in recorded_phoenix.requests} == {
        "Bearer px-secret"
    }
    assert "px-secret" not in repr(source)


def test_an_unknown_project_is_phoenix_s_own_404_message(recorded_phoenix: FakePhoenix) -> None:
    with pytest.raises(PhoenixError) as info:
        load_traces(phoenix(recorded_phoenix.url, project="nosuch"))
    assert str(info.value) == (
        f"Phoenix at {recorded_phoenix.url}/v1/projects/nosuch/spans/otlpv1?limit=1000"
        " answered 404 Not Found: Project with name nosuch not found"
    )
    assert isinstance(info.value, OtlpError)


def test_a_phoenix_nobody_listens_on_is_named_with_the_reason() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PhoenixError) as info:
        load_traces(phoenix(f"http://127.0.0.1:{port}", project="filagent", timeout=5))
    message = str(info.value)
    assert message.startswith(f"cannot reach Phoenix at http://127.0.0.1:{port}/v1/projects/")
    assert "Connection refused" in message


def test_a_phoenix_that_never_answers_times_out_instead_of_hanging() -> None:
    # The kernel accepts the connection into the backlog; nobody ever reads the request.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(PhoenixError) as info:
            load_traces(phoenix(f"http://127.0.0.1:{port}", project="filagent", timeout=0.2))
    assert str(info.value) == (
        f"Phoenix at http://127.0.0.1:{port}/v1/projects/filagent/spans/otlpv1?limit=1000"
        " did not answer within 0.2 s"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>proxy</html>", "answered '<html>proxy</html>', which is not JSON"),
        (b"[1, 2]", "answered b'[1, 2]', expected an object"),
        (b'{"spans": []}', 'answered {"spans": []}, expected an object with a data list'),
    ],
)
def test_an_answer_that_is_not_a_page_of_spans_is_refused(body: bytes, expected: str) -> None:
    answer = (200, "application/json", body)
    with serving(lambda path, query: answer) as fake, pytest.raises(PhoenixError) as info:
        load_traces(phoenix(fake.url, project="filagent"))
    assert expected in str(info.value)


def test_a_cursor_given_twice_stops_the_reading() -> None:
    page = json.dumps({"data": [], "next_cursor": "again"}).encode()
    repeated = pytest.raises(PhoenixError, match="gave the cursor 'again' a second time")
    with serving(lambda path, query: (200, "application/json", page)) as fake, repeated:
        load_traces(phoenix(fake.url, project="filagent"))
    assert len(fake.requests) == 2


def test_a_span_that_cannot_be_read_names_the_page_and_the_field() -> None:
    bad = {"data": [{"trace_id": "xyz", "span_id": "b7ad6b7169203331"}], "next_cursor": None}
    body = json.dumps(bad).encode()
    answer = (200, "application/json", body)
    with serving(lambda path, query: answer) as fake, pytest.raises(OtlpError) as info:
        load_traces(phoenix(fake.url, project="filagent"))
    assert str(info.value) == (
        f"Phoenix page {fake.url}/v1/projects/filagent/spans/otlpv1?limit=1000, resourceSpans[0],"
        " scopeSpans[0].spans[0].traceId: expected 32 hex digits, found 'xyz'"
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"url": "127.0.0.1:6006"}, "expected Phoenix's base URL such as http://127.0.0.1:6006"),
        ({"url": "http://h:6006/?project=x"}, "expected Phoenix's base URL"),
        ({"project": "a/b"}, "expected a Phoenix project name without '/', '?' or '#'"),
        ({"project": ""}, "expected a Phoenix project name"),
        ({"trace_id": "abc"}, "expected trace_id to be 32 hex digits, found 'abc'"),
        ({"timeout": 0}, "expected a timeout in seconds greater than 0, found 0"),
    ],
)
def test_malformed_arguments_are_refused_before_any_request(
    arguments: dict[str, Any], expected: str
) -> None:
    given: dict[str, Any] = {"url": "http://127.0.0.1:6006", **arguments}
    with pytest.raises(PhoenixError) as info:
        phoenix(given.pop("url"), **given)
    assert expected in str(info.value)


def test_a_project_name_is_quoted_in_the_url() -> None:
    source = phoenix("http://127.0.0.1:6006", project="my project")
    assert source.spans_url("c1") == (
        "http://127.0.0.1:6006/v1/projects/my%20project/spans/otlpv1?limit=1000&cursor=c1"
    )
