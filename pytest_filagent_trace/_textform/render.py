"""render_tree: any source the plugin accepts, drawn in the text form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_filagent_trace._spans import SpanNode


from pytest_filagent_trace._spans import roots_of
from pytest_filagent_trace._textform.writer import render_roots

__all__ = ["render_tree"]


def render_tree(
    source: Any,
    *,
    attributes: bool | Iterable[str] = True,
    durations: bool = False,
    events: bool = True,
    mask: Iterable[str] | None = None,
    width: int = 100,
    max_value_length: int | None = None,
    marks: Mapping[SpanNode, str] | None = None,
) -> str:
    """Render spans in the text form, one line per span, trees drawn with ``├──``/``└──``.

    ``source`` is anything :func:`roots_of` accepts. ``attributes`` is ``True`` (all),
    ``False`` (none) or globs of the keys to show. ``mask`` holds globs of keys whose
    values are written as ``...`` (any value). ``durations`` adds ``(12.3 ms)``;
    ``events`` shows event names as ``<exception>``. A line longer than ``width`` puts its
    attributes on lines of their own. Strings longer than ``max_value_length`` are
    shortened to ``"prefix"...`` (which still matches). ``marks`` adds a ``# comment`` to
    the line of a span. Traces are separated by a blank line. The result has no trailing
    newline.

    Example:
        >>> print(render_tree(trace_capture, attributes=["route.*"]))  # doctest: +SKIP
        POST /chat [SERVER]
        ├── agent.route {route.mode="simple"}
        └── agent.run_simple
    """
    return render_roots(
        roots_of(source),
        attributes=attributes,
        durations=durations,
        events=events,
        mask=mask,
        width=width,
        max_value_length=max_value_length,
        marks=marks,
    )
