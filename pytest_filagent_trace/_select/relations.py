"""The functional pseudo-classes: ``:not(selectors)`` and ``:has(relative selectors)``.

``:not(a, b)`` passes a span that none of the selectors picks (each is matched with its
full context, so ``:not(agent.* > tool.*)`` is "not a tool directly under an agent").
``:has(x)`` passes a span with a descendant ``x``; ``:has(> x)`` a child, ``:has(~ x)`` a
later sibling and ``:has(+ x)`` the sibling right after. That is TraceQL's structural
``>>``/``>``/``~`` from the other end, and ``:not(:has(...))`` is its ``!>>``.

Example:
    >>> from pytest_filagent_trace._select.grammar import parse_chains
    >>> parse_chains("agent.*:has(> tool.*):not(:error)")[0].subject.text
    'agent.*:has(> tool.*):not(:error)'
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_filagent_trace._select.chains import Chain
from pytest_filagent_trace._select.walk import Walk
from pytest_filagent_trace._spans import SpanNode

__all__ = ["Has", "Not"]


@dataclass(frozen=True)
class Not:
    """``:not(...)``: the span is picked by none of ``chains``."""

    chains: tuple[Chain, ...]

    @property
    def text(self) -> str:
        """The pseudo-class as a selector writes it."""
        return f":not({', '.join(chain.text for chain in self.chains)})"

    def accepts(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when no chain picks ``node``."""
        if walk is None:
            walk = Walk()
        return not any(chain.matches(node, walk.nested(chain)) for chain in self.chains)

    def found(self, node: SpanNode) -> str:
        """Which selector picks ``node`` after all."""
        picked = [chain.text for chain in self.chains if chain.matches(node)]
        return f"picked by {', '.join(picked)}" if picked else ""


@dataclass(frozen=True)
class Has:
    """``:has(...)``: some span reached from this one by a relative chain exists."""

    chains: tuple[Chain, ...]

    @property
    def text(self) -> str:
        """The pseudo-class as a selector writes it."""
        return f":has({', '.join(chain.text for chain in self.chains)})"

    def accepts(self, node: SpanNode, walk: Walk | None = None) -> bool:
        """True when a span reached from ``node`` passes one of the relative chains."""
        for chain in self.chains:
            inner = Walk(node) if walk is None else walk.anchored(node)
            if any(chain.matches(other, inner) for other in chain.reach(node, inner)):
                return True
        return False

    def found(self, node: SpanNode) -> str:
        """Nothing to add: the span has no such relative."""
        del node
        return "no such span"
