"""Where a span comes from: its instrumentation scope, resource and sampled flag.

Example:
    >>> origin = Origin.of("opentelemetry.instrumentation.sqlite3", None, None, None, True)
    >>> origin.reprs()
    ['scope="opentelemetry.instrumentation.sqlite3"', 'sampled=True']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_filagent_trace._match.events import attributes_repr
from pytest_filagent_trace._match.matchers import Matcher, as_matcher, name_matcher
from pytest_filagent_trace._match.rules import Difference
from pytest_filagent_trace._spans import MISSING, SpanNode
from pytest_filagent_trace._textform import format_value

__all__ = ["Origin"]


@dataclass(frozen=True)
class Origin:
    """The scope, resource and flag expectations of a pattern; None for each not given."""

    scope: Matcher | None
    scope_version: Matcher | None
    schema_url: Matcher | None
    resource: dict[str, Matcher] | None
    sampled: bool | None

    @classmethod
    def of(
        cls,
        scope: Any,
        scope_version: Any,
        schema_url: Any,
        resource: Mapping[str, Any] | None,
        sampled: bool | None,
    ) -> Origin | None:
        """The origin a pattern expects, or None when it expects nothing of it."""
        if sampled is not None and not isinstance(sampled, bool):
            raise TypeError(f"span(sampled=...) must be True or False, found {sampled!r}")
        if resource is not None and not isinstance(resource, Mapping):
            raise TypeError(
                f"span(resource=...) takes a mapping of resource attributes, found {resource!r}"
            )
        if (scope, scope_version, schema_url, resource, sampled) == (None,) * 5:
            return None
        return cls(
            None if scope is None else name_matcher(scope, "span(scope)"),
            None if scope_version is None else as_matcher(scope_version),
            None if schema_url is None else as_matcher(schema_url),
            None if resource is None else {k: as_matcher(v) for k, v in resource.items()},
            sampled,
        )

    def differences(self, node: SpanNode) -> Iterator[Difference]:
        """How ``node``'s scope, resource and sampled flag differ from this origin."""
        for what, matcher, found in (
            ("scope", self.scope, node.scope),
            ("scope version", self.scope_version, node.scope_version),
            ("schema URL", self.schema_url, node.schema_url),
        ):
            if matcher is not None and not matcher.equals(found):
                shown = "none" if found in (None, "") else format_value(found)
                yield Difference(f"{what}: expected {matcher!r}, found {shown}", f"{what} expected")
        for key, matcher in (self.resource or {}).items():
            value = node.resource.get(key, MISSING)
            if not matcher.equals(value):
                shown = "no such attribute" if value is MISSING else format_value(value)
                yield Difference(
                    f"resource {key}: expected {matcher!r}, found {shown}",
                    f"resource {key} expected",
                )
        if self.sampled is not None and node.sampled != self.sampled:
            yield Difference(
                f"sampled: expected {self.sampled}, found {node.sampled}",
                f"sampled expected {self.sampled}",
            )

    def reprs(self) -> list[str]:
        """The keyword arguments that build this origin, as a pattern's repr shows them."""
        shown = []
        if self.scope is not None:
            shown.append(f"scope={self.scope!r}")
        if self.scope_version is not None:
            shown.append(f"scope_version={self.scope_version!r}")
        if self.schema_url is not None:
            shown.append(f"schema_url={self.schema_url!r}")
        if self.resource is not None:
            shown.append(f"resource={attributes_repr(self.resource)}")
        if self.sampled is not None:
            shown.append(f"sampled={self.sampled}")
        return shown
