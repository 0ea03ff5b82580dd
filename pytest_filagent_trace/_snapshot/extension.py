"""The syrupy extension: trace snapshots as ``.trace`` text files under ``snapshots/``.

Only serialization and file placement differ from syrupy's single-file extension, so
``--snapshot-update``, ``--snapshot-details`` and unused-snapshot reports work as usual.

Example:
    >>> def test_trace(snapshot, trace_capture):  # doctest: +SKIP
    ...     assert snapshot.use_extension(TraceSnapshotExtension) == trace_capture
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from pytest_filagent_trace._ini import DEFAULT_SNAPSHOT_DIR, SNAPSHOT_DIR_INI
from pytest_filagent_trace._snapshot.options import AttributeReplacement, Order, SnapshotOptions
from pytest_filagent_trace._snapshot.serialize import serialize_traces

if TYPE_CHECKING:
    from syrupy.location import PyTestLocation
    from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData

__all__ = [
    "DEFAULT_SNAPSHOT_DIR",
    "SNAPSHOT_DIR_INI",
    "TraceSnapshotAssertion",
    "TraceSnapshotExtension",
]


class _Config(Protocol):
    """What the extension reads of pytest's config: the rootdir and one ini option."""

    @property
    def rootpath(self) -> Path: ...

    def getini(self, name: str) -> Any: ...


@dataclass(frozen=True)
class _WithOptions:
    """Trace data travelling from the assertion to the extension with its options."""

    data: object
    options: SnapshotOptions


class TraceSnapshotExtension(SingleFileSnapshotExtension):
    """syrupy extension writing one ``.trace`` text file per snapshot under ``snapshots/``.

    Files live at ``<rootdir>/<trace_snapshot_dir>/<test module path>/<test name>.trace``
    (``trace_snapshot_dir`` defaults to ``snapshots``). Only serialization and file
    placement differ from syrupy's single-file extension, so ``--snapshot-update``,
    ``--snapshot-details`` and unused-snapshot reports work as usual.

    Example:
        >>> def test_trace(snapshot, trace_capture):  # doctest: +SKIP
        ...     assert snapshot.use_extension(TraceSnapshotExtension) == trace_capture
    """

    file_extension = "trace"
    _write_mode = WriteMode.TEXT
    options: ClassVar[SnapshotOptions] = SnapshotOptions()

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        """Normalize and render ``data``; ``matcher`` is syrupy's and has nothing to do."""
        if exclude is not None or include is not None:
            raise ValueError(
                "trace snapshots select attributes by name glob: use"
                " trace_snapshot.with_attributes(include=[...], exclude=[...]) instead of"
                " syrupy's include=/exclude= property filters"
            )
        if isinstance(data, _WithOptions):
            return serialize_traces(data.data, data.options)
        return serialize_traces(data, self.options)

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """``<rootdir>/<trace_snapshot_dir>/<test file's directory>/<test module name>``."""
        config = _config_of(test_location)
        test_file = Path(test_location.filepath)
        if config is None:
            # Only syrupy's xdist controller builds locations without a pytest item; it
            # needs them for unused-snapshot accounting, never to read or write files.
            root, snapshot_dir = Path.cwd(), DEFAULT_SNAPSHOT_DIR
        else:
            root, snapshot_dir = config.rootpath, _snapshot_dir(config)
        return str(root / snapshot_dir / _relative_dir(test_file.parent, root) / test_file.stem)

    @classmethod
    def matches_test_location(
        cls, *, test_location: PyTestLocation, snapshot_location: str
    ) -> bool:
        """A snapshot file belongs to the tests of the module whose directory holds it.

        syrupy relates snapshots kept outside the test directory to a module only by its
        base name, so two ``test_x.py`` in different directories would claim each other's
        files; the module's own snapshot directory tells them apart. Which snapshot of the
        module belongs to which test, syrupy decides by name itself: a file whose test is
        gone is reported as unused for a run of that module, with or without path arguments.
        """
        path = Path(snapshot_location)
        if _config_of(test_location) is not None and path.parent != Path(
            cls.dirname(test_location=test_location)
        ):
            return False
        return super().matches_test_location(
            test_location=test_location, snapshot_location=snapshot_location
        )


