"""The one text form of a trace: values, the writer, the parser (drafts only).

``values`` holds the lexicon and quoting, ``writer`` draws nodes (a leaf: span trees print
themselves with it) and ``links`` their ``→ link`` lines, ``render`` draws anything the
source adapter accepts, ``parser`` reads expected text into ``drafts`` through a
``cursor``; ``_match`` turns drafts into patterns.
"""

from __future__ import annotations

from pytest_filagent_trace._textform.drafts import (
    DRAFT_ANY,
    Draft,
    DraftLink,
    DraftPrefix,
    TreeSyntaxError,
)
from pytest_filagent_trace._textform.parser import parse_drafts
from pytest_filagent_trace._textform.render import render_tree
from pytest_filagent_trace._textform.values import (
    BUDGET,
    BUDGET_SYNTAX,
    DURATION_UNITS,
    KINDS,
    STATUSES,
    format_duration,
    format_value,
    quote,
)
from pytest_filagent_trace._textform.writer import (
    LineParts,
    attribute_text,
    draw_lines,
    head_text,
    node_head,
    render_roots,
)

__all__ = [
    "BUDGET",
    "BUDGET_SYNTAX",
    "DRAFT_ANY",
    "DURATION_UNITS",
    "KINDS",
    "STATUSES",
    "Draft",
    "DraftLink",
    "DraftPrefix",
    "LineParts",
    "TreeSyntaxError",
    "attribute_text",
    "draw_lines",
    "format_duration",
    "format_value",
    "head_text",
    "node_head",
    "parse_drafts",
    "quote",
    "render_roots",
    "render_tree",
]
