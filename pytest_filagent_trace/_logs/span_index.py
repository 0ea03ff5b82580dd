"""The captured spans a correlation check compares records with, by their ids.

Spans come through the one source adapter (:func:`pytest_filagent_trace._spans.spans_of`),
so a capture, a tree, a node or a list of nodes or finished SDK spans all work, and each
span is named by its :meth:`SpanNode.path`.

Example:
    >>> SpanIndex.of([]).listing()
    ['Captured spans: none.']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_filagent_trace._privacy import SpanRef, mask_pii
from pytest_filagent_trace._spans import spans_of

__all__ = ["SpanIndex"]

_MAX_SPANS_LISTED = 40


@dataclass
class SpanIndex:
    """Captured spans by ``(trace id, span id)``, by span id alone, and their traces.

    Example:
        >>> SpanIndex.of([]).traces
        set()
    """

    refs: list[SpanRef]
    by_ids: dict[tuple[str, str], SpanRef] = field(init=False)
    by_span: dict[str, list[SpanRef]] = field(init=False)
    traces: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.by_ids = {(ref.trace_id, ref.span_id): ref for ref in self.refs}
        self.by_span = {}
        for ref in self.refs:
            self.by_span.setdefault(ref.span_id, []).append(ref)
        self.traces = {ref.trace_id for ref in self.refs}

    @classmethod
    def of(cls, source: object) -> SpanIndex:
        """The index of every span ``source`` holds (anything :func:`spans_of` takes)."""
        return cls([SpanRef(n.trace_id, n.span_id, n.path()) for n in spans_of(source)])

    def listing(self) -> list[str]:
        """The lines a failure shows: each trace, then its spans by path, parents first."""
        if not self.refs:
            return ["Captured spans: none."]
        traces = list(dict.fromkeys(ref.trace_id for ref in self.refs))
        lines = [
            f"Captured spans ({len(self.refs)} in {len(traces)} trace{'s' * (len(traces) != 1)}):"
        ]
        by_path = sorted(self.refs, key=lambda ref: ref.path)
        shown = 0
        for trace_id in traces:
            lines.append(f"  trace {trace_id}")
            for ref in by_path:
                if ref.trace_id != trace_id:
                    continue
                if shown == _MAX_SPANS_LISTED:
                    lines.append(f"    \u2026 and {len(self.refs) - shown} more")
                    return lines
                lines.append(f"    span {ref.span_id}  {mask_pii(ref.path)}")
                shown += 1
        return lines
