"""The nearest candidates of a selector that picked nothing, and why each was not picked.

Candidates come in this order, each group in tree order:

1. spans that pass the selector's last step but not the steps before it (the right span
   in the wrong place: ``db.query`` not under ``auth.check``);
2. spans with the right name that fail some of the step's filters or pseudo-classes,
   fewest failures first, each failure with what the span has instead;
3. spans whose name is close to the step's name (``difflib`` ratio of at least 0.6),
   closest first.

Spans with the same path and the same reason are one line with a count, so a loop of a
hundred queries does not flood the message.

Example:
    >>> for line in candidate_lines(Selector.parse("db.querry"), spans):  # doctest: +SKIP
    ...     print(line)
    POST /checkout › db.query: the name is not "db.querry"
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Final

from pytest_filagent_trace._select.chains import Chain
from pytest_filagent_trace._spans import SpanNode
from pytest_filagent_trace._textform import format_value

__all__ = ["MAX_CANDIDATES", "Candidate", "candidate_lines", "nearest_candidates"]

MAX_CANDIDATES: Final = 5
_MIN_RATIO: Final = 0.6

Candidate = tuple[float, int, str, str]
"""(score, position in tree order, path, reason): a higher score is nearer."""


def _score(chain: Chain, node: SpanNode) -> tuple[float, str] | None:
    subject = chain.subject
    if subject.name_matches(node):
        failing = [test for test in subject.tests if not test.accepts(node)]
        if not failing:
            return 3.0, f"a {subject.text}, but not {chain.text}"
        reasons = []
        for test in failing:
            found = test.found(node)
            reasons.append(f"{test.text}: {found}" if found else f"not {test.text}")
        return 2.0 + 1 / (1 + len(failing)), "; ".join(reasons)
    name = subject.name
    assert name is not None  # a step without a name passes name_matches
    literal = name.replace("*", "").replace("?", "")
    ratio = SequenceMatcher(None, literal, node.name).ratio()
    if ratio < _MIN_RATIO:
        return None
    return ratio, f"the name is not {format_value(name)}"


def nearest_candidates(
    chains: Sequence[Chain], spans: Sequence[SpanNode], limit: int = MAX_CANDIDATES
) -> list[tuple[str, str, int]]:
    """Up to ``limit`` (path, reason, how many spans) groups, nearest first.

    Example:
        >>> nearest_candidates(Selector.parse("db.querry").chains, spans)  # doctest: +SKIP
        [('POST /checkout › db.query', 'the name is not "db.querry"', 1)]
    """
    found: list[Candidate] = []
    for position, node in enumerate(spans):
        best: tuple[float, str] | None = None
        for chain in chains:
            scored = _score(chain, node)
            if scored is not None and (best is None or scored[0] > best[0]):
                best = scored
        if best is not None:
            found.append((best[0], position, node.path(), best[1]))
    found.sort(key=lambda candidate: (-candidate[0], candidate[1]))
    groups: dict[tuple[str, str], int] = {}
    for _, _, path, reason in found:
        key = (path, reason)
        if key in groups or len(groups) < limit:
            groups[key] = groups.get(key, 0) + 1
    return [(path, reason, count) for (path, reason), count in groups.items()]


def candidate_lines(chains: Sequence[Chain], spans: Sequence[SpanNode]) -> list[str]:
    """The lines a message shows for a selector that picked nothing among ``spans``.

    Example:
        >>> candidate_lines((), [])
        ['no spans were captured']
    """
    if not spans:
        return ["no spans were captured"]
    groups = nearest_candidates(chains, spans)
    if not groups:
        names = sorted({node.name for node in spans})
        shown = ", ".join(format_value(name) for name in names[:10])
        more = f" and {len(names) - 10} more" if len(names) > 10 else ""
        counted = (
            "the 1 captured span is" if len(spans) == 1 else f"the {len(spans)} captured spans are"
        )
        return [f"no span comes close; {counted} named {shown}{more}"]
    lines = ["nearest candidates:"]
    for path, reason, count in groups:
        times = f" ({count} spans)" if count > 1 else ""
        lines.append(f"    {path}{times}: {reason}")
    return lines
