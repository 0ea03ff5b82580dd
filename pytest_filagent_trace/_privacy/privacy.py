"""Personal-data detectors and ``assert_no_pii``: prove that no PII leaves the process.

Each detector is a small object with a ``name`` and a ``find(text)`` method returning
:class:`Finding` objects. ``find_pii`` walks any source (a trace capture, spans, span
trees, log records, decision records, a JSON-lines file, plain text or nested JSON-like
data) and runs every detector over span names, attribute keys and values (JSON held in
strings included), events, links, status descriptions, resources and log fields.
``assert_no_pii`` raises :class:`PIIFound` listing where each value was found, which
detector found it, and the value *masked*: a failure message never repeats the raw value.

These detectors are written independently of any redactor they are meant to check, so
one bug cannot hide itself in both.

Example:
    >>> assert_no_pii([{"event": "login", "user": "u-42"}])
    >>> [f.masked for f in find_pii("write to jane.doe@example.com")]
    ['ja***@***.com']

IP addresses: public IPv4 addresses and global IPv6 addresses (``2000::/3``) are reported
by default, because a client address is personal data. Loopback, private, link-local,
carrier-grade NAT, multicast and reserved ranges are not: they name machines, not people.
The documentation ranges (``192.0.2.0/24``, ``198.51.100.0/24``, ``203.0.113.0/24``,
``2001:db8::/32``) *are* reported, since tests use them to stand for client addresses. To
leave addresses out, pass ``detectors=[d for d in DEFAULT_DETECTORS if d.name not in
("ipv4", "ipv6")]``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import ipaddress
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import unquote, unquote_plus

from pytest_filagent_trace._spans.tree import PATH_SEPARATOR

__all__ = [
    "API_KEY",
    "BEARER_TOKEN",
    "CANADIAN_SIN",
    "CREDIT_CARD",
    "DEFAULT_DETECTORS",
    "EMAIL",
    "IBAN",
    "IPV4",
    "IPV6",
    "JWT",
    "PHONE",
    "SENSITIVE_KEY",
    "URL_CREDENTIALS",
    "CanaryDetector",
    "CardDetector",
    "Detector",
    "Finding",
    "IbanDetector",
    "PIIFound",
    "RegexDetector",
    "SensitiveKeyDetector",
    "SinDetector",
    "SpanRef",
    "assert_no_pii",
    "find_pii",
    "iban_checksum_valid",
    "is_masked",
    "is_sensitive_key",
    "luhn_valid",
    "mask_pii",
    "span_refs",
]

_MASK = "********"
_MAX_LISTED = 50
_MAX_JSON_IN_STRING = 1_000_000


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found by a detector.

    ``value`` holds the raw text so code can act on it, but it is left out of ``repr`` and
    ``str``: only ``masked`` is ever printed.

    Example:
        >>> finding = find_pii({"contact": "jane.doe@example.com"})[0]
        >>> str(finding)
        "$.contact: email 'ja***@***.com'"
    """

    detector: str
    masked: str
    where: str = ""
    value: str = field(default="", repr=False)
    start: int = field(default=0, repr=False, compare=False)
    end: int = field(default=0, repr=False, compare=False)

    def __str__(self) -> str:
        location = f"{self.where}: " if self.where else ""
        return f"{location}{self.detector} {self.masked!r}"


@runtime_checkable
class Detector(Protocol):
    """What ``find_pii`` needs from a detector: a name and a ``find`` method.

    A detector may also define ``find_field(key, value) -> list[Finding]`` to use the
    name of the field a value sits under (``password``, ``sin``); ``find_pii`` calls it
    for every scalar value held under a key.

    Example:
        >>> class EmployeeId:
        ...     name = "employee_id"
        ...     def find(self, text):
        ...         return [Finding(self.name, "EMP-******", value=m.group(), start=m.start(),
        ...                         end=m.end()) for m in re.finditer(r"EMP-\\d{6}", text)]
        >>> [f.masked for f in find_pii("by EMP-123456", detectors=[EmployeeId()])]
        ['EMP-******']
    """

    name: str

    def find(self, text: str) -> list[Finding]:
        """Every occurrence in ``text``, with ``start``/``end`` offsets and a masked form."""
        ...


