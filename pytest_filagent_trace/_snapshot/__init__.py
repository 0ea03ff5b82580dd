"""Trace snapshots: options, masks, normalization, the syrupy extension."""

from __future__ import annotations

from pytest_filagent_trace._snapshot.snapshot import (
    DEFAULT_ATTRIBUTE_MASKS,
    DEFAULT_SNAPSHOT_DIR,
    SNAPSHOT_WIDTH,
    SnapshotOptions,
    TraceSnapshotAssertion,
    TraceSnapshotExtension,
    normalize_traces,
    parse_mask_line,
    serialize_traces,
)

__all__ = [
    "DEFAULT_ATTRIBUTE_MASKS",
    "DEFAULT_SNAPSHOT_DIR",
    "SNAPSHOT_WIDTH",
    "SnapshotOptions",
    "TraceSnapshotAssertion",
    "TraceSnapshotExtension",
    "normalize_traces",
    "parse_mask_line",
    "serialize_traces",
]
