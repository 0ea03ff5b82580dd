"""Property-based tests of the redactor: what it must mask, and what it must leave alone.

The oracle is deliberately simpler than the redactor: a generated canary (an
e-mail, a card number, ...) is inserted into arbitrary text, JSON or a URL, and
its secret part must not appear in the output, outside masks, more often than
the input without its canaries already contained it (random filler may hold
the same characters by chance).

Profiles come from ``tests/conftest.py``: ``quick`` in ``make test``, and
``HYPOTHESIS_PROFILE=fuzz`` (10,000 cases per property) in ``make fuzz``, which
selects these tests with ``-m fuzz``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import string
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from opentelemetry import baggage
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.trace.span import TraceState
from pydantic import SecretStr

from filagent.telemetry.privacy import (
    PrivacyConfig,
    PrivateContextPropagator,
    Redactor,
    private_trace_state,
)
from filagent.telemetry.privacy.checksums import luhn_valid
from filagent.telemetry.privacy.forms import detection_form

pytestmark = pytest.mark.fuzz

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


def assert_gone(output: str, canaries: list[Canary], original: str) -> None:
    """No canary secret in ``output`` beyond those in ``original`` minus its canaries."""
    context = original
    for canary in canaries:
        context = context.replace(canary.text, "\x00")
    visible = MASK.sub("\x00", output)
    for canary in canaries:
        assert visible.count(canary.secret) <= context.count(canary.secret), (
            f"{canary.kind} canary {canary.secret!r} survived redaction:\n{output!r}"
        )


# --- nothing detectable survives ------------------------------------------------------------


@given(canary=CANARIES)
def test_each_detector_masks_its_own_kind(canary: Canary) -> None:
    output = REDACTOR.redact_text(f"before {canary.text} after")
    assert canary.secret not in output
    if canary.kind == "secret":
        # The value after a sensitive key may be an address or a number that
        # another detector claims first: masked all the same.
        assert MASK.search(output), output
    else:
        assert f"[REDACTED:{canary.kind}]" in output


@given(data=st.data(), canaries=st.lists(CANARIES, min_size=1, max_size=4))
def test_canaries_in_arbitrary_text_do_not_survive(
    data: st.DataObject, canaries: list[Canary]
) -> None:
    fillers = [data.draw(FILLER) for _ in range(len(canaries) + 1)]
    pieces = [fillers[0]]
    for canary, filler in zip(canaries, fillers[1:], strict=True):
        pieces += [data.draw(SEPARATORS), canary.text, data.draw(SEPARATORS), filler]
    text = "".join(pieces)
    assert_gone(REDACTOR.redact_text(text), canaries, text)


JSON_KEYS = st.text(string.ascii_letters + "_.", min_size=1, max_size=12)


@st.composite
def json_documents(draw: st.DrawFn) -> tuple[Any, list[Canary]]:
    canaries = draw(st.lists(CANARIES, min_size=1, max_size=4))

    def value_with(canary: Canary) -> str:
        return f"{draw(FILLER)} {canary.text} {draw(FILLER)}"

    leaves: list[Any] = [value_with(canary) for canary in canaries]
    leaves += draw(st.lists(st.one_of(st.integers(), st.booleans(), st.none()), max_size=3))
    document: Any = leaves
    while draw(st.booleans()):
        if draw(st.booleans()):
            document = {draw(JSON_KEYS): document, draw(JSON_KEYS): draw(FILLER)}
        else:
            document = [document, draw(st.integers())]
    return document, canaries


@given(doc=json_documents())
def test_canaries_in_json_text_do_not_survive_and_json_stays_valid(
    doc: tuple[Any, list[Canary]],
) -> None:
    document, canaries = doc
    output = REDACTOR.redact_text(json.dumps(document, ensure_ascii=False))
    json.loads(output)
    assert_gone(output, canaries, json.dumps(document, ensure_ascii=False))


@given(doc=json_documents())
def test_canaries_in_records_do_not_survive(doc: tuple[Any, list[Canary]]) -> None:
    document, canaries = doc
    output = json.dumps(REDACTOR.redact_mapping({"record": document}), ensure_ascii=False)
    assert_gone(output, canaries, json.dumps(document, ensure_ascii=False))


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, list[Canary], str]:
    """A URL with canaries in userinfo, path, query and fragment; and the URL without them."""
    host = draw(st.sampled_from(["example.org", "api.example.com:8443", "127.0.0.1:8001"]))
    path_canary, query_canary, fragment_canary = draw(CANARIES), draw(CANARIES), draw(CANARIES)
    name = draw(st.text(string.ascii_lowercase, min_size=1, max_size=8))
    canaries = [path_canary, query_canary, fragment_canary]
    password = ""
    if draw(st.booleans()):
        password = draw(st.text(string.ascii_letters + DIGITS, min_size=8, max_size=16))
        canaries.append(Canary("url_credentials", password, password))
    template = (
        "https://{userinfo}" + host + "/v1/{path}/items?" + name + "={query}&limit=5"
        "#state=1&code={fragment}"
    )
    url = template.format(
        userinfo=f"admin:{password}@" if password else "",
        path=quote(path_canary.text, safe="@+"),
        query=quote_plus(query_canary.text),
        fragment=quote(fragment_canary.text, safe=""),
    )
    without = template.format(
        userinfo="admin:\x00@" if password else "", path="\x00", query="\x00", fragment="\x00"
    )
    return url, canaries, without


@given(generated=urls())
def test_canaries_in_urls_do_not_survive(generated: tuple[str, list[Canary], str]) -> None:
    url, canaries, without = generated
    for output in (REDACTOR.redact_url(url), REDACTOR.redact_text(f"GET {url} failed")):
        visible = MASK.sub("\x00", output)
        for canary in canaries:
            for form in {canary.secret, quote(canary.secret), quote_plus(canary.secret)}:
                assert visible.count(form) <= f"GET {without} failed".count(form), (
                    f"{canary.kind} {form!r} survived in {output!r}"
                )


@given(text=st.text(max_size=200))
def test_redacting_is_idempotent(text: str) -> None:
    once = REDACTOR.redact_text(text)
    assert REDACTOR.redact_text(once) == once


# --- no false positives ---------------------------------------------------------------------

HEX = "0123456789abcdef"
TRACE_IDS = st.text(HEX, min_size=32, max_size=32)
# An all-digit span id is indistinguishable from a card number in free text; log
# and record fields named span_id keep it verbatim whatever its digits.
SPAN_IDS = st.text(HEX, min_size=16, max_size=16).filter(lambda s: not s.isdigit())
OFFSETS = st.sampled_from([timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=-4)])


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(timezones=st.builds(timezone, OFFSETS)))
    style = draw(st.sampled_from(["iso", "iso-space", "z", "rfc"]))
    if style == "iso":
        return moment.isoformat()
    if style == "iso-space":
        return moment.isoformat(sep=" ")
    if style == "z":
        return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def _epoch_ns(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1_000_000_000))


NUMBERS = st.one_of(
    st.integers(0, 65535).map(str),  # ports
    st.integers(0, 10**12).map(str),  # durations, counters
    st.floats(0, 1e6, allow_nan=False).map(repr),
    st.datetimes(min_value=datetime(2001, 9, 10), max_value=datetime(2033, 5, 17)).map(
        lambda moment: _epoch_ns(moment.replace(tzinfo=timezone.utc))
    ),
)
VERSIONS = st.builds(
    "{}.{}.{}{}".format,
    st.integers(0, 99),
    st.integers(0, 999),
    st.integers(0, 999),
    st.sampled_from(["", "b2", "rc1", ".dev0", "-alpha"]),
)
IDENTIFIERS = st.one_of(
    TRACE_IDS,
    SPAN_IDS,
    TRACE_IDS.map("0x{}".format),
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
    st.uuids().map(lambda u: u.hex),
    timestamps(),
    VERSIONS,
)


@given(values=st.lists(IDENTIFIERS, min_size=1, max_size=6), separator=SEPARATORS)
def test_ids_timestamps_and_versions_are_never_touched(values: list[str], separator: str) -> None:
    text = separator.join(values)
    assert REDACTOR.redact_text(text) == text


# Bare numbers next to each other can take the exact layout of personal data
# ("514 555 1999" is a phone, "100 100 999" a Luhn-valid SIN; see docs/PRIVACY.md),
# so numbers are checked as they appear in logs and attributes: one per field.
@given(
    values=st.lists(st.one_of(NUMBERS, IDENTIFIERS), min_size=1, max_size=6),
    separator=SEPARATORS,
)
def test_numbers_in_fields_are_never_touched(values: list[str], separator: str) -> None:
    text = separator.join(f"f{index}={value}" for index, value in enumerate(values))
    assert REDACTOR.redact_text(text) == text


@given(trace_id=TRACE_IDS, span_id=st.text(HEX, min_size=16, max_size=16))
def test_trace_context_fields_are_kept_in_records(trace_id: str, span_id: str) -> None:
    record = {"trace_id": trace_id, "span_id": span_id, "event": f"step {span_id}x"}
    assert REDACTOR.redact_mapping(record)["trace_id"] == trace_id
    assert REDACTOR.redact_mapping(record)["span_id"] == span_id


@given(values=st.lists(st.one_of(NUMBERS, IDENTIFIERS), min_size=1, max_size=4))
def test_identifier_attributes_are_never_touched(values: list[str]) -> None:
    attributes = {f"attr.{index}": value for index, value in enumerate(values)}
    attributes["ids"] = tuple(values)  # type: ignore[assignment]
    assert REDACTOR.redact_attributes(attributes) == attributes


# --- variant spellings: what the detection form reads --------------------------------------


def fullwidth(text: str) -> str:
    """``text`` in fullwidth forms (U+FF01 to U+FF5E); spaces stay ASCII."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def compact(text: str) -> str:
    """``text`` without the separators variant spellings put between digits or groups."""
    return re.sub(r"[\s.()+-]", "", text).upper()


