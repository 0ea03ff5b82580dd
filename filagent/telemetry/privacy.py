"""Redaction of personal data before any telemetry leaves the process.

Three small pieces, chained where data leaves FilAgent:

- ``PrivacyConfig``: the ``privacy`` section of ``telemetry.yaml``.
- ``Redactor``: masks personal data and secrets in text, attribute mappings,
  log events and decision records, and turns user ids into keyed hashes.
- ``RedactingSpanProcessor``: the first span processor of the SDK
  ``TracerProvider``; it rewrites every finished span so that each later
  processor and exporter (and a test capture attached after it) only ever sees
  the redacted span.
- ``redact_log_event``: the same redaction as a structlog processor.

Example:
    >>> redactor = Redactor(PrivacyConfig(user_id_hmac_secret="0123456789abcdef"))
    >>> redactor.redact_text("mail jane@example.com, card 4111 1111 1111 1111")
    'mail [REDACTED:email], card [REDACTED:credit_card]'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, unquote, unquote_plus

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from filagent.telemetry.privacy_detectors import (
    Detector,
    KeyMatcher,
    default_detectors,
    generic_secret_value,
    key_value_pattern,
    labelled_sin_detector,
)

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import ReadableSpan, Span, TracerProvider

#: Environment variable holding the key of user-id hashes when the YAML file has none.
USER_ID_SECRET_ENV: Final = "FILAGENT_USER_ID_SECRET"  # noqa: S105 - a variable name, not a secret

#: Shortest accepted HMAC key: a short key makes hashes of guessable ids guessable again.
MIN_SECRET_LENGTH: Final = 16

DEFAULT_SENSITIVE_KEYS: Final[tuple[str, ...]] = (
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "auth",
    "cookie",
    "set-cookie",
    "session",
    "credential",
    "credentials",
    "private_key",
    "access_key",
    "ssn",
    "sin",
    "card",
    "cvv",
    "cvc",
    "pin",
    "otp",
    "signature",
)

DEFAULT_ALLOWED_HTTP_HEADERS: Final[tuple[str, ...]] = (
    "accept",
    "content-length",
    "content-type",
    "traceresponse",
    "x-request-id",
    "x-trace-id",
)

DEFAULT_USER_ID_KEYS: Final[tuple[str, ...]] = (
    "enduser.id",
    "enduser.pseudo.id",
    "user.id",
    "user_id",
    "userid",
)

_PROCESS_SECRET: Final = secrets.token_bytes(32)
_MASK_FIELD = re.compile(r"\{(\w*)\}")


class DetectorToggles(BaseModel):
    """Which value detectors run over free text (all on by default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: bool = True
    phone: bool = True
    credit_card: bool = True
    sin: bool = True
    iban: bool = True
    ipv4: bool = True
    ipv6: bool = True
    jwt: bool = True
    bearer: bool = True
    api_key: bool = True
    url_credentials: bool = True


class ExtraPattern(BaseModel):
    """A user-defined detector: every match of ``pattern`` is masked as ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z][\w.-]*$")
    pattern: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(
                f"expected a Python regular expression, found {value!r}: {exc}"
            ) from exc
        if compiled.match(""):
            raise ValueError(
                f"expected a pattern that cannot match the empty string, found {value!r}"
            )
        return value


class PrivacyConfig(BaseModel):
    """The ``privacy`` section of ``telemetry.yaml``.

    Example:
        >>> cfg = PrivacyConfig(extra_sensitive_keys=["x-internal-ticket"])
        >>> cfg.enabled, cfg.mask.format(kind="email")
        (True, '[REDACTED:email]')
    """

    # The secret must never be echoed by a validation error.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    enabled: bool = True
    user_id_hmac_secret: SecretStr | None = None
    sensitive_keys: tuple[str, ...] = DEFAULT_SENSITIVE_KEYS
    extra_sensitive_keys: tuple[str, ...] = ()
    user_id_keys: tuple[str, ...] = DEFAULT_USER_ID_KEYS
    allowed_http_headers: tuple[str, ...] = DEFAULT_ALLOWED_HTTP_HEADERS
    detectors: DetectorToggles = DetectorToggles()
    extra_patterns: tuple[ExtraPattern, ...] = ()
    mask: str = "[REDACTED:{kind}]"
    keep_query_param_names: bool = True
    allowed_query_params: tuple[str, ...] = ()
    keep_loopback_ips: bool = True

    @field_validator("user_id_hmac_secret")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"expected at least {MIN_SECRET_LENGTH} characters, "
                f"found {len(value.get_secret_value())}"
            )
        return value

    @field_validator("mask")
    @classmethod
    def _mask_format(cls, value: str) -> str:
        fields = _MASK_FIELD.findall(value)
        if any(name != "kind" for name in fields):
            raise ValueError(
                f"expected a mask whose only placeholder is '{{kind}}', found {value!r}"
            )
        try:
            value.format(kind="kind")
        except (IndexError, KeyError, ValueError) as exc:
            raise ValueError(f"expected a valid format string, found {value!r}: {exc}") from exc
        if any(ch.isdigit() for ch in value) or "@" in value:
            # A mask with digits or '@' could itself look like personal data to a scanner.
            raise ValueError(f"expected a mask without digits or '@', found {value!r}")
        return value

    @field_validator("sensitive_keys", "extra_sensitive_keys", "user_id_keys")
    @classmethod
    def _non_empty_keys(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for key in value:
            if not key.strip():
                raise ValueError("expected non-empty key names, found an empty string")
        return value

    @field_validator("allowed_http_headers", "allowed_query_params")
    @classmethod
    def _lower_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name.strip().lower().replace("_", "-") for name in value)

    def resolve_secret(self, env: Mapping[str, str] | None = None) -> tuple[bytes, str]:
        """Return the HMAC key for user ids and where it came from.

        Order: ``user_id_hmac_secret`` from the file, then ``$FILAGENT_USER_ID_SECRET``,
        then a random key made once per process (hashes then change at every restart).

        Example:
            >>> PrivacyConfig().resolve_secret(env={})[1]
            'process'
        """
        if self.user_id_hmac_secret is not None:
            return self.user_id_hmac_secret.get_secret_value().encode("utf-8"), "config"
        environ = os.environ if env is None else env
        from_env = environ.get(USER_ID_SECRET_ENV, "")
        if from_env:
            if len(from_env) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"{USER_ID_SECRET_ENV}: expected at least {MIN_SECRET_LENGTH} characters, "
                    f"found {len(from_env)}"
                )
            return from_env.encode("utf-8"), "env"
        return _PROCESS_SECRET, "process"


# --- Redactor ----------------------------------------------------------------------------
#: Attribute keys whose value is a URL (or part of one): query values are masked.
URL_KEYS: Final = frozenset(
    {"url.full", "url.original", "http.url", "http.target", "url.query", "url.fragment"}
)
_QUERY_ONLY_KEYS: Final = frozenset({"url.query", "url.fragment"})

#: Prefixes of HTTP headers captured by the OpenTelemetry instrumentations.
HEADER_PREFIXES: Final = ("http.request.header.", "http.response.header.")

#: GenAI message content, kept only when ``capture_message_content`` is on.
CONTENT_ATTRIBUTE_PREFIXES: Final = (
    "gen_ai.prompt",
    "gen_ai.completion",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
)
CONTENT_EVENT_NAMES: Final = frozenset(
    {
        "gen_ai.user.message",
        "gen_ai.system.message",
        "gen_ai.assistant.message",
        "gen_ai.tool.message",
        "gen_ai.choice",
        "gen_ai.content.prompt",
        "gen_ai.content.completion",
        "gen_ai.client.inference.operation.details",
    }
)

#: Keys whose hex values are trace context; correlation needs them verbatim.
TRACE_CONTEXT_KEYS: Final = frozenset(
    {"trace_id", "span_id", "parent_span_id", "parent_id", "otelTraceID", "otelSpanID"}
)
_TRACE_CONTEXT_VALUE: Final = re.compile(r"(?:0x)?(?:[0-9a-f]{16}|[0-9a-f]{32})")

USER_ID_HASH_PREFIX: Final = "hmac-sha256:"
_USER_ID_HASH: Final = re.compile(re.escape(USER_ID_HASH_PREFIX) + r"[0-9a-f]{64}")

_URL_IN_TEXT: Final = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,15}://[^\s\"'<>]+"  # absolute URL
    r"|(?<![\w/.:-])/[\w./%~@+-]*\?[^\s\"'<>]+"  # path with a query string: /search?q=...
)
_JSON_MAX_CHARS: Final = 1_000_000

_logger = logging.getLogger(__name__)


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
        self._sensitive = KeyMatcher(
            [*self.config.sensitive_keys, *self.config.extra_sensitive_keys]
        )
        self._user_keys = frozenset(key.lower() for key in self.config.user_id_keys)
        self._allowed_headers = frozenset(self.config.allowed_http_headers)
        self._allowed_query = frozenset(self.config.allowed_query_params)
        toggles = self.config.detectors.model_dump()
        builtin = default_detectors(keep_loopback_ips=self.config.keep_loopback_ips)
        self._detectors: list[Detector] = [d for name, d in builtin.items() if toggles[name]]
        if toggles["sin"]:
            self._detectors.insert(self._detectors.index(builtin["sin"]), labelled_sin_detector())
        self._detectors.extend(
            Detector(extra.name, re.compile(extra.pattern)) for extra in self.config.extra_patterns
        )
        self._generic_keys = toggles["api_key"]
        before, _, after = self.config.mask.partition("{kind}")
        kind = r"[\w.-]+" if "{kind}" in self.config.mask else ""
        self._mask_re = re.compile(re.escape(before) + kind + re.escape(after))

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
        return self.config.mask.format(kind=kind)

    def is_mask(self, text: str) -> bool:
        """True when ``text`` is exactly one mask, as produced by ``mask``."""
        return self._mask_re.fullmatch(text) is not None

    def is_sensitive_key(self, key: str) -> bool:
        """True when values under ``key`` are always masked (case-insensitive, any separator).

        Example:
            >>> Redactor().is_sensitive_key("X-Api-Key"), Redactor().is_sensitive_key("tool.name")
            (True, False)
        """
        return self._sensitive.matches(key)

    def is_user_id_key(self, key: str) -> bool:
        """True when ``key`` carries a user id (``enduser.id``, ``user_id``, ...)."""
        return key.lower() in self._user_keys

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
            return user_id
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
        if not self.config.enabled or not text:
            return text
        as_json = self._redact_json_text(text)
        if as_json is not None:
            return as_json
        redacted = _URL_IN_TEXT.sub(lambda match: self._redact_url(match.group(0)), text)
        return self._redact_plain(redacted)

    def redact_url(self, url: str) -> str:
        """``url`` with query (and fragment) values masked, names kept, and text detectors run.

        Example:
            >>> Redactor().redact_url("https://u:pw@example.org/a?token=abc&limit=5#x")
            'https://[REDACTED:url_credentials]@example.org/a?token=[REDACTED:query]&limit=[REDACTED:query]#x'
        """
        if not self.config.enabled:
            return url
        return self.redact_text(self._redact_url(url))

    def _redact_url(self, url: str) -> str:
        head, has_fragment, fragment = url.partition("#")
        path, has_query, query = head.partition("?")
        path = self._redact_path(path)
        if has_query:
            query = self._scrub_query(query)
        if has_fragment and "=" in fragment:
            # OAuth implicit flows put tokens in the fragment: "#access_token=...".
            fragment = self._scrub_query(fragment)
        return path + has_query + query + has_fragment + fragment

    def _redact_path(self, path: str) -> str:
        if "%" not in path:
            return path
        # "/users/jane%40example.com": detectors must see the decoded text.
        decoded = unquote(path)
        redacted = self._redact_plain(decoded)
        return path if redacted == decoded else quote(redacted, safe="/:[]@+-._~")

    def _redact_plain(self, text: str) -> str:
        """Detectors and ``key=value`` rules, without the JSON and URL passes."""
        for detector in self._detectors:
            text = detector.redact(text, self.mask)
        return self._redact_key_values(text)

    def _scrub_query(self, query: str) -> str:
        if not query:
            return query
        if not self.config.keep_query_param_names:
            return query if self.is_mask(query) else self.mask("query")
        parts = re.split(r"([&;])", query)
        parts[::2] = [self._scrub_parameter(part) for part in parts[::2]]
        return "".join(parts)

    def _scrub_parameter(self, parameter: str) -> str:
        name, has_value, value = parameter.partition("=")
        plain_name = unquote_plus(name)
        # Names are kept, unless one holds personal data itself ("?jane@example.com").
        redacted_name = self._redact_plain(plain_name)
        if redacted_name != plain_name:
            name = redacted_name
        if not value or self.is_mask(value):
            return name + has_value + value
        allowed = plain_name.lower().replace("_", "-") in self._allowed_query
        if allowed and not self.is_sensitive_key(plain_name):
            plain_value = unquote_plus(value)
            if self._redact_plain(plain_value) == plain_value:
                return f"{name}={value}"
        return f"{name}={self.mask('query')}"

    def _redact_key_values(self, text: str) -> str:
        pattern = key_value_pattern()
        pieces: list[str] = []
        done = 0
        position = 0
        while (match := pattern.search(text, position)) is not None:
            replacement = self._key_value_replacement(match)
            value_start, value_end = match.span("value")
            if replacement is None:
                # "url=https://h/?password=x": the value may hold pairs of its own.
                position = max(value_start, match.start() + 1)
                continue
            pieces += [text[done:value_start], replacement]
            done = position = value_end
        pieces.append(text[done:])
        return "".join(pieces)

    def _key_value_replacement(self, match: re.Match[str]) -> str | None:
        key = match.group("key") or match.group("qkey")[1:-1]
        value = match.group("value")
        quote_char = value[0] if value[:1] in {'"', "'"} and len(value) > 1 else ""
        inner = value[1:-1] if quote_char else value
        # Already masked (by a detector, or "Bearer <mask>"): the mask ends after the
        # value pattern stops, so look at the full text from where the value starts.
        inner_start = match.start("value") + len(quote_char)
        after_scheme = re.match(r"\S+[ \t]+", inner)
        if self._mask_re.match(match.string, inner_start) or (
            after_scheme and self._mask_re.match(match.string, inner_start + after_scheme.end())
        ):
            return None
        if self.is_user_id_key(key):
            replacement = self.hash_user_id(inner)
        elif self.is_sensitive_key(key):
            replacement = self.mask("secret")
        elif self._generic_keys and generic_secret_value(inner):
            replacement = self.mask("api_key")
        else:
            return None
        return quote_char + replacement + quote_char

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
        if self.is_user_id_key(key):
            return self._hash_any(value)
        if self.is_sensitive_key(key) or (
            key.lower().startswith(HEADER_PREFIXES) and not self._header_allowed(key)
        ):
            return self.mask("secret")
        if isinstance(value, str):
            if key in URL_KEYS:
                url = self._scrub_query(value) if key in _QUERY_ONLY_KEYS else value
                return self.redact_url(url)
            if key in TRACE_CONTEXT_KEYS and _TRACE_CONTEXT_VALUE.fullmatch(value):
                return value
            return self.redact_text(value)
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
        redacted: dict[str, Any] = {}
        for key, value in attributes.items():
            if key.lower().startswith(HEADER_PREFIXES) and not self._header_allowed(key):
                continue
            if not self.capture_message_content and key.startswith(CONTENT_ATTRIBUTE_PREFIXES):
                continue
            redacted[self._redact_key(key)] = self.redact_value(key, value)
        return redacted

    def _redact_key(self, key: str) -> str:
        # Keys are mostly constants; only scan ones that could hold data.
        if key.isidentifier() or re.fullmatch(r"[A-Za-z_][\w.-]*", key):
            return key
        return self.redact_text(key)

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
            f"detectors={[detector.name for detector in self._detectors]!r})"
        )


# --- structlog ----------------------------------------------------------------------------
EventDict = MutableMapping[str, Any]
LogProcessor = Callable[[Any, str, EventDict], EventDict]


def redact_log_event(redactor: Redactor) -> LogProcessor:
    """A structlog processor that redacts every field of a log event.

    Place it after the processors that add fields (``add_log_level``,
    trace-context injection, ``format_exc_info``) and before the renderer. An
    ``exc_info`` still present is formatted here first, so a traceback cannot
    reach the renderer unredacted.

    Example:
        >>> process = redact_log_event(Redactor())
        >>> process(None, "info", {"event": "hi jane@example.com", "span_id": "4bf92f3577b34da6"})
        {'event': 'hi [REDACTED:email]', 'span_id': '4bf92f3577b34da6'}
    """

    def processor(logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
        if not redactor.enabled:
            return event_dict
        if event_dict.get("exc_info"):
            from structlog.processors import format_exc_info

            event_dict = format_exc_info(logger, method_name, event_dict)
        redacted = redactor.redact_mapping(event_dict)
        event_dict.clear()
        event_dict.update(redacted)
        return event_dict

    return processor


# --- spans ----------------------------------------------------------------------------------
_SPAN_FIELDS: Final = ("_name", "_attributes", "_events", "_links", "_status", "_resource")
_REDACTION_FAILED: Final = "filagent.redaction.failed"


def _sdk_version() -> str:
    try:
        from opentelemetry.sdk.version import __version__
    except ImportError:  # pragma: no cover - every SDK release ships the module
        return "unknown"
    return str(__version__)


def check_sdk_span_layout() -> None:
    """Raise ``RuntimeError`` unless finished SDK spans can be rewritten in place.

    ``ReadableSpan`` is read-only by API; redaction replaces its private fields.
    This check writes each field on a probe span and reads it back through the
    public properties, so an SDK whose internals changed is refused at start-up
    instead of silently exporting unredacted spans.

    Example:
        >>> check_sdk_span_layout()  # passes on the supported SDK versions
    """
    from opentelemetry.attributes import BoundedAttributes
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.trace import Link, SpanContext
    from opentelemetry.trace.status import Status, StatusCode

    problems: list[str] = []
    try:
        probe = ReadableSpan(name="probe")
        missing = [name for name in _SPAN_FIELDS if name not in vars(probe)]
        if missing:
            problems.append(f"ReadableSpan has no field(s) {', '.join(missing)}")
        else:
            context = SpanContext(trace_id=1, span_id=2, is_remote=False)
            probe._name = "renamed"
            probe._attributes = BoundedAttributes(attributes={"k": "v"}, immutable=True)
            probe._events = (Event("e", BoundedAttributes(attributes={"a": "b"}), 1),)
            probe._links = (Link(context, BoundedAttributes(attributes={"l": "m"})),)
            probe._status = Status(StatusCode.ERROR, "d")
            probe._resource = Resource({"r": "s"})
            observed = (
                probe.name,
                dict(probe.attributes or {}),
                dict(probe.events[0].attributes or {}),
                dict(probe.links[0].attributes or {}),
                probe.status.description,
                dict(probe.resource.attributes),
            )
            expected = ("renamed", {"k": "v"}, {"a": "b"}, {"l": "m"}, "d", {"r": "s"})
            if observed != expected:
                problems.append(f"wrote {expected!r} but the span reads back {observed!r}")
    except (TypeError, AttributeError, ValueError) as exc:
        problems.append(f"{type(exc).__name__}: {exc}")
    if problems:
        raise RuntimeError(
            "RedactingSpanProcessor cannot rewrite finished spans of opentelemetry-sdk "
            f"{_sdk_version()}: expected ReadableSpan fields {', '.join(_SPAN_FIELDS)} to be "
            f"writable, found: {'; '.join(problems)}. Spans would leave unredacted, so "
            "telemetry start-up stops here; use opentelemetry-sdk 1.30 to 1.45."
        )


class RedactingSpanProcessor:
    """Rewrites every finished span into its redacted form, in place.

    Must be the first processor of the SDK ``TracerProvider``: processors run in
    the order they were added and all receive the same ``ReadableSpan`` object, so
    exporters and test captures added afterwards see only the redacted span. Use
    ``install_redaction`` to add it with that check.

    Redaction happens in ``on_end`` only: attributes set at start and changed
    later are all present then, and a span is only exported after it ends.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> provider = TracerProvider()
        >>> processor = install_redaction(provider, Redactor())
        >>> with provider.get_tracer("doc").start_as_current_span("GET /u/jane@example.com"):
        ...     pass
    """

    def __init__(self, redactor: Redactor) -> None:
        check_sdk_span_layout()
        from opentelemetry.attributes import BoundedAttributes
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import Event
        from opentelemetry.trace import Link
        from opentelemetry.trace.status import Status

        self.redactor = redactor
        self._bounded = BoundedAttributes
        self._event = Event
        self._link = Link
        self._status = Status
        self._resource = Resource
        self._resources: dict[int, tuple[Resource, Resource]] = {}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Nothing to do at start: ``on_end`` sees every attribute ever set."""

    def _on_ending(self, span: Span) -> None:
        """Called by the SDK just before ``on_end``; nothing to do."""

    def on_end(self, span: ReadableSpan) -> None:
        """Replace the span's name, attributes, events, links, status and resource."""
        if not self.redactor.enabled:
            return
        try:
            self._rewrite(span)
        except Exception as exc:  # noqa: BLE001 - a failure must never export the raw span
            _logger.error(
                "redaction of a span failed (%s); its content was dropped", type(exc).__name__
            )
            self._scrub(span)

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Nothing is buffered here."""
        return True

    def _attributes(self, original: Any, redacted: Mapping[str, Any]) -> Any:
        bounded = self._bounded(attributes=redacted, immutable=True)
        bounded.dropped = getattr(original, "dropped", 0)
        return bounded

    def _rewrite(self, span: ReadableSpan) -> None:
        redactor = self.redactor
        capture_content = redactor.capture_message_content
        events = [
            self._event(
                name=redactor.redact_text(event.name),
                attributes=self._attributes(
                    event.attributes, redactor.redact_attributes(event.attributes)
                ),
                timestamp=event.timestamp,
            )
            for event in span.events
            if capture_content or event.name not in CONTENT_EVENT_NAMES
        ]
        links = [
            self._link(
                link.context,
                self._attributes(link.attributes, redactor.redact_attributes(link.attributes)),
            )
            for link in span.links
        ]
        status = span.status
        if status.description:
            status = self._status(status.status_code, redactor.redact_text(status.description))
        name = redactor.redact_text(span.name)
        attributes = self._attributes(span._attributes, redactor.redact_attributes(span.attributes))
        span._events = self._same_container(span._events, events)
        span._links = self._same_container(span._links, links)
        span._status = status
        span._name = name
        span._attributes = attributes
        span._resource = self._redact_resource(span.resource)

    @staticmethod
    def _same_container(original: Any, items: Sequence[Any]) -> Any:
        from opentelemetry.sdk.util import BoundedList

        if isinstance(original, BoundedList):
            bounded = BoundedList.from_seq(None, items)
            bounded.dropped = original.dropped
            return bounded
        return tuple(items)

    def _redact_resource(self, resource: Resource) -> Resource:
        # One provider has one resource: redact it once, not for every span.
        cached = self._resources.get(id(resource))
        if cached is not None and cached[0] is resource:
            return cached[1]
        attributes = self.redactor.redact_attributes(resource.attributes)
        redacted = (
            resource
            if attributes == dict(resource.attributes)
            else self._resource(attributes, resource.schema_url)
        )
        if len(self._resources) > 64:
            self._resources.clear()
        self._resources[id(resource)] = (resource, redacted)
        return redacted

    def _scrub(self, span: ReadableSpan) -> None:
        span._name = self.redactor.mask("span")
        span._attributes = self._bounded(attributes={_REDACTION_FAILED: True}, immutable=True)
        span._events = ()
        span._links = ()
        span._status = self._status(span.status.status_code)

    def __repr__(self) -> str:
        return f"RedactingSpanProcessor({self.redactor!r})"


def install_redaction(
    tracer_provider: TracerProvider, redactor: Redactor
) -> RedactingSpanProcessor:
    """Add a ``RedactingSpanProcessor`` as the first processor of ``tracer_provider``.

    Raises ``ValueError`` when processors were already added (they would see raw
    spans) and ``TypeError`` when the provider runs processors concurrently.

    Example:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> install_redaction(TracerProvider(), Redactor())
        RedactingSpanProcessor(Redactor(enabled=True, ...))
    """
    from opentelemetry.sdk.trace import SynchronousMultiSpanProcessor

    active = getattr(tracer_provider, "_active_span_processor", None)
    if not isinstance(active, SynchronousMultiSpanProcessor):
        raise TypeError(
            "install_redaction: expected a TracerProvider whose processors run one after "
            f"the other (SynchronousMultiSpanProcessor), found {type(active).__name__}; "
            "with concurrent processors an exporter could see a span before redaction"
        )
    already = getattr(active, "_span_processors", ())
    if already:
        names = ", ".join(type(processor).__name__ for processor in already)
        raise ValueError(
            "install_redaction: expected a TracerProvider with no span processor yet, "
            f"found {names}; add the RedactingSpanProcessor first so that every later "
            "processor and exporter sees only redacted spans"
        )
    processor = RedactingSpanProcessor(redactor)
    tracer_provider.add_span_processor(processor)  # type: ignore[arg-type]
    return processor