class PIIFound(AssertionError):  # noqa: N818 - reads as the failure it reports
    """Raised by :func:`assert_no_pii`; ``findings`` holds what was found (masked in ``str``)."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)


# ----------------------------------------------------------------------------- helpers


def luhn_valid(digits: str) -> bool:
    """True when the string of digits passes the Luhn checksum (cards, Canadian SIN).

    Example:
        >>> luhn_valid("4242424242424242"), luhn_valid("4242424242424241")
        (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


_MASKED_WORDS = re.compile(r"(?i)redacted|filtered|masked|hidden|removed|scrubbed|\*\*\*")
_MASK_SHAPE = re.compile(r"[*\u2022xX#.\-_ ]+|<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}|\(?null\)?")
_HASHED = re.compile(r"(?i)(?:hmac[-_]?)?sha-?(?:256|512)[:=][0-9a-f+/=_-]{8,}")
_PLACEHOLDER_WORDS = frozenset({"none", "null", "nil", "true", "false", "undefined", "n/a"})


def is_masked(value: object) -> bool:
    """True when ``value`` is empty or already masked (``***``, ``[REDACTED]``, a hash).

    Used for sensitive keys: ``password="[REDACTED]"`` is fine, ``password="hunter2"`` is not.

    Example:
        >>> is_masked("[REDACTED]"), is_masked("****"), is_masked("hunter2")
        (True, True, False)
    """
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        # Small numbers under a sensitive key are flags and counts, not secrets; a PIN or
        # a numeric password has four digits or more.
        return abs(value) < 1000
    text = str(value).strip()
    if not text or text.lower() in _PLACEHOLDER_WORDS:
        return True
    if _MASK_SHAPE.fullmatch(text) or _HASHED.fullmatch(text):
        return True
    return _MASKED_WORDS.search(text) is not None


def _mask_keep(value: str, keep_start: int, keep_end: int) -> str:
    """Letters and digits become ``*`` except the first/last few; separators stay."""
    positions = [i for i, char in enumerate(value) if char.isalnum()]
    if len(positions) <= keep_start + keep_end + 3:
        # Too short to show anything without showing most of it.
        keep_start, keep_end = 0, min(keep_end, max(0, len(positions) - 6))
    keep = set(positions[:keep_start]) | set(positions[len(positions) - keep_end :])
    return "".join(
        char if (i in keep or not char.isalnum()) else "*" for i, char in enumerate(value)
    )


_DIGIT_PAIR = re.compile(r"\d\d")


def _mask_generic(value: str) -> str:
    return _mask_keep(value, 2, 2)


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    tld = domain.rsplit(".", 1)[-1]
    shown = local[:2] if len(local) > 3 else local[:1]
    return f"{shown}***@***.{tld}"


class RegexDetector:
    """A detector made of a regular expression, an optional check and a mask.

    ``validate`` receives the match (so it can look at the text around it); ``mask``
    receives the matched value and returns what failure messages show; ``requires`` is an
    optional quick regex that text must contain before the full pattern runs.

    Example:
        >>> ticket = RegexDetector("ticket", r"\\bTCK-\\d{6}\\b")
        >>> [f.masked for f in ticket.find("see TCK-123456")]
        ['TC*-****56']
    """

    def __init__(
        self,
        name: str,
        pattern: str | re.Pattern[str],
        *,
        validate: Callable[[re.Match[str]], bool] | None = None,
        mask: Callable[[str], str] = _mask_generic,
        requires: str | None = None,
    ) -> None:
        self.name = name
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._validate = validate
        self._mask = mask
        # A cheap test that rules most text out before the full pattern runs.
        self._requires = re.compile(requires) if requires else None

    def find(self, text: str) -> list[Finding]:
        """Every valid match in ``text``.

        Example:
            >>> [f.value for f in EMAIL.find("a b@c.io")]
            ['b@c.io']
        """
        if self._requires is not None and not self._requires.search(text):
            return []
        findings = []
        for match in self.pattern.finditer(text):
            if self._validate is not None and not self._validate(match):
                continue
            value = match.group(0)
            findings.append(
                Finding(
                    self.name,
                    self._mask(value),
                    value=value,
                    start=match.start(),
                    end=match.end(),
                )
            )
        return findings

    def __repr__(self) -> str:
        return f"RegexDetector({self.name!r})"


# ----------------------------------------------------------------------------- e-mail

EMAIL = RegexDetector(
    "email",
    re.compile(
        r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,63})?"
        r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
        r"(?![A-Za-z0-9\-])",
        re.ASCII,
    ),
    mask=_mask_email,
    requires="@",
)
"""E-mail addresses (``name@domain.tld``); shown as ``ja***@***.com``."""


# ----------------------------------------------------------------------------- phone

_NANP = (
    r"(?:\+?1[ .\-]?)?(?:\([2-9]\d{2}\)[ .\-]?|[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}"
    r"|\+1[ .\-]?[2-9]\d{2}[2-9]\d{6}"
)
_INTERNATIONAL = r"\+[1-9]\d{0,2}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}"


def _phone_valid(match: re.Match[str]) -> bool:
    value = match.group(0)
    digits = sum(char.isdigit() for char in value)
    if not value.startswith("+"):
        return digits in (10, 11)
    separated = any(char in " .-()" for char in value)
    # A compact "+" number must be long enough not to be a signed count ("+12345678").
    return (8 if separated else 10) <= digits <= 15


PHONE = RegexDetector(
    "phone",
    re.compile(
        rf"(?<![\w+.\-])(?:{_NANP}|{_INTERNATIONAL})(?![\w]|[.\-]\d)",
        re.ASCII,
    ),
    validate=_phone_valid,
    mask=lambda value: _mask_keep(value, 0, 2),
    requires=r"\d[ .\-)]?\d",
)
"""Phone numbers: international (``+33 1 23 45 67 89``, ``+442071838750``) and
North-American (``(514) 555-0199``, ``514-555-0199``, ``+1 514 555 0199``). Bare runs of
ten digits are not reported: they are far more often counters and timestamps."""


# ----------------------------------------------------------------------------- cards


def _card_brand_ok(digits: str) -> bool:
    length = len(digits)
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return length == 16
    if two in (34, 37):
        return length == 15
    if two in (36, 38, 39) or 300 <= three <= 305:
        return 14 <= length <= 19
    if 3528 <= four <= 3589 or two == 62 or four == 6011 or 644 <= three <= 649 or two == 65:
        return 16 <= length <= 19
    if two in (50, 56, 57, 58, 63, 67):
        return 13 <= length <= 19
    return False


