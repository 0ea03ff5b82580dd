"""Names and defaults of the ini options that more than one layer reads.

The pytest layer registers them at start-up without loading the snapshot package; the
snapshot extension reads the directory option when a test compares.

Example:
    >>> SNAPSHOT_DIR_INI, DEFAULT_SNAPSHOT_DIR
    ('trace_snapshot_dir', 'snapshots')
"""

from __future__ import annotations

__all__ = ["DEFAULT_SNAPSHOT_DIR", "SNAPSHOT_DIR_INI"]

DEFAULT_SNAPSHOT_DIR = "snapshots"
"""Directory, relative to pytest's rootdir, that holds trace snapshots by default."""

SNAPSHOT_DIR_INI = "trace_snapshot_dir"
"""The ini option naming the snapshot directory (registered by the pytest layer)."""
