"""Shared test configuration: hypothesis profiles, and the SDK provider of one test.

``make test`` runs property tests with the quick profile; ``make fuzz`` sets
``HYPOTHESIS_PROFILE=fuzz`` for 10,000 cases per property.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from opentelemetry.sdk.trace import TracerProvider

settings.register_profile("quick", max_examples=60, deadline=None)
settings.register_profile(
    "fuzz", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


@pytest.fixture(autouse=True)
def _inner_pytest_runs_are_not_xdist_workers(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pytest run started by a test is a session of its own, even under ``-n``.

    xdist marks its workers with ``PYTEST_XDIST_*`` variables; a subprocess
    inherits them and plugins (syrupy among them) would then act as a worker
    and keep their report to themselves.
    """
    if "pytester" not in request.fixturenames:
        return
    for name in list(os.environ):
        if name.startswith("PYTEST_XDIST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def provider() -> Iterator[TracerProvider]:
    """An SDK provider of this test only, shut down after it; its spans go nowhere until a
    folder's fixture (``exporter``, ``spans``) attaches an exporter."""
    tracer_provider = TracerProvider()
    yield tracer_provider
    tracer_provider.shutdown()
