"""The privacy contract's canaries, and the requests that plant them where a client can.

Each canary is a made-up personal value (an e-mail, a phone number, a Luhn-valid card
number, a Luhn-valid Canadian SIN, a bearer token, a password), also written the ways
clients and libraries write them. Each ``RequestCase`` plants them in one place a client
controls (the message, ``user_id``, headers, the query string, tool arguments, the input of
a failing tool, the trace context) and says where they are recorded in redacted form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

import pytest


@dataclass(frozen=True)
class Canary:
    """A made-up personal value planted in requests, and how it looks to a detector.

    ``detector`` is the ``pytest_filagent_trace`` detector that must recognise it when it
    is written as ``shown_as`` under the field ``field``: the scan of the outputs must not
    rest on the exact canary strings alone.
    """

    name: str
    value: str
    detector: str
    shown_as: str = "{}"
    field: str = "note"

    @property
    def shown(self) -> str:
        """The value as a client sends it (``Bearer <token>`` for the token)."""
        return self.shown_as.format(self.value)

    def __repr__(self) -> str:
        # pytest prints the arguments of a failed test: never the planted value.
        return f"Canary({self.name!r})"


EMAIL = Canary("email", "canary.jane@example.com", "email")
PHONE = Canary("phone", "+1 514 555 0199", "phone")
CARD = Canary("card", "4111 1111 1111 1111", "credit_card")
SIN = Canary("sin", "046 454 286", "sin")
TOKEN = Canary("bearer_token", "cnry.7f3Kq9ZxW2mLpR8vT4yB", "bearer_token", shown_as="Bearer {}")
PASSWORD = Canary("password", "Hunter2-Canary!pw", "sensitive_key", field="password")

CANARIES = (EMAIL, PHONE, CARD, SIN, TOKEN, PASSWORD)


def _wide(text: str) -> str:
    """``text`` in fullwidth forms (U+FF01 to U+FF5E)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


#: The canaries written the ways clients and libraries also write them. The independent
#: detectors do not know every one of these spellings, so each is also an exact canary.
VARIANT_FORMS = (
    "4111.1111.1111.1111",
    "4111\u00a01111\u00a01111\u00a01111",
    "4111 11111111 1111",
    _wide("4111111111111111"),
    "invoice-4111111111111111.pdf",
    "046.454.286",
    "%2B1%20514%20555%200199",
    "4111%201111%201111%201111",
    "canary.jane%2540example.com",
    "canary.jane" + _wide("@") + "example.com",
    "GB82-WEST-1234-5698-7654-32",
    "gb82west12345698765432",
)
#: A non-breaking space as repr() writes it in an exception message.
_ESCAPED_FORMS = ("4111\\xa01111\\xa01111\\xa01111",)
CANARY_VALUES = (
    *(canary.value for canary in CANARIES),
    *VARIANT_FORMS,
    *_ESCAPED_FORMS,
)
#: One path component longer than file systems allow, made of the variant forms.
VARIANT_FILE_NAME = f"customers/{' '.join(VARIANT_FORMS)} {'x' * 250}.txt"
#: A client's trace context: ``tracestate`` members and ``baggage`` entries holding canaries
#: (a ``tracestate`` is read only next to a valid ``traceparent``).
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACESTATE = (
    f"crm={EMAIL.value},pay=card {CARD.value},gov=sin {SIN.value},tok={TOKEN.shown},vendor=ok"
)
BAGGAGE = "user.email=canary.jane%40example.com,user.phone=%2B1%20514%20555%200199,tenant=acme"

#: Where a planted value can end up; each is scanned by its own test.
Sink = Literal["spans", "logs", "records"]


@dataclass(frozen=True)
class Redacted:
    """Proof that a planted value was recorded, redacted: ``field`` of ``item`` in ``sink``
    holds ``holds``, or, with ``holds=None``, the field was dropped.

    ``item`` is a span name, a log event glob, or ``""`` for the request's decision record.
    For spans, ``field`` is an attribute key, ``status`` (the status description) or
    ``exception.*`` (an attribute of the ``exception`` event).
    """

    sink: Sink
    item: str
    field: str
    holds: str | None


@dataclass(frozen=True)
class RequestCase:
    """One ``POST /chat`` carrying canaries in one place a client controls."""

    id: str
    content: str
    user_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    query: str = ""
    searched: bool = False
    #: Where the planted values are recorded in redacted form: the places only
    #: redaction keeps them out of. Empty for cases private by the service's design.
    redacted: tuple[Redacted, ...] = ()

    def __repr__(self) -> str:
        # pytest prints the arguments of a failed test: never the planted values.
        return f"RequestCase({self.id!r})"


def _use_tool(tool: str, **arguments: str) -> str:
    return f"use tool {tool} with {json.dumps(arguments)}"


