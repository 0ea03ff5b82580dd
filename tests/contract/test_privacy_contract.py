"""Privacy contract: personal data sent to FilAgent never leaves it, in spans, logs or records.

Each request case plants canaries (an e-mail, a phone number, a Luhn-valid card number, a
Luhn-valid Canadian SIN, a bearer token and a password) in one place a client controls:
the message, ``user_id``, headers, the query string, tool arguments, or the input of a
failing tool. The tests then scan what FilAgent lets out of the process with the
plugin's independent detectors (``assert_no_pii``):

- spans, as FilAgent's own provider hands them to exporters (``RedactingSpanProcessor``
  first, the capture after it);
- the JSON lines FilAgent writes to its log stream;
- the decision records it appends to its JSON-lines file;

and check with ``assert_logs_correlated`` that log lines and records point at the spans of
their request. Where a planted value is recorded at all, a test checks that its redacted
form is there (``[REDACTED:...]``, a dropped header), so the suite shows the value went
through redaction, not that it was never recorded. Cases without such a check are private
by the service's design (message content is never put in spans, tool errors never quote
their input, user ids are hashed before any span sees them).

The telemetry configuration is the packaged default, or the file ``FILAGENT_TELEMETRY_CONFIG``
names: ``privacy: {enabled: false}`` there turns redaction off, and
``tests/plugin/test_privacy_meta.py`` runs this file that way to prove these checks fail.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote_plus, urlencode

import pytest
import structlog
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import TracerProvider
from pydantic import SecretStr

from filagent.app import create_app
from filagent.metrics import Metrics
from filagent.search.app import create_search_app
from filagent.serving import serve_in_thread
from filagent.settings import Settings
from filagent.telemetry import names
from filagent.telemetry.config import CONFIG_PATH_VARIABLE, TelemetryConfig, load_telemetry_config
from filagent.telemetry.logging import SERVER_LOGGERS
from filagent.telemetry.setup import TelemetryManager
from pytest_filagent_trace import (
    LogCapture,
    PIIFound,
    SpanNode,
    SpanTree,
    TraceCapture,
    assert_logs_correlated,
    assert_no_pii,
    find_pii,
    mask_pii,
)
from pytest_filagent_trace._privacy import luhn_valid
from tests.contract.conftest import USER_ID_KEY, request_trace

# --- canaries ---------------------------------------------------------------------------


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

#: Logged by the test's own HTTP client after each answer, outside the service and its
#: spans; the service in production never writes these lines.
TEST_CLIENT_LINES = "HTTP Request: * http://testserver/*"

# --- wiring -------------------------------------------------------------------------------


def privacy_suite_config(records: Path) -> TelemetryConfig:
    """The configuration ``FILAGENT_TELEMETRY_CONFIG`` names (the packaged default if unset),
    kept inside the process: no exporter, decision records written to ``records``.

    ``OTEL_*`` variables are ignored, so a developer's settings cannot change what is tested;
    without a user-id key in the file, the suite's fixed key is used.

    Example:
        >>> privacy_suite_config(Path("records.jsonl")).privacy.enabled
        True
    """
    loaded = load_telemetry_config(
        env={CONFIG_PATH_VARIABLE: os.environ.get(CONFIG_PATH_VARIABLE, "")}
    )
    privacy = loaded.privacy
    if privacy.user_id_hmac_secret is None:
        privacy = privacy.model_copy(update={"user_id_hmac_secret": SecretStr(USER_ID_KEY)})
    return loaded.model_copy(
        update={
            "traces": loaded.traces.model_copy(update={"exporters": []}),
            "records": loaded.records.model_copy(update={"path": records}),
            "privacy": privacy,
        }
    )


@contextmanager
def filagent_log_stream(telemetry: TelemetryManager) -> Iterator[io.StringIO]:
    """FilAgent's JSON-lines logging (redaction included) into a buffer, undone afterwards.

    ``configure_logging`` changes the root logger, uvicorn's loggers and structlog for the
    whole process; they are put back so later tests log as before.
    """
    root = logging.getLogger()
    root_handlers, root_level = list(root.handlers), root.level
    servers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    server_state = [(list(s.handlers), s.propagate, s.level) for s in servers]
    structlog_config = structlog.get_config()
    stream = io.StringIO()
    telemetry.configure_logging(stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            if handler.get_name() == "filagent-json" and handler not in root_handlers:
                root.removeHandler(handler)
        for handler in root_handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(root_level)
        for server, (handlers, propagate, level) in zip(servers, server_state, strict=True):
            server.handlers[:] = handlers
            server.propagate = propagate
            server.setLevel(level)
        structlog.configure(**structlog_config)


@pytest.fixture(scope="module")
def all_request_headers_captured() -> Iterator[None]:
    """The HTTP instrumentation records every request header, as an operator may ask it to.

    Read when each app builds its middleware, at its first request.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST", ".*")
        yield


