"""Redactors for the privacy tests: a fixed key, and the ids telemetry is made of."""

from __future__ import annotations

from typing import Any

from filagent.telemetry.privacy import PrivacyConfig, Redactor

#: The user-id key of the privacy tests (long enough to be accepted).
SECRET = "test-secret-0123456789"
#: A W3C trace id and span id: they look like hex numbers and must never be masked.
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"


def make_redactor(**fields: Any) -> Redactor:
    """A redactor of the ``privacy`` section ``fields``, keyed with :data:`SECRET`.

    It reads no environment variable.

    Example:
        >>> make_redactor(mask="<{kind}>").redact_text("mail a@b.io")
        'mail <email>'
    """
    fields.setdefault("user_id_hmac_secret", SECRET)
    return Redactor(PrivacyConfig.model_validate(fields), env={})
