"""Shared test configuration: hypothesis profiles.

``make test`` runs property tests with the quick profile; ``make fuzz`` sets
``HYPOTHESIS_PROFILE=fuzz`` for 10,000 cases per property.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