@pytest.fixture(scope="module")
def privacy_telemetry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelemetryManager]:
    """FilAgent's telemetry as configured, with the provider FilAgent builds itself."""
    records = tmp_path_factory.mktemp("privacy-records") / "records.jsonl"
    manager = TelemetryManager(privacy_suite_config(records))
    assert manager.enabled, "the privacy contract suite needs the OpenTelemetry SDK"
    yield manager
    manager.shutdown()


@pytest.fixture(scope="module")
def trace_capture_provider(privacy_telemetry: TelemetryManager) -> TracerProvider | None:
    """The capture sits behind FilAgent's redaction on FilAgent's own provider."""
    return privacy_telemetry.tracer_provider


@pytest.fixture(scope="module")
def privacy_search_url(
    privacy_telemetry: TelemetryManager, all_request_headers_captured: None
) -> Iterator[str]:
    """The search service with the same telemetry, on 127.0.0.1."""
    with serve_in_thread(create_search_app(privacy_telemetry)) as url:
        yield url


@pytest.fixture(scope="module")
def filagent_log(
    privacy_telemetry: TelemetryManager, privacy_search_url: str
) -> Iterator[io.StringIO]:
    """Everything FilAgent logs, as the JSON lines it writes.

    Set up after the search service: uvicorn configures its own loggers when it starts,
    and FilAgent's logging must take them over (as ``filagent serve`` does).
    """
    with filagent_log_stream(privacy_telemetry) as stream:
        yield stream


@pytest.fixture(scope="module")
def customer_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a file named after the e-mail canary."""
    data_dir = tmp_path_factory.mktemp("privacy-data")
    (data_dir / CUSTOMER_FILE).parent.mkdir(parents=True)
    (data_dir / CUSTOMER_FILE).write_text("3 orders, last one shipped.\n", encoding="utf-8")
    return data_dir


@pytest.fixture
def service(
    privacy_telemetry: TelemetryManager,
    privacy_search_url: str,
    customer_data_dir: Path,
    all_request_headers_captured: None,
) -> Iterator[TestClient]:
    """The FilAgent service, with the decision recorder it builds from its configuration."""
    settings = Settings(search_url=privacy_search_url, data_dir=customer_data_dir)
    with TestClient(create_app(settings, privacy_telemetry, metrics=Metrics())) as client:
        yield client


@dataclass(frozen=True)
class Sent:
    """One request and everything FilAgent let out of the process while answering it."""

    trace: SpanTree
    spans: list[ReadableSpan]
    log_lines: str
    records: list[dict[str, Any]]

    @property
    def server_span(self) -> SpanNode:
        """The request's ``POST /chat`` SERVER span."""
        return self.trace.root

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON log lines, parsed."""
        return [dict(record) for record in LogCapture.from_json_lines(self.log_lines).records]


Send = Callable[[RequestCase], Sent]


def _lines_since(text: str, start: int) -> str:
    kept = []
    for line in text[start:].splitlines():
        record = LogCapture.from_json_lines(line).records
        event = record[0].event if record else None
        if event is not None and fnmatchcase(event, TEST_CLIENT_LINES):
            continue
        kept.append(line)
    return "\n".join(kept)


def _records_since(path: Path, start: int) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open("rb") as file:
        file.seek(start)
        text = file.read().decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def send(
    service: TestClient,
    trace_capture: TraceCapture,
    filagent_log: io.StringIO,
    privacy_telemetry: TelemetryManager,
) -> Send:
    """Send a case's request; collect its trace, the spans, logs and records it produced."""
    records_path = privacy_telemetry.config.records.path
    assert records_path is not None

    def send_case(case: RequestCase) -> Sent:
        log_start = len(filagent_log.getvalue())
        records_start = records_path.stat().st_size if records_path.exists() else 0
        body: dict[str, Any] = {"messages": [{"role": "user", "content": case.content}]}
        if case.user_id is not None:
            body["user_id"] = case.user_id
        url = f"/chat?{case.query}" if case.query else "/chat"
        response = service.post(url, json=body, headers=dict(case.headers))
        assert response.status_code == 200, f"{case.id}: HTTP {response.status_code}"
        trace = request_trace(trace_capture, response, searched=case.searched)
        return Sent(
            trace=trace,
            spans=trace_capture.raw_spans,
            log_lines=_lines_since(filagent_log.getvalue(), log_start),
            records=_records_since(records_path, records_start),
        )

    return send_case


