"""Spans stored in a running Arize Phoenix, read back through its REST API.

Phoenix answers ``GET /v1/projects/{project}/spans/otlpv1`` with pages of spans in the OTLP
data model, written with protobuf's field names (``trace_id``, ``string_value``) and every
unset field as ``null``. Renamed to OTLP/JSON's names, they go through the one OTLP reader.
Only the standard library is used: the plugin never imports Phoenix.

What Phoenix keeps is what reads back: names, ids, parents, times (to the microsecond),
status, attributes and events. It keeps no span kind (every span reads back ``INTERNAL``),
no resource, no instrumentation scope and no links.

Example:
    >>> source = phoenix("http://127.0.0.1:6006", project="filagent")
    >>> source
    phoenix('http://127.0.0.1:6006', project='filagent')
    >>> traces = load_traces(source)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from pytest_filagent_trace._otlp.read import OtlpError, nodes_from_otlp
from pytest_filagent_trace._spans import SpanNode

__all__ = ["PhoenixError", "PhoenixProject", "phoenix", "phoenix_nodes"]

#: Phoenix's largest page.
_PAGE_SIZE = 1000
_TRACE_ID = re.compile(r"[0-9a-f]{32}")
_BODY_SHOWN = 200


class PhoenixError(OtlpError):
    """Phoenix could not be asked or did not answer with spans: names the URL and the reason."""


@dataclass(frozen=True)
class PhoenixProject:
    """Where ``load_traces`` finds spans: one project of a running Phoenix (see :func:`phoenix`)."""

    url: str
    project: str = "default"
    trace_id: str | None = None
    timeout: float = 10.0
    api_key: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        trace = "" if self.trace_id is None else f", trace_id={self.trace_id!r}"
        return f"phoenix({self.url!r}, project={self.project!r}{trace})"

    def spans_url(self, cursor: str | None = None) -> str:
        """The URL of one page of this project's spans, from ``cursor`` (None: the first)."""
        query: list[tuple[str, str]] = [("limit", str(_PAGE_SIZE))]
        if self.trace_id is not None:
            query.append(("trace_id", self.trace_id))
        if cursor is not None:
            query.append(("cursor", cursor))
        project = quote(self.project, safe="")
        return f"{self.url}/v1/projects/{project}/spans/otlpv1?{urlencode(query)}"


def phoenix(
    url: str,
    project: str = "default",
    *,
    trace_id: str | None = None,
    timeout: float = 10.0,
    api_key: str | None = None,
) -> PhoenixProject:
    """A project of the Phoenix at ``url``, for ``load_traces``; only ``trace_id``'s spans if given.

    ``timeout`` (seconds) bounds each request; ``api_key`` is sent as a bearer token, for a
    Phoenix with authentication on. Raises :class:`PhoenixError` for a malformed argument.

    Example:
        >>> phoenix("http://127.0.0.1:6006/", "filagent")
        phoenix('http://127.0.0.1:6006', project='filagent')
        >>> phoenix("http://127.0.0.1:6006", trace_id="4BF92F3577B34DA6A3CE929D0E0E4736").trace_id
        '4bf92f3577b34da6a3ce929d0e0e4736'
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise PhoenixError(
            f"expected Phoenix's base URL such as http://127.0.0.1:6006, found {url!r}"
        )
    if not project or any(char in project for char in "/?#"):
        raise PhoenixError(
            f"expected a Phoenix project name without '/', '?' or '#', found {project!r}"
        )
    if trace_id is not None:
        trace_id = trace_id.lower()
        if not _TRACE_ID.fullmatch(trace_id):
            raise PhoenixError(f"expected trace_id to be 32 hex digits, found {trace_id!r}")
    if not timeout > 0:
        raise PhoenixError(f"expected a timeout in seconds greater than 0, found {timeout!r}")
    return PhoenixProject(url.rstrip("/"), project, trace_id, timeout, api_key)


def phoenix_nodes(source: PhoenixProject) -> list[SpanNode]:
    """Every span of ``source``, page after page, as nodes (spans of one page share a resource)."""
    nodes: list[SpanNode] = []
    for url, spans in _pages(source):
        data = {"resourceSpans": [{"scopeSpans": [{"spans": [_otlp_names(s) for s in spans]}]}]}
        nodes += nodes_from_otlp(data, f"Phoenix page {url}")
    return nodes


def _pages(source: PhoenixProject) -> Iterator[tuple[str, list[Any]]]:
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        url = source.spans_url(cursor)
        page = _get_json(url, source)
        spans, cursor = page.get("data"), page.get("next_cursor")
        if not isinstance(spans, list) or not (cursor is None or isinstance(cursor, str)):
            raise PhoenixError(
                f"Phoenix at {url} answered {json.dumps(page)[:_BODY_SHOWN]}, expected an object"
                " with a data list and a next_cursor"
            )
        yield url, spans
        if not cursor:
            return
        if cursor in seen:  # a server that repeats itself must not loop forever
            raise PhoenixError(f"Phoenix at {url} gave the cursor {cursor!r} a second time")
        seen.add(cursor)


def _get_json(url: str, source: PhoenixProject) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if source.api_key:
        headers["Authorization"] = f"Bearer {source.api_key}"
    # phoenix() accepts only http and https URLs.
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=source.timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace").strip()[:_BODY_SHOWN]
        raise PhoenixError(
            f"Phoenix at {url} answered {error.code} {error.reason}: {text or '(no body)'}"
        ) from None
    except TimeoutError:
        raise PhoenixError(f"Phoenix at {url} did not answer within {source.timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise PhoenixError(
                f"Phoenix at {url} did not answer within {source.timeout:g} s"
            ) from None
        raise PhoenixError(f"cannot reach Phoenix at {url}: {reason}") from None
    except OSError as error:  # a connection reset or dropped mid-answer
        raise PhoenixError(f"cannot read Phoenix's answer at {url}: {error}") from None
    try:
        page = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        shown = body[:_BODY_SHOWN].decode("utf-8", "replace")
        raise PhoenixError(f"Phoenix at {url} answered {shown!r}, which is not JSON") from None
    if not isinstance(page, dict):
        raise PhoenixError(f"Phoenix at {url} answered {body[:_BODY_SHOWN]!r}, expected an object")
    return page


def _otlp_names(value: Any) -> Any:
    """Protobuf's field names as OTLP/JSON's (``start_time_unix_nano`` → ``startTimeUnixNano``),
    unset (null) fields left out.

    Example:
        >>> _otlp_names({"span_id": "b7ad", "value": {"int_value": 3, "string_value": None}})
        {'spanId': 'b7ad', 'value': {'intValue': 3}}
    """
    if isinstance(value, dict):
        return {_camel(key): _otlp_names(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_otlp_names(item) for item in value]
    return value


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)
