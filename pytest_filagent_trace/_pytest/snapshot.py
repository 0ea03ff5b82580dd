"""The pytest side of trace snapshots: the ``trace_snapshot_*`` ini options and fixtures.

Example:
    >>> def test_chat(trace_capture, trace_snapshot):  # doctest: +SKIP
    ...     assert trace_snapshot == trace_capture
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from pytest_filagent_trace._ini import DEFAULT_SNAPSHOT_DIR, SNAPSHOT_DIR_INI

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from pytest_filagent_trace._snapshot import (
        AttributeReplacement,
        SnapshotOptions,
        TraceSnapshotAssertion,
    )

# The snapshot package loads when a test first uses trace_snapshot, or when an ini value
# has to be checked; a run that does neither never loads it.
_INI_DIR = SNAPSHOT_DIR_INI
_INI_MASKS = "trace_snapshot_masks"
_INI_INCLUDE = "trace_snapshot_include"
_INI_EXCLUDE = "trace_snapshot_exclude"
_INI_ORDER = "trace_snapshot_order"
_INI_DEFAULT_MASKS = "trace_snapshot_default_masks"
_OPTIONS_KEY: pytest.StashKey[SnapshotOptions] = pytest.StashKey()
_DEFAULTS = {
    _INI_MASKS: [],
    _INI_INCLUDE: [],
    _INI_EXCLUDE: [],
    _INI_ORDER: "canonical",
    _INI_DEFAULT_MASKS: True,
}


def add_snapshot_options(parser: pytest.Parser) -> None:
    """Register the ``trace_snapshot_*`` ini options (call from ``pytest_addoption``).

    Example:
        >>> def pytest_addoption(parser):  # doctest: +SKIP
        ...     add_snapshot_options(parser)
    """
    parser.addini(
        _INI_DIR,
        "directory, relative to rootdir, holding trace snapshots (default: snapshots)",
        default=DEFAULT_SNAPSHOT_DIR,
    )
    parser.addini(
        _INI_MASKS,
        "trace snapshot masks, one per line: 'attribute.glob = text' or '/regex/ = text'",
        type="linelist",
        default=[],
    )
    parser.addini(
        _INI_INCLUDE,
        "attribute-name globs kept in trace snapshots (default: all)",
        type="args",
        default=[],
    )
    parser.addini(
        _INI_EXCLUDE,
        "attribute-name globs dropped from trace snapshots",
        type="args",
        default=[],
    )
    parser.addini(
        _INI_ORDER,
        "sibling order in trace snapshots: canonical (default) or start",
        default=_DEFAULTS[_INI_ORDER],
    )
    parser.addini(
        _INI_DEFAULT_MASKS,
        "mask ids, ports, hosts, paths, clocks in trace snapshots (default: true)",
        type="bool",
        default=True,
    )


def _ini(config: pytest.Config, name: str, default: Any) -> Any:
    try:
        return config.getini(name)
    except ValueError:
        # The ini options are not registered when only the extension is used, without
        # the plugin (e.g. ``-p no:filagent_trace`` plus ``--snapshot-default-extension``).
        return default


def _ini_source(config: pytest.Config) -> str:
    return str(config.inipath) if config.inipath is not None else "the pytest configuration"


def check_snapshot_ini(config: pytest.Config) -> None:
    """Stop the run at start-up, once, on a bad ``trace_snapshot_*`` ini value.

    Raises ``pytest.UsageError`` like :func:`options_from_config`; with every option at
    its default there is nothing to check, and nothing is loaded.
    """
    if any(_ini(config, name, default) != default for name, default in _DEFAULTS.items()):
        options_from_config(config)


def options_from_config(config: pytest.Config) -> SnapshotOptions:
    """The :class:`SnapshotOptions` the ``trace_snapshot_*`` ini options describe.

    Raises ``pytest.UsageError`` naming the file, option and line for a bad value.

    Example:
        >>> options_from_config(request.config).order  # doctest: +SKIP
        'canonical'
    """
    from pytest_filagent_trace._snapshot import ORDER_VALUES, SnapshotOptions, parse_mask_line

    cached = config.stash.get(_OPTIONS_KEY, None)
    if cached is not None:
        return cached
    order = str(_ini(config, _INI_ORDER, "canonical")).strip() or "canonical"
    if order not in ORDER_VALUES:
        raise pytest.UsageError(
            f"{_ini_source(config)}: {_INI_ORDER} must be 'canonical' or 'start', found {order!r}"
        )
    masks: dict[str | re.Pattern[str], AttributeReplacement] = {}
    for line in _ini(config, _INI_MASKS, []):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            key, replacement = parse_mask_line(line)
        except ValueError as exc:
            raise pytest.UsageError(f"{_ini_source(config)}: {_INI_MASKS}: {exc}") from None
        masks[key] = replacement
    include = list(_ini(config, _INI_INCLUDE, []))
    options = SnapshotOptions(
        order="start" if order == "start" else "canonical",
        default_masks=bool(_ini(config, _INI_DEFAULT_MASKS, True)),
        rootdir=str(config.rootpath),
    ).with_masks(masks)
    options = options.with_attributes(
        include=include or None, exclude=list(_ini(config, _INI_EXCLUDE, []))
    )
    config.stash[_OPTIONS_KEY] = options
    return options


@pytest.fixture
def trace_snapshot_options(request: pytest.FixtureRequest) -> SnapshotOptions:
    """Normalization options of ``trace_snapshot``, from the ``trace_snapshot_*`` ini options.

    Override it in a ``conftest.py`` to set options for a directory of tests.

    Example:
        >>> @pytest.fixture  # doctest: +SKIP
        ... def trace_snapshot_options(trace_snapshot_options):
        ...     return trace_snapshot_options.with_masks({"tenant.id": "<tenant>"})
    """
    try:
        return options_from_config(request.config)
    except pytest.UsageError as error:
        problem = str(error)
    # The plugin validates these options at start-up; this only runs when the fixture is
    # used without it, and still names the file and option instead of a traceback.
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def trace_snapshot(
    snapshot: SnapshotAssertion, trace_snapshot_options: SnapshotOptions
) -> TraceSnapshotAssertion:
    """Snapshot of traces: ``assert trace_snapshot == trace_capture``.

    Writes ``snapshots/<test module path>/<test name>.trace`` with
    ``pytest --snapshot-update`` and compares against it otherwise.

    Example:
        >>> def test_chat(client, trace_capture, trace_snapshot):  # doctest: +SKIP
        ...     client.post("/chat", json={"messages": [{"role": "user", "content": "hi"}]})
        ...     assert trace_snapshot == trace_capture
    """
    from pytest_filagent_trace import TraceSnapshotAssertion

    return TraceSnapshotAssertion.from_snapshot(snapshot, trace_snapshot_options)