# --- the canaries are personal data ---------------------------------------------------------


@pytest.mark.parametrize("canary", CANARIES, ids=lambda canary: canary.name)
def test_canary_is_personal_data_to_the_independent_detectors(canary: Canary) -> None:
    found = {finding.detector for finding in find_pii({canary.field: canary.shown})}

    assert canary.detector in found


@pytest.mark.parametrize("canary", [CARD, SIN], ids=lambda canary: canary.name)
def test_numeric_canary_passes_the_luhn_check(canary: Canary) -> None:
    valid = luhn_valid(canary.value.replace(" ", ""))

    assert valid, f"{canary!r} fails the Luhn check"


# --- no canary leaves the process -------------------------------------------------------------


def _trace_states(spans: list[ReadableSpan]) -> list[dict[str, str]]:
    """Each span's ``trace_state`` and its parent's and links', which exporters send too."""
    states = []
    for span in spans:
        contexts = [span.context, span.parent, *(link.context for link in span.links)]
        for context in contexts:
            if context is not None and context.trace_state:
                states.append({"span": span.name, "trace_state": context.trace_state.to_header()})
    return states


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_spans_hold_no_canary(case: RequestCase, send: Send) -> None:
    sent = send(case)

    found = []
    # Spans, then what the scan of spans does not read: their trace_state, one report.
    for source in (sent.spans, _trace_states(sent.spans)):
        try:
            assert_no_pii(source, canaries=CANARY_VALUES)
        except PIIFound as failure:
            found.append(failure)
    if found:
        raise PIIFound("\n".join(map(str, found)), [f for each in found for f in each.findings])


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_logs_hold_no_canary(case: RequestCase, send: Send) -> None:
    # The JSON lines FilAgent wrote, not trace_capture.logs: the capture takes stdlib
    # records before FilAgent's log formatter has redacted them.
    sent = send(case)

    assert sent.log_lines, f"{case.id}: FilAgent wrote no log line"
    assert_no_pii(sent.log_lines, canaries=CANARY_VALUES)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_decision_records_hold_no_canary(case: RequestCase, send: Send) -> None:
    sent = send(case)

    assert sent.records, f"{case.id}: FilAgent wrote no decision record"
    assert_no_pii(sent.records, canaries=CANARY_VALUES)


# --- what was recorded went through redaction ----------------------------------------------


def _span_values(node: SpanNode, name: str) -> list[object]:
    if name == "status":
        return [node.status_description] if node.status_description else []
    if name.startswith("exception."):
        return [
            e.attributes[name]
            for e in node.events
            if e.name == "exception" and name in e.attributes
        ]
    return [node.attributes[name]] if name in node.attributes else []


