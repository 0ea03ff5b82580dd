"""The snapshot text of traces: normalized trees, rendered in the one text form.

A trace snapshot is the text :func:`~pytest_filagent_trace._textform.render_tree` prints
(the same form as ``--trace-tree`` and the expected value of ``assert_span_tree``) of the
trees :func:`~pytest_filagent_trace._snapshot.normalize.normalize_traces` returns, so that
the file is identical on every run, machine, test order and worker.

Example:
    >>> def test_chat_trace(client, trace_capture, trace_snapshot):  # doctest: +SKIP
    ...     client.post("/chat", json={"messages": [{"role": "user", "content": "2+2"}]})
    ...     assert trace_snapshot == trace_capture
"""

from __future__ import annotations

from pytest_filagent_trace._snapshot.normalize import normalize_traces
from pytest_filagent_trace._snapshot.options import SnapshotOptions
from pytest_filagent_trace._textform import render_tree

__all__ = ["SNAPSHOT_WIDTH", "serialize_traces"]

SNAPSHOT_WIDTH = 100
"""Line width of snapshot files; wider lines put their attributes on lines of their own.

Fixed here rather than taken from the renderer's default, so that a change of the terminal
default never rewrites every snapshot."""


def serialize_traces(data: object, options: SnapshotOptions | None = None) -> str:
    """The snapshot text of ``data``: normalized traces rendered as ``--trace-tree`` does.

    Traces are separated by a blank line; the text ends with a newline. Usable outside
    pytest, for example to review what a snapshot of a trace would contain.

    Example:
        >>> print(serialize_traces(trace_capture), end="")  # doctest: +SKIP
        POST /chat [SERVER] {http.request.method="POST", server.port="<port>"}
        ├── agent.route {route.mode="simple"}
        └── agent.run_simple {conversation_id="<uuid#1>"}
    """
    trees = normalize_traces(data, options)
    if not trees:
        return "(no spans)\n"
    return render_tree(trees, width=SNAPSHOT_WIDTH) + "\n"