class CardDetector:
    """Payment card numbers: 13-19 digits, compact or grouped by spaces or dashes,
    with a known brand prefix and a valid Luhn checksum; shown as ``**** **** **** 4242``.

    Example:
        >>> [f.masked for f in CREDIT_CARD.find("card 4242 4242 4242 4242 ok")]
        ['**** **** **** 4242']
    """

    name = "credit_card"
    _RUN = re.compile(r"(?<![\w.+\-])\d+(?:[ \-]\d+)*(?![\w]|[.\-]\d)", re.ASCII)
    _GROUP = re.compile(r"\d+")

    def find(self, text: str) -> list[Finding]:
        """Every card number in ``text``."""
        findings: list[Finding] = []
        if not _DIGIT_PAIR.search(text):
            return findings
        for run in self._RUN.finditer(text):
            groups = list(self._GROUP.finditer(run.group(0)))
            findings.extend(self._cards_in_run(run.start(), groups, text))
        return findings

    def _cards_in_run(
        self, offset: int, groups: list[re.Match[str]], text: str
    ) -> Iterator[Finding]:
        # A run like "2024-05-01 4242 4242 4242 4242" holds a card among other numbers:
        # try windows of consecutive groups, longest first, without overlaps.
        index = 0
        while index < len(groups):
            found = None
            for stop in range(len(groups), index, -1):
                window = groups[index:stop]
                digits = "".join(group.group(0) for group in window)
                if not 13 <= len(digits) <= 19:
                    continue
                if len(window) > 1 and any(not 3 <= len(g.group(0)) <= 6 for g in window):
                    continue
                if _card_brand_ok(digits) and luhn_valid(digits):
                    found = stop
                    break
            if found is None:
                index += 1
                continue
            start, end = offset + groups[index].start(), offset + groups[found - 1].end()
            value = text[start:end]
            yield Finding(self.name, _mask_keep(value, 0, 4), value=value, start=start, end=end)
            index = found

    def __repr__(self) -> str:
        return "CardDetector()"


CREDIT_CARD = CardDetector()


# ----------------------------------------------------------------------------- SIN


