"""Talking to the FilAgent service the way a client does: ``/chat`` and ``/metrics``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

#: A request the router sends to HTN mode, one of whose steps calls the search service.
HTN_WITH_SEARCH = "compute 17*23 then search for opentelemetry"
#: A request of three steps with no dependency between them: HTN runs them in parallel.
THREE_INDEPENDENT_TOOLS = (
    "compute 12*7 and search for opentelemetry context propagation and read file notes.txt"
)
#: How the service writes trace, conversation and task ids: 32 lowercase hex digits.
HEX32 = re.compile(r"[0-9a-f]{32}")

#: ``/metrics`` as ``{(sample name, labels): value}``
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def ask(client: TestClient | httpx.Client, content: str, **fields: Any) -> httpx.Response:
    """POST one user message to ``/chat``; ``fields`` adds body fields, ``headers=`` headers.

    Example:
        >>> ask(client, "What is 2+2?", mode="htn").status_code  # doctest: +SKIP
        200
    """
    headers = fields.pop("headers", None)
    body = {"messages": [{"role": "user", "content": content}], **fields}
    response: httpx.Response = client.post("/chat", json=body, headers=headers)
    return response


def samples(client: TestClient | httpx.Client) -> Samples:
    """``GET /metrics`` as ``{(sample name, labels): value}``; the request must succeed.

    Example:
        >>> samples(client)[("filagent_requests_total", labels(mode="htn", status="200"))]
        ... # doctest: +SKIP
        1.0
    """
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def labels(**pairs: str) -> frozenset[tuple[str, str]]:
    """Prometheus labels as :func:`samples` keys them: ``labels(mode="htn")``."""
    return frozenset(pairs.items())
