"""How strict a match is, one dimension at a time: spans, attributes, events, markers.

``exact=True`` turns every dimension on; ``exact_spans``, ``exact_attributes`` and
``exact_events`` each turn one on (or, given ``False`` beside ``exact=True``, off). The
markers dimension (a missing kind reads INTERNAL, a missing status UNSET, no description,
no orphan) follows ``exact`` alone.

Example:
    >>> Strictness.given(exact_attributes=True)
    Strictness(exact=False, exact_attributes=True)
    >>> Strictness.given(True, exact_events=False).events
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["HINTS", "LENIENT", "Strictness", "relax_hint"]


@dataclass(frozen=True)
class Strictness:
    """Which unlisted things a match refuses."""

    spans: bool = False
    attributes: bool = False
    events: bool = False
    markers: bool = False
    exact: bool = False
    """Whether ``exact=True`` was given: messages then name it rather than a dimension."""

    @classmethod
    def given(
        cls,
        exact: bool = False,
        *,
        exact_spans: bool | None = None,
        exact_attributes: bool | None = None,
        exact_events: bool | None = None,
    ) -> Strictness:
        """The strictness of the options a user passed."""
        for name, value in (
            ("exact", exact),
            ("exact_spans", exact_spans),
            ("exact_attributes", exact_attributes),
            ("exact_events", exact_events),
        ):
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"{name} must be True or False, found {value!r}")

        def pick(flag: bool | None) -> bool:
            return exact if flag is None else flag

        return cls(
            spans=pick(exact_spans),
            attributes=pick(exact_attributes),
            events=pick(exact_events),
            markers=exact,
            exact=exact,
        )

    def says(self, dimension: str) -> str:
        """The option that made ``dimension`` strict, as a message names it."""
        return "exact=True" if self.exact else f"exact_{dimension}=True"

    def __repr__(self) -> str:
        return f"Strictness({self.options()})"

    def options(self) -> str:
        """The options as a message header shows them: ``exact=False, exact_events=True``."""
        shown = [f"exact={self.exact}"]
        for dimension in ("spans", "attributes", "events"):
            if getattr(self, dimension) != self.exact:
                shown.append(f"exact_{dimension}={getattr(self, dimension)}")
        return ", ".join(shown)


LENIENT = Strictness()
"""No dimension strict: ``exact=False`` and nothing else."""


HINTS: Final = {
    "extra_span": "exact=False allows other spans; or put ... among the expected children",
    "extra_span_only": (
        "exact_spans=False allows other spans; or put ... among the expected children"
    ),
    "extra_attribute": "exact=False allows attributes the expectation does not name",
    "extra_attribute_only": (
        "exact_attributes=False allows attributes the expectation does not name"
    ),
    "extra_event": "exact=False allows events the expectation does not name",
    "extra_event_only": (
        "exact_events=False allows events the expectation does not name; or put ... among them"
    ),
    "exact_default": (
        "exact=False ignores a kind, status or orphan mark the expectation does not give"
    ),
    "order": "ordered=False ignores the order of siblings",
    "missing": (
        "names match exactly, by glob (tool.execute.*) or by re.compile(...);"
        " descendant(span(...)) finds a span at any depth"
    ),
}
"""How to relax the check, by the hint key a problem carries."""


def relax_hint(kind: str, option: str) -> str:
    """The hint key for a problem of ``kind`` that ``option`` (``exact=True``, ...) made."""
    return kind if option == "exact=True" else f"{kind}_only"