def _key_words(key: str) -> list[str]:
    """``"http.request.header.X-Api-Key"`` -> ``["http", ..., "x", "api", "key"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key)
    return [word for word in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if word]


class SinDetector:
    """Canadian Social Insurance Numbers: nine digits with a valid Luhn checksum.

    Grouped forms (``046 454 286``, ``046-454-286``) are reported anywhere; nine bare
    digits only next to a word that names them (``SIN``, ``NAS``, ``social insurance``) or
    under such a key (``{"sin": 46454286}``), since nine-digit numbers are common
    (durations in nanoseconds). Shown as ``*** *** 286``.

    Example:
        >>> [f.masked for f in CANADIAN_SIN.find("SIN: 046 454 286")]
        ['*** *** 286']
    """

    name = "sin"
    _PATTERN = re.compile(
        r"(?<![\w.+\-])(?<!\d[ \-])\d{3}(?P<sep>[ \-]?)\d{3}(?P=sep)\d{3}(?![\w]|[.\-]\d|[ \-]\d)",
        re.ASCII,
    )
    _CONTEXT = re.compile(
        r"(?i)\b(?:sin|nas|social[ _\-]?insurance|assurance[ _\-]sociale)\b", re.ASCII
    )
    _KEY_WORDS = frozenset({"sin", "nas", "social", "insurance"})

    def find(self, text: str) -> list[Finding]:
        """Every SIN in ``text``."""
        findings: list[Finding] = []
        if not _DIGIT_PAIR.search(text):
            return findings
        for match in self._PATTERN.finditer(text):
            value = match.group(0)
            if not self._valid(value):
                continue
            if not match.group("sep"):
                before = text[max(0, match.start() - 32) : match.start()]
                if not self._CONTEXT.search(before):
                    continue
            findings.append(self._finding(value, match.start(), match.end()))
        return findings

    def find_field(self, key: str, value: object) -> list[Finding]:
        """A bare nine-digit value under a key naming a SIN (``sin``, ``nas``)."""
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            return []
        if not self._KEY_WORDS.intersection(_key_words(key)):
            return []
        text = str(value).strip()
        if isinstance(value, int):
            text = text.zfill(9)
        if len(text) == 9 and self._valid(text):
            return [self._finding(text, 0, len(text))]
        return []

    @staticmethod
    def _valid(value: str) -> bool:
        digits = re.sub(r"\D", "", value)
        # Real SINs never start with 8; 0 is kept because "046 454 286" is the usual
        # test number.
        return len(digits) == 9 and digits[0] != "8" and luhn_valid(digits)

    def _finding(self, value: str, start: int, end: int) -> Finding:
        return Finding(self.name, _mask_keep(value, 0, 3), value=value, start=start, end=end)

    def __repr__(self) -> str:
        return "SinDetector()"


CANADIAN_SIN = SinDetector()


# ----------------------------------------------------------------------------- IBAN

_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def iban_checksum_valid(iban: str) -> bool:
    """True when the compact IBAN passes the ISO 13616 mod-97 check.

    Example:
        >>> iban_checksum_valid("DE89370400440532013000")
        True
    """
    rearranged = (iban[4:] + iban[:4]).upper()
    if not rearranged.isalnum():
        return False
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


class IbanDetector:
    """IBANs with the length of their country and a valid mod-97 checksum, compact
    (``DE89370400440532013000``) or grouped by four; shown as ``DE** **** … **30 00``.

    Compact IBANs must be upper case: lower-case compact strings are far more often
    hexadecimal identifiers.

    Example:
        >>> [f.masked for f in IBAN.find("IBAN DE89 3704 0044 0532 0130 00.")]
        ['DE** **** **** **** **30 00']
    """

    name = "iban"
    _START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})", re.ASCII)

    def find(self, text: str) -> list[Finding]:
        """Every IBAN in ``text``."""
        findings: list[Finding] = []
        if not _DIGIT_PAIR.search(text):
            return findings
        position = 0
        while True:
            match = self._START.search(text, position)
            if match is None:
                return findings
            found = self._read(text, match)
            if found is None:
                position = match.start() + 1
                continue
            findings.append(found)
            position = found.end

    def _read(self, text: str, match: re.Match[str]) -> Finding | None:
        length = _IBAN_LENGTHS.get(match.group(1).upper())
        if length is None:
            return None
        chars = [*match.group(1), *match.group(2)]
        index = match.end()
        while len(chars) < length and index < len(text):
            char = text[index]
            if char == " " and text[index - 1] != " " and text[index + 1 : index + 2].isalnum():
                index += 1
                continue
            if not (char.isascii() and char.isalnum()):
                break
            chars.append(char)
            index += 1
        if len(chars) != length or (index < len(text) and text[index].isalnum()):
            return None
        compact = "".join(chars)
        grouped = " " in text[match.start() : index]
        if not grouped and compact != compact.upper():
            return None
        if not iban_checksum_valid(compact):
            return None
        value = text[match.start() : index]
        return Finding(
            self.name, _mask_keep(value, 2, 4), value=value, start=match.start(), end=index
        )

    def __repr__(self) -> str:
        return "IbanDetector()"


IBAN = IbanDetector()


# ----------------------------------------------------------------------------- IP

_IPV4_NOT_PERSONAL = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
_VERSION_CONTEXT = re.compile(r"(?i)(?:version|ver|release|build)[ \t=:]{0,2}v?$")


def _ipv4_valid(match: re.Match[str]) -> bool:
    octets = match.group(0).split(".")
    if any(len(octet) > 1 and octet.startswith("0") for octet in octets):
        return False
    if any(int(octet) > 255 for octet in octets):
        return False
    address = ipaddress.IPv4Address(match.group(0))
    if any(address in network for network in _IPV4_NOT_PERSONAL):
        return False
    before = match.string[max(0, match.start() - 12) : match.start()]
    return _VERSION_CONTEXT.search(before) is None


IPV4 = RegexDetector(
    "ipv4",
    re.compile(r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)", re.ASCII),
    validate=_ipv4_valid,
    mask=lambda value: value.split(".", 1)[0] + ".*.*.*",
    requires=r"\d\.\d",
)
"""Public IPv4 addresses (see the module documentation for the ranges left out)."""

_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")


def _ipv6_valid(match: re.Match[str]) -> bool:
    try:
        address = ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return False
    return address in _GLOBAL_UNICAST


IPV6 = RegexDetector(
    "ipv6",
    re.compile(
        r"(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}"
        r"(?:\.\d{1,3}){0,3}(?![\w:]|\.\d)",
        re.ASCII,
    ),
    validate=_ipv6_valid,
    mask=lambda value: value.split(":", 1)[0] + ":****",
    requires=":",
)
"""Global unicast IPv6 addresses (``2000::/3``)."""


# ----------------------------------------------------------------------------- tokens


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
    mask=lambda value: value.split(None, 1)[0] + " " + _MASK,
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
    mask=lambda value: (m.group(0) if (m := _API_KEY_PREFIX.match(value)) else "") + _MASK,
    requires=r"sk[-_]|rk_|A[KSGIR][IP]A|gh[pousr]_|github_pat_|xox|AIza|glpat-",
)
"""API keys of well-known shapes: OpenAI/Stripe ``sk-``/``sk_live_``, AWS ``AKIA…``,
GitHub ``ghp_…``/``github_pat_…``, Slack ``xox…``, Google ``AIza…``, GitLab ``glpat-…``."""


# ----------------------------------------------------------------------------- sensitive keys

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
    words = _key_words(key)
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

    def find(self, text: str) -> list[Finding]:
        """Every ``key=value`` pair in ``text`` with a sensitive key and a clear value."""
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
                    f"{key}={_MASK}",
                    value=value,
                    start=match.start(group),
                    end=match.end(group),
                )
            )
        return findings

    def find_field(self, key: str, value: object) -> list[Finding]:
        """The value itself when ``key`` is sensitive and the value is not masked."""
        if isinstance(value, (Mapping, list, tuple)) or not is_sensitive_key(key):
            return []
        if isinstance(value, str):
            if is_masked(_credential(value)):
                return []
        elif is_masked(value):
            return []
        text = str(value)
        return [Finding(self.name, _MASK, value=text, start=0, end=len(text))]

    def __repr__(self) -> str:
        return "SensitiveKeyDetector()"


SENSITIVE_KEY = SensitiveKeyDetector()


# ----------------------------------------------------------------------------- canaries

_DIGIT_RUN = re.compile(r"\+?\d[\d \t.\-()/]*\d")


class CanaryDetector:
    """Exact values planted by a test (``canaries=``), found case-insensitively, with
    any spacing or punctuation between their parts, and for numbers also when written
    with other separators or without the country code (``+1 514-555-0199`` is found in
    ``5145550199``).

    Example:
        >>> detector = CanaryDetector(["4111 1111 1111 1111"])
        >>> [f.masked for f in detector.find("card=4111-1111-1111-1111")]
        ['41**-****-****-**11']
    """

    name = "canary"

    def __init__(self, canaries: Iterable[str]) -> None:
        self.canaries = tuple(str(canary) for canary in canaries)
        for canary in self.canaries:
            if len(canary.strip()) < 4 or sum(char.isalnum() for char in canary) < 3:
                raise ValueError(
                    f"canary {canary!r} is too short to be found reliably: "
                    "use a value of at least 4 characters, 3 of them letters or digits"
                )
        self._patterns = [self._pattern(canary) for canary in self.canaries]
        self._digits = [self._digit_forms(canary) for canary in self.canaries]

    @staticmethod
    def _pattern(canary: str) -> re.Pattern[str]:
        parts = [part for part in re.split(r"[\s.\-()/_]+", canary.strip()) if part]
        return re.compile(r"[\s.\-()/_]*".join(map(re.escape, parts)), re.IGNORECASE)

    @staticmethod
    def _digit_forms(canary: str) -> tuple[str, ...]:
        digits = re.sub(r"\D", "", canary)
        alnum = sum(char.isalnum() for char in canary)
        if len(digits) < 7 or len(digits) < 0.6 * alnum:
            return ()
        forms = [digits]
        if len(digits) == 11 and digits.startswith("1"):
            forms.append(digits[1:])
        return tuple(forms)

    def find(self, text: str) -> list[Finding]:
        """Every occurrence of a canary in ``text``."""
        findings: list[Finding] = []
        for pattern in self._patterns:
            findings.extend(
                Finding(
                    self.name,
                    _mask_generic(match.group(0)),
                    value=match.group(0),
                    start=match.start(),
                    end=match.end(),
                )
                for match in pattern.finditer(text)
            )
        if any(self._digits):
            covered = [(f.start, f.end) for f in findings]
            for run in _DIGIT_RUN.finditer(text):
                if any(start <= run.start() < end for start, end in covered):
                    continue
                digits = re.sub(r"\D", "", run.group(0))
                if any(form in digits for forms in self._digits for form in forms):
                    value = run.group(0)
                    findings.append(
                        Finding(
                            self.name,
                            _mask_generic(value),
                            value=value,
                            start=run.start(),
                            end=run.end(),
                        )
                    )
        return findings

    def __repr__(self) -> str:
        return f"CanaryDetector({len(self.canaries)} canaries)"


def _url_credentials_valid(match: re.Match[str]) -> bool:
    return not is_masked(match.group("password"))


URL_CREDENTIALS = RegexDetector(
    "url_credentials",
    re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@\[\]]*:(?P<password>[^/\s@]+)@", re.ASCII),
    validate=_url_credentials_valid,
    mask=lambda value: value.split("://", 1)[0] + f"://***:{_MASK}@",
    requires="://",
)
"""A password written into a URL: ``https://user:password@host``."""


