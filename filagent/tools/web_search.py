"""Search FilAgent's search service over HTTP.

The HTTP client is injected: the service instruments it, so the W3C
``traceparent`` header carries the trace into the search service.

Example::

    tool = WebSearchTool("http://127.0.0.1:8001", httpx.Client())
    tool.run(WebSearchArgs(query="opentelemetry"))   # [{"title", "url", "snippet"}, ...]
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from filagent.tools.base import Tool, ToolError
from filagent.upstream import call_upstream


class WebSearchArgs(BaseModel):
    """Arguments of ``web_search``."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500, description="What to search for.")
    limit: int = Field(default=5, ge=1, le=20, description="Maximum number of results.")


class SearchHit(BaseModel):
    """One result as the search service returns it."""

    title: str
    url: str
    snippet: str


class _SearchBody(BaseModel):
    results: list[SearchHit]


class WebSearchTool(Tool[WebSearchArgs]):
    """Queries ``GET {search_url}/search?q=...&limit=...``."""

    name = "web_search"
    description = "Search the web (FilAgent's document index) and return titles, URLs, snippets."
    args_model = WebSearchArgs

    def __init__(
        self,
        search_url: str,
        http_client: httpx.Client,
        *,
        timeout: float = 10.0,
        failure: Callable[[], str | None] | None = None,
    ) -> None:
        self.search_url = search_url.rstrip("/")
        self._client = http_client
        self._timeout = timeout
        self._failure = failure

    def run(self, args: WebSearchArgs) -> list[dict[str, str]]:
        """``run(WebSearchArgs(query="pytest fixtures"))`` returns up to ``limit`` hits.

        When ``failure()`` names a problem (the search service this process started
        has exited), the call fails with it: the query goes nowhere.
        """
        problem = self._failure() if self._failure is not None else None
        if problem:
            raise ToolError(f"{problem}; web_search is unavailable")
        url = f"{self.search_url}/search"
        # No excerpt of a failed answer: the search service may echo the query.
        response = call_upstream(
            lambda: self._client.get(
                url, params={"q": args.query, "limit": args.limit}, timeout=self._timeout
            ),
            service=f"the search service at {url}",
            timeout=self._timeout,
            error=ToolError,
        )
        try:
            body = _SearchBody.model_validate_json(response.content)
        except ValidationError as exc:
            where = ".".join(str(part) for part in exc.errors()[0]["loc"]) or "body"
            msg = (
                f"the search service at {url} answered an unexpected body: "
                f"expected {{'results': [{{title, url, snippet}}]}}, found a problem at {where!r}"
            )
            raise ToolError(msg) from None
        return [hit.model_dump() for hit in body.results]
