"""The public package: every name in ``__all__`` resolves, lazily, to the private one."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_filagent_trace

INIT = Path(pytest_filagent_trace.__file__)


def _static_imports() -> set[str]:
    """The names the ``if TYPE_CHECKING:`` block imports: what type checkers see."""
    tree = ast.parse(INIT.read_text())
    guard = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    return {
        alias.asname or alias.name
        for node in guard.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def _static_homes() -> dict[str, str]:
    """Public name -> the private package the ``TYPE_CHECKING`` block imports it from."""
    tree = ast.parse(INIT.read_text())
    guard = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    return {
        alias.asname or alias.name: str(node.module).rpartition(".")[2]
        for node in guard.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_type_checkers_and_the_runtime_see_the_same_names() -> None:
    homes = pytest_filagent_trace._HOMES

    assert _static_imports() == set(pytest_filagent_trace.__all__) == set(homes)
    assert _static_homes() == homes


def test_reading_a_name_loads_only_the_package_it_lives_in() -> None:
    code = (
        "import sys, pytest_filagent_trace as p; p.TraceLookupError; "
        "print(sorted(m for m in sys.modules if m.count('.') == 1 "
        "and m.startswith('pytest_filagent_trace.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert "_capture" in loaded
    assert "_match" not in loaded
    assert "_privacy" not in loaded


@pytest.mark.parametrize("name", pytest_filagent_trace.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(pytest_filagent_trace, name)

    assert value is not None
    if isinstance(value, type):
        assert value.__module__ == "pytest_filagent_trace"


def test_renamed_public_names_are_the_private_object() -> None:
    logs = importlib.import_module("pytest_filagent_trace._logs")

    assert pytest_filagent_trace.install_log_hooks is logs.install


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'assert_span_three'"):
        pytest_filagent_trace.assert_span_three  # noqa: B018


def test_dir_lists_the_public_names() -> None:
    assert set(pytest_filagent_trace.__all__) <= set(dir(pytest_filagent_trace))