DEFAULT_DETECTORS: tuple[Detector, ...] = (
    EMAIL,
    PHONE,
    CREDIT_CARD,
    CANADIAN_SIN,
    IBAN,
    IPV4,
    IPV6,
    JWT,
    BEARER_TOKEN,
    API_KEY,
    URL_CREDENTIALS,
    SENSITIVE_KEY,
)
"""The detectors ``find_pii`` runs when ``detectors`` is not given, in this order."""


# ----------------------------------------------------------------------------- scanning

# Shapes that look like numbers a detector might take for personal data but are trace
# plumbing: W3C traceparent headers, UUIDs, and ids written next to their key.
_SAFE_SHAPES = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z\-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}"
    r"-[0-9A-Fa-f]{12}(?![0-9A-Za-z\-])"
    r"|(?i:(?:trace|span|parent)[_.\- ]?id)[\"']?[ \t]*[:=][ \t]*[\"']?(?:0x)?"
    r"[0-9A-Fa-f]{16,32}(?![0-9A-Za-z])",
    re.ASCII,
)
_ID_VALUE = re.compile(
    r"(?:0x)?[0-9A-Fa-f]{16}|(?:0x)?[0-9A-Fa-f]{32}|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"
)
_ID_KEYS = ("traceid", "spanid", "parentid", "parentspanid", "traceparent")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_id_key(key: str) -> bool:
    compact = "".join(_key_words(key))
    return compact.endswith(_ID_KEYS)


def _blank_safe_shapes(text: str) -> str:
    if "-" not in text and "id" not in text.lower():
        return text
    return _SAFE_SHAPES.sub(lambda match: " " * len(match.group(0)), text)


# A run of URL-ish text holding at least one percent-escape.
_ENCODED_RUN = re.compile(r"[^\s\"'<>]*%[0-9A-Fa-f]{2}[^\s\"'<>]*")


def _decoded_variants(text: str) -> list[str]:
    variants = []
    if _PERCENT.search(text):
        variants.append(unquote(text))
    if "+" in text and ("=" in text or "?" in text or "%" in text):
        variants.append(unquote_plus(text))
    return [variant for variant in dict.fromkeys(variants) if variant != text]


def _child(where: str, key: object) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    text = str(key)
    return f"{where}.{text}" if _IDENTIFIER.fullmatch(text) else f"{where}[{json.dumps(text)}]"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _hex_id(value: object, width: int) -> str:
    if isinstance(value, int):
        return format(value, f"0{width}x")
    return str(value)


def _is_span(obj: object) -> bool:
    return (
        hasattr(obj, "name")
        and hasattr(obj, "attributes")
        and hasattr(obj, "events")
        and (hasattr(obj, "context") or hasattr(obj, "span_id"))
    )


@dataclass
class _SpanFacts:
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str | None


def _span_facts(span: Any) -> _SpanFacts:
    context = getattr(span, "context", None)
    if context is not None and hasattr(context, "span_id"):
        parent = getattr(span, "parent", None)
        return _SpanFacts(
            name=str(span.name),
            trace_id=_hex_id(context.trace_id, 32),
            span_id=_hex_id(context.span_id, 16),
            parent_span_id=_hex_id(parent.span_id, 16) if parent is not None else None,
        )
    parent_id = getattr(span, "parent_span_id", None)
    return _SpanFacts(
        name=str(span.name),
        trace_id=_hex_id(getattr(span, "trace_id", ""), 32),
        span_id=_hex_id(getattr(span, "span_id", ""), 16),
        parent_span_id=_hex_id(parent_id, 16) if parent_id is not None else None,
    )


@dataclass(frozen=True)
class SpanRef:
    """Where a span sits: its ids and its path from the root of its trace."""

    trace_id: str
    span_id: str
    path: str


