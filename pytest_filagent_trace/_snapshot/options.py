"""How traces are normalized before they are written to or compared with a snapshot.

Example:
    >>> SnapshotOptions().with_order("start").order
    'start'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "ORDER_VALUES",
    "AttributeReplacement",
    "Order",
    "SnapshotOptions",
    "ValueReplacement",
]

Order = Literal["canonical", "start"]
ORDER_VALUES: tuple[Order, ...] = ("canonical", "start")
"""The sibling orders a snapshot knows."""

AttributeReplacement = str | Callable[[Any], Any]
"""What replaces a masked attribute's value: a fixed text, or a function of the value."""

ValueReplacement = str | Callable[["re.Match[str]"], str]
"""What replaces a regex match inside a string value, as :func:`re.sub` takes it."""


@dataclass(frozen=True)
class SnapshotOptions:
    """How traces are normalized before they are written to or compared with a snapshot.

    ``attribute_masks`` replace the value of every attribute whose name matches a glob
    (span and event attributes), with a fixed text or the result of a callable.
    ``value_masks`` rewrite every match of a regex inside string values, span names and
    status descriptions. ``include`` keeps only span attributes matching one of its globs;
    ``exclude`` drops span and event attributes matching any of its globs. ``order`` is
    ``"canonical"`` (siblings by name, attributes, subtree) or ``"start"`` (by start
    time). ``default_masks`` turns the built-in masks (ids, ports, hosts, paths,
    :data:`DEFAULT_ATTRIBUTE_MASKS`) on or off. ``rootdir`` is the path shown as
    ``<rootdir>``.

    Example:
        >>> options = SnapshotOptions().with_masks({"conversation_id": "<conversation>"})
        >>> options.with_attributes(exclude=["http.*"]).exclude
        ('http.*',)
    """

    attribute_masks: tuple[tuple[str, AttributeReplacement], ...] = ()
    value_masks: tuple[tuple[re.Pattern[str], ValueReplacement], ...] = ()
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    order: Order = "canonical"
    default_masks: bool = True
    rootdir: str | None = None

    def __post_init__(self) -> None:
        if self.order not in ORDER_VALUES:
            raise ValueError(
                f"trace snapshot order must be one of {', '.join(map(repr, ORDER_VALUES))},"
                f" found {self.order!r}"
            )

    def with_masks(
        self, masks: Mapping[str | re.Pattern[str], AttributeReplacement]
    ) -> SnapshotOptions:
        """Options with more masks: a ``str`` key is an attribute-name glob, a compiled
        regex key rewrites its matches inside any string value.

        Later masks win over earlier ones for the same attribute.

        Example:
            >>> opts = SnapshotOptions().with_masks(
            ...     {"app.request_id": "<request>", re.compile(r"req-\\d+"): "<request>"}
            ... )
            >>> len(opts.attribute_masks), len(opts.value_masks)
            (1, 1)
        """
        attribute_masks = list(self.attribute_masks)
        value_masks = list(self.value_masks)
        for key, replacement in masks.items():
            if isinstance(key, re.Pattern):
                if not (isinstance(replacement, str) or callable(replacement)):
                    raise TypeError(
                        f"the mask for regex {key.pattern!r} must be a string or a callable"
                        f" taking the match, found {type(replacement).__name__}"
                    )
                value_masks.append((key, replacement))
            elif isinstance(key, str):
                # Newest first, so a mask added later overrides one set before it.
                attribute_masks.insert(0, (key, replacement))
            else:
                raise TypeError(
                    "mask keys must be attribute-name globs (str) or compiled regexes"
                    f" (re.compile(...)), found {type(key).__name__}: {key!r}"
                )
        return dataclasses.replace(
            self, attribute_masks=tuple(attribute_masks), value_masks=tuple(value_masks)
        )

    def with_attributes(
        self,
        *,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] = (),
    ) -> SnapshotOptions:
        """Options that keep only ``include`` globs (when given) and drop ``exclude`` globs.

        Exclusions add up; a new ``include`` list replaces the previous one.

        Example:
            >>> SnapshotOptions().with_attributes(include=["route.*", "tool.*"]).include
            ('route.*', 'tool.*')
        """
        for globs, what in ((include or (), "include"), (exclude, "exclude")):
            if isinstance(globs, str):
                raise TypeError(f"{what} takes a list of globs, found the string {globs!r}")
        return dataclasses.replace(
            self,
            include=tuple(include) if include is not None else self.include,
            exclude=self.exclude + tuple(exclude),
        )

    def with_order(self, order: Order) -> SnapshotOptions:
        """Options that order siblings canonically or by start time.

        Example:
            >>> SnapshotOptions().with_order("start").order
            'start'
        """
        return dataclasses.replace(self, order=order)
