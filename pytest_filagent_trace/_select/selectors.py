"""Selectors: find spans in captured trees with a short CSS-like query.

The grammar and how attribute values compare are described in
:mod:`pytest_filagent_trace._select.grammar`: ``"POST /chat" > agent.* tool.*:error``,
``tool.*[tool.execution.success=false]``, ``:root``, ``a, b``, ``a + b``, ``a ~ b``,
``db.query:not(:has(> cache.*))``, ``*[http.status_code>=500]``, ``*[duration>50ms]``.

Example:
    >>> failed = select(
    ...     trace_capture,
    ...     '"POST /chat" > agent.run_with_htn tool.execute.*[tool.execution.success=false]',
    ... )  # doctest: +SKIP
    >>> [node.name for node in failed]  # doctest: +SKIP
    ['tool.execute.web_search']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pytest_filagent_trace._select.chains import Chain
from pytest_filagent_trace._select.grammar import SelectorSyntaxError, parse_chains
from pytest_filagent_trace._select.walk import Walk
from pytest_filagent_trace._spans import SpanNode, spans_of

__all__ = ["Selector", "SelectorError", "select"]


class SelectorError(ValueError):
    """A selector that does not parse; the message points at the column with a caret.

    Example:
        >>> Selector.parse("tool.*[tool.name")  # doctest: +SKIP
        Traceback (most recent call last):
        SelectorError: column 17: expected "]" to close the attribute filter [tool.name
    """

    def __init__(self, reason: str, selector: str, column: int) -> None:
        self.reason = reason
        self.selector = selector
        self.column = column
        caret = " " * (column - 1) + "^"
        super().__init__(f"column {column}: {reason}\n    {selector}\n    {caret}")


class Selector:
    """A parsed selector; :meth:`parse` once, then :meth:`select` or :meth:`matches`.

    Example:
        >>> selector = Selector.parse("agent.* > tool.execute.*:error")
        >>> selector
        Selector('agent.* > tool.execute.*:error')
    """

    def __init__(self, text: str, chains: tuple[Chain, ...]) -> None:
        self.text = text
        self._chains = chains

    @classmethod
    def parse(cls, text: str) -> Selector:
        """Parse ``text``; raises :class:`SelectorError` pointing at the column.

        Example:
            >>> try:
            ...     Selector.parse("a[")
            ... except SelectorError as error:
            ...     print(error.column, error.reason)
            3 expected an attribute name after [, found the end of the selector
        """
        __tracebackhide__ = True
        try:
            chains = parse_chains(text)
        except SelectorSyntaxError as failure:
            error = SelectorError(failure.reason, text, failure.column)
        else:
            return cls(text, chains)
        # Raised outside the handler: the parser's frames say nothing to the user.
        raise error

    @property
    def chains(self) -> tuple[Chain, ...]:
        """The comma-separated parts, parsed."""
        return self._chains

    def matches(self, node: SpanNode) -> bool:
        """True when ``node`` is selected (its ancestors are checked too).

        Example:
            >>> Selector.parse(":root").matches(node)  # doctest: +SKIP
            True
        """
        return any(chain.matches(node) for chain in self._chains)

    def select(self, source: Any) -> list[SpanNode]:
        """The selected spans of ``source``, depth first, each once.

        Example:
            >>> Selector.parse("tool.*").select(trace_capture)  # doctest: +SKIP
            [<SpanNode 'POST /chat › agent.run_simple › tool.execute.calculator' ...>]
        """
        return self.pick(spans_of(source))

    def pick(self, nodes: Iterable[SpanNode]) -> list[SpanNode]:
        """The given nodes this selector selects, in their order.

        One pass shares what it learns (which span passed which step), so a selector over
        a whole capture costs about the same per span however deep or wide the trees.

        Example:
            >>> Selector.parse("b").pick([node_a, node_b])  # doctest: +SKIP
            [node_b]
        """
        passes = [(chain, Walk()) for chain in self._chains]
        return [node for node in nodes if any(chain.matches(node, walk) for chain, walk in passes)]

    def __repr__(self) -> str:
        return f"Selector({self.text!r})"


def select(source: Any, selector: str | Selector) -> list[SpanNode]:
    """The spans of ``source`` (a capture, a ``SpanTree``, nodes) that ``selector`` picks.

    Example:
        >>> nodes = select(capture, "agent.run_with_htn tool.execute.*:error")  # doctest: +SKIP
        >>> [node.name for node in nodes]  # doctest: +SKIP
        ['tool.execute.calculator']
    """
    __tracebackhide__ = True
    compiled = selector if isinstance(selector, Selector) else Selector.parse(selector)
    return compiled.select(source)