def span_refs(spans: Sequence[Any]) -> list[SpanRef]:
    """The ids and path (``POST /chat › agent.route``) of each of the given spans.

    Works for OpenTelemetry ``ReadableSpan`` objects and span nodes alike; a span whose
    parent is not among ``spans`` starts its own path.

    Example:
        >>> [ref.path for ref in span_refs(capture.spans)]  # doctest: +SKIP
        ['POST /chat', 'POST /chat › agent.route']
    """
    facts = [_span_facts(span) for span in spans]
    by_id = {(fact.trace_id, fact.span_id): fact for fact in facts}
    refs = []
    for fact in facts:
        names, seen, current = [fact.name], {fact.span_id}, fact
        while current.parent_span_id is not None:
            parent = by_id.get((current.trace_id, current.parent_span_id))
            if parent is None or parent.span_id in seen:
                break
            names.append(parent.name)
            seen.add(parent.span_id)
            current = parent
        refs.append(SpanRef(fact.trace_id, fact.span_id, PATH_SEPARATOR.join(reversed(names))))
    return refs


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


@dataclass
class _Counts:
    spans: int = 0
    logs: int = 0
    records: int = 0
    texts: int = 0

    def describe(self) -> str:
        parts = [
            _plural(count, noun)
            for count, noun in (
                (self.spans, "span"),
                (self.logs, "log record"),
                (self.records, "record"),
                (self.texts, "text line"),
            )
            if count
        ]
        return (
            ", ".join(parts[:-1]) + " and " + parts[-1]
            if len(parts) > 1
            else (parts[0] if parts else "nothing")
        )


AllowItem = str | re.Pattern[str] | Callable[[Finding], bool]


