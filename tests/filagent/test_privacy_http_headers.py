"""HTTP header attributes: only allowed headers are kept, and sensitive ones are masked."""

from __future__ import annotations

from filagent.telemetry.privacy import Redactor
from tests.helpers.privacy import make_redactor


def test_header_outside_allow_list_is_dropped(redactor: Redactor) -> None:
    attributes = {
        "http.request.header.cookie": ("sid=abc",),
        "http.request.header.x_forwarded_for": ("203.0.113.7",),
        "http.response.header.set_cookie": ("sid=abc",),
        "http.route": "/chat",
    }
    assert redactor.redact_attributes(attributes) == {"http.route": "/chat"}


def test_header_in_allow_list_is_kept(redactor: Redactor) -> None:
    attributes = {"http.request.header.content-type": ("application/json",)}
    assert redactor.redact_attributes(attributes) == attributes


def test_header_allow_list_is_configurable() -> None:
    custom = make_redactor(allowed_http_headers=["User-Agent"])
    attributes = {
        "http.request.header.user_agent": ("curl/8.5",),
        "http.request.header.content_type": ("text/plain",),
    }
    assert custom.redact_attributes(attributes) == {"http.request.header.user_agent": ("curl/8.5",)}


def test_sensitive_header_is_masked_even_when_allowed() -> None:
    custom = make_redactor(allowed_http_headers=["authorization"])
    attributes = {"http.request.header.authorization": ("Bearer abc123def456",)}
    assert custom.redact_attributes(attributes) == {
        "http.request.header.authorization": "[REDACTED:secret]"
    }
