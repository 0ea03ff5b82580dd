"""The search service ranks the bundled corpus by term overlap."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from filagent.search import Document, create_search_app, load_corpus


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_search_app())


def test_bundled_corpus_has_about_thirty_distinct_documents() -> None:
    corpus = load_corpus()
    assert 25 <= len(corpus) <= 40
    assert len({doc.id for doc in corpus}) == len(corpus)
    assert all(doc.url.startswith("https://") for doc in corpus)


def test_health_reports_the_corpus_size(client: TestClient) -> None:
    response = client.get("/health")
    assert response.json() == {"status": "ok", "documents": len(load_corpus())}


def test_best_match_comes_first(client: TestClient) -> None:
    body = client.get("/search", params={"q": "context propagation"}).json()
    assert body["query"] == "context propagation"
    assert body["results"][0]["id"] == "otel-context-propagation"
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_results_carry_title_url_and_snippet(client: TestClient) -> None:
    hit = client.get("/search", params={"q": "pytest fixtures"}).json()["results"][0]
    assert hit["title"] == "pytest fixtures"
    assert hit["url"] == "https://docs.pytest.org/en/stable/how-to/fixtures.html"
    assert hit["snippet"].startswith("pytest fixtures provide tests")


def test_limit_caps_the_number_of_results(client: TestClient) -> None:
    body = client.get("/search", params={"q": "opentelemetry", "limit": 2}).json()
    assert body["total"] == 2
    assert len(body["results"]) == 2


def test_no_overlap_gives_no_results(client: TestClient) -> None:
    body = client.get("/search", params={"q": "zebra xylophone"}).json()
    assert body == {"query": "zebra xylophone", "total": 0, "results": []}


def test_stop_words_alone_match_nothing(client: TestClient) -> None:
    assert client.get("/search", params={"q": "what is the"}).json()["total"] == 0


def test_missing_query_is_a_422_naming_q(client: TestClient) -> None:
    response = client.get("/search")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]


@pytest.mark.parametrize("limit", [0, 21, "many"])
def test_limit_outside_1_to_20_is_a_422_naming_limit(client: TestClient, limit: Any) -> None:
    response = client.get("/search", params={"q": "python", "limit": limit})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_equal_scores_are_ordered_by_id() -> None:
    documents = [
        Document(id="b", title="Same", url="https://b.example", text="tracing"),
        Document(id="a", title="Same", url="https://a.example", text="tracing"),
    ]
    client = TestClient(create_search_app(documents=documents))
    ids = [hit["id"] for hit in client.get("/search", params={"q": "tracing"}).json()["results"]]
    assert ids == ["a", "b"]


def test_title_matches_weigh_more_than_text_matches() -> None:
    documents = [
        Document(id="text", title="Other", url="https://t.example", text="jaeger"),
        Document(id="title", title="Jaeger", url="https://j.example", text="other"),
    ]
    client = TestClient(create_search_app(documents=documents))
    ids = [hit["id"] for hit in client.get("/search", params={"q": "jaeger"}).json()["results"]]
    assert ids == ["title", "text"]


def test_telemetry_instruments_the_app() -> None:
    instrumented: list[FastAPI] = []

    class Instrumenter:
        def instrument_fastapi(self, app: FastAPI) -> None:
            instrumented.append(app)

    app = create_search_app(Instrumenter())
    assert instrumented == [app]
