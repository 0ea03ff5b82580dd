"""Detectors of personal data and secrets in free text.

Each detector is a small object: a regular expression that finds candidates, a
check that rejects look-alikes (Luhn for cards and SINs, mod-97 for IBANs,
:mod:`ipaddress` for IPs), and the part of the match to mask.  The detectors
are written so that the identifiers telemetry is made of are never touched:
trace ids (32 hex), span ids (16 hex), UUIDs, ISO-8601 timestamps, version
numbers and plain integers (durations, ports, epoch times).

Example:
    >>> detector = default_detectors()["email"]
    >>> detector.redact("write to jane@example.com", lambda kind: f"<{kind}>")
    'write to <email>'
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

from filagent.telemetry.privacy.checksums import (
    card_brand_plausible,
    iban_country_length_ok,
    iban_valid,
    luhn_valid,
    shannon_entropy,
)

MaskFn = Callable[[str], str]
"""Turns a detector name (``"email"``) into the text that replaces a finding."""


@dataclass(frozen=True)
class Detector:
    """Finds one kind of personal data or secret in text and masks it.

    ``group`` names the part of the match that is replaced (the rest, such as
    the ``Bearer`` scheme, is kept so the text stays readable).
    """

    name: str
    pattern: re.Pattern[str]
    accept: Callable[[re.Match[str]], bool] = field(default=lambda _match: True)
    group: int | str = 0
    shrink: bool = False
    """Retry a rejected candidate cut at each inner space ("GB82 ... 32 TO PAY")."""

    def _span(self, match: re.Match[str]) -> tuple[int, int] | None:
        if self.accept(match):
            return match.span(self.group)
        if not self.shrink:
            return None
        start, end = match.span()
        for cut in range(end - 1, start, -1):
            # Cutting only before a space keeps the pattern's right boundary true.
            if match.string[cut] != " ":
                continue
            shorter = self.pattern.fullmatch(match.string, start, cut)
            if shorter is not None and self.accept(shorter):
                return shorter.span(self.group)
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of this detector in ``text`` that pass its validity check."""
        position = 0
        while (match := self.pattern.search(text, position)) is not None:
            span = self._span(match)
            if span is not None:
                yield match
                position = max(span[1], match.start() + 1)
            else:
                position = match.start() + 1

    def redact(self, text: str, mask: MaskFn) -> str:
        """``text`` with every finding replaced by ``mask(self.name)``.

        Example:
            >>> default_detectors()["jwt"].redact("t=eyJhbGciOi.eyJzdWIiOi.c2ln", str.upper)
            't=JWT'
        """

        pieces: list[str] = []
        done = 0
        position = 0
        while (match := self.pattern.search(text, position)) is not None:
            span = self._span(match)
            if span is None:
                # A rejected candidate may hide a valid one that starts inside it
                # ("1234 4111 1111 1111 1111"): search again one character later.
                position = match.start() + 1
                continue
            start, end = span
            pieces.append(text[done:start])
            pieces.append(mask(self.name))
            done = end
            position = max(match.end(), match.start() + 1)
        pieces.append(text[done:])
        return "".join(pieces)


# --- detector definitions ----------------------------------------------------------
# Boundaries: a candidate may not be glued to letters, digits, '_' or '-', so that
# digit runs inside hex ids and UUID groups are never candidates.
_B_LEFT: Final = r"(?<![\w-])(?<!\d\.)"
_B_RIGHT: Final = r"(?![\w-])(?!\.\d)"

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+(?:@|%40)(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}(?![\w-])"
)

# Groups of 4 (4-4-4-4 and longer), Amex 4-6-5, 4-8-4; spaces, dots or dashes between.
_CARD = re.compile(
    _B_LEFT + r"(?:\d{4}([ .-])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ .-])\d{6}\2\d{4,5}"
    r"|\d{4}([ .-])\d{8}\3\d{4}|\d{13,19})" + _B_RIGHT
)
# A card number inside a word ("invoice-4111111111111111.pdf", "ref_4111111111111111").
_CARD_IN_WORD = re.compile(r"(?<!\d)(?<!\d\.)\d{13,19}(?!\d)(?!\.\d)")
_WORD_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_HEX_OR_DASH = frozenset("0123456789abcdefABCDEF-")


def _card_ok(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group(0))
    return card_brand_plausible(digits) and luhn_valid(digits)


