"""Sensitive keys: values under ``password``, ``token``, ``api_key``, ``cookie``, … must be
masked, in structured data and in ``key=value`` text alike.

Example:
    >>> [f.masked for f in SENSITIVE_KEY.find("GET /login?user=a&password=hunter2")]
    ['password=********']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from pytest_filagent_trace._privacy.findings import Finding
from pytest_filagent_trace._privacy.masking import MASK, is_masked

__all__ = ["SENSITIVE_KEY", "SensitiveKeyDetector", "is_sensitive_key", "key_words"]

_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


# Attribute and field keys are a small vocabulary met again on every span and record.
@functools.lru_cache(maxsize=4096)
def key_words(key: str) -> tuple[str, ...]:
    """The lower-case words of a key, split on punctuation and camelCase.

    Example:
        >>> key_words("http.request.header.X-Api-Key")
        ('http', 'request', 'header', 'x', 'api', 'key')
    """
    spaced = _CAMEL_HUMP.sub(" ", key)
    return tuple(word for word in _NOT_WORD.split(spaced.lower()) if word)


_SENSITIVE_ANYWHERE = frozenset({"password", "passwd", "passphrase", "secret", "credentials"})
_SENSITIVE_SUFFIXES = frozenset(
    {
        "password", "passwd", "passphrase", "secret", "clientsecret", "token", "accesstoken",
        "refreshtoken", "idtoken", "authtoken", "sessiontoken", "csrftoken", "xsrftoken",
        "apikey", "xapikey", "apitoken", "authorization", "proxyauthorization", "auth",
        "cookie", "setcookie", "session", "sessionid", "sessionkey", "privatekey", "secretkey",
        "accesskey", "secretaccesskey", "credential", "credentials", "jwt", "bearer",
    }
)  # fmt: skip
# OpenTelemetry's semantic conventions name session identifiers, not credentials.
_NOT_SENSITIVE_KEYS = frozenset({"session.id", "session.previous_id"})


@functools.lru_cache(maxsize=4096)
def is_sensitive_key(key: str) -> bool:
    """True for keys whose values are secrets: password, token, api_key, cookie, ….

    Matched case-insensitively on words, so ``X-Api-Key``, ``accessToken`` and
    ``http.request.header.authorization`` are sensitive while ``input_tokens`` and
    ``token_count`` are not.

    Example:
        >>> is_sensitive_key("X-Api-Key"), is_sensitive_key("gen_ai.usage.input_tokens")
        (True, False)
    """
    if key.lower() in _NOT_SENSITIVE_KEYS:
        return False
    words = key_words(key)
    if _SENSITIVE_ANYWHERE.intersection(words):
        return True
    return any("".join(words[-size:]) in _SENSITIVE_SUFFIXES for size in range(1, 5))


_AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})
_AUTH_SCHEME = re.compile(r"(?i)\s*(?:bearer|basic|token|digest)\s+")


def _credential(value: str) -> str:
    """The value without an HTTP auth scheme: ``Bearer ***`` is masked, ``Bearer x`` is not."""
    return _AUTH_SCHEME.sub("", value, count=1) if _AUTH_SCHEME.match(value) else value


def _scheme_before_mask(text: str, value: str, end: int) -> bool:
    """``Bearer`` alone, followed by a masked credential the value pattern stops at."""
    if value.lower() not in _AUTH_SCHEMES or not text[end : end + 1].isspace():
        return False
    rest = text[end:].split(None, 1)
    return bool(rest) and is_masked(rest[0].strip("\"',;"))


class SensitiveKeyDetector:
    """Values under sensitive keys that are not masked.

    In structured data it looks at the key a value sits under (``{"password": "x"}``,
    attribute ``http.request.header.authorization``); in text at ``key=value``,
    ``key: value`` and ``"key": "value"`` forms (query strings, log lines, JSON text).
    Values such as ``***`` or ``[REDACTED]`` pass (see :func:`is_masked`).

    Example:
        >>> [f.masked for f in SENSITIVE_KEY.find("GET /login?user=a&password=hunter2")]
        ['password=********']
    """

    name = "sensitive_key"
    _PAIR = re.compile(
        r"(?<![\w.\-])(?P<key>[A-Za-z_][\w.\-]{0,63})\\?[\"']?[ \t]*[:=][ \t]*"
        r"(?:\\?\"(?P<dq>[^\"\\]*)\\?\"|'(?P<sq>[^']*)'"
        r"|(?P<bare>(?:(?:bearer|basic|token|digest)[ \t]+)?"
        r"(?:\[[^\]\s]*\]|<[^>\s]*>|[^\s\"'&,;<>{}()\[\]]+)))",
        re.ASCII | re.IGNORECASE,
    )
    patterns = (_PAIR,)

    def find(self, text: str) -> list[Finding]:
        """Every ``key=value`` pair in ``text`` with a sensitive key and a clear value.

        Example:
            >>> [f.value for f in SENSITIVE_KEY.find('{"token": "abc123"}')]
            ['abc123']
        """
        findings: list[Finding] = []
        if ":" not in text and "=" not in text:
            return findings
        for match in self._PAIR.finditer(text):
            key = match.group("key")
            if not is_sensitive_key(key):
                continue
            group = next(name for name in ("dq", "sq", "bare") if match.group(name) is not None)
            value = match.group(group)
            if is_masked(_credential(value)) or _scheme_before_mask(text, value, match.end(group)):
                continue
            findings.append(
                Finding(
                    self.name,
                    f"{key}={MASK}",
                    value=value,
                    start=match.start(group),
                    end=match.end(group),
                )
            )
        return findings

    def find_field(self, key: str, value: object) -> list[Finding]:
        """The value itself when ``key`` is sensitive and the value is not masked.

        Example:
            >>> [f.masked for f in SENSITIVE_KEY.find_field("password", "hunter2")]
            ['********']
        """
        if not is_sensitive_key(key) or isinstance(value, (Mapping, list, tuple)):
            return []
        if isinstance(value, str):
            if is_masked(_credential(value)):
                return []
        elif is_masked(value):
            return []
        text = str(value)
        return [Finding(self.name, MASK, value=text, start=0, end=len(text))]

    def __repr__(self) -> str:
        return "SensitiveKeyDetector()"


SENSITIVE_KEY = SensitiveKeyDetector()