def _config_of(test_location: PyTestLocation) -> _Config | None:
    # Duck-typed: this pure module does not import pytest to recognise its config.
    config = getattr(test_location.item, "config", None)
    if isinstance(getattr(config, "rootpath", None), Path) and callable(
        getattr(config, "getini", None)
    ):
        return config
    return None


def _snapshot_dir(config: _Config) -> str:
    try:
        snapshot_dir = config.getini(SNAPSHOT_DIR_INI)
    except ValueError:
        # The ini options are not registered when only the extension is used, without
        # the plugin (e.g. ``-p no:filagent_trace`` plus ``--snapshot-default-extension``).
        return DEFAULT_SNAPSHOT_DIR
    return str(snapshot_dir or DEFAULT_SNAPSHOT_DIR)


def _relative_dir(directory: Path, root: Path) -> Path:
    for base, target in ((root, directory), (root.resolve(), directory.resolve())):
        try:
            return target.relative_to(base)
        except ValueError:
            continue
    # A test outside the rootdir still gets a unique, stable place.
    return Path(*directory.resolve().parts[1:])


@dataclass(eq=False, order=False, repr=False)
class TraceSnapshotAssertion(SnapshotAssertion):
    """syrupy's snapshot assertion for traces, with normalization options.

    ``assert trace_snapshot == data`` compares ``data`` (a capture, tree, node or list)
    with the stored snapshot; ``with_masks``, ``with_attributes`` and ``with_order``
    change the options for the rest of the test and return the same fixture, so they
    read inline.

    Example:
        >>> assert trace_snapshot.with_masks({"conversation_id": "<conv>"}) == trace_capture
        ... # doctest: +SKIP
    """

    options: SnapshotOptions = field(default_factory=SnapshotOptions)

    @classmethod
    def from_snapshot(
        cls, snapshot: SnapshotAssertion, options: SnapshotOptions | None = None
    ) -> TraceSnapshotAssertion:
        """Wrap syrupy's ``snapshot`` fixture so it stores traces with these options.

        Example:
            >>> trace_snapshot = TraceSnapshotAssertion.from_snapshot(snapshot)  # doctest: +SKIP
        """
        return cls(
            session=snapshot.session,
            extension_class=TraceSnapshotExtension,
            test_location=snapshot.test_location,
            update_snapshots=snapshot.update_snapshots,
            update_new_snapshots_only=snapshot.update_new_snapshots_only,
            options=options or SnapshotOptions(),
        )

    def with_masks(
        self, masks: Mapping[str | re.Pattern[str], AttributeReplacement]
    ) -> TraceSnapshotAssertion:
        """Mask attributes by name glob (``str`` keys) or values by regex (compiled keys).

        Example:
            >>> assert trace_snapshot.with_masks(
            ...     {"app.request_id": "<request>", re.compile(r"req-\\d+"): "<request>"}
            ... ) == trace_capture  # doctest: +SKIP
        """
        self.options = self.options.with_masks(masks)
        return self

    def with_attributes(
        self, *, include: Iterable[str] | None = None, exclude: Iterable[str] = ()
    ) -> TraceSnapshotAssertion:
        """Keep only ``include`` attribute globs (when given) and drop ``exclude`` globs.

        Example:
            >>> assert trace_snapshot.with_attributes(exclude=["http.*"]) == trace_capture
            ... # doctest: +SKIP
        """
        self.options = self.options.with_attributes(include=include, exclude=exclude)
        return self

    def with_order(self, order: Order) -> TraceSnapshotAssertion:
        """Order siblings ``"canonical"``-ly (default) or by ``"start"`` time.

        Example:
            >>> assert trace_snapshot.with_order("start") == trace_capture  # doctest: +SKIP
        """
        self.options = self.options.with_order(order)
        return self

    def with_defaults(
        self,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
        extension_class: type[Any] | None = None,
    ) -> SnapshotAssertion:
        """syrupy's copy with new defaults; a trace assertion keeps its options."""
        copy = super().with_defaults(
            exclude=exclude, include=include, matcher=matcher, extension_class=extension_class
        )
        if isinstance(copy, TraceSnapshotAssertion):
            copy.options = self.options
        return copy

    def __eq__(self, other: SerializableData) -> bool:
        if isinstance(other, _WithOptions):
            return super().__eq__(other)
        return super().__eq__(_WithOptions(other, self.options))

    # Comparing runs an assertion, so like syrupy's own assertion it is not hashable.
    __hash__ = None  # type: ignore[assignment]
