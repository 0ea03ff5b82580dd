"""The writer of the text form: spans drawn as trees, one line per span.

Example:
    >>> print(render_roots([]))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from pytest_filagent_trace._spans import SpanLink, SpanNode


from pytest_filagent_trace._spans.paths import PathPlaces
from pytest_filagent_trace._textform.links import link_head
from pytest_filagent_trace._textform.values import (
    _is_bare_text,
    _key_text,
    _name_text,
    _shortened,
    format_duration,
    format_value,
    quote,
)

_Span = TypeVar("_Span")
_MID, _LAST, _PIPE, _BLANK = "├── ", "└── ", "│   ", "    "

# --------------------------------------------------------------------------- rendering


def node_head(node: SpanNode, *, events: bool = True, durations: bool = False) -> str:
    """The line of ``node`` without its attributes: name, markers, events, duration.

    Example:
        >>> node_head(node)  # doctest: +SKIP
        'tool.execute.calculator [ERROR: ZeroDivisionError: division by zero] <exception>'
    """
    return head_text(
        node.name,
        node.kind,
        node.status,
        node.status_description,
        orphan=node.orphan,
        event_names=[event.name for event in node.events] if events and node.events else (),
        duration_ns=node.duration_ns if durations else None,
    )


def head_text(
    name: str,
    kind: str,
    status: str,
    description: str | None,
    *,
    orphan: bool = False,
    event_names: Sequence[str] = (),
    duration_ns: int | None = None,
) -> str:
    """:func:`node_head` from the fields of a span rather than a :class:`SpanNode`.

    Example:
        >>> head_text("GET /search", "SERVER", "ERROR", "timeout", event_names=["exception"])
        'GET /search [SERVER] [ERROR: timeout] <exception>'
    """
    if (
        kind == "INTERNAL"
        and status == "UNSET"
        and description is None
        and not orphan
        and not event_names
        and duration_ns is None
    ):
        # Most spans have nothing but a name: no list to build and join.
        return _name_text(name)
    parts = [_name_text(name)]
    if kind != "INTERNAL":
        parts.append(f"[{kind}]")
    if description is not None:
        text = description if _is_bare_text(description, "]") else quote(description)
        parts.append(f"[{status}: {text}]")
    elif status != "UNSET":
        parts.append(f"[{status}]")
    if orphan:
        parts.append("[orphan]")
    if event_names:
        names = (e if _is_bare_text(e, ",>") else quote(e) for e in event_names)
        parts.append("<" + ", ".join(names) + ">")
    if duration_ns is not None:
        parts.append(f"({format_duration(duration_ns)})")
    return " ".join(parts)


def attribute_text(key: str, value: Any) -> str:
    """One attribute as the text form writes it: ``key=value``.

    Example:
        >>> attribute_text("tool.name", "calculator")
        'tool.name="calculator"'
    """
    return f"{_key_text(key)}={format_value(value)}"


def _selected(
    node: SpanNode,
    attributes: bool | tuple[str, ...],
    masked: tuple[str, ...],
    max_value_length: int | None,
) -> list[str]:
    if attributes is False:
        return []
    items: list[str] = []
    for key in sorted(node.attributes):
        if attributes is not True and not any(fnmatchcase(key, glob) for glob in attributes):
            continue
        if masked and any(fnmatchcase(key, glob) for glob in masked):
            items.append(f"{_key_text(key)}=...")
        else:
            value = _shortened(node.attributes[key], max_value_length)
            items.append(f"{_key_text(key)}={value}")
    return items


def _all_items(attributes: Mapping[str, Any], known: dict[tuple[str, str], str]) -> list[str]:
    """Every attribute as ``key=value``, keys sorted: :func:`_selected` with no globs,
    masks or length limit.

    ``known`` remembers the text of each (key, string value) pair met in one rendering:
    a trace repeats most of them (tool names, masked ports, one conversation id) on many
    spans. Only strings are remembered, since ``True``, ``1`` and ``1.0`` are equal keys.
    """
    items: list[str] = []
    for key in sorted(attributes):
        value = attributes[key]
        if type(value) is str:
            pair = (key, value)
            item = known.get(pair)
            if item is None:
                item = known[pair] = attribute_text(key, value)
        else:
            item = attribute_text(key, value)
        items.append(item)
    return items


class LineParts(NamedTuple):
    """What :func:`draw_lines` needs of one span."""

    head: str
    items: list[str]
    comment: str = ""
    notes: Sequence[str] = ()
    """Lines of their own under the span, after its attributes: its ``→ link`` lines."""


def draw_lines(
    roots: Iterable[_Span],
    *,
    children: Callable[[_Span], Sequence[_Span]],
    parts: Callable[[_Span], LineParts],
    trace_of: Callable[[_Span], object],
    width: int,
) -> list[str]:
    """The lines of the text form for any tree-shaped spans, drawn with ``├──``/``└──``.

    ``children`` and ``parts`` tell how to read a span, so the same drawing serves
    :class:`SpanNode` trees and the snapshot writer's own compact records. Consecutive
    roots of different traces (by ``trace_of``) are separated by a blank line. A line
    wider than ``width`` puts its attributes on lines of their own.

    Example:
        >>> draw_lines(
        ...     ["root"],
        ...     children=lambda span: [],
        ...     parts=lambda span: LineParts(span, ['k="v"']),
        ...     trace_of=lambda span: 1,
        ...     width=100,
        ... )
        ['root {k="v"}']
    """
    lines: list[str] = []
    previous_trace: object = None
    for root in roots:
        trace = trace_of(root)
        if lines and trace != previous_trace:
            lines.append("")
        previous_trace = trace
        stack: list[tuple[_Span, str, str]] = [(root, "", "")]
        while stack:
            span, lead, child_prefix = stack.pop()
            head, items, comment, notes = parts(span)
            head = lead + head
            kids = children(span)
            inline = head + " {" + ", ".join(items) + "}" if items else head
            detail = child_prefix + (_PIPE if kids else _BLANK)
            if len(inline) <= width or not items:
                lines.append(inline + comment)
            else:
                lines.append(head + comment)
                lines += [detail + item for item in items]
            if notes:
                lines += [detail + note for note in notes]
            if kids:
                # Pushed last child first, so the first child is drawn next. The prefixes
                # are built once per parent, not once per child: a span may have thousands.
                stack.append((kids[-1], child_prefix + _LAST, child_prefix + _BLANK))
                if len(kids) > 1:
                    mid, pipe = child_prefix + _MID, child_prefix + _PIPE
                    stack.extend([(kid, mid, pipe) for kid in kids[-2::-1]])
    return lines


def render_roots(
    roots: Sequence[SpanNode],
    *,
    attributes: bool | Iterable[str] = True,
    durations: bool = False,
    events: bool = True,
    mask: Iterable[str] | None = None,
    width: int = 100,
    max_value_length: int | None = None,
    marks: Mapping[SpanNode, str] | None = None,
    keep: Callable[[SpanNode], bool] | None = None,
    links: bool = True,
) -> str:
    """Draw the given root spans and their subtrees in the text form (see ``render_tree``).

    Takes the nodes themselves, so span trees can print themselves without the source
    adapter. With ``keep``, only the children it keeps are drawn; the others of each
    level are summed up in one ``...  # 9,990 more spans`` line, which still reads back as
    the text form (``...`` stands for other spans). With ``links``, each link of a span is
    a ``→ link`` line under it, naming its target by path.
    """
    shown: bool | tuple[str, ...] = (
        attributes if isinstance(attributes, bool) else tuple(attributes)
    )
    masked = tuple(mask or ())
    every_attribute = shown is True and not masked and max_value_length is None
    known_items: dict[tuple[str, str], str] = {}
    places = PathPlaces()

    def parts(node: SpanNode | _Elided) -> LineParts:
        if isinstance(node, _Elided):
            more = f"  # {node.spans:,} more span{'s' if node.spans != 1 else ''}"
            return LineParts("...", [], more)
        items = (
            _all_items(node.attributes, known_items)
            if every_attribute
            else _selected(node, shown, masked, max_value_length)
        )
        comment = ""
        if marks is not None and node in marks:
            comment = "  # " + " ".join(marks[node].split())
        notes = [_link_text(link, places) for link in node.links] if links else ()
        return LineParts(node_head(node, events=events, durations=durations), items, comment, notes)

    def children(node: SpanNode | _Elided) -> Sequence[SpanNode | _Elided]:
        if isinstance(node, _Elided):
            return ()
        if keep is None:
            return node.children
        kept: list[SpanNode | _Elided] = [child for child in node.children if keep(child)]
        hidden = sum(sum(1 for _ in child.walk()) for child in node.children if not keep(child))
        if hidden:
            kept.append(_Elided(hidden))
        return kept

    drawn: Sequence[SpanNode | _Elided] = roots
    lines = draw_lines(drawn, children=children, parts=parts, trace_of=_trace_of, width=width)
    return "\n".join(lines)


def _link_text(link: SpanLink, places: PathPlaces) -> str:
    head = link_head(link, places)
    if not link.attributes:
        return head
    items = ", ".join(attribute_text(key, link.attributes[key]) for key in sorted(link.attributes))
    return f"{head} {{{items}}}"


class _Elided:
    """The spans of a level that a kept rendering leaves out, drawn as one ``...`` line."""

    __slots__ = ("spans",)

    def __init__(self, spans: int) -> None:
        self.spans = spans


def _trace_of(node: SpanNode | _Elided) -> object:
    return None if isinstance(node, _Elided) else node.trace_id
