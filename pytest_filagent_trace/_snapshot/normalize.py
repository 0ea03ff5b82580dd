"""Normalization: the deterministic copies of traces that a snapshot renders.

The result is identical on every run, machine, test order and worker:

- trace and span ids become ordinals (``<trace#1>``, ``<span#3>``), numbered in canonical
  order, wherever they appear in attribute values, events or status descriptions;
- UUIDs and long hexadecimal ids become ordinals of their kind (``<uuid#1>``,
  ``<hex32#2>``), so a value repeated across spans stays visibly the same value;
- ports, the machine's host name, the repository root, temporary paths, process and
  thread ids, durations, timestamps, stack traces and user agents are masked;
- siblings are ordered by name, then attributes, then their subtrees (never by the
  thread scheduler), unless start order is asked for;
- links point at the copies of their targets (a snapshot names them by path); a link to a
  span outside the data keeps only its numbered ids and masked attributes.

Three steps, each visiting every span once: **mask** copies each span with its values
masked (ids become tokens) and gives it the key that orders it; **order** sorts siblings,
roots and traces; **number** reads the copies in their final order, turning ids and
tokens into ordinals.

Example:
    >>> trees = normalize_traces(trace_capture)  # doctest: +SKIP
    >>> trees[0].trace_id, trees[0].roots[0].span_id  # doctest: +SKIP
    ('<trace#1>', '<span#1>')
"""

from __future__ import annotations

import functools
from typing import Any

from pytest_filagent_trace._snapshot.attributes import AttributeMasker
from pytest_filagent_trace._snapshot.masked import MaskedEvent, MaskedFields, MaskedTrace, SpanKey
from pytest_filagent_trace._snapshot.masks import AttributeRules
from pytest_filagent_trace._snapshot.options import SnapshotOptions
from pytest_filagent_trace._snapshot.order import rank_canonically
from pytest_filagent_trace._snapshot.ordinals import Ordinals
from pytest_filagent_trace._snapshot.values import MaskedText, Token, ValueMasker
from pytest_filagent_trace._spans import SpanEvent, SpanLink, SpanNode, SpanTree, trace_groups

__all__ = ["normalize_traces"]

_Groups = list[tuple[str, list[SpanNode]]]


def normalize_traces(data: object, options: SnapshotOptions | None = None) -> list[SpanTree]:
    """Normalized copies of the traces in ``data``: the exact trees a snapshot renders.

    ``data`` is a ``TraceCapture`` (anything with ``traces()``), a ``SpanTree``, a
    ``SpanNode`` (with its subtree), or a list of trees, nodes or finished SDK spans.
    Ids, clocks and volatile values are replaced as described in the module docstring;
    the input is never modified.

    Example:
        >>> trees = normalize_traces(trace_capture)  # doctest: +SKIP
        >>> trees[0].trace_id, trees[0].roots[0].span_id  # doctest: +SKIP
        ('<trace#1>', '<span#1>')
    """
    options = options or SnapshotOptions()
    groups = trace_groups(data)
    masker = _SpanMasker(options, groups)
    traces = [masker.trace(trace_id, roots) for trace_id, roots in groups]
    masker.link_copies()
    if options.order == "canonical":
        rank_canonically(masker.levels, masker.keys, traces)
    return _numbered(traces, masker.pending)


# --------------------------------------------------------------------------- 1. mask


def _span_ids(groups: _Groups) -> frozenset[str]:
    """Every span id in ``groups``, and the ids of the missing parents of their roots."""
    span_ids: set[str] = set()
    for _, roots in groups:
        for root in roots:
            if root.parent_span_id:
                span_ids.add(root.parent_span_id)
            span_ids.update(node.span_id for node in root.walk())
    return frozenset(span_ids)