def grouped(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


CARD_SPELLINGS = (
    lambda d: grouped(d, (4, 4, 4, 4), "\u00a0"),
    lambda d: grouped(d, (4, 4, 4, 4), "\u202f"),
    lambda d: grouped(d, (4, 4, 4, 4), "."),
    lambda d: grouped(d, (4, 8, 4), " "),
    lambda d: grouped(d, (4, 8, 4), "-"),
    fullwidth,
    lambda d: fullwidth(grouped(d, (4, 4, 4, 4), " ")),
    lambda d: f"invoice-{d}.pdf",
    lambda d: f"ref_{d}",
    lambda d: quote(grouped(d, (4, 4, 4, 4), " ")),
    lambda d: quote(quote(grouped(d, (4, 4, 4, 4), " "))),
    lambda d: repr(grouped(d, (4, 4, 4, 4), "\u00a0"))[1:-1],
)


@st.composite
def card_variants(draw: st.DrawFn) -> Canary:
    number = compact(draw(cards()).text)
    spelling = draw(st.sampled_from(CARD_SPELLINGS))
    return Canary("credit_card", spelling(number), number)


@st.composite
def sin_variants(draw: st.DrawFn) -> Canary:
    number = compact(draw(sins()).text)
    dotted = grouped(number, (3, 3, 3), ".")
    spelling = draw(
        st.sampled_from([dotted, fullwidth(dotted), quote(grouped(number, (3, 3, 3), " "))])
    )
    return Canary("sin", spelling, number)


@st.composite
def phone_variants(draw: st.DrawFn) -> Canary:
    number = draw(phones()).text
    spelling = draw(st.sampled_from([quote(number), quote(quote(number)), fullwidth(number)]))
    return Canary("phone", spelling, compact(number))


@st.composite
def email_variants(draw: st.DrawFn) -> Canary:
    address = draw(emails()).text
    local, _, domain = address.partition("@")
    spelling = draw(
        st.sampled_from(
            [
                f"{local}%40{domain}",
                f"{local}%2540{domain}",
                f"{local}%252540{domain}",
                f"{local}{fullwidth('@')}{domain}",
                fullwidth(address),
            ]
        )
    )
    return Canary("email", spelling, address.upper())


#: Countries whose IBAN is not all digits after the check digits, or long enough not to be
#: taken for a 16-hex span id in lower case (Belgian IBANs are both).
IBAN_COUNTRIES = {"GB": 22, "DE": 22, "FR": 27, "NL": 18, "ES": 24, "CH": 21, "IT": 27}


@st.composite
def iban_variants(draw: st.DrawFn) -> Canary:
    country = draw(st.sampled_from(sorted(IBAN_COUNTRIES)))
    bban = draw(
        st.text(
            ALNUM_UPPER, min_size=IBAN_COUNTRIES[country] - 4, max_size=IBAN_COUNTRIES[country] - 4
        )
    )
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(char, 36)) for char in rearranged)) % 97
    iban = f"{country}{check:02d}{bban}"
    groups = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    spelling = draw(
        st.sampled_from(
            [
                iban.lower(),
                groups.replace(" ", "-"),
                groups.lower(),
                groups.lower().replace(" ", "-"),
            ]
        )
    )
    return Canary("iban", spelling, iban)


