"""Fixtures for the plugin's own tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.helpers.snapshot_project import PROGRAM, TESTS
from tests.helpers.spans import exporting_to_memory


@pytest.fixture
def sdk() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    """An SDK provider of this test only, and the in-memory exporter its spans end in."""
    with exporting_to_memory() as provider_and_exporter:
        yield provider_and_exporter


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester directory holding the traced agent and its three snapshot tests.

    See :mod:`tests.helpers.snapshot_project`.
    """
    pytester.makepyfile(agent=PROGRAM, test_agent=TESTS)
    return pytester
