"""Decisions made once and remembered: what an attribute key needs, which texts are clean.

Spans repeat the same keys (``tool.name``, ``http.route``) and mostly the same values
(``calculator``, ``POST``) request after request. The :class:`~filagent.telemetry.
privacy.redactor.Redactor` decides once per key what its values need (a hash, a mask,
URL scrubbing, the text rules, or nothing because the attribute is dropped) and
remembers the texts its rules left unchanged, so an unchanged value is never scanned
twice. Both memories are bounded; only texts found clean are kept, never personal data.

Example:
    >>> clean = CleanTexts()
    >>> clean.add("calculator"); "calculator" in clean
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

#: Attribute keys whose value is a URL (or part of one): query values are masked.
URL_KEYS: Final = frozenset(
    {"url.full", "url.original", "http.url", "http.target", "url.query", "url.fragment"}
)
QUERY_ONLY_KEYS: Final = frozenset({"url.query", "url.fragment"})

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
TRACE_CONTEXT_VALUE: Final = re.compile(r"(?:0x)?(?:[0-9a-f]{16}|[0-9a-f]{32})")
PLAIN_KEY: Final = re.compile(r"[A-Za-z_][\w.-]*")

#: Longest text remembered as clean; longer ones are rare and scanned each time.
MAX_CLEAN_CHARS: Final = 256
#: Entries each memory holds before it starts again from empty.
MAX_ENTRIES: Final = 8192


class KeyKind(Enum):
    """What the values under a key need."""

    USER_ID = "user_id"  #: a keyed hash
    SECRET = "secret"  # noqa: S105 - a kind of key: its values are masked, whatever they are
    URL = "url"  #: query values masked, then the text rules
    QUERY = "query"  #: a query string (``url.query``): its values masked, then the text rules
    TRACE_CONTEXT = "trace_context"  #: kept when it is a hex id, else the text rules
    TEXT = "text"  #: the text rules (detectors and ``key=value`` pairs)


@dataclass(frozen=True)
class KeyPlan:
    """The decision for one key: what its values need, and how the key itself is written."""

    kind: KeyKind
    #: Left out of span attributes: a header outside the allow-list, or GenAI content.
    dropped: bool
    #: The key as it leaves (the key itself, unless it could hold data).
    key: str
    #: A plain key of a text rule, kept: numbers and texts known clean pass untouched.
    fast: bool = False


class CleanTexts(dict[str, None]):
    """Texts the redactor's rules left unchanged (bounded; cleared when full).

    A ``dict``, so that ``text in clean`` costs one lookup.

    Example:
        >>> clean = CleanTexts()
        >>> clean.add("x" * 300); ("x" * 300) in clean
        False
    """

    def add(self, text: str) -> None:
        """Remember ``text`` as clean, when it is short enough to be worth it."""
        if len(text) > MAX_CLEAN_CHARS:
            return
        if len(self) >= MAX_ENTRIES:
            self.clear()
        self[text] = None


#: Values a plain text key keeps as they are.
PLAIN_VALUES: Final = frozenset({int, float, bool, type(None)})


def same_value(new: Any, old: Any) -> bool:
    """True when redaction gave back ``old`` (the object itself or an equal one)."""
    return new is old or new == old


def plan_key(
    key: str,
    *,
    is_user_id: Callable[[str], bool],
    is_sensitive: Callable[[str], bool],
    header_allowed: Callable[[str], bool],
    capture_content: bool,
) -> KeyPlan:
    """What the values under ``key`` need, decided by the configured key rules.

    Example:
        >>> plan = plan_key("tool.name", is_user_id=lambda k: False,
        ...                 is_sensitive=lambda k: False, header_allowed=lambda k: True,
        ...                 capture_content=False)
        >>> plan.kind, plan.dropped, plan.fast
        (<KeyKind.TEXT: 'text'>, False, True)
    """
    header = key.lower().startswith(HEADER_PREFIXES)
    header_dropped = header and not header_allowed(key)
    content_dropped = not capture_content and key.startswith(CONTENT_ATTRIBUTE_PREFIXES)
    if is_user_id(key):
        kind = KeyKind.USER_ID
    elif is_sensitive(key) or header_dropped:
        kind = KeyKind.SECRET
    elif key in QUERY_ONLY_KEYS:
        kind = KeyKind.QUERY
    elif key in URL_KEYS:
        kind = KeyKind.URL
    elif key in TRACE_CONTEXT_KEYS:
        kind = KeyKind.TRACE_CONTEXT
    else:
        kind = KeyKind.TEXT
    # Keys are mostly constants; only scan ones that could hold data.
    plain = key.isidentifier() or PLAIN_KEY.fullmatch(key) is not None
    dropped = header_dropped or content_dropped
    fast = kind is KeyKind.TEXT and plain and not dropped
    return KeyPlan(kind, dropped, key if plain else "", fast)
