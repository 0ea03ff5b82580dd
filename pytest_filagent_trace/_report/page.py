"""One report page: a test's traces as a waterfall, its problems, and the text form.

The page is self-contained (inline style and script, no network request). Rows are drawn
here, in tree order, each with its bar on the trace's time axis; the details of every span
travel as one JSON object the script reads when a row is clicked, or when the page is
opened with ``?span=<span id>``. A page of more than ``FOLD_ABOVE`` spans opens folded:
the top spans show their children, deeper subtrees start closed except on the way to a
problem, and selecting a span opens the subtrees around it.

Example:
    >>> html = report_page("tests/test_shop.py::test_checkout", "failed", trace_capture)
    ... # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_filagent_trace._report.assets import SCRIPT, STYLE
from pytest_filagent_trace._spans import SpanNode, roots_of
from pytest_filagent_trace._textform import format_duration, format_value, render_tree

__all__ = ["FOLD_ABOVE", "report_page"]

FOLD_ABOVE = 200
"""Pages with more spans than this open with deep subtrees closed."""


def report_page(
    title: str,
    outcome: str,
    source: Any,
    problems: Sequence[tuple[SpanNode | None, str]] = (),
) -> str:
    """The HTML of one test's page: ``source``'s traces, with ``problems`` marked.

    ``problems`` are (span or None, message) pairs, e.g. from a ``SpanTreeMismatch``.
    """
    roots = roots_of(source)
    marked = {id(node): message for node, message in problems if node is not None}
    large = sum(1 for root in roots for _ in root.walk()) > FOLD_ABOVE
    # Spans whose subtree holds a problem stay open, so every problem shows on opening.
    on_problem_paths = {
        id(above) for node, _ in problems if node is not None for above in (node, *node.ancestors())
    }
    rows: list[str] = []
    details: dict[str, dict[str, Any]] = {}
    for root in roots:
        _trace_rows(root, marked, rows, details, None if not large else on_problem_paths)
    listed = "".join(f"<li>{html.escape(message)}</li>" for _, message in problems)
    text = render_tree(roots) if roots else "(no spans)"
    return "".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
            f"<header><h1>{html.escape(title)}</h1>",
            f"<span class='outcome {html.escape(outcome)}'>{html.escape(outcome)}</span>",
            f" · {len(details)} span(s) · <a href='index.html'>all tests</a></header>",
            f"<ul class='problems' id='problems'>{listed}</ul>" if problems else "",
            "<main><div id='waterfall'>",
            "".join(rows) or "<p class='row'>No span was captured.</p>",
            "</div><aside id='details'></aside></main>",
            "<section class='text'><button id='copy'>copy</button>",
            f"<pre id='text-form'>{html.escape(text)}</pre></section>",
            f"<script type='application/json' id='spans'>{_json(details)}</script>",
            f"<script>{SCRIPT}</script></body></html>",
        ]
    )


def _trace_rows(
    root: SpanNode,
    marked: Mapping[int, str],
    rows: list[str],
    details: dict[str, dict[str, Any]],
    kept_open: set[int] | None,
) -> None:
    """The rows of one trace; with ``kept_open`` (a large page), the folded view."""
    nodes = list(root.walk())
    start = min(node.start_time for node in nodes)
    width = max(max(node.end_time for node in nodes) - start, 1)
    stack = [(root, 0, False)]
    while stack:
        node, depth, hidden = stack.pop()
        key = f"{len(details)}"
        details[key] = _details(node)
        is_open = kept_open is None or depth == 0 or id(node) in kept_open
        row = _Row(key, depth, is_open, hidden, marked.get(id(node)))
        rows.append(_row(node, row, start, width))
        stack.extend((child, depth + 1, hidden or not is_open) for child in reversed(node.children))


class _Row:
    """Where a row sits and how it starts: its key, depth, open or closed, shown or not."""

    __slots__ = ("depth", "hidden", "is_open", "key", "problem")

    def __init__(
        self, key: str, depth: int, is_open: bool, hidden: bool, problem: str | None
    ) -> None:
        self.key, self.depth, self.is_open = key, depth, is_open
        self.hidden, self.problem = hidden, problem


def _row(node: SpanNode, row: _Row, start: int, width: int) -> str:
    key, depth, problem = row.key, row.depth, row.problem
    left = 100 * (node.start_time - start) / width
    size = 100 * node.duration_ns / width
    classes = (
        "row"
        + (" problem" if problem else "")
        + ("" if node.children else " leaf")
        + (" hidden" if row.hidden else "")
    )
    folded = "" if row.is_open or not node.children else " data-open='no'"
    toggle = "\u25be" if row.is_open or not node.children else "\u25b8"
    badges = "".join(
        f"<span class='badge {html.escape(mark)}'>{html.escape(mark)}</span>"
        for mark in (node.kind, node.status)
        if mark not in ("INTERNAL", "UNSET")
    )
    title = f" title='{html.escape(problem, quote=True)}'" if problem else ""
    return (
        f"<div class='{classes}' id='span-{key}' data-id='{key}' data-depth='{depth}'"
        f"{folded}{title}><span class='name' style='padding-left:{depth * 14}px'>"
        f"<span class='toggle'>{toggle}</span>{html.escape(node.name)}{badges}</span>"
        f"<span class='track'><span class='bar {html.escape(node.status)}'"
        f" style='left:{left:.3f}%;width:{size:.3f}%'></span></span>"
        f"<span class='duration'>{format_duration(node.duration_ns)}</span></div>"
    )


def _details(node: SpanNode) -> dict[str, Any]:
    fields = [
        ("path", node.path()),
        ("kind", node.kind),
        (
            "status",
            node.status + (f": {node.status_description}" if node.status_description else ""),
        ),
        ("duration", format_duration(node.duration_ns)),
        ("scope", " ".join(part for part in (node.scope, node.scope_version or "") if part)),
        ("trace id", node.trace_id),
        ("span id", node.span_id),
    ]
    return {
        "name": node.name,
        "fields": fields,
        "attributes": _pairs(node.attributes),
        "events": [{"name": e.name, "attributes": _pairs(e.attributes)} for e in node.events],
        "links": [
            (link.target.path() if link.target is not None else "outside the capture", link.span_id)
            for link in node.links
        ],
    }


def _pairs(attributes: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(key, format_value(value)) for key, value in sorted(attributes.items())]


def _json(data: object) -> str:
    # Inside <script>, "</" would end the element: written as "<\/".
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
