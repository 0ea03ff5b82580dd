"""Read a text file from the agent's data directory, and nothing outside it.

The sandbox is enforced on the resolved path: ``..`` components, absolute paths
elsewhere and symlinks that lead out of the data directory are all refused.
Error messages never quote the requested path (the caller has it, and
messages also reach span events, where a path could name a person).

Example::

    tool = FileReadTool(Path("data"))
    tool.run(FileReadArgs(path="notes.txt"))   # {"path": "notes.txt", "bytes": ..., "content": ...}
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from filagent.tools.base import Tool, ToolError

DEFAULT_MAX_BYTES = 64 * 1024


class FileReadArgs(BaseModel):
    """Arguments of ``file_read``."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1,
        max_length=1024,
        description="Path of a text file relative to the data directory, e.g. 'notes.txt'.",
    )


class FileReadTool(Tool[FileReadArgs]):
    """Reads UTF-8 text files below ``data_dir``, up to ``max_bytes``."""

    name = "file_read"
    description = "Read a UTF-8 text file from the agent's data directory."
    args_model = FileReadArgs

    def __init__(self, data_dir: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.data_dir = Path(data_dir)
        self.max_bytes = max_bytes

    def run(self, args: FileReadArgs) -> dict[str, Any]:
        """``run(FileReadArgs(path="notes.txt"))`` returns path, size in bytes and content."""
        root = self._root()
        target = self._inside(root, args.path)
        if not target.exists():
            raise ToolError("file not found: no such file in the data directory")
        if not target.is_file():
            raise ToolError("expected a regular file, found a directory or device")
        size = target.stat().st_size
        if size > self.max_bytes:
            msg = f"files are limited to {self.max_bytes} bytes, this one has {size} bytes"
            raise ToolError(msg)
        try:
            content = target.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ToolError("expected UTF-8 text, found binary data") from None
        return {"path": target.relative_to(root).as_posix(), "bytes": size, "content": content}

    def _root(self) -> Path:
        try:
            return self.data_dir.resolve(strict=True)
        except OSError:
            msg = f"the data directory {str(self.data_dir)!r} does not exist"
            raise ToolError(msg) from None

    @staticmethod
    def _inside(root: Path, requested: str) -> Path:
        if "\x00" in requested:
            raise ToolError("expected a file path, found a NUL character in the path")
        if ".." in PurePath(requested).parts:
            raise ToolError("path traversal refused: '..' is not allowed in the path")
        candidate = Path(requested)
        if not candidate.is_absolute():
            candidate = root / candidate
        # Resolving follows symlinks, so a link pointing outside is caught here too.
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            raise ToolError("access refused: the path resolves outside the data directory")
        return resolved
