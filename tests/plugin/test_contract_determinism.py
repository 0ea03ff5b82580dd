"""FilAgent's contract snapshots are written byte for byte the same on every run.

The contract suite is copied into a fresh directory and run there twice in a new pytest
process, each time in another random order (``pytest-randomly`` seeds) and the second
time on two xdist workers, writing its snapshots with ``--snapshot-update`` into a
directory of its own (the ``trace_snapshot_dir`` ini option). The repository's own
snapshots are never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.pytester import run_pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CONTRACT_SUITE = REPOSITORY / "tests" / "contract"
INI = """
[pytest]
markers =
    slow: starts subprocesses or servers
"""


def run_contract_suite(pytester: pytest.Pytester, snapshot_dir: str, *args: str) -> None:
    """Run the copied suite, writing its snapshots under ``snapshot_dir``; it must pass."""
    result = run_pytest(
        pytester,
        *("-p", "randomly", "--snapshot-update", "-o", f"trace_snapshot_dir={snapshot_dir}"),
        *args,
        "tests/contract",
        random_order=True,
        subprocess=True,
        timeout=600,
    )
    outcomes = result.parseoutcomes()
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert outcomes.get("passed", 0) > 0, result.stdout.str()
    result.stdout.fnmatch_lines(["*snapshots generated*"])


def written(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory``, by path relative to it."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_contract_snapshots_are_identical_across_random_orders_and_workers(
    pytester: pytest.Pytester,
) -> None:
    shutil.copytree(
        CONTRACT_SUITE,
        pytester.path / "tests" / "contract",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (pytester.path / "tests" / "__init__.py").write_text("")
    # The suite's own test helpers, imported as tests.blocked_imports and tests.helpers.
    shutil.copy(CONTRACT_SUITE.parent / "blocked_imports.py", pytester.path / "tests")
    shutil.copytree(
        CONTRACT_SUITE.parent / "helpers",
        pytester.path / "tests" / "helpers",
        ignore=shutil.ignore_patterns("__pycache__", "test_*.py"),
    )
    pytester.makeini(INI)

    run_contract_suite(pytester, "first", "--randomly-seed=1")
    run_contract_suite(pytester, "second", "--randomly-seed=2", "-n", "2")

    first, second = written(pytester.path / "first"), written(pytester.path / "second")
    assert first, "the contract suite wrote no snapshot"
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"snapshots differ between two runs: {differing}"
