"""The one text form of a trace: values, the writer, the parser (drafts only)."""

from __future__ import annotations

from pytest_filagent_trace._textform.render import (
    KINDS,
    STATUSES,
    Draft,
    LineParts,
    TreeSyntaxError,
    attribute_text,
    draw_lines,
    format_value,
    head_text,
    node_head,
    parse_drafts,
    quote,
    render_tree,
)

__all__ = [
    "KINDS",
    "STATUSES",
    "Draft",
    "LineParts",
    "TreeSyntaxError",
    "attribute_text",
    "draw_lines",
    "format_value",
    "head_text",
    "node_head",
    "parse_drafts",
    "quote",
    "render_tree",
]
