"""Credentials of known shapes: JSON Web Tokens, ``Authorization`` values and API keys.

Example:
    >>> [f.masked for f in BEARER_TOKEN.find("Authorization: Bearer 8f2a9c1e4b7d")]
    ['Bearer ********']
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from pytest_filagent_trace._privacy.detectors.regex import RegexDetector
from pytest_filagent_trace._privacy.masking import MASK

__all__ = ["API_KEY", "BEARER_TOKEN", "JWT"]


def _b64url_json(segment: str) -> bool:
    try:
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return isinstance(json.loads(decoded), dict)
    except (binascii.Error, ValueError):
        return False


JWT = RegexDetector(
    "jwt",
    re.compile(r"(?<![\w\-])eyJ[\w\-]{2,}={0,2}\.[\w\-]{2,}={0,2}\.[\w\-]*={0,2}", re.ASCII),
    validate=lambda match: _b64url_json(match.group(0).split(".", 1)[0].rstrip("=")),
    mask=lambda _value: "eyJ***.***.***",
    requires="eyJ",
)
"""JSON Web Tokens (``header.payload.signature`` whose header decodes to JSON)."""


def _bearer_valid(match: re.Match[str]) -> bool:
    scheme, credential = match.group(1).lower(), match.group(2)
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credential, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return False
        return ":" in decoded
    # "Bearer authentication" in prose is not a token: real ones are long or hold digits.
    if len(credential) < 8:
        return False
    return len(credential) >= 16 or any(char.isdigit() for char in credential)


BEARER_TOKEN = RegexDetector(
    "bearer_token",
    re.compile(r"(?i)\b(bearer|basic)[ \t]+([A-Za-z0-9\-._~+/]{4,}=*)", re.ASCII),
    validate=_bearer_valid,
    mask=lambda value: value.split(None, 1)[0] + " " + MASK,
    requires=r"(?i)bearer|basic",
)
"""``Authorization`` credentials: ``Bearer <token>`` and ``Basic <base64 user:password>``."""

_API_KEY_PREFIX = re.compile(
    r"sk-(?:proj-|live-|test-)?|[sr]k_(?:live|test)_|AKIA|ASIA|AGPA|AIDA|AROA"
    r"|gh[pousr]_|github_pat_|xox[abporse]-|AIza|glpat-"
)
API_KEY = RegexDetector(
    "api_key",
    re.compile(
        r"(?<![A-Za-z0-9_\-])(?:"
        r"sk-(?:proj-|live-|test-)?[A-Za-z0-9_\-]{20,}"
        r"|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
        r"|(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}"
        r"|gh[pousr]_[A-Za-z0-9]{36,255}"
        r"|github_pat_[A-Za-z0-9_]{22,}"
        r"|xox[abporse]-[A-Za-z0-9\-]{10,}"
        r"|AIza[0-9A-Za-z_\-]{35}"
        r"|glpat-[A-Za-z0-9_\-]{20,}"
        r")(?![A-Za-z0-9_\-])",
        re.ASCII,
    ),
    mask=lambda value: (m.group(0) if (m := _API_KEY_PREFIX.match(value)) else "") + MASK,
    requires=r"sk[-_]|rk_|A[KSGIR][IP]A|gh[pousr]_|github_pat_|xox|AIza|glpat-",
)
"""API keys of well-known shapes: OpenAI/Stripe ``sk-``/``sk_live_``, AWS ``AKIA…``,
GitHub ``ghp_…``/``github_pat_…``, Slack ``xox…``, Google ``AIza…``, GitLab ``glpat-…``."""
