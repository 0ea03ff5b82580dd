"""Ordinals: tokens become ``<kind#n>``, numbered in the order the final tree is read.

Trace and span ids are numbered by structure (traces in order, spans in reading order,
then the missing parents of subtree roots and orphans), never by where an attribute
happens to mention them; other ids are numbered on first sight, so a value repeated
across spans keeps one ordinal.

Example:
    >>> ordinals = Ordinals(trace_ids=["4bf9"], span_ids=[])
    >>> ordinals.label(Token("trace", "4bf9")), ordinals.label(Token("uuid", "f81d"))
    ('<trace#1>', '<uuid#1>')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pytest_filagent_trace._snapshot.values import MaskedText, Token

__all__ = ["Ordinals"]


class Ordinals:
    """The labels of trace ids, span ids and every other token met so far."""

    def __init__(self, trace_ids: Iterable[str], span_ids: Iterable[str]) -> None:
        self.traces = _labels("trace", trace_ids)
        self.spans = _labels("span", span_ids)
        self._others: dict[str, dict[str, str]] = {"trace": self.traces, "span": self.spans}
        self._texts: dict[MaskedText, str] = {}

    def label(self, token: Token) -> str:
        """The ordinal of ``token``, numbering it when it is new."""
        labels = self._others.setdefault(token.kind, {})
        label = labels.get(token.raw)
        if label is None:
            label = labels[token.raw] = f"<{token.kind}#{len(labels) + 1}>"
        return label

    def text(self, text: MaskedText) -> str:
        """``text`` with its tokens replaced by their ordinals.

        Example:
            >>> Ordinals([], []).text(MaskedText(("id=", ""), (Token("hex32", "ab"),)))
            'id=<hex32#1>'
        """
        labelled = self._texts.get(text)
        if labelled is None:
            parts = [text.pieces[0]]
            for token, piece in zip(text.tokens, text.pieces[1:], strict=True):
                parts.append(self.label(token))
                parts.append(piece)
            labelled = self._texts[text] = "".join(parts)
        return labelled

    def value(self, value: Any) -> Any:
        """A masked value with ordinals in place of its tokens (also inside tuples)."""
        if isinstance(value, MaskedText):
            return self.text(value)
        if isinstance(value, tuple):
            return tuple(self.value(item) for item in value)
        return value


def _labels(kind: str, ids: Iterable[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for raw in ids:
        if raw not in labels:
            labels[raw] = f"<{kind}#{len(labels) + 1}>"
    return labels
