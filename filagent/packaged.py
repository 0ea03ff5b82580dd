"""Files shipped inside the FilAgent package.

Example::

    packaged_data_dir() / "notes.txt"   # a sample file the file_read tool may read
"""

from __future__ import annotations

from pathlib import Path


def packaged_data_dir() -> Path:
    """The sample files shipped with FilAgent (``filagent/data``).

    Example: ``(packaged_data_dir() / "notes.txt").is_file()`` is True.
    """
    return Path(__file__).resolve().parent / "data"
