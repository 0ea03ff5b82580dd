"""Calls to the HTTP services FilAgent depends on, with one set of clear errors.

The model backend and the search service fail the same three ways (no answer in time, not
reachable, an answer other than 200); each caller names the service and raises its own
error type, so a model failure stays a ``ModelError`` and a search failure a ``ToolError``.

Example:
    >>> response = call_upstream(  # doctest: +SKIP
    ...     lambda: client.get(url, timeout=5.0),
    ...     service=f"the search service at {url}",
    ...     timeout=5.0,
    ...     error=ToolError,
    ... )
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

__all__ = ["call_upstream"]


def call_upstream(
    send: Callable[[], httpx.Response],
    *,
    service: str,
    timeout: float,
    error: type[Exception],
    detail: Callable[[httpx.Response], str] | None = None,
) -> httpx.Response:
    """The 200 response of ``send()``, or ``error`` saying what went wrong with ``service``.

    ``service`` names it in messages ("the model endpoint http://…"); ``detail`` adds an
    excerpt of a non-200 answer when it is safe to show.

    Example:
        >>> call_upstream(lambda: client.get(url), service="the search service",
        ...               timeout=5.0, error=ToolError)  # doctest: +SKIP
        <Response [200 OK]>
    """
    try:
        response = send()
    except httpx.TimeoutException:
        msg = f"{service} did not answer within {timeout:g}s"
        raise error(msg) from None
    except httpx.HTTPError as exc:
        # "the model endpoint X" reads "could not reach the model endpoint X".
        msg = f"could not reach {service}: {type(exc).__name__}: {exc}"
        raise error(msg) from None
    if response.status_code != httpx.codes.OK:
        extra = f": {detail(response)}" if detail is not None else ""
        msg = f"{service} answered HTTP {response.status_code}, expected 200{extra}"
        raise error(msg)
    return response
