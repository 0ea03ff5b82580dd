"""Property-based tests of the private trace context: no ``tracestate`` or ``baggage``
entry holding personal data is kept, whether or not its key is allowed.

Profiles come from ``tests/conftest.py``: ``quick`` in ``make test``, and
``HYPOTHESIS_PROFILE=fuzz`` (10,000 cases per property) in ``make fuzz``, which
selects these tests with ``-m fuzz``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
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
from tests.helpers.canaries import CANARIES, Canary

pytestmark = pytest.mark.fuzz


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
