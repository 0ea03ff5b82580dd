"""Hypothesis strategies for personal data, each in the shapes its PII detector must find.

:data:`PII` pairs each detector with the strategy of the values it is meant for; ``IDS``
names them for ``pytest.mark.parametrize``. :data:`filler` and :data:`delimiter` are the
arbitrary text a value is embedded in.
"""

from __future__ import annotations

import base64
import ipaddress
import json

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
    Detector,
    is_masked,
    luhn_valid,
)

DIGITS = "0123456789"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + DIGITS


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