VARIANTS = st.one_of(
    card_variants(), sin_variants(), phone_variants(), email_variants(), iban_variants()
)


@given(canary=VARIANTS)
def test_each_variant_spelling_is_masked_as_its_kind(canary: Canary) -> None:
    output = REDACTOR.redact_text(f"before {canary.text} after")

    assert f"[REDACTED:{canary.kind}]" in output, output
    assert canary.secret not in compact(detection_form(MASK.sub(" ", output)))


@given(data=st.data(), canaries=st.lists(VARIANTS, min_size=1, max_size=3))
def test_variant_spellings_in_json_records_do_not_survive(
    data: st.DataObject, canaries: list[Canary]
) -> None:
    record = {data.draw(JSON_KEYS): f"{data.draw(FILLER)} {c.text} x" for c in canaries}
    output = json.dumps(REDACTOR.redact_mapping({"record": record}), ensure_ascii=False)
    context = json.dumps(record, ensure_ascii=False)
    for canary in canaries:
        context = context.replace(canary.text, "\x00")
    visible = compact(detection_form(MASK.sub(" ", output)))
    for canary in canaries:
        # Random filler may hold the same digits by chance: count beyond what it holds.
        allowed = compact(detection_form(context)).count(canary.secret)
        assert visible.count(canary.secret) <= allowed, output


