"""find_pii over every kind of source, and its options: detectors, canaries, allow.

Sources: spans (attributes, names, events, status, links, resource), trees, captures,
records, JSON held in strings, URLs, files, text, dataclasses and pydantic models.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, Status, StatusCode

from pytest_filagent_trace._privacy import CREDIT_CARD, find_pii, span_refs
from pytest_filagent_trace._spans import build_trees
from tests.helpers.findings import values
from tests.helpers.traced import request_with


def test_find_pii_scans_span_attributes_with_the_span_path(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, tool__args__path="/home/jane.doe@example.com/notes.txt")
    [finding] = find_pii(exporter.get_finished_spans())
    assert finding.where == (
        "span POST /chat \u203a agent.run_simple \u203a tool.execute.file_read, "
        "attribute tool.args.path"
    )
    assert (finding.detector, finding.masked) == ("email", "ja***@***.com")


def test_find_pii_scans_span_names_events_status_and_links(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    linked = trace.SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736, span_id=0x00F067AA0BA902B7, is_remote=True
    )
    with tracer.start_as_current_span(
        "GET /users/jane.doe@example.com", links=[Link(linked, {"peer": "+1 514 555 0199"})]
    ) as span:
        span.record_exception(ValueError("card 4242 4242 4242 4242 refused"))
        span.set_status(Status(StatusCode.ERROR, "SIN 046 454 286 rejected"))
    wheres = {(f.detector, f.where) for f in find_pii(exporter.get_finished_spans())}
    assert wheres == {
        ("email", "span GET /users/ja***@***.com, name"),
        (
            "credit_card",
            "span GET /users/ja***@***.com, event 0 'exception', attribute exception.message",
        ),
        (
            "credit_card",
            "span GET /users/ja***@***.com, event 0 'exception', attribute exception.stacktrace",
        ),
        ("phone", "span GET /users/ja***@***.com, link 0, attribute peer"),
        ("sin", "span GET /users/ja***@***.com, status description"),
    }


def test_find_pii_scans_the_resource_once(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    provider = TracerProvider(resource=Resource.create({"host.owner": "ops@example.com"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    local = provider.get_tracer("t")
    for _ in range(3):
        with local.start_as_current_span("job"):
            pass
    found = find_pii(exporter.get_finished_spans())
    assert [f.where for f in found] == ["resource of span job, attribute host.owner"]


def test_find_pii_scans_span_nodes_and_span_trees(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, user__email="jane.doe@example.com")
    [tree] = build_trees(exporter.get_finished_spans())
    from_tree = [f.where for f in find_pii(tree)]
    from_nodes = [f.where for f in find_pii(list(tree.walk()))]
    path = "POST /chat \u203a agent.run_simple \u203a tool.execute.file_read"
    assert from_tree == from_nodes == [f"span {path}, attribute user.email"]


def test_find_pii_reads_trace_capture_like_objects_with_spans_and_logs(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, ok="fine")

    capture = SimpleNamespace(
        spans=exporter.get_finished_spans(),
        logs=[{"event": "login", "email": "jane.doe@example.com"}],
    )
    assert [f.where for f in find_pii(capture)] == ["log record 0 (event 'login'), field email"]


def test_find_pii_parses_json_held_in_a_string(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, tool__args=json.dumps({"query": "x", "owner": {"phone": "514-555-0199"}}))
    [finding] = find_pii(exporter.get_finished_spans())
    assert finding.where.endswith("attribute tool.args.owner.phone")


def test_find_pii_decodes_percent_encoded_urls() -> None:
    found = find_pii({"url.full": "https://api.example/search?q=jane.doe%40example.com&limit=5"})
    assert [(f.detector, f.value) for f in found] == [("email", "jane.doe@example.com")]


def test_a_findings_location_masks_what_percent_encoding_hides() -> None:
    found = find_pii({"by_user": {"jane.doe%40example.com": "card 4242424242424242"}})

    assert [(f.detector, f.where) for f in found] == [
        ("email", '$.by_user["ja***@***.com"] (the key itself)'),
        ("credit_card", '$.by_user["ja***@***.com"]'),
    ]


def test_find_pii_scans_keys_as_well_as_values() -> None:
    [finding] = find_pii({"scores": {"jane.doe@example.com": 3}})
    assert finding.where == '$.scores["ja***@***.com"] (the key itself)'


def test_find_pii_checks_values_under_sensitive_keys() -> None:
    found = find_pii([{"event": "auth", "password": "hunter2", "token": "[REDACTED]"}])
    assert [(f.detector, f.where, f.masked) for f in found] == [
        ("sensitive_key", "record 0 (event 'auth'), field password", "********")
    ]


def test_find_pii_checks_each_item_of_a_header_list_under_its_key(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, http__request__header__cookie=("session=abc123",))
    [finding] = find_pii(exporter.get_finished_spans())
    assert finding.where.endswith("attribute http.request.header.cookie[0]")


def test_find_pii_leaves_ids_under_id_keys_alone() -> None:
    span_id = "4539578763621486"  # all digits, Luhn-valid, Visa prefix
    assert values(CREDIT_CARD.find(span_id)) == [span_id]
    record = {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": span_id}
    assert find_pii([record]) == []
    assert find_pii(f"trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id={span_id}") == []


def test_find_pii_reads_a_json_lines_file(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text(
        '{"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "outcome": "success"}\n'
        '{"outcome": "error", "error": "no file /home/+1 514 555 0199"}\n'
    )
    found = find_pii(path)
    assert [f.where for f in found] == ["decisions.jsonl line 2, field error"]
    assert [f.where for f in find_pii(str(path))] == ["decisions.jsonl line 2, field error"]


def test_find_pii_reads_text_line_by_line_and_json_lines_as_records() -> None:
    text = 'server started\n{"event": "login", "user": "jane.doe@example.com"}\nbye 8.8.8.8\n'
    assert [f.where for f in find_pii(text)] == [
        "line 2 (event 'login'), field user",
        "line 3",
    ]


def test_find_pii_reads_dataclasses_and_pydantic_models() -> None:
    from pydantic import BaseModel

    class Record(BaseModel):
        error: str

    assert [f.where for f in find_pii(Record(error="mail jane.doe@example.com"))] == ["$.error"]


def test_find_pii_takes_detectors_by_name() -> None:
    text = "jane.doe@example.com 4242 4242 4242 4242"
    assert [f.detector for f in find_pii(text, detectors=["credit_card"])] == ["credit_card"]


def test_find_pii_rejects_unknown_detector_names() -> None:
    with pytest.raises(ValueError, match="unknown detector 'mail': expected one of email"):
        find_pii("x", detectors=["mail"])


def test_find_pii_finds_canaries_in_any_field() -> None:
    found = find_pii({"note": "ref CANARY-7f3a"}, canaries=["canary-7f3a"])
    assert [(f.detector, f.masked) for f in found] == [("canary", "CA****-**3a")]


@pytest.mark.parametrize(
    "allow",
    [
        ["support@example.com"],
        [re.compile(r"@example\.com$")],
        [lambda finding: finding.where.endswith("field contact")],
    ],
)
def test_allow_accepts_known_values(allow: list[object]) -> None:
    assert find_pii([{"contact": "Support@example.com"}], allow=allow) == []  # type: ignore[arg-type]


def test_span_refs_give_each_span_its_path_even_for_orphans(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer)
    spans = exporter.get_finished_spans()
    without_root = [span for span in spans if span.name != "POST /chat"]
    assert [ref.path for ref in span_refs(without_root)] == [
        "agent.run_simple \u203a tool.execute.file_read",
        "agent.run_simple",
    ]
