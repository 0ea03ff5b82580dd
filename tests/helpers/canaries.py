"""Hypothesis strategies of personal data ("canaries") for the redactor's property tests.

A :class:`Canary` is text carrying personal data (an e-mail, a card number, ...), the
part of it that must disappear, and the kind of mask it must become. The strategies
build valid data (checksums included), so the detectors have to find it; ``FILLER`` and
``SEPARATORS`` are the arbitrary text the tests put around it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import string
from dataclasses import dataclass

from hypothesis import assume
from hypothesis import strategies as st
from pydantic import SecretStr

from filagent.telemetry.privacy import PrivacyConfig, Redactor
from filagent.telemetry.privacy.checksums import luhn_valid

REDACTOR = Redactor(
    PrivacyConfig(user_id_hmac_secret=SecretStr("property-secret-0123456789")), env={}
)


@dataclass(frozen=True)
class Canary:
    """Text carrying personal data, the part that must disappear, and its kind."""

    kind: str
    text: str
    secret: str


# --- canary generators ----------------------------------------------------------------------

DIGITS = "0123456789"
ALNUM_UPPER = string.ascii_uppercase + DIGITS


def digits(count: int) -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=count, max_size=count)


def luhn_complete(body: str) -> str:
    """``body`` plus the check digit that makes it pass Luhn."""
    for check in DIGITS:
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable: one of ten check digits always fits")


@st.composite
def emails(draw: st.DrawFn) -> Canary:
    local = draw(st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,15}[a-z0-9])?", fullmatch=True))
    assume(".." not in local)
    labels = draw(
        st.lists(st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True), min_size=1, max_size=3)
    )
    tld = draw(st.from_regex(r"[a-z]{2,6}", fullmatch=True))
    address = f"{local}@{'.'.join(labels)}.{tld}"
    return Canary("email", address, address)


@st.composite
def phones(draw: st.DrawFn) -> Canary:
    area, exchange, line = draw(digits(3)), draw(digits(3)), draw(digits(4))
    template = draw(
        st.sampled_from(
            ["+1 {a} {e} {l}", "({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "+1-{a}-{e}-{l}"]
        )
    )
    number = template.format(a=area, e=exchange, l=line)
    return Canary("phone", number, number)


@st.composite
def cards(draw: st.DrawFn) -> Canary:
    prefix = draw(st.sampled_from(["4", "51", "55", "2221", "6011", "65", "4000"]))
    number = luhn_complete(prefix + draw(digits(15 - len(prefix))))
    style = draw(st.sampled_from(["plain", "spaces", "dashes"]))
    if style != "plain":
        separator = " " if style == "spaces" else "-"
        number = separator.join(number[i : i + 4] for i in range(0, 16, 4))
    return Canary("credit_card", number, number)


@st.composite
def sins(draw: st.DrawFn) -> Canary:
    number = luhn_complete(draw(st.sampled_from("1234567")) + draw(digits(7)))
    separator = draw(st.sampled_from([" ", "-"]))
    formatted = separator.join(number[i : i + 3] for i in range(0, 9, 3))
    return Canary("sin", formatted, formatted)


@st.composite
def labelled_sins(draw: st.DrawFn) -> Canary:
    number = luhn_complete(draw(st.sampled_from("1234567")) + draw(digits(7)))
    label = draw(st.sampled_from(["SIN", "SIN:", "my SIN is", "NAS", "social insurance number"]))
    return Canary("sin", f"{label} {number}", number)


@st.composite
def ibans(draw: st.DrawFn) -> Canary:
    country = draw(st.sampled_from(["GB", "DE", "FR", "BE", "NL", "ES", "CH"]))
    bban = draw(st.text(ALNUM_UPPER, min_size=11, max_size=24))
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(char, 36)) for char in rearranged)) % 97
    compact = f"{country}{check:02d}{bban}"
    spaced = draw(st.booleans())
    iban = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if spaced else compact
    return Canary("iban", iban, iban)


@st.composite
def ipv4s(draw: st.DrawFn) -> Canary:
    address = ipaddress.IPv4Address(draw(st.integers(0, 2**32 - 1)))
    assume(not (address.is_loopback or address.is_unspecified))
    return Canary("ipv4", str(address), str(address))


@st.composite
def ipv6s(draw: st.DrawFn) -> Canary:
    address = ipaddress.IPv6Address(draw(st.integers(0, 2**128 - 1)))
    assume(not (address.is_loopback or address.is_unspecified))
    text = str(address) if draw(st.booleans()) else address.exploded
    # Compressed forms like "1::" or "::5" are short: embed them in brackets, as in URLs.
    return Canary("ipv6", f"[{text}]", text)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@st.composite
def jwts(draw: st.DrawFn) -> Canary:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": draw(st.text(string.ascii_letters, min_size=1, max_size=12))}
    payload = b64url(json.dumps(claims).encode())
    signature = b64url(draw(st.binary(min_size=16, max_size=32)))
    token = f"{header}.{payload}.{signature}"
    return Canary("jwt", token, token)


TOKEN_ALPHABET = string.ascii_letters + DIGITS + "._~+/-"


@st.composite
def bearers(draw: st.DrawFn) -> Canary:
    token = draw(st.text(TOKEN_ALPHABET, min_size=12, max_size=40)) + draw(digits(2))
    scheme = draw(st.sampled_from(["Bearer", "bearer", "BEARER"]))
    return Canary("bearer", f"{scheme} {token}", token)


@st.composite
def api_keys(draw: st.DrawFn) -> Canary:
    body = draw(st.text(string.ascii_letters + DIGITS, min_size=36, max_size=40))
    key = draw(
        st.sampled_from(
            [
                f"sk-{body[:30]}7",
                f"sk-proj-{body[:30]}7",
                "AKIA" + "".join(ch for ch in body.upper() if ch in ALNUM_UPPER)[:15] + "7",
                f"ghp_{body[:36]}",
            ]
        )
    )
    assume(not key.startswith("AKIA") or len(key) == 20)
    return Canary("api_key", key, key)


SECRET_ALPHABET = string.ascii_letters + DIGITS + "!#$%*+-./:<=>?@^_~"


@st.composite
def passwords(draw: st.DrawFn) -> Canary:
    key = draw(st.sampled_from(["password", "Password", "passwd", "api_key", "x-api-key", "token"]))
    separator = draw(st.sampled_from(["=", ": ", ":", " = "]))
    value = draw(st.text(SECRET_ALPHABET, min_size=6, max_size=24))
    assume(not value.startswith(("[", "'", '"')))
    return Canary("secret", f"{key}{separator}{value}", value)


CANARIES = st.one_of(
    emails(),
    phones(),
    cards(),
    sins(),
    labelled_sins(),
    ibans(),
    ipv4s(),
    ipv6s(),
    jwts(),
    bearers(),
    api_keys(),
    passwords(),
)


# Arbitrary text around the canaries; a space on each side keeps each canary a
# separate token (PII glued to letters or digits is another token altogether).
FILLER = st.text(max_size=40)
SEPARATORS = st.sampled_from([" ", "\n", " | ", ", ", "\t"])


MASK = re.compile(r"\[REDACTED:[\w.-]+\]")


JSON_KEYS = st.text(string.ascii_letters + "_.", min_size=1, max_size=12)
