"""The privacy contract's canaries are personal data: the independent detectors recognise them.

The scan of FilAgent's outputs (``test_privacy_contract.py``) must not rest on the exact
canary strings alone, so each canary is one the plugin's detectors find by its shape.
"""

from __future__ import annotations

import pytest

from pytest_filagent_trace import find_pii
from pytest_filagent_trace._privacy import luhn_valid
from tests.helpers.privacy_cases import CANARIES, CARD, SIN, Canary


@pytest.mark.parametrize("canary", CANARIES, ids=lambda canary: canary.name)
def test_canary_is_personal_data_to_the_independent_detectors(canary: Canary) -> None:
    found = {finding.detector for finding in find_pii({canary.field: canary.shown})}

    assert canary.detector in found


@pytest.mark.parametrize("canary", [CARD, SIN], ids=lambda canary: canary.name)
def test_numeric_canary_passes_the_luhn_check(canary: Canary) -> None:
    valid = luhn_valid(canary.value.replace(" ", ""))

    assert valid, f"{canary!r} fails the Luhn check"
