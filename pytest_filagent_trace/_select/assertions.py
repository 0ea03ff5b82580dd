"""``assert_spans``: every span a selector picks satisfies every condition given.

As Tracetest's assertions do, one call states a rule over many spans: "every
``db.query`` has an ``auth.check`` ancestor", "every ``tool.execute.*`` succeeded",
"no span is slower than 50 ms". A selector that picks nothing fails, with the nearest
candidates, so a rule never holds by checking nothing; ``count=0`` says "none anywhere"
and ``count=(0, None)`` allows none.

Example:
    >>> assert_spans(trace_capture, "db.query", ancestor="auth.check")  # doctest: +SKIP
    >>> assert_spans(trace_capture, "tool.execute.*", count=0)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pytest_filagent_trace._match import span
from pytest_filagent_trace._select.candidates import candidate_lines
from pytest_filagent_trace._select.conditions import Conditions, SpanFailure, count_text
from pytest_filagent_trace._select.selectors import Selector
from pytest_filagent_trace._spans import SpanNode, numbered_paths, sources_of, spans_of
from pytest_filagent_trace._textform import format_value

__all__ = ["SelectedSpansMismatch", "assert_spans"]

_MAX_LISTED: Final = 10

Count = int | tuple[int, int | None] | None


class SelectedSpansMismatch(AssertionError):  # noqa: N818 - reads as what the user sees
    """Raised by :func:`assert_spans`: the count problem, if any, then each failing span's
    path with what was expected and what was found, or the nearest candidates when the
    selector picked nothing.

    ``selected`` holds the picked spans, ``failures`` each failing one with its problems.
    """

    def __init__(
        self,
        message: str,
        selector: str,
        selected: Sequence[SpanNode],
        failures: Sequence[SpanFailure],
    ) -> None:
        super().__init__(message)
        self.selector = selector
        self.selected = list(selected)
        self.failures = list(failures)


def assert_spans(
    source: Any,
    selector: str | Selector,
    *,
    count: Count = None,
    attributes: Mapping[str, Any] | None = None,
    status: str | None = None,
    kind: str | None = None,
    duration: Any = None,
    ancestor: str | Selector | None = None,
    parent: str | Selector | None = None,
) -> list[SpanNode]:
    """Assert that every span ``selector`` picks in ``source`` satisfies every condition.

    ``source`` is what :func:`select` takes (a capture, a ``SpanTree``, a ``SpanNode`` or a
    list of them). The conditions, each checked on every picked span:

    - ``attributes``, ``status``, ``kind``: as ``span(...)`` reads them (values may be
      matchers; ``status="ERROR: *timeout*"`` also checks the description);
    - ``duration``: a budget, ``"< 50ms"``, ``">= 1 s"``, ``"< 30% parent"``,
      ``"< 10% trace"``, or a matcher or predicate on nanoseconds;
    - ``ancestor``, ``parent``: a selector that some ancestor (the parent) must match, so a
      picked span never stands without it.

    ``count`` is how many spans must be picked: ``None`` means at least one (picking
    nothing fails and lists the nearest candidates), an int exactly that many (``0``: none
    anywhere), ``(low, high)`` a range, ``high=None`` for no upper limit (``(0, None)``
    allows none). Returns the picked spans.

    Raises :class:`SelectedSpansMismatch` naming each failing span by its path, and
    ``SelectorError``/``ValueError`` for a selector, budget or count that does not parse.

    Example:
        >>> assert_spans(trace_capture, "db.query", ancestor="auth.check",
        ...              duration="< 50ms")  # doctest: +SKIP
    """
    __tracebackhide__ = True
    compiled = _selector(selector)
    low, high = _bounds(count)
    local = kind is not None or status is not None or attributes or duration is not None
    conditions = Conditions(
        span(kind=kind, status=status, attributes=attributes, duration=duration) if local else None,
        None if ancestor is None else _selector(ancestor),
        None if parent is None else _selector(parent),
    )
    spans = spans_of(source)
    selected = compiled.pick(spans)
    failures = [failure for failure in map(conditions.check, selected) if failure.problems]
    count_holds = low <= len(selected) and (high is None or len(selected) <= high)
    if count_holds and not failures:
        return selected
    header = f"assert_spans({_call(compiled, count, conditions)})"
    if selected:
        lines = _picked_lines(
            header,
            selected=selected,
            failures=failures,
            low=low,
            high=high,
            count_holds=count_holds,
        )
    else:
        lines = [f"{header}: the selector picked no span (expected {count_text(low, high)})"]
        lines.extend(candidate_lines(compiled.chains, spans))
        where = sources_of(source) if not spans else ""
        if where:
            lines.append(where)
        lines.append("to assert that there is none, pass count=0; to allow none, count=(0, None)")
    raise SelectedSpansMismatch("\n".join(lines), compiled.text, selected, failures)


def _picked_lines(
    header: str,
    *,
    selected: list[SpanNode],
    failures: list[SpanFailure],
    low: int,
    high: int | None,
    count_holds: bool,
) -> list[str]:
    paths = dict(zip(map(id, selected), _numbered_paths(selected), strict=True))
    lines: list[str] = []
    if not count_holds:
        picked = len(selected)
        lines.append(f"{header}: expected {count_text(low, high)}, the selector picked {picked}:")
        lines.extend(f"    {paths[id(node)]}" for node in selected[:_MAX_LISTED])
        if picked > _MAX_LISTED:
            lines.append(f"    ... and {picked - _MAX_LISTED} more")
    if failures:
        plural = "s" if len(selected) != 1 else ""
        lines.append(f"{header}: {len(failures)} of {len(selected)} picked span{plural} failed:")
        for failure in failures[:_MAX_LISTED]:
            lines.append(paths[id(failure.node)])
            lines.extend(f"    {problem}" for problem in failure.problems)
        if len(failures) > _MAX_LISTED:
            lines.append(f"... and {len(failures) - _MAX_LISTED} more failing spans")
    return lines


def _selector(value: str | Selector) -> Selector:
    __tracebackhide__ = True
    return value if isinstance(value, Selector) else Selector.parse(value)


def _bounds(count: Count) -> tuple[int, int | None]:
    def natural(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    if count is None:
        return 1, None
    if isinstance(count, int) and natural(count):
        return count, count
    if isinstance(count, tuple) and len(count) == 2:
        low, high = count
        if natural(low) and (high is None or (natural(high) and high >= low)):
            return low, high
    raise ValueError(
        "assert_spans(count=...) takes None (at least one), an int >= 0, or a range"
        f" (low, high) with 0 <= low <= high, or high=None for no limit; found {count!r}"
    )


def _call(selector: Selector, count: Count, conditions: Conditions) -> str:
    # A selector that quotes span names reads best in single quotes, as Python shows it.
    text = selector.text
    parts = [repr(text) if '"' in text else format_value(text)]
    if count is not None:
        parts.append(f"count={count!r}")
    parts.extend(conditions.reprs())
    return ", ".join(parts)


def _numbered_paths(nodes: Sequence[SpanNode]) -> list[str]:
    """Paths, with ``(#2 of 3)`` where several picked spans share one."""
    return [
        path if total == 1 else f"{path} (#{ordinal} of {total})"
        for path, ordinal, total in numbered_paths(nodes)
    ]