class _SpanMasker:
    """Copies spans with their values masked, keeping by copy what the next steps need:
    its depth (``levels``), its sort key (``keys``) and its texts holding tokens
    (``pending``)."""

    def __init__(self, options: SnapshotOptions, groups: _Groups) -> None:
        self.values = ValueMasker(
            options,
            trace_ids=frozenset(trace_id for trace_id, _ in groups),
            span_ids=functools.partial(_span_ids, groups),
        )
        rules = AttributeRules(options)
        self.span_attributes = AttributeMasker(rules.span, self.values)
        self.event_attributes = AttributeMasker(rules.event, self.values)
        self.levels: list[list[SpanNode]] = []
        self.keys: dict[SpanNode, SpanKey] = {}
        # Copies holding tokens: their name, description and events when those do, else
        # None (only attribute values, which hold their tokens in place).
        self.pending: dict[SpanNode, MaskedFields | None] = {}
        # Each span's copy, for the links, which point at copies once every span has one.
        self.copies: dict[SpanNode, SpanNode] = {}
        self.linking: list[tuple[SpanNode, SpanNode]] = []

    def link_copies(self) -> None:
        """Give the copies of linking spans their links, with masked attributes, pointing
        at the copies of their targets, and put the links in their sort keys."""
        for node, copy in self.linking:
            links, keys = [], []
            for link in node.links:
                attributes, attribute_key, _ = self.span_attributes.mask(link.attributes)
                target = self.copies.get(link.target) if link.target is not None else None
                path_key = () if target is None else self._path_key(link.target)
                links.append(SpanLink(link.trace_id, link.span_id, attributes, target))
                keys.append((target is not None, path_key, attribute_key))
            copy.links = links
            self.keys[copy] = (*self.keys[copy][:-1], tuple(keys))

    def _path_key(self, target: Any) -> tuple[Any, ...]:
        names = [target.name, *(node.name for node in target.ancestors())]
        return tuple(self.values.value(name).key for name in reversed(names))

    def trace(self, trace_id: str, roots: list[SpanNode]) -> MaskedTrace:
        """The masked copies of one trace's subtrees."""
        start = min((root.start_time for root in roots), default=0)
        return MaskedTrace(trace_id, [self.tree(root) for root in roots], start)

    def tree(self, root: SpanNode) -> SpanNode:
        """The copy of ``root`` and its subtree; iterative, as trees may be deeper than the
        recursion limit."""
        top = self.span(root, None, 0)
        stack = [(root, top, 0)]
        while stack:
            source, copy, depth = stack.pop()
            for child in source.children:
                child_copy = self.span(child, copy, depth + 1)
                copy.children.append(child_copy)
                if child.children:
                    stack.append((child, child_copy, depth + 1))
        return top

    def span(self, node: SpanNode, parent: SpanNode | None, depth: int) -> SpanNode:
        """The masked copy of one span, without its children; its ids are still raw."""
        name = self.values.value(node.name)
        description: Any = node.status_description
        description_key: Any = ()
        tokens = name.tokens
        if description:
            masked = self.values.value(description)
            description, description_key = masked.value, masked.key
            tokens = tokens or masked.tokens
        attributes, attribute_key, attribute_tokens = self.span_attributes.mask(node.attributes)
        events: list[MaskedEvent] = []
        event_keys: list[tuple[Any, ...]] = []
        for event in node.events:
            event_name = self.values.value(event.name)
            event_attributes, event_attribute_key, event_tokens = self.event_attributes.mask(
                event.attributes
            )
            events.append(MaskedEvent(event_name.value, event_attributes))
            event_keys.append((event_name.key, event_attribute_key))
            tokens = tokens or event_name.tokens or event_tokens
        copy = SpanNode(
            # Texts holding tokens get their final form once they are numbered.
            name=_placeholder(name.value),
            kind=node.kind,
            status=node.status,
            status_description=_placeholder(description),
            attributes=attributes,
            events=[] if tokens else [_event(event) for event in events],
            trace_id=node.trace_id,
            span_id=node.span_id,
            parent_span_id=node.parent_span_id,
            start_time=0,
            end_time=0,
            scope=node.scope,
            parent=parent,
            orphan=node.orphan,
        )
        if tokens:
            self.pending[copy] = MaskedFields(name.value, description, tuple(events))
        elif attribute_tokens:
            self.pending[copy] = None
        # Name first: canonical order reads "by name, then attributes".
        self.keys[copy] = (
            name.key,
            node.kind,
            node.status,
            description_key,
            attribute_key,
            tuple(event_keys),
            (),
        )
        self.copies[node] = copy
        if node.links:
            self.linking.append((node, copy))
        while len(self.levels) <= depth:
            self.levels.append([])
        self.levels[depth].append(copy)
        return copy


def _event(event: MaskedEvent) -> SpanEvent:
    """The copy of an event holding no tokens."""
    return SpanEvent(str(event.name), event.attributes, 0)


def _placeholder(text: Any) -> Any:
    return text.sort_text() if isinstance(text, MaskedText) else text


# -------------------------------------------------------------------------- 3. number


def _reading_order(traces: list[MaskedTrace]) -> list[SpanNode]:
    """Every copy in the order the final trees are read (pre-order)."""
    order: list[SpanNode] = []
    for trace in traces:
        stack = trace.roots[::-1]
        while stack:
            span = stack.pop()
            order.append(span)
            stack += reversed(span.children)
    return order


def _numbered(
    traces: list[MaskedTrace], pending: dict[SpanNode, MaskedFields | None]
) -> list[SpanTree]:
    """The normalized trees: ids and tokens of the copies numbered in reading order.

    Trace ids by trace, span ids by where their span is read (never by where they were
    seen in an attribute), then the missing parents of subtree roots and orphans; other
    tokens on first sight.
    """
    order = _reading_order(traces)
    span_ids = [span.span_id for span in order]
    for trace in traces:
        span_ids += [root.parent_span_id for root in trace.roots if root.parent_span_id is not None]
    ordinals = Ordinals([trace.trace_id for trace in traces], span_ids)
    for span in order:
        span.trace_id = ordinals.traces[span.trace_id]
        span.span_id = ordinals.spans[span.span_id]
        if span.parent_span_id is not None:
            span.parent_span_id = ordinals.spans[span.parent_span_id]
        if span in pending:
            _number_tokens(span, pending[span], ordinals)
        if span.links:
            span.links = [_numbered_link(link, ordinals) for link in span.links]
    return [
        SpanTree(trace_id=ordinals.traces[trace.trace_id], roots=trace.roots) for trace in traces
    ]


def _numbered_link(link: SpanLink, ordinals: Ordinals) -> SpanLink:
    """A link with numbered ids (its target's, or new ordinals outside) and attributes."""
    return SpanLink(
        ordinals.label(Token("trace", link.trace_id)),
        ordinals.label(Token("span", link.span_id)),
        {key: ordinals.value(value) for key, value in link.attributes.items()},
        link.target,
    )


def _number_tokens(span: SpanNode, fields: MaskedFields | None, ordinals: Ordinals) -> None:
    # Numbered in a fixed order: attributes, name, status description, events. The copy's
    # own attribute mapping is numbered in place: only values holding tokens change.
    attributes = span.attributes
    for key, value in attributes.items():
        if isinstance(value, tuple):  # a MaskedText, or a sequence that may hold one
            attributes[key] = ordinals.value(value)
    if fields is None:
        return
    span.name = ordinals.value(fields.name)
    span.status_description = ordinals.value(fields.description)
    span.events = [
        SpanEvent(
            ordinals.value(event.name),
            {key: ordinals.value(value) for key, value in event.attributes.items()},
            0,
        )
        for event in fields.events
    ]
