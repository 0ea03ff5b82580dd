"""PII detectors, find_pii over every kind of source, and assert_no_pii's failure text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, Status, StatusCode

from pytest_filagent_trace._privacy import (
    API_KEY,
    BEARER_TOKEN,
    CANADIAN_SIN,
    CREDIT_CARD,
    DEFAULT_DETECTORS,
    EMAIL,
    IBAN,
    IPV4,
    IPV6,
    JWT,
    PHONE,
    SENSITIVE_KEY,
    URL_CREDENTIALS,
    CanaryDetector,
    Finding,
    PIIFound,
    RegexDetector,
    assert_no_pii,
    find_pii,
    iban_checksum_valid,
    is_masked,
    is_sensitive_key,
    luhn_valid,
    mask_pii,
    span_refs,
)
from pytest_filagent_trace._spans import build_trees


def values(findings: list[Finding]) -> list[str]:
    return [finding.value for finding in findings]


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def tracer(exporter: InMemorySpanExporter) -> Iterator[trace.Tracer]:
    provider = TracerProvider(resource=Resource.create({"service.name": "shop"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider.get_tracer("tests.privacy")
    provider.shutdown()


def request_with(tracer: trace.Tracer, **attributes: object) -> None:
    with (
        tracer.start_as_current_span("POST /chat", kind=trace.SpanKind.SERVER),
        tracer.start_as_current_span("agent.run_simple"),
        tracer.start_as_current_span("tool.execute.file_read") as tool,
    ):
        for key, value in attributes.items():
            tool.set_attribute(key.replace("__", "."), value)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- detectors


@pytest.mark.parametrize(
    "text",
    ["jane.doe@example.com", "j+tag@sub.example.co.uk", "X_Y-9@mail-host.io"],
)
def test_email_detector_finds_addresses(text: str) -> None:
    assert values(EMAIL.find(f"contact: {text}.")) == [text]


@pytest.mark.parametrize("text", ["user@localhost", "@decorator", "a@b", "pkg@1.2.3"])
def test_email_detector_ignores_addresses_without_a_domain(text: str) -> None:
    assert EMAIL.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "+1 514 555 0199",
        "+15145550199",
        "(514) 555-0199",
        "514-555-0199",
        "514.555.0199",
        "+33 1 23 45 67 89",
        "+44 (0)20 7183 8750",
        "+442071838750",
    ],
)
def test_phone_detector_finds_international_and_north_american_numbers(text: str) -> None:
    assert values(PHONE.find(f"call {text} now")) == [text]


@pytest.mark.parametrize(
    "text",
    ["5145550199", "+12345", "2024-05-01 12:30:45", "+00:00", "1714567890123456789"],
)
def test_phone_detector_ignores_bare_digits_dates_and_offsets(text: str) -> None:
    assert PHONE.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "4242 4242 4242 4242",
        "4242-4242-4242-4242",
        "4242424242424242",
        "3782 822463 10005",
        "5555555555554444",
        "6011 0009 9013 9424",
    ],
)
def test_card_detector_finds_luhn_valid_numbers_grouped_or_compact(text: str) -> None:
    assert values(CREDIT_CARD.find(f"paid with {text}, thanks")) == [text]


def test_card_detector_ignores_numbers_failing_luhn() -> None:
    assert CREDIT_CARD.find("4242 4242 4242 4241") == []


def test_card_detector_ignores_numbers_without_a_card_brand_prefix() -> None:
    # 19 digits and Luhn-valid, but no brand starts with 1: an epoch in nanoseconds.
    number = "171456789012345678"
    number += next(d for d in "0123456789" if luhn_valid(number + d))
    assert CREDIT_CARD.find(number) == []


def test_card_detector_finds_a_card_after_a_date_in_one_run_of_numbers() -> None:
    assert values(CREDIT_CARD.find("2024-05-01 4242 4242 4242 4242")) == ["4242 4242 4242 4242"]


def test_card_detector_masks_all_but_the_last_four_digits() -> None:
    assert [f.masked for f in CREDIT_CARD.find("4242 4242 4242 4242")] == ["**** **** **** 4242"]


@pytest.mark.parametrize("text", ["046 454 286", "046-454-286", "SIN: 046454286", "NAS 046454286"])
def test_sin_detector_finds_grouped_numbers_and_labelled_bare_numbers(text: str) -> None:
    assert [f.masked for f in CANADIAN_SIN.find(text)] in (
        ["*** *** 286"],
        ["***-***-286"],
        ["******286"],
    )


@pytest.mark.parametrize("text", ["046454286", "046 454 287", "12:30:45.046454286Z", "846 454 286"])
def test_sin_detector_ignores_bare_digits_bad_checksums_and_fractions(text: str) -> None:
    assert CANADIAN_SIN.find(text) == []


def test_sin_detector_uses_the_field_name_for_bare_numbers() -> None:
    assert values(CANADIAN_SIN.find_field("customer.sin", 46454286)) == ["046454286"]
    assert CANADIAN_SIN.find_field("duration_ns", 46454286) == []


@pytest.mark.parametrize(
    "text",
    [
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "gb82 west 1234 5698 7654 32",
    ],
)
def test_iban_detector_finds_checksummed_ibans(text: str) -> None:
    assert values(IBAN.find(f"pay to {text}.")) == [text]


@pytest.mark.parametrize(
    "text",
    ["DE89370400440532013001", "de89370400440532013000", "ZZ89370400440532013000", "DE8937040044"],
)
def test_iban_detector_ignores_bad_checksums_lower_case_compact_and_wrong_lengths(
    text: str,
) -> None:
    assert IBAN.find(text) == []


def test_iban_checksum_is_mod_97() -> None:
    assert iban_checksum_valid("GB82WEST12345698765432")
    assert not iban_checksum_valid("GB83WEST12345698765432")


@pytest.mark.parametrize("text", ["203.0.113.7", "8.8.8.8", "198.51.100.23:443"])
def test_ipv4_detector_finds_public_and_documentation_addresses(text: str) -> None:
    assert len(IPV4.find(f"client {text}")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1:8000",
        "10.1.2.3",
        "192.168.0.10",
        "0.0.0.0",
        "version 4.2.1.0",
        "1.2.3.4.5",
        "300.1.1.1",
    ],
)
def test_ipv4_detector_ignores_private_loopback_versions_and_non_addresses(text: str) -> None:
    assert IPV4.find(text) == []


@pytest.mark.parametrize("text", ["2001:db8::1", "2606:4700:4700::1111", "[2001:db8::7]:8080"])
def test_ipv6_detector_finds_global_addresses(text: str) -> None:
    assert len(IPV6.find(f"peer {text}.")) == 1


@pytest.mark.parametrize(
    "text", ["::1", "fe80::1", "fd00::5", "12:30:45", "00:1a:2b:3c:4d:5e", "std::vector"]
)
def test_ipv6_detector_ignores_local_addresses_times_and_macs(text: str) -> None:
    assert IPV6.find(text) == []


def test_jwt_detector_finds_tokens_whose_header_is_json() -> None:
    token = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    assert [f.masked for f in JWT.find(f"token={token}")] == ["eyJ***.***.***"]
    assert JWT.find("eyJub3Rqc29u.eyJhYmMi.sig") == []


@pytest.mark.parametrize(
    "text", ["Bearer abcdef1234567890XYZ", "bearer 0123456789", "Basic dXNlcjpwYXNz"]
)
def test_bearer_detector_finds_authorization_credentials(text: str) -> None:
    assert values(BEARER_TOKEN.find(f"Authorization: {text}")) == [text]


@pytest.mark.parametrize(
    "text", ["uses bearer authentication", "Basic authentication failed", "Bearer ***"]
)
def test_bearer_detector_ignores_prose_and_masked_tokens(text: str) -> None:
    assert BEARER_TOKEN.find(text) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("sk-proj-abcdefghijklmnopqrstuvwx", "sk-proj-********"),
        ("sk_live_abcdefghijklmnop1234", "sk_live_********"),
        ("AKIAIOSFODNN7EXAMPLE", "AKIA********"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_********"),
        ("xoxb-1234567890-abcdefghij", "xoxb-********"),
    ],
)
def test_api_key_detector_finds_known_key_shapes_and_keeps_only_the_prefix(
    text: str, masked: str
) -> None:
    assert [f.masked for f in API_KEY.find(f"key {text} used")] == [masked]


def test_api_key_detector_ignores_short_and_masked_keys() -> None:
    assert API_KEY.find("sk-*** sk-short AKIA123") == []


@pytest.mark.parametrize(
    "text",
    [
        "GET /login?user=bob&password=hunter2",
        '{"client_secret": "s3cr3t"}',
        "Set-Cookie: session=abc123; Path=/",
        "X-Api-Key: 1234abcd",
        "accessToken=xyz",
        "password=TOKEN",
        "Authorization: Bearer 0123456789abcdef",
    ],
)
def test_sensitive_key_detector_finds_clear_values_in_text(text: str) -> None:
    assert len(SENSITIVE_KEY.find(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "password=***",
        'password: "[REDACTED:secret]"',
        "token=<redacted>",
        "gen_ai.usage.input_tokens=42",
        "token_count=3",
        "max_tokens=100",
        'password=""',
    ],
)
def test_sensitive_key_detector_ignores_masked_values_and_look_alike_keys(text: str) -> None:
    assert SENSITIVE_KEY.find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer [REDACTED:secret]",
        "Authorization: Basic <hidden>",
        'Authorization: Bearer "***"',
        "GET /search?q=[REDACTED:query]&api_key=[REDACTED:secret]",
        'cookie: "[REDACTED:secret]"',
        "mail [REDACTED:email], card [REDACTED:credit_card], SIN [REDACTED:sin]",
        "user hmac-sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
)
def test_text_already_redacted_is_not_reported(text: str) -> None:
    assert find_pii(text) == []


def test_sensitive_key_detector_masks_the_value_and_shows_the_key() -> None:
    assert [f.masked for f in SENSITIVE_KEY.find("password=hunter2")] == ["password=********"]


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("password", True),
        ("user_password_confirmation", True),
        ("X-Api-Key", True),
        ("accessToken", True),
        ("http.request.header.authorization", True),
        ("http.response.header.set-cookie", True),
        ("gen_ai.usage.input_tokens", False),
        ("token_count", False),
        ("session.id", False),
        ("author", False),
    ],
)
def test_sensitive_keys_are_matched_on_words(key: str, sensitive: bool) -> None:
    assert is_sensitive_key(key) is sensitive


@pytest.mark.parametrize(
    "value",
    [
        "",
        "***",
        "[REDACTED]",
        "[REDACTED:secret]",
        "<hidden>",
        None,
        True,
        7,
        "hmac-sha256:0a1b2c3d4e5f6a7b",
    ],
)
def test_masked_values(value: object) -> None:
    assert is_masked(value)


@pytest.mark.parametrize("value", ["hunter2", "Bearer abc", 123456, "sk-live-1"])
def test_clear_values_are_not_masked(value: object) -> None:
    assert not is_masked(value)


def test_url_credentials_detector_finds_passwords_in_urls() -> None:
    found = URL_CREDENTIALS.find("db at postgres://app:s3cret@db.internal:5432/x")
    assert [f.masked for f in found] == ["postgres://***:********@"]


def test_canaries_are_found_whatever_the_case_and_separators() -> None:
    detector = CanaryDetector(["Canary.User@Example.com", "4111 1111 1111 1111"])
    text = "to canary.user@example.com paid 4111-1111-1111-1111"
    assert values(detector.find(text)) == ["canary.user@example.com", "4111-1111-1111-1111"]


def test_phone_canaries_are_found_without_their_country_code() -> None:
    detector = CanaryDetector(["+1 514-555-0199"])
    assert values(detector.find("called 5145550199")) == ["5145550199"]


def test_too_short_canaries_are_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        CanaryDetector(["abc"])


def test_luhn() -> None:
    assert luhn_valid("046454286")
    assert not luhn_valid("046454287")
    assert not luhn_valid("04645428x")


def test_regex_detector_builds_a_custom_detector() -> None:
    ticket = RegexDetector("ticket", r"\bTCK-\d{6}\b", mask=lambda value: "TCK-******")
    assert [str(f) for f in find_pii("see TCK-123456", detectors=[ticket])] == [
        "line 1: ticket 'TCK-******'"
    ]


def test_finding_repr_and_str_never_show_the_raw_value() -> None:
    [finding] = find_pii({"to": "jane.doe@example.com"})
    assert "jane.doe" not in repr(finding)
    assert "jane.doe" not in str(finding)
    assert finding.value == "jane.doe@example.com"


def test_mask_pii_masks_every_finding_in_text() -> None:
    assert mask_pii("GET /u/jane.doe@example.com?card=4242424242424242") == (
        "GET /u/ja***@***.com?card=************4242"
    )


def test_mask_pii_masks_a_sensitive_value_without_repeating_its_key() -> None:
    assert mask_pii("session=Hunter2-Canary; token: abc123def") == (
        "session=********; token: ********"
    )


def test_mask_pii_masks_what_percent_encoding_hides() -> None:
    # find_pii finds these, so a message masked by mask_pii must not show them encoded.
    assert mask_pii("GET /search?q=jane.doe%40example.com&limit=5 200") == (
        "GET /search?q=ja***@***.com&limit=5 200"
    )
    assert mask_pii("card=4242%204242%204242%204242") == "card=**** **** **** 4242"


def test_mask_pii_leaves_encoded_text_without_findings_encoded() -> None:
    text = "GET /files/report%202024.pdf?sort=name%2Casc 100%25"

    assert mask_pii(text) == text


def test_mask_pii_masks_an_encoded_canary() -> None:
    assert mask_pii("q=Hunter2%2DCanary", canaries=["Hunter2-Canary"]) == "q=Hu*****-****ry"


# ----------------------------------------------------------------------------- sources


def test_find_pii_scans_span_attributes_with_the_span_path(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, tool__args__path="/home/jane.doe@example.com/notes.txt")
    [finding] = find_pii(exporter.get_finished_spans())
    assert finding.where == (
        "span POST /chat \u203a agent.run_simple \u203a tool.execute.file_read, "
        "attribute tool.args.path"
    )
    assert (finding.detector, finding.masked) == ("email", "ja***@***.com")


def test_find_pii_scans_span_names_events_status_and_links(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    linked = trace.SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736, span_id=0x00F067AA0BA902B7, is_remote=True
    )
    with tracer.start_as_current_span(
        "GET /users/jane.doe@example.com", links=[Link(linked, {"peer": "+1 514 555 0199"})]
    ) as span:
        span.record_exception(ValueError("card 4242 4242 4242 4242 refused"))
        span.set_status(Status(StatusCode.ERROR, "SIN 046 454 286 rejected"))
    wheres = {(f.detector, f.where) for f in find_pii(exporter.get_finished_spans())}
    assert wheres == {
        ("email", "span GET /users/ja***@***.com, name"),
        (
            "credit_card",
            "span GET /users/ja***@***.com, event 0 'exception', attribute exception.message",
        ),
        (
            "credit_card",
            "span GET /users/ja***@***.com, event 0 'exception', attribute exception.stacktrace",
        ),
        ("phone", "span GET /users/ja***@***.com, link 0, attribute peer"),
        ("sin", "span GET /users/ja***@***.com, status description"),
    }


def test_find_pii_scans_the_resource_once(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    provider = TracerProvider(resource=Resource.create({"host.owner": "ops@example.com"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    local = provider.get_tracer("t")
    for _ in range(3):
        with local.start_as_current_span("job"):
            pass
    found = find_pii(exporter.get_finished_spans())
    assert [f.where for f in found] == ["resource of span job, attribute host.owner"]


def test_find_pii_scans_span_nodes_and_span_trees(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, user__email="jane.doe@example.com")
    [tree] = build_trees(exporter.get_finished_spans())
    from_tree = [f.where for f in find_pii(tree)]
    from_nodes = [f.where for f in find_pii(list(tree.walk()))]
    path = "POST /chat \u203a agent.run_simple \u203a tool.execute.file_read"
    assert from_tree == from_nodes == [f"span {path}, attribute user.email"]


def test_find_pii_reads_trace_capture_like_objects_with_spans_and_logs(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, ok="fine")

    capture = SimpleNamespace(
        spans=exporter.get_finished_spans(),
        logs=[{"event": "login", "email": "jane.doe@example.com"}],
    )
    assert [f.where for f in find_pii(capture)] == ["log record 0 (event 'login'), field email"]


def test_find_pii_parses_json_held_in_a_string(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, tool__args=json.dumps({"query": "x", "owner": {"phone": "514-555-0199"}}))
    [finding] = find_pii(exporter.get_finished_spans())
    assert finding.where.endswith("attribute tool.args.owner.phone")


def test_find_pii_decodes_percent_encoded_urls() -> None:
    found = find_pii({"url.full": "https://api.example/search?q=jane.doe%40example.com&limit=5"})
    assert [(f.detector, f.value) for f in found] == [("email", "jane.doe@example.com")]


def test_a_findings_location_masks_what_percent_encoding_hides() -> None:
    found = find_pii({"by_user": {"jane.doe%40example.com": "card 4242424242424242"}})

    assert [(f.detector, f.where) for f in found] == [
        ("email", '$.by_user["ja***@***.com"] (the key itself)'),
        ("credit_card", '$.by_user["ja***@***.com"]'),
    ]


def test_find_pii_scans_keys_as_well_as_values() -> None:
    [finding] = find_pii({"scores": {"jane.doe@example.com": 3}})
    assert finding.where == '$.scores["ja***@***.com"] (the key itself)'


def test_find_pii_checks_values_under_sensitive_keys() -> None:
    found = find_pii([{"event": "auth", "password": "hunter2", "token": "[REDACTED]"}])
    assert [(f.detector, f.where, f.masked) for f in found] == [
        ("sensitive_key", "record 0 (event 'auth'), field password", "********")
    ]


def test_find_pii_checks_each_item_of_a_header_list_under_its_key(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, http__request__header__cookie=("session=abc123",))
    [finding] = find_pii(exporter.get_finished_spans())
    assert finding.where.endswith("attribute http.request.header.cookie[0]")


def test_find_pii_leaves_ids_under_id_keys_alone() -> None:
    span_id = "4539578763621486"  # all digits, Luhn-valid, Visa prefix
    assert values(CREDIT_CARD.find(span_id)) == [span_id]
    record = {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": span_id}
    assert find_pii([record]) == []
    assert find_pii(f"trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id={span_id}") == []


def test_find_pii_reads_a_json_lines_file(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    path.write_text(
        '{"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "outcome": "success"}\n'
        '{"outcome": "error", "error": "no file /home/+1 514 555 0199"}\n'
    )
    found = find_pii(path)
    assert [f.where for f in found] == ["decisions.jsonl line 2, field error"]
    assert [f.where for f in find_pii(str(path))] == ["decisions.jsonl line 2, field error"]


def test_find_pii_reads_text_line_by_line_and_json_lines_as_records() -> None:
    text = 'server started\n{"event": "login", "user": "jane.doe@example.com"}\nbye 8.8.8.8\n'
    assert [f.where for f in find_pii(text)] == [
        "line 2 (event 'login'), field user",
        "line 3",
    ]


def test_find_pii_reads_dataclasses_and_pydantic_models() -> None:
    from pydantic import BaseModel

    class Record(BaseModel):
        error: str

    assert [f.where for f in find_pii(Record(error="mail jane.doe@example.com"))] == ["$.error"]


def test_find_pii_takes_detectors_by_name() -> None:
    text = "jane.doe@example.com 4242 4242 4242 4242"
    assert [f.detector for f in find_pii(text, detectors=["credit_card"])] == ["credit_card"]


def test_find_pii_rejects_unknown_detector_names() -> None:
    with pytest.raises(ValueError, match="unknown detector 'mail': expected one of email"):
        find_pii("x", detectors=["mail"])


def test_find_pii_finds_canaries_in_any_field() -> None:
    found = find_pii({"note": "ref CANARY-7f3a"}, canaries=["canary-7f3a"])
    assert [(f.detector, f.masked) for f in found] == [("canary", "CA****-**3a")]


@pytest.mark.parametrize(
    "allow",
    [
        ["support@example.com"],
        [re.compile(r"@example\.com$")],
        [lambda finding: finding.where.endswith("field contact")],
    ],
)
def test_allow_accepts_known_values(allow: list[object]) -> None:
    assert find_pii([{"contact": "Support@example.com"}], allow=allow) == []  # type: ignore[arg-type]


def test_span_refs_give_each_span_its_path_even_for_orphans(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer)
    spans = exporter.get_finished_spans()
    without_root = [span for span in spans if span.name != "POST /chat"]
    assert [ref.path for ref in span_refs(without_root)] == [
        "agent.run_simple \u203a tool.execute.file_read",
        "agent.run_simple",
    ]


def test_default_detectors_have_unique_names() -> None:
    names = [detector.name for detector in DEFAULT_DETECTORS]
    assert len(names) == len(set(names))


# ----------------------------------------------------------------------------- assert_no_pii


def test_assert_no_pii_passes_on_clean_spans(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(tracer, tool__name="file_read", tool__args__path="notes/today.txt")
    assert_no_pii(exporter.get_finished_spans())


def test_assert_no_pii_failure_lists_each_finding_masked(
    tracer: trace.Tracer, exporter: InMemorySpanExporter
) -> None:
    request_with(
        tracer,
        tool__args__path="/home/jane.doe@example.com",
        payment__card="4242 4242 4242 4242",
    )
    with pytest.raises(PIIFound) as failure:
        assert_no_pii(exporter.get_finished_spans())
    message = str(failure.value)
    path = "span POST /chat \u203a agent.run_simple \u203a tool.execute.file_read"
    assert message.splitlines()[:3] == [
        "personal data found: 2 findings in 3 spans scanned",
        f"  {path}, attribute tool.args.path: email 'ja***@***.com'",
        f"  {path}, attribute payment.card: credit_card '**** **** **** 4242'",
    ]
    assert "jane.doe" not in message
    assert "4242 4242 4242 4242" not in message
    assert len(failure.value.findings) == 2


def test_assert_no_pii_failure_masks_personal_data_in_locations_too() -> None:
    with pytest.raises(PIIFound) as failure:
        assert_no_pii([{"event": "mail sent to jane.doe@example.com"}])
    assert "jane.doe" not in str(failure.value)


def test_pii_found_is_an_assertion_error() -> None:
    assert issubclass(PIIFound, AssertionError)
