"""Values under a sensitive key (``password``, ``api_key``, ...) are masked whatever they hold.

Keys match case- and separator-insensitively, in attributes, free text and JSON text.
"""

from __future__ import annotations

import json

import pytest

from filagent.telemetry.privacy import Redactor
from filagent.telemetry.privacy.keys import KeyMatcher
from tests.helpers.privacy import make_redactor


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "PASSWORD",
        "db.password",
        "X-Api-Key",
        "apiKey",
        "tool.args.apikey",
        "set-cookie",
        "sessionId",
        "client_secret",
        "refresh_token",
        "accessToken",
        "private_key",
        "credit_card_number",
        "ssn",
    ],
)
def test_sensitive_key_matches_case_and_separator_insensitively(key: str) -> None:
    assert make_redactor().is_sensitive_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "gen_ai.usage.input_tokens",
        "tool.name",
        "conversation_id",
        "business",
        "cardinality",
        "author",
        "http.response.status_code",
    ],
)
def test_ordinary_key_is_not_sensitive(key: str) -> None:
    assert not make_redactor().is_sensitive_key(key)


def test_key_matcher_repr_lists_its_names() -> None:
    assert repr(KeyMatcher(["Api-Key"])) == "KeyMatcher(['apikey'])"


def test_sensitive_key_masks_any_value_type(redactor: Redactor) -> None:
    assert redactor.redact_value("pin", 1234) == "[REDACTED:secret]"
    assert redactor.redact_value("password", ["a", "b"]) == "[REDACTED:secret]"


def test_sensitive_key_keeps_booleans(redactor: Redactor) -> None:
    assert redactor.redact_value("session.active", True) is True


def test_extra_sensitive_key_from_config_is_masked() -> None:
    custom = make_redactor(extra_sensitive_keys=["ticket"])
    assert custom.redact_value("support.ticket", "T-42") == "[REDACTED:secret]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2 ok", "password=[REDACTED:secret] ok"),
        ("token: abc, next", "token: [REDACTED:secret], next"),
        ("api_key='xyz'", "api_key='[REDACTED:secret]'"),
        ("Authorization: Token abc123", "Authorization: [REDACTED:secret]"),
    ],
)
def test_sensitive_key_inside_free_text_is_masked(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact_text(text) == expected


def test_json_text_is_redacted_by_key_and_stays_valid_json(redactor: Redactor) -> None:
    text = json.dumps({"path": "/tmp/x", "password": "hunter2", "note": {"to": "a@b.io"}})
    assert json.loads(redactor.redact_text(text)) == {
        "path": "/tmp/x",
        "password": "[REDACTED:secret]",
        "note": {"to": "[REDACTED:email]"},
    }


def test_json_text_without_findings_is_returned_verbatim(redactor: Redactor) -> None:
    text = '{"a":  1,   "b": [1, 2]}'
    assert redactor.redact_text(text) == text
