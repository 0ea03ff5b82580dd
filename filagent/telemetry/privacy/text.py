"""Free text: detectors, ``key=value`` pairs and URL query strings, masked.

:class:`TextRedactor` holds the rules that read text; the
:class:`~filagent.telemetry.privacy.redactor.Redactor` applies them to span
attributes, log events and records.

Example:
    >>> text = TextRedactor(PrivacyConfig(), hash_user_id=str.upper)
    >>> text.redact_plain("password=hunter2 mail jane@example.com")
    'password=[REDACTED:secret] mail [REDACTED:email]'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import quote, unquote, unquote_plus

from filagent.telemetry.privacy.config import PrivacyConfig
from filagent.telemetry.privacy.detectors import (
    Detector,
    default_detectors,
    generic_secret_value,
    key_value_pattern,
    labelled_sin_detector,
    variant_detectors,
)
from filagent.telemetry.privacy.forms import detection_form
from filagent.telemetry.privacy.keys import KeyMatcher
from filagent.telemetry.privacy.prefilter import (
    GATED_KINDS,
    may_hold_pairs,
    may_hold_urls,
    possible_kinds,
)

_URL_IN_TEXT: Final = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,15}://[^\s\"'<>]+"  # absolute URL
    r"|(?<![\w/.:-])/[\w./%~@+-]*\?[^\s\"'<>]+"  # path with a query string: /search?q=...
)


class TextRedactor:
    """The rules over free text, built once from a :class:`PrivacyConfig`.

    ``hash_user_id`` turns the value of a ``user_id=...`` pair into its pseudonym.
    """

    def __init__(self, config: PrivacyConfig, *, hash_user_id: Callable[[str], str]) -> None:
        self.config = config
        self._hash_user_id = hash_user_id
        self._sensitive = KeyMatcher([*config.sensitive_keys, *config.extra_sensitive_keys])
        self._user_keys = frozenset(key.lower() for key in config.user_id_keys)
        self._allowed_query = frozenset(config.allowed_query_params)
        toggles = config.detectors.model_dump()
        builtin = default_detectors(keep_loopback_ips=config.keep_loopback_ips)
        self.detectors: list[Detector] = [d for name, d in builtin.items() if toggles[name]]
        for name, variant in variant_detectors().items():
            if toggles[name]:
                self.detectors.insert(self.detectors.index(builtin[name]) + 1, variant)
        if toggles["sin"]:
            self.detectors.insert(self.detectors.index(builtin["sin"]), labelled_sin_detector())
        self.detectors.extend(
            Detector(extra.name, re.compile(extra.pattern)) for extra in config.extra_patterns
        )
        # Built-in detectors run only when the pre-filter says they could match.
        extra = len(self.detectors) - len(config.extra_patterns)
        self._gated = [
            (detector, index < extra and detector.name in GATED_KINDS)
            for index, detector in enumerate(self.detectors)
        ]
        self._generic_keys = toggles["api_key"]
        before, _, after = config.mask.partition("{kind}")
        kind = r"[\w.-]+" if "{kind}" in config.mask else ""
        self._mask_re = re.compile(re.escape(before) + kind + re.escape(after))

    def mask(self, kind: str) -> str:
        """The text that replaces a finding of ``kind``, e.g. ``[REDACTED:email]``."""
        return self.config.mask.format(kind=kind)

    def is_mask(self, text: str) -> bool:
        """True when ``text`` is exactly one mask, as produced by ``mask``."""
        return self._mask_re.fullmatch(text) is not None

    def is_sensitive_key(self, key: str) -> bool:
        """True when values under ``key`` are always masked (case-insensitive, any separator)."""
        return self._sensitive.matches(key)

    def is_user_id_key(self, key: str) -> bool:
        """True when ``key`` carries a user id (``enduser.id``, ``user_id``, ...)."""
        return key.lower() in self._user_keys

    def redact_urls_and_plain(self, text: str) -> str:
        """URLs found in ``text`` scrubbed, then the plain-text rules over the whole."""
        if may_hold_urls(text):
            text = _URL_IN_TEXT.sub(lambda match: self.scrub_url(match.group(0)), text)
        return self.redact_plain(text)

    def scrub_url(self, url: str) -> str:
        """``url`` with query (and fragment) values masked and its path's data redacted."""
        head, has_fragment, fragment = url.partition("#")
        path, has_query, query = head.partition("?")
        path = self._redact_path(path)
        if has_query:
            query = self.scrub_query(query)
        if has_fragment and "=" in fragment:
            # OAuth implicit flows put tokens in the fragment: "#access_token=...".
            fragment = self.scrub_query(fragment)
        return path + has_query + query + has_fragment + fragment

    def _redact_path(self, path: str) -> str:
        if "%" not in path:
            return path
        # "/users/jane%40example.com": detectors must see the decoded text.
        decoded = unquote(path)
        redacted = self.redact_plain(decoded)
        return path if redacted == decoded else quote(redacted, safe="/:[]@+-._~")

    def redact_plain(self, text: str) -> str:
        """Detectors and ``key=value`` rules, without the JSON and URL passes.

        They read the text's :func:`detection_form` (NFKC, percent-decoded): when that
        form holds a finding, the redacted text is that form, masked.
        """
        view = detection_form(text)
        if view == text:
            return self._redact_form(text)
        redacted = self._redact_form(view)
        return redacted if redacted != view else self._redact_form(text)

    def _redact_form(self, text: str) -> str:
        possible = possible_kinds(text)
        for detector, gated in self._gated:
            if not gated or detector.name in possible:
                text = detector.redact(text, self.mask)
        return self._redact_key_values(text) if may_hold_pairs(text) else text

    def scrub_query(self, query: str) -> str:
        """Query values masked; names kept unless ``keep_query_param_names`` is off."""
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
        redacted_name = self.redact_plain(plain_name)
        if redacted_name != plain_name:
            name = redacted_name
        if not value or self.is_mask(value):
            return name + has_value + value
        allowed = plain_name.lower().replace("_", "-") in self._allowed_query
        if allowed and not self.is_sensitive_key(plain_name):
            plain_value = unquote_plus(value)
            if self.redact_plain(plain_value) == plain_value:
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
            replacement = self._hash_user_id(inner)
        elif self.is_sensitive_key(key):
            replacement = self.mask("secret")
        elif self._generic_keys and generic_secret_value(inner):
            replacement = self.mask("api_key")
        else:
            return None
        return quote_char + replacement + quote_char