def _word_around(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    while start > 0 and text[start - 1] in _WORD_CHAR:
        start -= 1
    while end < len(text) and text[end] in _WORD_CHAR:
        end += 1
    return text[start:end]


def _card_in_word_ok(match: re.Match[str]) -> bool:
    # Hex ids and UUIDs are words of hex digits and dashes: a digit run in them is no card.
    word = _word_around(match)
    return not all(char in _HEX_OR_DASH for char in word) and _card_ok(match)


_SIN_FORMATTED = re.compile(_B_LEFT + r"\d{3}([ .-])\d{3}\1\d{3}" + _B_RIGHT)
# Nine bare digits are also durations and counters; only a nearby label makes them a SIN.
_SIN_LABELLED = re.compile(
    r"(?i)\b(?:SIN|NAS|social\s+insurance(?:\s+number)?|assurance\s+sociale)\b"
    r"[^\w\n]{0,5}(?:(?:number|no|num[eé]ro|is|est)\b[^\w\n]{0,5}){0,2}"
    r"(?P<sin>(?<!\d)\d{9}(?!\d))"
)


def _sin_ok(match: re.Match[str]) -> bool:
    return luhn_valid(re.sub(r"\D", "", match.group(0)))


def _labelled_sin_ok(match: re.Match[str]) -> bool:
    return luhn_valid(match.group("sin"))


# Compact, or printed in groups of four: a mix of both is two neighbouring ids.
_IBAN = re.compile(
    r"(?<![\w-])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![\w-])"
)


def _iban_ok(match: re.Match[str]) -> bool:
    return iban_valid(match.group(0))


# Lower or mixed case, compact or in groups of four, separated by spaces or dashes.
_IBAN_ANY_CASE = re.compile(
    r"(?i)(?<![\w-])[a-z]{2}\d{2}(?:[a-z0-9]{11,30}|(?:[ -][a-z0-9]{4}){2,7}(?:[ -][a-z0-9]{1,3})?)"
    r"(?![\w-])"
)


def _iban_any_case_ok(match: re.Match[str]) -> bool:
    compact = re.sub(r"[ -]", "", match.group(0))
    if len(compact) in (16, 32) and all(char in _HEX_OR_DASH for char in compact):
        return False  # a span id or a trace id, whatever its first letters
    return iban_country_length_ok(compact) and iban_valid(compact)


# Phones need separators or a leading '+': ten bare digits are also epoch seconds.
_PHONE = re.compile(
    r"(?<![\w+-])(?:"
    r"\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}"  # international, +country
    r"|(?:1[ .-])?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}"  # North American
    r"|0[1-9](?:[ .-]\d{2}){4}"  # European national format
    r")(?![\w-])(?!\.\d)"
)


_TIME_BEFORE = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?[ \t]*$")


def _phone_ok(match: re.Match[str]) -> bool:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if not 8 <= len(digits) <= 15:
        return False
    if text.startswith("+") and _TIME_BEFORE.search(match.string, 0, match.start()):
        # "00:00:00 +1000 1.2.3" is a UTC offset then a version, not a phone number.
        return False
    # Dots mixed with spaces are version numbers next to other numbers, not a phone layout.
    return not ("." in text and " " in text)


_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?![\w.]|\.\d)"
)
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:%[\w.]+)?(?![\w:.])"
)


def _ip_ok(keep_loopback: bool) -> Callable[[re.Match[str]], bool]:
    def accept(match: re.Match[str]) -> bool:
        text = match.group(0).split("%", 1)[0]
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return False
        return not (keep_loopback and (address.is_loopback or address.is_unspecified))

    return accept


_JWT = re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?![\w-])")

_BEARER = re.compile(r"(?i)(?<![\w-])(?:bearer|basic)\s+(?P<token>[A-Za-z0-9._~+/=-]{8,})")


def _looks_like_token(token: str) -> bool:
    # Prose after the word "Bearer" is letters only and capitalised at most once.
    return (
        len(token) >= 20
        or any(ch.isdigit() or ch in "._~+/=-" for ch in token)
        or any(ch.isupper() for ch in token[1:])
    )


def _bearer_ok(match: re.Match[str]) -> bool:
    return _looks_like_token(match.group("token"))


_API_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"
    r"|(?<![\w-])(?:"
    r"sk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{16,}"  # OpenAI, Anthropic style
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"  # Stripe
    r"|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}"  # AWS access key ids
    r"|gh[pousr]_[A-Za-z0-9]{36,255}"  # GitHub tokens
    r"|github_pat_[A-Za-z0-9_]{22,255}"
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AIza[0-9A-Za-z_-]{35}"  # Google
    r")(?![\w-])"
)


def _api_key_ok(match: re.Match[str]) -> bool:
    text = match.group(0)
    # "sk-" also starts words ("sk-learn_model_selection"); real keys carry digits.
    return not text.startswith("sk-") or any(ch.isdigit() for ch in text)


_URL_CREDENTIALS = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{1,15}://(?P<userinfo>[^\s/?#@\[\]]+)@(?=[\w\[])"
)

