"""Property-based tests of the redactor: no false positives.

Trace and span ids, UUIDs, timestamps, versions and numbers as telemetry writes them
come out of the redactor exactly as they went in, in text, records and attributes.

Profiles come from ``tests/conftest.py``: ``quick`` in ``make test``, and
``HYPOTHESIS_PROFILE=fuzz`` (10,000 cases per property) in ``make fuzz``, which
selects these tests with ``-m fuzz``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.canaries import REDACTOR, SEPARATORS

pytestmark = pytest.mark.fuzz


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
