"""call_upstream: the three ways an upstream HTTP service fails, each with a clear error."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from filagent.upstream import call_upstream


class UpstreamError(Exception):
    pass


def call(
    transport: httpx.MockTransport, detail: Callable[[httpx.Response], str] | None = None
) -> httpx.Response:
    with httpx.Client(transport=transport) as client:
        return call_upstream(
            lambda: client.get("http://127.0.0.1:9/thing"),
            service="the thing service at http://127.0.0.1:9/thing",
            timeout=2.5,
            error=UpstreamError,
            detail=detail,
        )


def test_a_200_answer_is_returned() -> None:
    response = call(httpx.MockTransport(lambda request: httpx.Response(200, text="ok")))

    assert response.text == "ok"


def test_no_answer_in_time_names_the_service_and_the_timeout() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(UpstreamError) as caught:
        call(httpx.MockTransport(slow))

    assert str(caught.value) == (
        "the thing service at http://127.0.0.1:9/thing did not answer within 2.5s"
    )
    assert caught.value.__cause__ is None


def test_an_unreachable_service_names_the_transport_error() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(UpstreamError, match=r"^could not reach the thing service at "):
        call(httpx.MockTransport(refused))


def test_another_status_is_an_error_with_a_detail_only_when_asked() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(503, text="busy"))

    with pytest.raises(UpstreamError) as plain:
        call(transport)
    with pytest.raises(UpstreamError) as detailed:
        call(transport, detail=lambda response: repr(response.text))

    assert str(plain.value).endswith("answered HTTP 503, expected 200")
    assert str(detailed.value).endswith("answered HTTP 503, expected 200: 'busy'")
