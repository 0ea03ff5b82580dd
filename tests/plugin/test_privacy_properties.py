"""Property-based tests of the PII detectors.

Personal data embedded in arbitrary text, in JSON and in URLs is found by the detector
meant for it; trace ids, span ids, UUIDs, timestamps, epoch times, ports and version
strings are never reported. ``make test`` runs the quick profile; ``make fuzz`` sets
``HYPOTHESIS_PROFILE=fuzz`` for 10,000 cases per property.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_filagent_trace._privacy import (
    API_KEY,
    BEARER_TOKEN,
    CANADIAN_SIN,
    CREDIT_CARD,
    EMAIL,
    IBAN,
    IPV4,
    IPV6,
    JWT,
    PHONE,
    SENSITIVE_KEY,
    CanaryDetector,
    Detector,
    find_pii,
    is_masked,
    luhn_valid,
)

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

pytestmark = pytest.mark.fuzz

DIGITS = "0123456789"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + DIGITS


# ----------------------------------------------------------------------------- PII


def with_check_digit(body: str) -> str:
    return body + next(digit for digit in DIGITS if luhn_valid(body + digit))


digits = st.text(alphabet=DIGITS, min_size=1, max_size=1)


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[a-z0-9]([a-z0-9._+\-]{0,20}[a-z0-9])?", fullmatch=True))
    labels = draw(
        st.lists(
            st.from_regex(r"[a-z0-9]([a-z0-9\-]{0,10}[a-z0-9])?", fullmatch=True),
            min_size=1,
            max_size=3,
        )
    )
    tld = draw(st.sampled_from(["com", "ca", "org", "io", "quebec", "co"]))
    return f"{local}@{'.'.join(labels)}.{tld}"


@st.composite
def phones(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        area = draw(st.from_regex(r"[2-9][0-9]{2}", fullmatch=True))
        exchange = draw(st.from_regex(r"[2-9][0-9]{2}", fullmatch=True))
        line = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
        shape = draw(
            st.sampled_from(
                [
                    "({a}) {e}-{l}",
                    "{a}-{e}-{l}",
                    "{a}.{e}.{l}",
                    "{a} {e} {l}",
                    "+1 {a} {e} {l}",
                    "+1-{a}-{e}-{l}",
                    "+1{a}{e}{l}",
                ]
            )
        )
        return shape.format(a=area, e=exchange, l=line)
    country = draw(st.sampled_from(["33", "44", "49", "32", "41", "61", "81", "351"]))
    if draw(st.booleans()):
        rest = draw(
            st.text(alphabet=DIGITS, min_size=10 - len(country), max_size=15 - len(country))
        )
        return f"+{country}{rest}"
    groups = draw(
        st.lists(st.text(alphabet=DIGITS, min_size=2, max_size=4), min_size=3, max_size=5)
    )
    total = len(country) + sum(map(len, groups))
    if total > 15:
        groups = groups[:3]
    separator = draw(st.sampled_from([" ", "-", "."]))
    return f"+{country} " + separator.join(groups)


CARD_SHAPES = [
    ("4", 16, (4, 4, 4, 4)),
    ("4", 19, (4, 4, 4, 4, 3)),
    ("4", 13, (13,)),
    ("51", 16, (4, 4, 4, 4)),
    ("55", 16, (4, 4, 4, 4)),
    ("2221", 16, (4, 4, 4, 4)),
    ("2720", 16, (4, 4, 4, 4)),
    ("34", 15, (4, 6, 5)),
    ("37", 15, (4, 6, 5)),
    ("6011", 16, (4, 4, 4, 4)),
    ("65", 16, (4, 4, 4, 4)),
    ("3528", 16, (4, 4, 4, 4)),
    ("62", 16, (4, 4, 4, 4)),
    ("36", 14, (4, 6, 4)),
]


@st.composite
def cards(draw: st.DrawFn) -> str:
    prefix, length, groups = draw(st.sampled_from(CARD_SHAPES))
    body = prefix + draw(
        st.text(
            alphabet=DIGITS, min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1
        )
    )
    number = with_check_digit(body)
    separator = draw(st.sampled_from(["", " ", "-"]))
    if not separator or len(groups) == 1:
        return number
    parts, start = [], 0
    for size in groups:
        parts.append(number[start : start + size])
        start += size
    return separator.join(parts)


@st.composite
def sins(draw: st.DrawFn) -> str:
    first = draw(st.sampled_from("012345679"))
    number = with_check_digit(first + draw(st.text(alphabet=DIGITS, min_size=7, max_size=7)))
    if draw(st.booleans()):
        return number
    separator = draw(st.sampled_from([" ", "-"]))
    return separator.join([number[:3], number[3:6], number[6:]])


def grouped(sin: str) -> bool:
    return not sin.isdigit()


IBAN_COUNTRIES = {
    "DE": 22,
    "FR": 27,
    "GB": 22,
    "CH": 21,
    "NL": 18,
    "BE": 16,
    "IT": 27,
    "ES": 24,
    "NO": 15,
    "MT": 31,
}


def iban_check_digits(country: str, bban: str) -> str:
    number = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{98 - int(number) % 97:02d}"


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country, length = draw(st.sampled_from(sorted(IBAN_COUNTRIES.items())))
    bban = draw(
        st.text(
            alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ" + DIGITS * 3,
            min_size=length - 4,
            max_size=length - 4,
        )
    )
    compact = country + iban_check_digits(country, bban) + bban
    if draw(st.booleans()):
        return compact
    grouped = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return grouped.lower() if draw(st.booleans()) else grouped


NOT_PERSONAL_V4 = [
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    )
]
public_ipv4 = (
    st.ip_addresses(v=4).filter(lambda a: not any(a in net for net in NOT_PERSONAL_V4)).map(str)
)
global_ipv6 = st.ip_addresses(v=6, network="2000::/3").map(str)


@st.composite
def jwts(draw: st.DrawFn) -> str:
    def segment(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    header = draw(
        st.fixed_dictionaries(
            {"alg": st.sampled_from(["HS256", "RS256", "ES256"]), "typ": st.just("JWT")}
        )
    )
    payload = draw(
        st.dictionaries(
            st.sampled_from(["sub", "iat", "exp", "name", "scope"]),
            st.integers() | st.text(max_size=12),
            max_size=4,
        )
    )
    signature = draw(st.text(alphabet=ALNUM + "-_", min_size=16, max_size=64))
    return f"{segment(header)}.{segment(payload)}.{signature}"


@st.composite
def bearer_tokens(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        user = draw(st.text(alphabet=ALNUM, min_size=1, max_size=10))
        password = draw(st.text(alphabet=ALNUM + "!#$", min_size=1, max_size=12))
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return "Bearer " + draw(st.text(alphabet=ALNUM + "-._~+/", min_size=16, max_size=64))


api_keys = st.one_of(
    st.builds("sk-proj-{}".format, st.text(alphabet=ALNUM + "_-", min_size=20, max_size=48)),
    st.builds("sk-{}".format, st.text(alphabet=ALNUM, min_size=20, max_size=48)),
    st.builds(
        "AKIA{}".format,
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ" + DIGITS, min_size=16, max_size=16),
    ),
    st.builds("ghp_{}".format, st.text(alphabet=ALNUM, min_size=36, max_size=40)),
    st.builds("xoxb-{}".format, st.text(alphabet=ALNUM + "-", min_size=10, max_size=40)),
)

SENSITIVE_KEYS = [
    "password",
    "api_key",
    "X-Api-Key",
    "accessToken",
    "client_secret",
    "refresh_token",
    "session_id",
    "passwd",
]


@st.composite
def sensitive_pairs(draw: st.DrawFn) -> tuple[str, str]:
    key = draw(st.sampled_from(SENSITIVE_KEYS))
    value = draw(
        st.text(alphabet=ALNUM + "!@#$%^*_-", min_size=4, max_size=24).filter(
            lambda v: not is_masked(v)
        )
    )
    shape = draw(st.sampled_from(["{k}={v}", "{k}: {v}", '"{k}": "{v}"', "?{k}={v}&page=2"]))
    return shape.format(k=key, v=value), value


PII: list[tuple[Detector, st.SearchStrategy[str]]] = [
    (EMAIL, emails()),
    (PHONE, phones()),
    (CREDIT_CARD, cards()),
    (CANADIAN_SIN, sins().filter(grouped)),
    (IBAN, ibans()),
    (IPV4, public_ipv4),
    (IPV6, global_ipv6),
    (JWT, jwts()),
    (BEARER_TOKEN, bearer_tokens()),
    (API_KEY, api_keys),
]
IDS = [detector.name for detector, _ in PII]

# Arbitrary text around the value, set apart the way words are.
filler = st.text(st.characters(codec="utf-8"), max_size=40)
delimiter = st.sampled_from([" | ", "\n", ", ", "; ", "\t", " \u2014 "])


def found(detector: Detector, source: object, value: str) -> bool:
    return value in [finding.value for finding in find_pii(source, detectors=[detector])]


@pytest.mark.parametrize(("detector", "pii"), PII, ids=IDS)
@given(data=st.data())
def test_pii_in_arbitrary_text_is_found(
    detector: Detector, pii: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(pii)
    before, after, left, right = (
        data.draw(filler),
        data.draw(filler),
        data.draw(delimiter),
        data.draw(delimiter),
    )
    text = f"{before}{left}{value}{right}{after}"
    assert value in [finding.value for finding in detector.find(text)]


@pytest.mark.parametrize(("detector", "pii"), PII, ids=IDS)
@given(data=st.data())
def test_pii_in_json_is_found_structured_and_as_text(
    detector: Detector, pii: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(pii)
    key = data.draw(st.sampled_from(["message", "note", "args", "query", "detail", "text"]))
    document = {
        "event": "tool.done",
        "payload": {key: f"value: {value}", "count": 3},
        "items": [value],
    }
    assert found(detector, document, value)
    assert found(detector, json.dumps(document), value)
    assert found(detector, {"tool.args": json.dumps(document)}, value)


def percent_encoded(value: str) -> str:
    return quote(value, safe="")


def plus_encoded(value: str) -> str:
    return quote_plus(value)


ENCODINGS: list[Callable[[str], str]] = [percent_encoded, plus_encoded]


@pytest.mark.parametrize(("detector", "pii"), PII, ids=IDS)
@given(data=st.data())
def test_pii_in_url_query_strings_is_found(
    detector: Detector, pii: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(pii)
    encode = data.draw(st.sampled_from(ENCODINGS))
    param = data.draw(st.sampled_from(["q", "to", "ref", "contact"]))
    url = f"https://api.example.com/v1/search?{param}={encode(value)}&limit=5"
    assert found(detector, {"url.full": url}, value)


@given(pair=sensitive_pairs(), before=filler, left=delimiter)
def test_values_under_sensitive_keys_are_found_in_text(
    pair: tuple[str, str], before: str, left: str
) -> None:
    text, value = pair
    assert value in [finding.value for finding in SENSITIVE_KEY.find(f"{before}{left}{text}")]


@given(
    key=st.sampled_from(SENSITIVE_KEYS),
    value=st.text(min_size=1, max_size=30).filter(lambda v: not is_masked(v)),
)
def test_values_under_sensitive_keys_are_found_in_structures(key: str, value: str) -> None:
    assert found(SENSITIVE_KEY, {"attributes": {key: value}}, value)


@given(
    sin=sins(),
    label=st.sampled_from(["SIN", "NAS", "sin:", "SIN #", "Social insurance number", "numéro NAS"]),
    before=filler,
    left=delimiter,
)
def test_bare_sins_after_a_label_are_found(sin: str, label: str, before: str, left: str) -> None:
    assert sin in [f.value for f in CANADIAN_SIN.find(f"{before}{left}{label} {sin}")]


@given(
    canary=st.text(alphabet=ALNUM + "-_.@+", min_size=6, max_size=30).filter(
        lambda c: sum(ch.isalnum() for ch in c) >= 3
    ),
    before=filler,
    left=delimiter,
)
def test_canaries_are_found_in_arbitrary_text(canary: str, before: str, left: str) -> None:
    assert CanaryDetector([canary]).find(f"{before}{left}{canary}")


# ----------------------------------------------------------------------------- look-alikes

trace_ids = st.integers(1, 2**128 - 1).map(lambda n: format(n, "032x"))
span_ids = st.integers(1, 2**64 - 1).map(lambda n: format(n, "016x"))
uuids = st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())
zones = st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
)
earliest, latest = datetime(1990, 1, 1), datetime(2060, 12, 31)
moments = st.datetimes(earliest, latest) | st.datetimes(earliest, latest, timezones=zones)
NANOS_2000, NANOS_2060 = 946_684_800 * 10**9, 2_871_763_200 * 10**9


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    moment = draw(moments)
    shape = draw(st.sampled_from(["iso", "ms", "z", "asctime", "nanos"]))
    if shape == "iso":
        return moment.isoformat()
    if shape == "ms":
        return moment.isoformat(timespec="milliseconds")
    if shape == "z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if shape == "asctime":
        return moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{moment.microsecond // 1000:03d}"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{draw(st.integers(0, 999_999_999)):09d}Z"


epochs = st.one_of(
    st.integers(NANOS_2000, NANOS_2060).map(str),
    st.integers(NANOS_2000 // 10**6, NANOS_2060 // 10**6).map(str),
    st.integers(NANOS_2000 // 10**9, NANOS_2060 // 10**9).map(str),
)
ports = st.integers(1, 65535).flatmap(
    lambda port: st.sampled_from(
        [
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"port={port}",
            f"0.0.0.0:{port}",
            f"[::1]:{port}",
        ]
    )
)
versions = st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 999)).flatmap(
    lambda v: st.sampled_from(
        [
            f"{v[0]}.{v[1]}.{v[2]}",
            f"v{v[0]}.{v[1]}.{v[2]}.{v[2] % 7}",
            f"{v[0]}.{v[1]}b{v[2]}",
            f"{v[0]}.{v[1]}.{v[2]}-rc.1",
            f"version {v[0]}.{v[1]}.{v[2]}.1",
        ]
    )
)


@st.composite
def id_fields(draw: st.DrawFn) -> str:
    trace_id, span_id = draw(trace_ids), draw(span_ids)
    shape = draw(
        st.sampled_from(
            [
                "trace_id={t} span_id={s}",
                '"trace_id": "{t}", "span_id": "{s}"',
                "traceparent: 00-{t}-{s}-01",
                "{t}",
                "parent_span_id={s}",
                "X-Trace-ID: {t}",
            ]
        )
    )
    return shape.format(t=trace_id, s=span_id)


plumbing = st.one_of(id_fields(), uuids, timestamps(), epochs, ports, versions)


@given(
    tokens=st.lists(plumbing, min_size=1, max_size=8),
    separator=st.sampled_from([" ", " | ", "\n", ", "]),
)
def test_ids_timestamps_ports_and_versions_in_text_are_not_reported(
    tokens: list[str], separator: str
) -> None:
    text = separator.join(tokens)
    assert find_pii(text) == [], text


@given(
    trace_id=trace_ids,
    span_id=span_ids,
    parent=span_ids,
    uuid=uuids,
    moment=timestamps(),
    epoch=st.integers(NANOS_2000, NANOS_2060),
)
def test_ids_and_timestamps_in_records_are_not_reported(
    trace_id: str, span_id: str, parent: str, uuid: str, moment: str, epoch: int
) -> None:
    record = {
        "event": "tool.done",
        "trace_id": trace_id,
        "span_id": span_id,
        "parent_span_id": parent,
        "conversation_id": uuid,
        "timestamp": moment,
        "start_time_unix_nano": epoch,
        "gen_ai.usage.input_tokens": 42,
    }
    assert find_pii([record]) == []
    assert find_pii(json.dumps(record)) == []
