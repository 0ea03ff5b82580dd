"""Trace snapshots: options, masks, normalize; serialize = render(normalize); the syrupy
extension."""

from __future__ import annotations

from pytest_filagent_trace._snapshot.extension import (
    DEFAULT_SNAPSHOT_DIR,
    SNAPSHOT_DIR_INI,
    TraceSnapshotAssertion,
    TraceSnapshotExtension,
)
from pytest_filagent_trace._snapshot.masks import (
    DEFAULT_ATTRIBUTE_MASKS,
    parse_mask_line,
)
from pytest_filagent_trace._snapshot.normalize import normalize_traces
from pytest_filagent_trace._snapshot.options import (
    ORDER_VALUES,
    AttributeReplacement,
    Order,
    SnapshotOptions,
)
from pytest_filagent_trace._snapshot.serialize import SNAPSHOT_WIDTH, serialize_traces

__all__ = [
    "DEFAULT_ATTRIBUTE_MASKS",
    "DEFAULT_SNAPSHOT_DIR",
    "ORDER_VALUES",
    "SNAPSHOT_DIR_INI",
    "SNAPSHOT_WIDTH",
    "AttributeReplacement",
    "Order",
    "SnapshotOptions",
    "TraceSnapshotAssertion",
    "TraceSnapshotExtension",
    "normalize_traces",
    "parse_mask_line",
    "serialize_traces",
]
