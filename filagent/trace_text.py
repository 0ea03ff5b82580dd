"""A trace as text, for ``filagent chat`` and ``filagent demo``.

With ``pytest-filagent-trace`` importable, the trace is drawn by its renderer:
the same text form that ``pytest --trace-tree`` prints and that snapshots hold.
FilAgent's runtime does not need pytest, though, so without the plugin a small
plain printer of its own draws the same tree, one span per line.

Example::

    print(trace_text(exporter.get_finished_spans(), attributes=["route.*"]))
    # POST /chat [SERVER] (12.6 ms)
    # ├── agent.route (117.6 µs) {route.mode="simple"}
    # └── agent.run_simple (5.3 ms)
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from opentelemetry.sdk.trace import ReadableSpan

#: ``render(spans, attributes, durations)``: one trace as text.
Renderer = Callable[["Sequence[ReadableSpan]", "bool | Sequence[str]", bool], str]


def trace_text(
    spans: Sequence[ReadableSpan],
    *,
    attributes: bool | Sequence[str] = True,
    durations: bool = True,
) -> str:
    """The spans of one trace as a tree, by the plugin's renderer when it is installed.

    ``attributes`` is ``True`` (all), ``False`` (none) or globs of the keys to show.

    Example: ``trace_text(spans, attributes=False, durations=False)`` starts with
    ``POST /chat [SERVER]``.
    """
    return _renderer()(spans, attributes, durations)


def _renderer() -> Renderer:
    try:
        from pytest_filagent_trace import build_trees, render_tree
    except ImportError:  # the plugin (or pytest) is not installed: FilAgent draws its own
        return plain_tree

    def render(spans: Sequence[ReadableSpan], shown: bool | Sequence[str], timed: bool) -> str:
        return "\n".join(
            render_tree(tree, attributes=shown, durations=timed) for tree in build_trees(spans)
        )

    return render


def plain_tree(
    spans: Sequence[ReadableSpan], attributes: bool | Sequence[str], durations: bool
) -> str:
    """The plain printer: ``name [KIND] [ERROR: ...] (duration) {key=value, ...}`` per span.

    Example: ``plain_tree(spans, ["route.mode"], False)`` draws
    ``├── agent.route {route.mode="simple"}`` under ``POST /chat [SERVER]``.
    """
    ids = {span.context.span_id for span in spans if span.context is not None}
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in sorted(spans, key=lambda s: s.start_time or 0):
        parent = span.parent.span_id if span.parent is not None else None
        children.setdefault(parent if parent in ids else None, []).append(span)
    lines: list[str] = []

    def draw(span: ReadableSpan, lead: str, branch: str) -> None:
        lines.append(lead + branch + _line(span, attributes, durations))
        below = children.get(span.context.span_id if span.context is not None else None, [])
        inner = lead + {"": "", "├── ": "│   ", "└── ": "    "}[branch]
        for index, child in enumerate(below):
            draw(child, inner, "└── " if index == len(below) - 1 else "├── ")

    for root in children.get(None, []):
        draw(root, "", "")
    return "\n".join(lines)


def _line(span: ReadableSpan, attributes: bool | Sequence[str], durations: bool) -> str:
    head = span.name
    kind = span.kind.name
    if kind != "INTERNAL":
        head += f" [{kind}]"
    if span.status.status_code.name == "ERROR":
        head += f" [ERROR: {span.status.description}]" if span.status.description else " [ERROR]"
    if durations and span.start_time is not None and span.end_time is not None:
        head += f" ({_duration(span.end_time - span.start_time)})"
    items = [
        f"{key}={_value(value)}"
        for key, value in sorted((span.attributes or {}).items())
        if _shown(key, attributes)
    ]
    return head + (" {" + ", ".join(items) + "}" if items else "")


def _shown(key: str, attributes: bool | Sequence[str]) -> bool:
    if isinstance(attributes, bool):
        return attributes
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in attributes)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    return str(value)


def _duration(nanoseconds: int) -> str:
    if nanoseconds >= 1_000_000:
        return f"{nanoseconds / 1_000_000:.1f} ms"
    return f"{nanoseconds / 1_000:.1f} µs"
