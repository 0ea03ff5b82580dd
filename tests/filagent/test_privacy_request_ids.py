"""The ids a client sends: ``conversation_id`` is an id, ``user_id`` is always hashed.

Spans, logs and decision records carry ``conversation_id`` verbatim, so it is restricted
to an id alphabet (letters, digits, ``_`` and ``-``, at most 128 characters): anything
else is a 422 naming the field, and never reaches the agent. A ``user_id`` is recorded
only as its keyed pseudonym, even when the client sends a value shaped like one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.metrics import Metrics
from filagent.settings import Settings
from filagent.telemetry import names
from filagent.telemetry.config import config_from_mapping
from filagent.telemetry.setup import TelemetryManager

KEY = "request-ids-secret-0123456789"
CHOSEN_PSEUDONYM = "hmac-sha256:" + "ab" * 32


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def telemetry(exporter: InMemorySpanExporter) -> Iterator[TelemetryManager]:
    config = config_from_mapping(
        {
            "traces": {"exporters": []},
            "records": {"path": None},
            "privacy": {"user_id_hmac_secret": KEY},
        }
    )
    manager = TelemetryManager(config, span_exporter=exporter)
    yield manager
    manager.shutdown()


@pytest.fixture
def client(telemetry: TelemetryManager) -> Iterator[TestClient]:
    app = create_app(Settings(), telemetry, metrics=Metrics(), recorder=DecisionRecorder(None))
    with TestClient(app) as test_client:
        yield test_client


def chat(client: TestClient, **fields: str) -> tuple[int, dict[str, object]]:
    body = {"messages": [{"role": "user", "content": "What is 2+2?"}], **fields}
    response = client.post("/chat", json=body)
    return response.status_code, response.json()


# --- conversation_id ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "conversation_id",
    [
        "jane@example.com",
        "jane%40example.com",
        "jane\uff20example.com",
        "4111 1111 1111 1111",
        "4111\u00a01111\u00a01111\u00a01111",
        "046.454.286",
        "+1 514 555 0199",
        "conv/../../etc",
        "hello world",
    ],
)
def test_conversation_id_outside_the_id_alphabet_is_a_422_naming_the_field(
    client: TestClient, conversation_id: str
) -> None:
    status, body = chat(client, conversation_id=conversation_id)

    assert status == 422
    fields = body["fields"]
    assert isinstance(fields, list)
    assert [problem["field"] for problem in fields] == ["conversation_id"]
    assert "letters, digits, '_' or '-' only" in fields[0]["message"]


def test_refused_conversation_id_never_reaches_a_span_beyond_the_server_span(
    client: TestClient, exporter: InMemorySpanExporter
) -> None:
    chat(client, conversation_id="jane@example.com")

    assert [span.name for span in exporter.get_finished_spans()] == ["POST /chat"]


@pytest.mark.parametrize(
    "conversation_id",
    [
        "conv-42",
        "9f2c4d1e6b8a4f0c9d3e2b1a0f9e8d7c",
        "123e4567-e89b-12d3-a456-426614174000",
        "01HZX3M6Q8_ab",
        "a" * 128,
    ],
)
def test_conversation_id_in_the_id_alphabet_is_answered_and_recorded(
    client: TestClient, exporter: InMemorySpanExporter, conversation_id: str
) -> None:
    status, body = chat(client, conversation_id=conversation_id)

    assert status == 200
    assert body["conversation_id"] == conversation_id
    run = next(s for s in exporter.get_finished_spans() if s.name == names.SPAN_RUN_SIMPLE)
    assert (run.attributes or {})[names.CONVERSATION_ID] == conversation_id


def test_conversation_id_longer_than_128_characters_is_a_422(client: TestClient) -> None:
    status, body = chat(client, conversation_id="a" * 129)

    assert status == 422
    assert "conversation_id" in str(body["detail"])


# --- user_id --------------------------------------------------------------------------------------


def test_user_id_shaped_like_a_pseudonym_is_hashed_like_any_other(
    client: TestClient, exporter: InMemorySpanExporter, telemetry: TelemetryManager
) -> None:
    status, _ = chat(client, user_id=CHOSEN_PSEUDONYM)

    assert status == 200
    run = next(s for s in exporter.get_finished_spans() if s.name == names.SPAN_RUN_SIMPLE)
    recorded = (run.attributes or {})[names.USER_ID_HASH]
    assert recorded != CHOSEN_PSEUDONYM
    assert recorded == telemetry.hash_user_id(CHOSEN_PSEUDONYM)
    assert str(recorded).startswith("hmac-sha256:")


def test_two_clients_choosing_the_same_pseudonym_get_one_unforgeable_hash(
    telemetry: TelemetryManager,
) -> None:
    first = telemetry.hash_user_id(CHOSEN_PSEUDONYM)

    assert first == telemetry.hash_user_id(CHOSEN_PSEUDONYM)
    assert first != telemetry.hash_user_id("hmac-sha256:" + "cd" * 32)


def test_redaction_of_telemetry_does_not_hash_a_pseudonym_twice(
    telemetry: TelemetryManager,
) -> None:
    pseudonym = telemetry.hash_user_id("alice")

    assert telemetry.redactor.redact_attributes({"enduser.pseudo.id": pseudonym}) == {
        "enduser.pseudo.id": pseudonym
    }
