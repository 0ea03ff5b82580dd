"""Property-based tests of the PII detectors: what only looks like personal data is never reported.

Trace ids, span ids, UUIDs, timestamps, epoch times, ports and version strings, in text and
in records. ``make test`` runs the quick profile; ``make fuzz`` sets
``HYPOTHESIS_PROFILE=fuzz`` for 10,000 cases per property.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_filagent_trace._privacy import find_pii

pytestmark = pytest.mark.fuzz


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