# --- tracestate and baggage --------------------------------------------------------------------

TRACESTATE_KEYS = st.from_regex(r"[a-z][a-z0-9_\-*/]{0,15}", fullmatch=True)


def tracestate_value(canary: Canary) -> bool:
    return (
        re.fullmatch(
            r"[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]", canary.text
        )
        is not None
    )


@given(
    canaries=st.lists(CANARIES.filter(tracestate_value), min_size=1, max_size=4),
    keys=st.lists(TRACESTATE_KEYS, min_size=4, max_size=4, unique=True),
    allowed=st.booleans(),
)
def test_no_tracestate_member_holding_personal_data_is_kept(
    canaries: list[Canary], keys: list[str], allowed: bool
) -> None:
    members = list(zip(keys, (canary.text for canary in canaries), strict=False))
    allow = keys if allowed else []
    redactor = Redactor(
        PrivacyConfig(
            user_id_hmac_secret=SecretStr("property-secret-0123456789"),
            allowed_tracestate_keys=allow,
        ),
        env={},
    )

    kept = private_trace_state(TraceState(members), redactor)

    assert dict(kept) == {}


@given(
    canaries=st.lists(CANARIES, min_size=1, max_size=3),
    keys=st.lists(TRACESTATE_KEYS, min_size=3, max_size=3, unique=True),
    forwarded=st.booleans(),
)
def test_no_baggage_entry_holding_personal_data_is_forwarded(
    canaries: list[Canary], keys: list[str], forwarded: bool
) -> None:
    redactor = Redactor(
        PrivacyConfig(
            user_id_hmac_secret=SecretStr("property-secret-0123456789"),
            forwarded_baggage_keys=keys if forwarded else [],
        ),
        env={},
    )
    propagator = PrivateContextPropagator(W3CBaggagePropagator(), redactor)
    context = None
    for key, canary in zip(keys, canaries, strict=False):
        context = baggage.set_baggage(key, canary.text, context)
    carrier: dict[str, str] = {}

    propagator.inject(carrier, context)

    assert "baggage" not in carrier
