"""The Redactor: personal data and secrets masked in attributes, logs and records.

It applies the free-text rules (:mod:`filagent.telemetry.privacy.text`) by key
and by value, drops what must never leave (headers outside the allow-list,
GenAI message content unless captured on purpose) and turns user ids into
keyed hashes.

Example:
    >>> redactor = Redactor(PrivacyConfig(user_id_hmac_secret="0123456789abcdef"))
    >>> redactor.redact_text("mail jane@example.com, card 4111 1111 1111 1111")
    'mail [REDACTED:email], card [REDACTED:credit_card]'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from itertools import islice
from typing import Any, Final

from filagent.telemetry.privacy.config import PrivacyConfig
from filagent.telemetry.privacy.plans import (
    HEADER_PREFIXES,
    MAX_ENTRIES,
    PLAIN_VALUES,
    TRACE_CONTEXT_VALUE,
    CleanTexts,
    KeyKind,
    KeyPlan,
    plan_key,
    same_value,
)
from filagent.telemetry.privacy.text import TextRedactor

USER_ID_HASH_PREFIX: Final = "hmac-sha256:"
_USER_ID_HASH: Final = re.compile(re.escape(USER_ID_HASH_PREFIX) + r"[0-9a-f]{64}")

_JSON_MAX_CHARS: Final = 1_000_000


class Redactor:
    """Masks personal data and secrets; hashes user ids with HMAC-SHA-256.

    With ``config.enabled`` false every ``redact_*`` method returns its input
    unchanged (``hash_user_id`` still hashes: a raw id is never needed).
    ``capture_message_content`` is the GenAI opt-in (``TelemetryConfig.
    capture_message_content``): when false, message-content attributes and
    events are dropped from spans; when true they are kept, redacted.

    Example:
        >>> redactor = Redactor(PrivacyConfig(user_id_hmac_secret="0123456789abcdef"))
        >>> redactor.redact_attributes({"tool.args.password": "hunter2", "tool.name": "calc"})
        {'tool.args.password': '[REDACTED:secret]', 'tool.name': 'calc'}
    """

    def __init__(
        self,
        config: PrivacyConfig | None = None,
        *,
        capture_message_content: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config if config is not None else PrivacyConfig()
        self.capture_message_content = capture_message_content
        self._secret, self.secret_source = self.config.resolve_secret(env)
        self._allowed_headers = frozenset(self.config.allowed_http_headers)
        self._text = TextRedactor(self.config, hash_user_id=self.hash_user_id)
        self._plans: dict[str, KeyPlan] = {}
        self._clean = CleanTexts()

    @property
    def enabled(self) -> bool:
        """False when the configuration turned redaction off."""
        return self.config.enabled

    @property
    def secret_is_ephemeral(self) -> bool:
        """True when no key was configured: hashes change at every restart.

        Start-up code logs a warning in that case (this class stays silent so that
        building one in tests prints nothing).
        """
        return self.secret_source == "process"  # noqa: S105 - a source name, not a secret

    def mask(self, kind: str) -> str:
        """The text that replaces a finding of ``kind``.

        Example:
            >>> Redactor().mask("email")
            '[REDACTED:email]'
        """
        return self._text.mask(kind)

    def is_mask(self, text: str) -> bool:
        """True when ``text`` is exactly one mask, as produced by ``mask``."""
        return self._text.is_mask(text)

    def is_sensitive_key(self, key: str) -> bool:
        """True when values under ``key`` are always masked (case-insensitive, any separator).

        Example:
            >>> Redactor().is_sensitive_key("X-Api-Key"), Redactor().is_sensitive_key("tool.name")
            (True, False)
        """
        return self._text.is_sensitive_key(key)

    def is_user_id_key(self, key: str) -> bool:
        """True when ``key`` carries a user id (``enduser.id``, ``user_id``, ...)."""
        return self._text.is_user_id_key(key)

    # --- user ids ---------------------------------------------------------------------
    def hash_user_id(self, user_id: str) -> str:
        """Keyed pseudonym of a user id: ``"hmac-sha256:" + hex``.

        Without the key, nobody can check a guess ("is it alice?"), unlike a plain
        SHA-256. A configured key keeps the pseudonym stable across restarts.

        Example:
            >>> redactor = Redactor(PrivacyConfig(user_id_hmac_secret="0123456789abcdef"))
            >>> redactor.hash_user_id("alice")[:20]
            'hmac-sha256:fdbf8b1c'
        """
        if _USER_ID_HASH.fullmatch(user_id):
            # Telemetry already holding a pseudonym: the value was redacted before.
            return user_id
        return self.pseudonym(user_id)

    def pseudonym(self, user_id: str) -> str:
        """Keyed pseudonym of a user id arriving from outside: always a new HMAC.

        Unlike ``hash_user_id``, a value already shaped like a pseudonym is hashed too,
        so a client cannot choose the pseudonym its requests are recorded under.

        Example:
            >>> redactor = Redactor(PrivacyConfig(user_id_hmac_secret="0123456789abcdef"))
            >>> chosen = "hmac-sha256:" + "0" * 64
            >>> redactor.pseudonym(chosen) != chosen, redactor.hash_user_id(chosen) == chosen
            (True, True)
        """
        digest = hmac.new(self._secret, user_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return USER_ID_HASH_PREFIX + digest

    # --- text -------------------------------------------------------------------------
    def redact_text(self, text: str) -> str:
        """``text`` with every detected item masked; ids and timestamps untouched.

        JSON text is parsed and redacted by key and value, and written back as JSON.

        Example:
            >>> Redactor().redact_text("GET /search?q=jane@example.com from 4bf92f3577b34da6")
            'GET /search?q=[REDACTED:query] from 4bf92f3577b34da6'
        """
        if not self.config.enabled or not text or text in self._clean:
            return text
        redacted = self._redact_json_text(text)
        if redacted is None:
            redacted = self._text.redact_urls_and_plain(text)
        if redacted == text:
            # The same text gives the same answer: it is never scanned again.
            self._clean.add(text)
            return text
        return redacted

    def redact_url(self, url: str) -> str:
        """``url`` with query (and fragment) values masked, names kept, and text detectors run.

        Example:
            >>> Redactor().redact_url("https://u:pw@example.org/a?token=abc&limit=5#x")
            'https://[REDACTED:url_credentials]@example.org/a?token=[REDACTED:query]&limit=[REDACTED:query]#x'
        """
        if not self.config.enabled:
            return url
        return self.redact_text(self._text.scrub_url(url))

    def _redact_json_text(self, text: str) -> str | None:
        stripped = text.strip()
        if stripped[:1] not in {"{", "["} or len(stripped) > _JSON_MAX_CHARS:
            return None
        try:
            parsed = json.loads(stripped)
        except ValueError:
            return None
        redacted = self.redact_mapping(parsed)
        if redacted == parsed:
            return text
        return json.dumps(redacted, ensure_ascii=False)

    # --- values and mappings -------------------------------------------------------------
    def redact_value(self, key: str, value: Any) -> Any:
        """The redacted form of ``value`` found under ``key``.

        Sensitive keys mask any value but booleans and ``None``; user-id keys hash it;
        URL keys scrub query strings; strings go through ``redact_text``; sequences and
        mappings are redacted element by element.

        Example:
            >>> Redactor().redact_value("Authorization", "Basic dXNlcjpwYXNz")
            '[REDACTED:secret]'
            >>> Redactor().redact_value("url.query", "q=jane&limit=3")
            'q=[REDACTED:query]&limit=[REDACTED:query]'
        """
        if not self.config.enabled or value is None or isinstance(value, bool):
            return value
        return self._redact_planned(self._plan(key), key, value)

    def _plan(self, key: str) -> KeyPlan:
        plan = self._plans.get(key)
        if plan is None:
            plan = self._decide(key)
            if len(self._plans) >= MAX_ENTRIES:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    def _decide(self, key: str) -> KeyPlan:
        return plan_key(
            key,
            is_user_id=self.is_user_id_key,
            is_sensitive=self.is_sensitive_key,
            header_allowed=self._header_allowed,
            capture_content=self.capture_message_content,
        )

    def _redact_planned(self, plan: KeyPlan, key: str, value: Any) -> Any:
        kind = plan.kind
        if kind is KeyKind.USER_ID:
            return self._hash_any(value)
        if kind is KeyKind.SECRET:
            return self.mask("secret")
        if isinstance(value, str):
            if kind is KeyKind.TEXT:
                return self.redact_text(value)
            if kind is KeyKind.QUERY:
                return self.redact_url(self._text.scrub_query(value))
            if kind is KeyKind.URL:
                return self.redact_url(value)
            if TRACE_CONTEXT_VALUE.fullmatch(value):
                return value
            return self.redact_text(value)
        if type(value) in (int, float):
            return value
        return self._redact_nested(key, value)

    def _redact_nested(self, key: str, value: Any) -> Any:
        if isinstance(value, Mapping):
            return self.redact_mapping(value)
        if isinstance(value, bytes):
            try:
                decoded = value.decode("utf-8")
            except UnicodeDecodeError:
                return value
            redacted = self.redact_value(key, decoded)
            return value if redacted == decoded else str(redacted).encode("utf-8")
        if isinstance(value, (list, tuple)):
            items = [self.redact_value(key, item) for item in value]
            return tuple(items) if isinstance(value, tuple) else items
        return value

    def _hash_any(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            items = [self._hash_any(item) for item in value]
            return tuple(items) if isinstance(value, tuple) else items
        if isinstance(value, bool) or value is None:
            return value
        return self.hash_user_id(str(value))

    def _header_allowed(self, key: str) -> bool:
        lowered = key.lower()
        for prefix in HEADER_PREFIXES:
            if lowered.startswith(prefix):
                name = lowered[len(prefix) :].replace("_", "-")
                # An allowed but sensitive header (authorization) is kept, its value masked.
                return name in self._allowed_headers
        return True

    def redact_attributes(self, attributes: Mapping[str, Any] | None) -> dict[str, Any]:
        """A new dict of span attributes, redacted.

        Headers outside ``allowed_http_headers`` are dropped; GenAI message content
        is dropped unless ``capture_message_content`` is on; keys are scanned too.

        Example:
            >>> Redactor().redact_attributes({
            ...     "http.request.header.cookie": ("sid=1",),
            ...     "http.request.header.content_type": ("application/json",),
            ... })
            {'http.request.header.content_type': ('application/json',)}
        """
        if attributes is None:
            return {}
        if not self.config.enabled:
            return dict(attributes)
        changed = self.changed_attributes(attributes)
        return dict(attributes) if changed is None else changed

    def changed_attributes(self, attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """``redact_attributes(attributes)``, or None when redaction changes nothing.

        Lets the span processor keep a span's own attribute mapping when it is clean.

        Example:
            >>> Redactor().changed_attributes({"tool.name": "calc"}) is None
            True
        """
        if not attributes or not self.config.enabled:
            return None
        plans, clean = self._plans, self._clean
        redacted: dict[str, Any] | None = None  # made at the first change
        for index, (key, value) in enumerate(attributes.items()):
            plan = plans.get(key) or self._plan(key)
            kind = value.__class__
            if plan.fast and (kind in PLAIN_VALUES or (kind is str and value in clean)):
                # The common case: a plain key holding a number or a text known clean.
                if redacted is not None:
                    redacted[key] = value
                continue
            if plan.dropped:
                new_key, new_value = "", value
            else:
                new_key = plan.key or self.redact_text(key)
                plain = value is None or kind is bool
                new_value = value if plain else self._redact_planned(plan, key, value)
            changed = plan.dropped or new_key != key or not same_value(new_value, value)
            if changed and redacted is None:
                redacted = dict(islice(attributes.items(), index))
            if redacted is not None and not plan.dropped:
                redacted[new_key] = new_value
        return redacted

    def _redact_key(self, key: str) -> str:
        return self._plan(key).key or self.redact_text(key)

    def redact_mapping(self, obj: Any) -> Any:
        """Recursively redact a log event, a decision record or any JSON-like value.

        Mappings become dicts; lists and tuples keep their type; trace context
        (``trace_id``, ``span_id``) is kept verbatim so logs stay correlated.

        Example:
            >>> Redactor().redact_mapping({"user": {"password": "pw", "tags": ["a@b.io"]}})
            {'user': {'password': '[REDACTED:secret]', 'tags': ['[REDACTED:email]']}}
        """
        if not self.config.enabled:
            return obj
        if isinstance(obj, Mapping):
            result: dict[Any, Any] = {}
            for key, value in obj.items():
                if isinstance(key, str):
                    result[self._redact_key(key)] = self.redact_value(key, value)
                else:
                    result[key] = self.redact_mapping(value)
            return result
        if isinstance(obj, str):
            return self.redact_text(obj)
        if isinstance(obj, (list, tuple)):
            items = [self.redact_mapping(item) for item in obj]
            return tuple(items) if isinstance(obj, tuple) else items
        return obj

    def redact_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A decision record (or any flat JSON object) redacted, as a new dict.

        Suits ``DecisionRecorder(path, redact=redactor.redact_record)``.

        Example:
            >>> Redactor().redact_record({"span_id": "4bf92f3577b34da6", "error": "to j@x.io"})
            {'span_id': '4bf92f3577b34da6', 'error': 'to [REDACTED:email]'}
        """
        redacted = self.redact_mapping(record)
        return dict(redacted)

    def __repr__(self) -> str:
        return (
            f"Redactor(enabled={self.config.enabled}, secret_source={self.secret_source!r}, "
            f"detectors={[detector.name for detector in self._text.detectors]!r})"
        )
