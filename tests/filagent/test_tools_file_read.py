"""file_read reads text files inside its data directory and refuses every way out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from filagent.tools import (
    FileReadArgs,
    FileReadTool,
    ToolError,
    ToolExecutor,
    ToolRegistry,
    packaged_data_dir,
)

if TYPE_CHECKING:
    from filagent.telemetry.tracing import Tracer
    from tests.helpers.spans import Spans


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "notes.txt").write_text("hello from the sandbox\n", encoding="utf-8")
    (data / "sub" / "inner.md").write_text("# inner\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the sandbox\n", encoding="utf-8")
    return data


def read(sandbox: Path, path: str, **options: int) -> dict[str, object]:
    result: dict[str, object] = FileReadTool(sandbox, **options).run(FileReadArgs(path=path))
    return result


def test_reads_a_file_relative_to_the_data_directory(sandbox: Path) -> None:
    assert read(sandbox, "notes.txt") == {
        "path": "notes.txt",
        "bytes": 23,
        "content": "hello from the sandbox\n",
    }


def test_reads_a_file_in_a_subdirectory(sandbox: Path) -> None:
    assert read(sandbox, "sub/inner.md")["path"] == "sub/inner.md"


def test_accepts_an_absolute_path_inside_the_sandbox(sandbox: Path) -> None:
    assert read(sandbox, str(sandbox / "notes.txt"))["content"] == "hello from the sandbox\n"


@pytest.mark.parametrize("path", ["../secret.txt", "sub/../../secret.txt", "sub/../notes.txt"])
def test_refuses_dot_dot_traversal(sandbox: Path, path: str) -> None:
    with pytest.raises(ToolError, match=r"path traversal refused: '\.\.' is not allowed"):
        read(sandbox, path)


def test_refuses_an_absolute_path_outside(sandbox: Path) -> None:
    with pytest.raises(ToolError, match="resolves outside the data directory"):
        read(sandbox, str(sandbox.parent / "secret.txt"))


def test_refuses_a_symlink_that_escapes(sandbox: Path) -> None:
    (sandbox / "escape.txt").symlink_to(sandbox.parent / "secret.txt")
    with pytest.raises(ToolError, match="the path resolves outside the data directory"):
        read(sandbox, "escape.txt")


def test_refuses_a_path_through_a_symlinked_directory_that_escapes(sandbox: Path) -> None:
    (sandbox / "outside").symlink_to(sandbox.parent, target_is_directory=True)
    with pytest.raises(ToolError, match="resolves outside the data directory"):
        read(sandbox, "outside/secret.txt")


def test_follows_a_symlink_that_stays_inside(sandbox: Path) -> None:
    (sandbox / "alias.txt").symlink_to(sandbox / "notes.txt")
    assert read(sandbox, "alias.txt")["path"] == "notes.txt"


def test_missing_file_is_named(sandbox: Path) -> None:
    with pytest.raises(ToolError, match="file not found: no such file in the data directory"):
        read(sandbox, "nope.txt")


def test_refuses_a_directory(sandbox: Path) -> None:
    with pytest.raises(ToolError, match="expected a regular file, found a directory"):
        read(sandbox, "sub")


def test_refuses_files_over_the_size_limit(sandbox: Path) -> None:
    with pytest.raises(ToolError, match=r"limited to 10 bytes, this one has 23 bytes"):
        read(sandbox, "notes.txt", max_bytes=10)


def test_refuses_binary_content(sandbox: Path) -> None:
    (sandbox / "blob.bin").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ToolError, match="expected UTF-8 text, found binary data"):
        read(sandbox, "blob.bin")


def test_missing_data_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match=r"the data directory .* does not exist"):
        read(tmp_path / "absent", "notes.txt")


def test_packaged_sample_files_are_readable() -> None:
    tool = FileReadTool(packaged_data_dir())
    for name in ("notes.txt", "readme.md"):
        assert tool.run(FileReadArgs(path=name))["content"].strip()


def test_refusal_is_an_error_span_without_the_path(
    sandbox: Path, tracer: Tracer, spans: Spans
) -> None:
    executor = ToolExecutor(ToolRegistry([FileReadTool(sandbox)]), tracer)

    call = executor.execute(
        "file_read", {"path": "../secret.txt"}, conversation_id="c1", task_id="t1"
    )

    assert not call.success
    span = spans.one("tool.execute.file_read")
    assert span.status.status_code.name == "ERROR"
    assert span.attributes is not None
    assert span.attributes["tool.validation.success"] is True
    assert span.attributes["tool.execution.success"] is False
    assert not any("secret" in str(value) for value in span.attributes.values())
    assert not any("secret" in str(event.attributes) for event in span.events)
