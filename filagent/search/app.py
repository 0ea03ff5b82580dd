"""FilAgent's search service: a FastAPI app over the bundled corpus.

It runs as its own process (``filagent serve`` starts it next to the agent), so
the agent's ``web_search`` tool crosses a real HTTP boundary and the W3C trace
context joins both services' spans in one trace.

Example::

    app = create_search_app()            # or create_search_app(telemetry_manager)
    # GET /search?q=opentelemetry&limit=3 -> {"query": ..., "total": 3, "results": [...]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Protocol

from fastapi import FastAPI, Query, Request
from pydantic import BaseModel

from filagent.search.identity import CHALLENGE_HEADER, instance_proof
from filagent.search.index import Document, Hit, SearchIndex, load_corpus
from filagent.telemetry.instrumentation import fastapi_app_options

MAX_LIMIT = 20


class FastAPIInstrumenter(Protocol):
    """What the search app needs from the telemetry set-up (``TelemetryManager`` has it)."""

    def instrument_fastapi(self, app: FastAPI) -> Any:
        """Trace the app's requests."""


class SearchResponse(BaseModel):
    """Body of ``GET /search``."""

    query: str
    total: int
    results: list[Hit]


def create_search_app(
    telemetry: FastAPIInstrumenter | None = None,
    *,
    documents: Sequence[Document] | None = None,
    instance_token: str | None = None,
) -> FastAPI:
    """Build the search app; ``documents`` replaces the bundled corpus (tests use it).

    With ``instance_token``, ``/health`` answers the ``X-FilAgent-Challenge`` header
    with a ``proof`` (see :mod:`filagent.search.identity`).

    Example: ``TestClient(create_search_app()).get("/search", params={"q": "pytest"})``.
    """
    index = SearchIndex(load_corpus() if documents is None else documents)
    app = FastAPI(title="FilAgent search", version="0.1.0", **fastapi_app_options())

    @app.get("/search")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=500, description="Search terms.")],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Maximum results.")] = 5,
    ) -> SearchResponse:
        hits = index.search(q, limit)
        return SearchResponse(query=q, total=len(hits), results=hits)

    @app.get("/health")
    def health(request: Request) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "ok", "documents": len(index.documents)}
        challenge = request.headers.get(CHALLENGE_HEADER)
        if instance_token and challenge:
            body["proof"] = instance_proof(instance_token, challenge)
        return body

    if telemetry is not None:
        telemetry.instrument_fastapi(app)
    return app