class _Scanner:
    def __init__(
        self,
        detectors: Sequence[Detector],
        canary: CanaryDetector | None,
        allow: Sequence[AllowItem],
    ) -> None:
        self.detectors = list(detectors)
        self.field_detectors = [
            (detector, finder)
            for detector in self.detectors
            if callable(finder := getattr(detector, "find_field", None))
        ]
        self.canary = canary
        self.allow = allow
        self.findings: list[Finding] = []
        self.counts = _Counts()
        self._seen: set[tuple[str, str, str]] = set()
        self._labels: dict[str, str] = {}
        self._resources: set[str] = set()

    # -- findings

    def _allowed(self, finding: Finding) -> bool:
        for item in self.allow:
            if isinstance(item, str):
                if item.strip().casefold() == finding.value.strip().casefold():
                    return True
            elif isinstance(item, re.Pattern):
                if item.search(finding.value):
                    return True
            elif item(finding):
                return True
        return False

    def _add(self, finding: Finding) -> None:
        key = (finding.where, finding.detector, finding.value)
        if key in self._seen or self._allowed(finding):
            return
        self._seen.add(key)
        self.findings.append(finding)

    def label(self, text: str) -> str:
        """``text`` with any personal data in it masked, for use in a location."""
        cached = self._labels.get(text)
        if cached is None:
            cached = self._labels[text] = _mask_text(text, self.detectors, self.canary)
        return cached

    # -- text

    def text(
        self,
        text: str,
        where: str,
        *,
        only_canaries: bool = False,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        if only_canaries:
            self._run(text, where, (), canaries=True)
            return
        detectors = [d for d in self.detectors if d.name not in skip] if skip else self.detectors
        self._run(text, where, detectors, canaries=True)
        for variant in _decoded_variants(text):
            before = len(self.findings)
            self._run(variant, where, detectors, canaries=True)
            # Keep only what exists in encoded form alone.
            self.findings[before:] = [f for f in self.findings[before:] if f.value not in text]

    def _run(self, text: str, where: str, detectors: Iterable[Detector], *, canaries: bool) -> None:
        blanked = _blank_safe_shapes(text)
        for detector in detectors:
            for finding in detector.find(blanked):
                self._add(replace(finding, where=where))
        if canaries and self.canary is not None:
            for finding in self.canary.find(text):
                self._add(replace(finding, where=where))

    # -- values

    def value(self, value: object, where: str, key: str | None) -> None:
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, Mapping):
            self.mapping(value, where, None)
            return
        if isinstance(value, (list, tuple, set, frozenset)):
            for index, item in enumerate(value):
                # Items of a list under "cookie" are cookies: they inherit its key.
                self.value(item, _child(where, index), key)
            return
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        reported: set[str] = set()
        if key is not None:
            for detector, finder in self.field_detectors:
                for finding in finder(key, value):
                    reported.add(detector.name)
                    self._add(replace(finding, detector=detector.name, where=where))
        # A detector that reported the whole value need not report parts of it again.
        skip = frozenset(reported)
        if isinstance(value, (int, float)):
            self.text(str(value), where, skip=skip)
        else:
            self._string(value if isinstance(value, str) else str(value), where, key, skip)

    def _string(
        self, text: str, where: str, key: str | None, skip: frozenset[str] = frozenset()
    ) -> None:
        stripped = text.strip()
        if stripped[:1] in ("{", "[") and len(stripped) < _MAX_JSON_IN_STRING:
            try:
                parsed = json.loads(stripped)
            except ValueError:
                parsed = None
            if isinstance(parsed, (dict, list)):
                self.value(parsed, where, key)
                return
        id_like = key is not None and _is_id_key(key) and _ID_VALUE.fullmatch(stripped)
        self.text(text, where, only_canaries=bool(id_like), skip=skip)

    def mapping(self, mapping: Mapping[Any, Any], where: str, kind: str | None) -> None:
        for raw_key, item in mapping.items():
            key = str(raw_key)
            child = f"{where}, {kind} {self.label(key)}" if kind else _child(where, self.label(key))
            self.text(key, f"{child} (the key itself)")
            self.value(item, child, key)

    # -- spans

    def spans(self, spans: Sequence[Any]) -> None:
        for span, ref in zip(spans, span_refs(spans), strict=True):
            self.span(span, f"span {self.label(ref.path)}")

    def span(self, span: Any, where: str) -> None:
        self.counts.spans += 1
        self.text(str(span.name), f"{where}, name")
        self.mapping(dict(span.attributes or {}), where, "attribute")
        for index, event in enumerate(span.events or ()):
            event_where = f"{where}, event {index} {self.label(str(event.name))!r}"
            self.text(str(event.name), f"{event_where} name")
            self.mapping(dict(event.attributes or {}), event_where, "attribute")
        for index, link in enumerate(getattr(span, "links", None) or ()):
            self.mapping(dict(link.attributes or {}), f"{where}, link {index}", "attribute")
        status = getattr(span, "status", None)
        description = getattr(span, "status_description", None) or getattr(
            status, "description", None
        )
        if description:
            self.text(str(description), f"{where}, status description")
        resource = getattr(span, "resource", None)
        attributes = getattr(resource, "attributes", resource)
        if isinstance(attributes, Mapping) and attributes:
            identity = repr(sorted(attributes.items(), key=lambda item: str(item[0])))
            if identity not in self._resources:
                self._resources.add(identity)
                self.mapping(dict(attributes), f"resource of {where}", "attribute")

    # -- records

    def record(self, record: Mapping[str, Any], where: str) -> None:
        if where.startswith("log "):
            self.counts.logs += 1
        else:
            self.counts.records += 1
        self.mapping(record, where, "field")

    def records(self, records: Iterable[Any], name: str = "record") -> None:
        for index, record in enumerate(records):
            if isinstance(record, Mapping):
                self.record(record, self.record_label(record, index, name))
            elif isinstance(record, str):
                self.counts.texts += 1
                self.text(record, f"{name} {index}")
            else:
                self.source(record, f"{name} {index}")

    def record_label(self, record: Mapping[str, Any], index: int, name: str) -> str:
        line = getattr(record, "line", None)
        if isinstance(line, int):
            base = f"log line {line}"
        elif getattr(record, "source", None) is not None:
            base = f"log record {index}"
        else:
            base = f"{name} {index}"
        event = next(
            (record[k] for k in ("event", "message", "msg") if isinstance(record.get(k), str)),
            None,
        )
        return f"{base} (event {_short(self.label(event), 40)!r})" if event else base

    def lines(self, text: str, name: str) -> None:
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            parsed: object = None
            if stripped.startswith("{"):
                try:
                    parsed = json.loads(stripped)
                except ValueError:
                    parsed = None
            if isinstance(parsed, dict):
                self.record(parsed, self.record_label(parsed, number, name))
            else:
                self.counts.texts += 1
                self.text(line, f"{name} {number}")

    # -- dispatch

    def source(self, source: object, where: str = "$") -> None:
        if source is None:
            return
        if isinstance(source, os.PathLike):
            path = Path(source)
            self.lines(path.read_text(encoding="utf-8", errors="replace"), f"{path.name} line")
        elif isinstance(source, str):
            if "\n" not in source and len(source) < 4096 and _looks_like_file(source):
                self.source(Path(source), where)
            else:
                self.lines(source, "line")
        elif isinstance(source, bytes):
            self.lines(source.decode("utf-8", errors="replace"), "line")
        elif _is_span(source):
            self.spans([source])
        elif isinstance(source, Mapping):
            self.counts.records += 1
            self.mapping(source, where, None)
        elif hasattr(source, "spans") and not isinstance(source, (list, tuple)):
            # The SDK's own spans also hold links, which span nodes leave out.
            raw = getattr(source, "raw_spans", None)
            self.spans(list(raw if raw is not None else source.spans))
            logs = getattr(source, "logs", None)
            if logs is not None:
                self.records(getattr(logs, "records", logs), "log record")
        elif hasattr(source, "records") and not isinstance(source, (list, tuple)):
            self.records(list(source.records), "log record")
        elif hasattr(source, "walk") and hasattr(source, "roots"):
            self.spans(list(source.walk()))
        elif dataclasses.is_dataclass(source) and not isinstance(source, type):
            self.source(dataclasses.asdict(source), where)
        elif callable(dump := getattr(source, "model_dump", None)):
            self.source(dump(mode="json"), where)
        elif isinstance(source, Iterable):
            self._iterable(list(source), where)
        else:
            self.counts.texts += 1
            self.text(str(source), where)

    def _iterable(self, items: list[Any], where: str) -> None:
        spans = [item for item in items if _is_span(item)]
        if spans:
            self.spans(spans)
        rest = [item for item in items if not _is_span(item)]
        if all(isinstance(item, (Mapping, str)) for item in rest):
            self.records(rest)
            return
        for index, item in enumerate(rest):
            self.source(item, _child(where, index))


def _looks_like_file(text: str) -> bool:
    return text.endswith((".jsonl", ".json", ".log", ".ndjson", ".txt")) and os.path.isfile(text)


def _resolve_detectors(detectors: Iterable[Detector | str] | None) -> list[Detector]:
    if detectors is None:
        return list(DEFAULT_DETECTORS)
    by_name = {detector.name: detector for detector in DEFAULT_DETECTORS}
    resolved: list[Detector] = []
    for detector in detectors:
        if isinstance(detector, str):
            if detector not in by_name:
                raise ValueError(
                    f"unknown detector {detector!r}: expected one of {', '.join(by_name)} "
                    "or a detector object"
                )
            resolved.append(by_name[detector])
        elif isinstance(getattr(detector, "name", None), str) and callable(
            getattr(detector, "find", None)
        ):
            resolved.append(detector)
        else:
            raise TypeError(
                f"detector {detector!r} has no name and find(text) method; "
                "expected a detector object or a detector name"
            )
    return resolved