def _recorded(sent: Sent, proof: Redacted) -> tuple[int, list[str]]:
    """How many items ``proof`` names, and the values of its field in them."""
    values: list[object] = []
    if proof.sink == "spans" and proof.field == "trace_state":
        # Not an attribute: read from the spans exporters receive.
        items = [span for span in sent.spans if fnmatchcase(span.name, proof.item)]
        values = [state["trace_state"] for state in _trace_states(items)]
    elif proof.sink == "spans":
        items: list[Any] = sent.trace.find(proof.item)
        for node in items:
            values.extend(_span_values(node, proof.field))
    else:
        source = sent.log_records() if proof.sink == "logs" else sent.records
        items = [r for r in source if fnmatchcase(str(r.get("event", "")), proof.item or "*")]
        values = [item[proof.field] for item in items if proof.field in item]
    texts = [" ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in values]
    return len(items), texts


def _check_redacted(case: RequestCase, sent: Sent, proof: Redacted) -> str | None:
    """Why ``proof`` does not hold, or None; never quotes a planted value unmasked."""
    item = f"{proof.sink} item {proof.item!r}" if proof.item else f"the request's {proof.sink}"
    count, values = _recorded(sent, proof)
    if not count:
        return f"{case.id}: no {item} was found"
    where = f"{item}, field {proof.field}"
    # Decoded first: mask_pii does not see "%40" or "+" separators in URLs.
    found = [mask_pii(unquote_plus(value), canaries=CANARY_VALUES) for value in values]
    if proof.holds is None:
        return None if not values else f"{case.id}: expected {where} dropped, found {found}"
    if any(proof.holds in value for value in values):
        return None
    return f"{case.id}: expected {where} to hold {proof.holds!r}, found {found or 'no value'}"


@pytest.mark.parametrize("case", REDACTED_CASE_PARAMS)
def test_planted_values_are_recorded_redacted(case: RequestCase, send: Send) -> None:
    sent = send(case)

    problems = [p for proof in case.redacted if (p := _check_redacted(case, sent, proof))]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_request_headers_are_captured_so_only_the_allow_list_keeps_them_out(send: Send) -> None:
    sent = send(HEADERS_CASE)

    captured = sent.server_span.attributes.get("http.request.header.content_type")
    assert captured == ("application/json",)


def test_user_id_is_recorded_only_as_its_keyed_hash(
    send: Send, privacy_telemetry: TelemetryManager
) -> None:
    assert USER_ID_CASE.user_id is not None
    expected = privacy_telemetry.hash_user_id(USER_ID_CASE.user_id)

    sent = send(USER_ID_CASE)

    run = sent.trace.find("agent.run_*")
    pseudonyms = [node.attributes.get(names.USER_ID_HASH) for node in run]
    assert pseudonyms == [expected]
    assert expected.startswith("hmac-sha256:")


# --- logs and records point at the request's spans ----------------------------------------------


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_logs_point_at_the_spans_of_their_request(
    case: RequestCase, send: Send, trace_capture: TraceCapture
) -> None:
    sent = send(case)

    # Ids in the written lines, foreign ones (httpx, uvicorn) included, name captured spans.
    assert_logs_correlated(sent.log_lines, trace_capture)
    # FilAgent's own events carry the span that was current when they were emitted.
    own = [r for r in trace_capture.logs.records if str(r.get("logger")).startswith("filagent")]
    assert_logs_correlated(own, trace_capture)
    server = sent.server_span
    lines = [(r["event"], r.get("trace_id"), r.get("span_id")) for r in sent.log_records()]
    chat_lines = [line for line in lines if str(line[0]).startswith("chat.")]
    assert chat_lines == [
        ("chat.request", server.trace_id, server.span_id),
        ("chat.response", server.trace_id, server.span_id),
    ]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_decision_record_points_at_the_server_span_of_its_request(
    case: RequestCase, send: Send, trace_capture: TraceCapture
) -> None:
    sent = send(case)

    assert_logs_correlated(sent.records, trace_capture)
    server = sent.server_span
    assert server.kind == "SERVER"
    assert [(r["trace_id"], r["span_id"]) for r in sent.records] == [
        (server.trace_id, server.span_id)
    ]