#: A request with no personal data, sent when the canaries travel elsewhere.
PLAIN = "What is 2+2?"
QUERY_MASK = "[REDACTED:query]"
EMAIL_MASK = "[REDACTED:email]"
#: A file the data directory holds, named after the e-mail canary.
CUSTOMER_FILE = f"customers/{EMAIL.value}.txt"
#: One path component longer than file systems allow: the OS error quotes the whole path.
LONG_FILE_NAME = f"customers/{EMAIL.value} {'x' * 250}.txt"

CASES = (
    RequestCase(
        "message",
        f"Hello, I am {EMAIL.value}, phone {PHONE.value}. Card {CARD.value}, SIN {SIN.value}. "
        f"Authorization: {TOKEN.shown}, password: {PASSWORD.value}",
    ),
    RequestCase("user_id", PLAIN, user_id=EMAIL.value),
    RequestCase(
        "headers",
        PLAIN,
        headers={
            "Authorization": TOKEN.shown,
            "Cookie": f"session={PASSWORD.value}",
            "X-Customer-Email": EMAIL.value,
            "X-Customer-Phone": PHONE.value,
            "User-Agent": f"crm-sync/2.1 (contact {EMAIL.value})",
        },
        redacted=(
            # Every request header is captured: only the allow-list keeps these out.
            Redacted("spans", "POST /chat", "http.request.header.authorization", None),
            Redacted("spans", "POST /chat", "http.request.header.cookie", None),
            Redacted("spans", "POST /chat", "http.request.header.x_customer_email", None),
            Redacted("spans", "POST /chat", "http.request.header.x_customer_phone", None),
            # The instrumentation records the user agent whatever the allow-list says.
            Redacted("spans", "POST /chat", "user_agent.original", EMAIL_MASK),
        ),
    ),
    RequestCase(
        "query_string",
        PLAIN,
        query=urlencode(
            {
                "email": EMAIL.value,
                "phone": PHONE.value,
                "card": CARD.value,
                "sin": SIN.value,
                "access_token": TOKEN.value,
                "password": PASSWORD.value,
            }
        ),
        redacted=(Redacted("spans", "POST /chat", "url.query", f"email={QUERY_MASK}"),),
    ),
    RequestCase("tool_file_path", _use_tool("file_read", path=CUSTOMER_FILE)),
    RequestCase(
        "tool_search_query",
        _use_tool("web_search", query=f"{PHONE.value} {CARD.value}"),
        searched=True,
        redacted=(
            Redacted("spans", "GET", "url.full", f"q={QUERY_MASK}"),
            Redacted("spans", "GET /search", "url.query", f"q={QUERY_MASK}"),
            Redacted("logs", "HTTP Request: GET *", "event", f"q={QUERY_MASK}"),
            Redacted("logs", '*"GET /search?*', "event", f"q={QUERY_MASK}"),
        ),
    ),
    RequestCase(
        "failing_tool_missing_file",
        _use_tool("file_read", path=f"customers/{EMAIL.value}-{SIN.value}.txt"),
    ),
    RequestCase(
        "failing_tool_calculator",
        _use_tool("calculator", expression=f"{CARD.value} / {PHONE.value}"),
    ),
    RequestCase(
        "failing_tool_exception_message",
        _use_tool("file_read", path=LONG_FILE_NAME),
        redacted=(
            Redacted("spans", "tool.execute.file_read", "exception.message", EMAIL_MASK),
            Redacted("spans", "tool.execute.file_read", "exception.stacktrace", EMAIL_MASK),
            Redacted("spans", "tool.execute.file_read", "status", EMAIL_MASK),
            Redacted("records", "", "error", EMAIL_MASK),
        ),
    ),
    RequestCase(
        "trace_context",
        _use_tool("web_search", query="opentelemetry"),
        headers={"traceparent": TRACEPARENT, "tracestate": TRACESTATE, "baggage": BAGGAGE},
        searched=True,
        redacted=(
            # Captured like every header; dropped by the allow-list.
            Redacted("spans", "POST /chat", "http.request.header.tracestate", None),
            Redacted("spans", "POST /chat", "http.request.header.baggage", None),
            # Continued by every span, the search service's included: dropped on the way in.
            Redacted("spans", "*", "trace_state", None),
            Redacted("spans", "GET /search", "trace_state", None),
        ),
    ),
    RequestCase(
        "variant_forms",
        _use_tool("file_read", path=VARIANT_FILE_NAME),
        redacted=(
            Redacted("spans", "tool.execute.file_read", "exception.message", "[REDACTED:iban]"),
            Redacted("spans", "tool.execute.file_read", "exception.stacktrace", EMAIL_MASK),
            Redacted("spans", "tool.execute.file_read", "status", "[REDACTED:credit_card]"),
            Redacted("records", "", "error", "[REDACTED:sin]"),
        ),
    ),
)
CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES]
REDACTED_CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES if case.redacted]
USER_ID_CASE = next(case for case in CASES if case.user_id is not None)
HEADERS_CASE = next(case for case in CASES if case.headers)
TRACE_CONTEXT_CASE = next(case for case in CASES if case.id == "trace_context")