# A key, a separator and a generic value; the key decides whether the value is
# secret (see KeyMatcher), or the value's entropy does.
_KEY_VALUE = re.compile(
    r"""(?ix)
    (?:
        (?P<qkey>"[^"\n]{1,64}"|'[^'\n]{1,64}')
      | (?<![\w.-])(?P<key>[a-z_][\w.-]{0,63})
    )
    [ \t]*(?::(?!//)|=>|=)[ \t]*   # "https://" is a scheme, not a key and its value
    (?P<value>
        "(?:[^"\\\n]|\\.)*"
      | '(?:[^'\\\n]|\\.)*'
      | (?:(?:bearer|basic|token|digest|negotiate|apikey)[ \t]+)?[^\s"',;&}\])]+
    )
    """
)

_PURE_HEX: Final = re.compile(r"[0-9A-Fa-f-]+")


def generic_secret_value(value: str) -> bool:
    """True when ``value`` looks like a random key: long, mixed case, digits, high entropy.

    Hex strings are left alone: trace ids, span ids, UUIDs and digests are hex.

    Example:
        >>> generic_secret_value("Zk3pQ9vX2mR8tL5wN7yB4cH6"), generic_secret_value("4bf92f35")
        (True, False)
    """
    return (
        len(value) >= 20
        and not _PURE_HEX.fullmatch(value)
        and not value.startswith(("/", "."))  # paths and host names
        and "//" not in value
        and any(ch.isupper() for ch in value)
        and any(ch.islower() for ch in value)
        and any(ch.isdigit() for ch in value)
        and re.fullmatch(r"[A-Za-z0-9+/_=.-]+", value) is not None
        and shannon_entropy(value) >= 3.5
    )


DETECTOR_ORDER: Final[tuple[str, ...]] = (
    "url_credentials",
    "jwt",
    "bearer",
    "api_key",
    "email",
    "iban",
    "credit_card",
    "sin",
    "phone",
    "ipv6",
    "ipv4",
)
"""Order matters: larger shapes first, so a JWT is masked whole, not as a phone."""


def default_detectors(*, keep_loopback_ips: bool = True) -> dict[str, Detector]:
    """The built-in detectors by name, in the order they run.

    The ``sin`` entry masks formatted SINs and bare 9-digit SINs next to a label
    ("SIN", "NAS", "social insurance number"); see ``labelled_sin_detector``.

    Example:
        >>> list(default_detectors())[:3]
        ['url_credentials', 'jwt', 'bearer']
    """
    ip_ok = _ip_ok(keep_loopback_ips)
    detectors = {
        "url_credentials": Detector("url_credentials", _URL_CREDENTIALS, group="userinfo"),
        "jwt": Detector("jwt", _JWT),
        "bearer": Detector("bearer", _BEARER, _bearer_ok, group="token"),
        "api_key": Detector("api_key", _API_KEY, _api_key_ok),
        "email": Detector("email", _EMAIL),
        "iban": Detector("iban", _IBAN, _iban_ok, shrink=True),
        "credit_card": Detector("credit_card", _CARD, _card_ok),
        "sin": Detector("sin", _SIN_FORMATTED, _sin_ok),
        "phone": Detector("phone", _PHONE, _phone_ok, shrink=True),
        "ipv6": Detector("ipv6", _IPV6, ip_ok),
        "ipv4": Detector("ipv4", _IPV4, ip_ok),
    }
    return {name: detectors[name] for name in DETECTOR_ORDER}


def labelled_sin_detector() -> Detector:
    """Masks nine bare digits that follow a SIN label and pass Luhn.

    Example:
        >>> labelled_sin_detector().redact("SIN: 046454286", lambda kind: "#")
        'SIN: #'
    """
    return Detector("sin", _SIN_LABELLED, _labelled_sin_ok, group="sin")


def variant_detectors() -> dict[str, Detector]:
    """Detectors of spellings the built-in ones leave alone, by the toggle that runs them.

    Each runs right after the built-in detector of the same name: a card number inside a
    word, and an IBAN in lower case or with dashes (checked against its country's length).

    Example:
        >>> variant_detectors()["credit_card"].redact("invoice-4111111111111111.pdf", str.upper)
        'invoice-CREDIT_CARD.pdf'
    """
    return {
        "credit_card": Detector("credit_card", _CARD_IN_WORD, _card_in_word_ok),
        "iban": Detector("iban", _IBAN_ANY_CASE, _iban_any_case_ok, shrink=True),
    }


def key_value_pattern() -> re.Pattern[str]:
    """The ``key: value`` / ``key=value`` / ``"key": "value"`` pattern used on free text."""
    return _KEY_VALUE