def mask_pii(
    text: str,
    *,
    detectors: Iterable[Detector | str] | None = None,
    canaries: Iterable[str] = (),
) -> str:
    """``text`` with every finding replaced by its masked form.

    Example:
        >>> mask_pii("GET /users/jane.doe@example.com")
        'GET /users/ja***@***.com'
        >>> mask_pii("GET /search?q=jane.doe%40example.com&limit=5")
        'GET /search?q=ja***@***.com&limit=5'
    """
    canary_list = [canaries] if isinstance(canaries, str) else list(canaries)
    canary = CanaryDetector(canary_list) if canary_list else None
    return _mask_text(text, _resolve_detectors(detectors), canary)


def _mask_text(text: str, detectors: Sequence[Detector], canary: CanaryDetector | None) -> str:
    masked = _mask_plain(text, detectors, canary)
    if "%" not in masked:
        return masked

    def decoded_and_masked(run: re.Match[str]) -> str:
        # Findings are also looked for behind percent-encoding, so masking must look there
        # too: a run whose decoded form holds a finding is shown decoded and masked.
        encoded = run.group()
        for variant in _decoded_variants(encoded):
            masked_variant = _mask_plain(variant, detectors, canary)
            if masked_variant != variant:
                return masked_variant
        return encoded

    return _ENCODED_RUN.sub(decoded_and_masked, masked)


def _mask_plain(text: str, detectors: Sequence[Detector], canary: CanaryDetector | None) -> str:
    blanked = _blank_safe_shapes(text)
    spans = [finding for detector in detectors for finding in detector.find(blanked)]
    if canary is not None:
        spans.extend(canary.find(text))
    result, cursor = [], 0
    for finding in sorted(spans, key=lambda f: (f.start, -f.end)):
        if finding.start < cursor:
            continue
        result.append(text[cursor : finding.start])
        # A sensitive-key finding covers the value only; its masked form ("key=****")
        # names the key for messages, which the text around it already holds.
        result.append(_MASK if finding.detector == SENSITIVE_KEY.name else finding.masked)
        cursor = finding.end
    result.append(text[cursor:])
    return "".join(result)


def find_pii(
    source: object,
    *,
    detectors: Iterable[Detector | str] | None = None,
    canaries: Iterable[str] = (),
    allow: Iterable[AllowItem] = (),
) -> list[Finding]:
    """Every piece of personal data in ``source``, with where it was found.

    ``source`` may be a trace capture (anything with ``.spans`` and optionally ``.logs``),
    OpenTelemetry spans, span nodes or trees, a log capture, a list of log or decision
    records (dicts), a path to a JSON-lines file, text (JSON lines are read as records),
    or any nested JSON-like data. ``detectors`` replaces the default set (objects, or
    names of default detectors); ``canaries`` adds exact values to look for; ``allow``
    drops findings whose value equals a string (case-insensitive), matches a compiled
    regex, or satisfies a predicate over the :class:`Finding`.

    Example:
        >>> [str(f) for f in find_pii([{"event": "signup", "phone": "+1 514 555 0199"}])]
        ["record 0 (event 'signup'), field phone: phone '+* *** *** **99'"]
    """
    scanner = _scan(source, detectors, canaries, allow)
    return scanner.findings


def _scan(
    source: object,
    detectors: Iterable[Detector | str] | None,
    canaries: Iterable[str],
    allow: Iterable[AllowItem],
) -> _Scanner:
    canary_list = [canaries] if isinstance(canaries, str) else list(canaries)
    scanner = _Scanner(
        _resolve_detectors(detectors),
        CanaryDetector(canary_list) if canary_list else None,
        [allow] if isinstance(allow, (str, re.Pattern)) else list(allow),
    )
    scanner.source(source)
    return scanner


def assert_no_pii(
    source: object,
    *,
    detectors: Iterable[Detector | str] | None = None,
    canaries: Iterable[str] = (),
    allow: Iterable[AllowItem] = (),
) -> None:
    """Fail with :class:`PIIFound` when ``source`` holds personal data.

    Takes the same arguments as :func:`find_pii`. The failure lists each finding with
    its location, its detector and the value masked; the raw value is never printed.

    Example:
        >>> assert_no_pii(trace_capture, canaries=["canary.user@example.com"])  # doctest: +SKIP
        >>> try:
        ...     assert_no_pii({"note": "mail me at jane.doe@example.com"})
        ... except PIIFound as failure:
        ...     for line in str(failure).splitlines()[:2]:
        ...         print(line)
        personal data found: 1 finding in 1 record scanned
          $.note: email 'ja***@***.com'
    """
    __tracebackhide__ = True
    scanner = _scan(source, detectors, canaries, allow)
    if scanner.findings:
        raise PIIFound(_failure_message(scanner), scanner.findings)


def _failure_message(scanner: _Scanner) -> str:
    findings = scanner.findings
    count = len(findings)
    lines = [
        f"personal data found: {count} finding{'s' * (count != 1)} in "
        f"{scanner.counts.describe()} scanned"
    ]
    lines.extend(f"  {finding}" for finding in findings[:_MAX_LISTED])
    if count > _MAX_LISTED:
        lines.append(f"  \u2026 and {count - _MAX_LISTED} more")
    names = ", ".join(detector.name for detector in scanner.detectors)
    if scanner.canary is not None:
        names += f", canary ({_plural(len(scanner.canary.canaries), 'value')})"
    lines.append(f"Detectors: {names}. Values are masked.")
    lines.append(
        "Redact these values before they leave the process, or accept a known value "
        "with allow=[value, re.compile(...), or a predicate over the Finding]."
    )
    return "\n".join(lines)
