"""web_search queries the search service over HTTP; trace context crosses the boundary."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.trace import TracerProvider

from filagent.search import create_search_app
from filagent.tools import ToolError, ToolExecutor, ToolRegistry, WebSearchArgs, WebSearchTool

if TYPE_CHECKING:
    from filagent.telemetry.tracing import Tracer
    from tests.filagent.conftest import ServeApp
    from tests.helpers.spans import Spans


@pytest.fixture
def search_url(serve: ServeApp) -> Iterator[str]:
    with serve(create_search_app()) as url:
        yield url


def search(
    url: str, client: httpx.Client, query: str, *, timeout: float = 5.0
) -> list[dict[str, str]]:
    return WebSearchTool(url, client, timeout=timeout).run(WebSearchArgs(query=query))


def test_returns_titles_urls_and_snippets(search_url: str, http_client: httpx.Client) -> None:
    hits = search(search_url, http_client, "w3c traceparent header")
    assert hits[0]["title"] == "W3C Trace Context: the traceparent header"
    assert set(hits[0]) == {"title", "url", "snippet"}


def test_limit_is_sent_to_the_service(search_url: str, http_client: httpx.Client) -> None:
    tool = WebSearchTool(search_url, http_client)
    assert len(tool.run(WebSearchArgs(query="opentelemetry", limit=2))) == 2


def test_trace_context_crosses_into_the_search_service(
    serve: ServeApp, provider: TracerProvider, tracer: Tracer, spans: Spans
) -> None:
    class Telemetry:
        def instrument_fastapi(self, app: FastAPI) -> None:
            FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)

    app = create_search_app(Telemetry())
    with serve(app) as url, httpx.Client() as client:
        HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)
        executor = ToolExecutor(ToolRegistry([WebSearchTool(url, client)]), tracer)
        call = executor.execute(
            "web_search", {"query": "jaeger"}, conversation_id="c1", task_id="t1"
        )
    FastAPIInstrumentor.uninstrument_app(app)

    assert call.success
    tool_span = spans.one("tool.execute.web_search")
    client_span = next(s for s in spans.all() if s.name == "GET" and s.kind.name == "CLIENT")
    server_span = spans.one("GET /search")
    assert server_span.kind.name == "SERVER"
    assert spans.parent_name(client_span) == "tool.execute.web_search"
    assert server_span.parent is not None
    assert client_span.context is not None
    assert server_span.parent.span_id == client_span.context.span_id
    assert tool_span.context is not None
    assert server_span.context is not None
    assert server_span.context.trace_id == tool_span.context.trace_id


def test_http_error_is_a_tool_error_naming_status_and_url(
    serve: ServeApp, http_client: httpx.Client
) -> None:
    broken = FastAPI()

    @broken.get("/search")
    def fail() -> None:
        raise HTTPException(status_code=503, detail="index is rebuilding")

    with serve(broken) as url, pytest.raises(ToolError) as caught:
        search(url, http_client, "python")
    assert str(caught.value) == (
        f"the search service at {url}/search answered HTTP 503, expected 200"
    )


def test_unexpected_body_is_a_tool_error(serve: ServeApp, http_client: httpx.Client) -> None:
    odd = FastAPI()

    @odd.get("/search")
    def hits() -> dict[str, Any]:
        return {"hits": []}

    with serve(odd) as url, pytest.raises(ToolError, match=r"unexpected body.*'results'"):
        search(url, http_client, "python")


def test_timeout_is_a_tool_error(serve: ServeApp, http_client: httpx.Client) -> None:
    slow = FastAPI()

    @slow.get("/search")
    async def wait() -> dict[str, Any]:
        await asyncio.sleep(1.0)
        return {"results": []}

    with serve(slow) as url, pytest.raises(ToolError, match=r"did not answer within 0.2s"):
        search(url, http_client, "python", timeout=0.2)


def test_unreachable_service_is_a_tool_error(serve: ServeApp, http_client: httpx.Client) -> None:
    with serve(FastAPI()) as url:
        pass  # the server has stopped: its port now refuses connections
    with pytest.raises(ToolError, match=f"could not reach the search service at {url}/search"):
        search(url, http_client, "python")


def test_limit_out_of_range_fails_validation_naming_the_field(
    search_url: str, http_client: httpx.Client, tracer: Tracer, spans: Spans
) -> None:
    executor = ToolExecutor(ToolRegistry([WebSearchTool(search_url, http_client)]), tracer)
    call = executor.execute(
        "web_search", {"query": "python", "limit": 50}, conversation_id="c", task_id="t"
    )
    assert not call.success
    assert call.error is not None
    assert "field 'limit': Input should be less than or equal to 20 (found int)" in call.error
    span = spans.one("tool.execute.web_search")
    assert span.status.status_code.name == "ERROR"
    assert span.attributes is not None
    assert span.attributes["tool.validation.success"] is False
    assert span.attributes["error.type"] == "ToolArgumentsError"
