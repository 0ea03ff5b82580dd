"""What of a request's personal data reaches its spans: no message content, user ids only hashed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from filagent.telemetry import names
from tests.helpers.chat import ask
from tests.helpers.spans import Spans, attributes, wait_for_span


def test_agent_spans_record_no_message_content(client: TestClient, spans: Spans) -> None:
    secret = "zebra-marmalade-1234"
    ask(client, f"search for {secret}")
    wait_for_span(spans, "GET /search")

    for finished in spans.all():
        texts = [str(value) for value in attributes(finished).values()]
        texts += [str(e.attributes) for e in finished.events]
        assert not any(secret in text for text in texts), finished.name


def test_user_id_reaches_spans_only_as_a_keyed_hash(client: TestClient, spans: Spans) -> None:
    ask(client, "What is 2+2?", user_id="alice@example.com")

    run = attributes(spans.one(names.SPAN_RUN_SIMPLE))
    assert str(run[names.USER_ID_HASH]).startswith("hmac-sha256:")
    everything = [str(value) for s in spans.all() for value in attributes(s).values()]
    assert not any("alice" in value for value in everything)
