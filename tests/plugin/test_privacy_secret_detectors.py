"""The detectors of secrets, and the masked values none of them report.

JWTs, bearer tokens, API keys, values under sensitive keys and credentials in URLs.
"""

from __future__ import annotations

import pytest

from pytest_filagent_trace._privacy import (
    API_KEY,
    BEARER_TOKEN,
    JWT,
    SENSITIVE_KEY,
    URL_CREDENTIALS,
    find_pii,
    is_masked,
    is_sensitive_key,
)
from tests.helpers.findings import values


def test_jwt_detector_finds_tokens_whose_header_is_json() -> None:
    token = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    assert [f.masked for f in JWT.find(f"token={token}")] == ["eyJ***.***.***"]
    assert JWT.find("eyJub3Rqc29u.eyJhYmMi.sig") == []


@pytest.mark.parametrize(
    "text", ["Bearer abcdef1234567890XYZ", "bearer 0123456789", "Basic dXNlcjpwYXNz"]
)
def test_bearer_detector_finds_authorization_credentials(text: str) -> None:
    assert values(BEARER_TOKEN.find(f"Authorization: {text}")) == [text]


@pytest.mark.parametrize(
    "text", ["uses bearer authentication", "Basic authentication failed", "Bearer ***"]
)
def test_bearer_detector_ignores_prose_and_masked_tokens(text: str) -> None:
    assert BEARER_TOKEN.find(text) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("sk-proj-abcdefghijklmnopqrstuvwx", "sk-proj-********"),
        ("sk_live_abcdefghijklmnop1234", "sk_live_********"),
        ("AKIAIOSFODNN7EXAMPLE", "AKIA********"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_********"),
        ("xoxb-1234567890-abcdefghij", "xoxb-********"),
    ],
)
def test_api_key_detector_finds_known_key_shapes_and_keeps_only_the_prefix(
    text: str, masked: str
) -> None:
    assert [f.masked for f in API_KEY.find(f"key {text} used")] == [masked]


def test_api_key_detector_ignores_short_and_masked_keys() -> None:
    assert API_KEY.find("sk-*** sk-short AKIA123") == []


@pytest.mark.parametrize(
    "text",
    [
        "GET /login?user=bob&password=hunter2",
        '{"client_secret": "s3cr3t"}',
        "Set-Cookie: session=abc123; Path=/",
        "X-Api-Key: 1234abcd",
        "accessToken=xyz",
        "password=TOKEN",
        "Authorization: Bearer 0123456789abcdef",
    ],
)
def test_sensitive_key_detector_finds_clear_values_in_text(text: str) -> None:
    assert len(SENSITIVE_KEY.find(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "password=***",
        'password: "[REDACTED:secret]"',
        "token=<redacted>",
        "gen_ai.usage.input_tokens=42",
        "token_count=3",
        "max_tokens=100",
        'password=""',
    ],
)
def test_sensitive_key_detector_ignores_masked_values_and_look_alike_keys(text: str) -> None:
    assert SENSITIVE_KEY.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer [REDACTED:secret]",
        "Authorization: Basic <hidden>",
        'Authorization: Bearer "***"',
        "GET /search?q=[REDACTED:query]&api_key=[REDACTED:secret]",
        'cookie: "[REDACTED:secret]"',
        "mail [REDACTED:email], card [REDACTED:credit_card], SIN [REDACTED:sin]",
        "user hmac-sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
)
def test_text_already_redacted_is_not_reported(text: str) -> None:
    assert find_pii(text) == []


def test_sensitive_key_detector_masks_the_value_and_shows_the_key() -> None:
    assert [f.masked for f in SENSITIVE_KEY.find("password=hunter2")] == ["password=********"]


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("password", True),
        ("user_password_confirmation", True),
        ("X-Api-Key", True),
        ("accessToken", True),
        ("http.request.header.authorization", True),
        ("http.response.header.set-cookie", True),
        ("gen_ai.usage.input_tokens", False),
        ("token_count", False),
        ("session.id", False),
        ("author", False),
    ],
)
def test_sensitive_keys_are_matched_on_words(key: str, sensitive: bool) -> None:
    assert is_sensitive_key(key) is sensitive


@pytest.mark.parametrize(
    "value",
    [
        "",
        "***",
        "[REDACTED]",
        "[REDACTED:secret]",
        "<hidden>",
        None,
        True,
        7,
        "hmac-sha256:0a1b2c3d4e5f6a7b",
    ],
)
def test_masked_values(value: object) -> None:
    assert is_masked(value)


@pytest.mark.parametrize("value", ["hunter2", "Bearer abc", 123456, "sk-live-1"])
def test_clear_values_are_not_masked(value: object) -> None:
    assert not is_masked(value)


def test_url_credentials_detector_finds_passwords_in_urls() -> None:
    found = URL_CREDENTIALS.find("db at postgres://app:s3cret@db.internal:5432/x")
    assert [f.masked for f in found] == ["postgres://***:********@"]
