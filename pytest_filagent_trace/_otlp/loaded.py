"""``load_traces``: traces exported elsewhere, as an object every assertion accepts.

Example:
    >>> traces = load_traces("otlp-export.jsonl")  # doctest: +SKIP
    >>> assert_span_tree(traces, "POST /chat [SERVER]\\n...")  # doctest: +SKIP
    >>> stored = load_traces(phoenix("http://127.0.0.1:6006", project="filagent"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pytest_filagent_trace._otlp.phoenix import PhoenixProject, phoenix_nodes
from pytest_filagent_trace._otlp.read import OtlpError, nodes_from_otlp
from pytest_filagent_trace._spans import SpanNode, SpanTree, build_trees

__all__ = ["TEST_ATTRIBUTES", "LoadedTraces", "OtlpError", "load_traces", "protobuf_dict"]

TEST_ATTRIBUTES = ("test.case.name", "test.case.result.status", "test.suite.name")
"""The attributes ``--trace-export`` adds to each span: which test it belongs to."""


class LoadedTraces:
    """Spans read from outside the test: ``assert_span_tree``, ``select``, ``assert_spans``,
    ``assert_no_pii``, ``render_tree`` and ``trace_snapshot`` take it as they take a capture.
    """

    def __init__(self, nodes: list[SpanNode], origin: str) -> None:
        self._trees = build_trees(nodes)
        self._spans = [node for tree in self._trees for node in tree.walk()]
        self.origin = origin

    def traces(self) -> list[SpanTree]:
        """One tree per trace id, traces by first start."""
        return list(self._trees)

    @property
    def spans(self) -> list[SpanNode]:
        """Every span, trace by trace, depth first."""
        return list(self._spans)

    def by_test(self) -> dict[str, LoadedTraces]:
        """Each test's spans, as its capture held them, by node id (``--trace-export`` files).

        Spans are told apart by the ``test.case.name`` attribute the export adds, and come
        without the test attributes, so ``render_tree(loaded.by_test()[nodeid])`` prints
        what ``render_tree(trace_capture)`` printed in that test. Spans without a test
        name are left out.

        Example:
            >>> tests = load_traces("run.jsonl").by_test()  # doctest: +SKIP
            >>> assert_span_tree(tests["tests/test_chat.py::test_simple"], span("POST /chat", ...))
            ... # doctest: +SKIP
        """
        grouped: dict[str, list[SpanNode]] = {}
        for node in self._spans:
            test = node.attributes.get("test.case.name")
            if isinstance(test, str):
                copy = node.unlinked()
                copy.attributes = {
                    key: value
                    for key, value in node.attributes.items()
                    if key not in TEST_ATTRIBUTES
                }
                grouped.setdefault(test, []).append(copy)
        return {
            test: LoadedTraces(nodes, f"{self.origin}, test {test}")
            for test, nodes in grouped.items()
        }

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self) -> Iterator[SpanNode]:
        return iter(self._spans)

    def __repr__(self) -> str:
        counts = f"{len(self._spans)} span(s) in {len(self._trees)} trace(s)"
        return f"<LoadedTraces {counts} from {self.origin}>"


def load_traces(source: Any) -> LoadedTraces:
    """Read traces in the OTLP data model from ``source``.

    ``source`` is a path to an OTLP/JSON file (the Collector's file exporter writes one
    ``TracesData`` per line; a single pretty-printed document reads too), OTLP/JSON text,
    protobuf bytes of a ``TracesData`` or ``ExportTraceServiceRequest`` (needs the
    ``opentelemetry-proto`` package), a decoded JSON object, or a list of those objects; or
    ``phoenix(url, project=..., trace_id=...)``, the spans a running Arize Phoenix stored.
    Raises ``OtlpError`` naming the line and field that cannot be read (``PhoenixError``, one
    of them, naming the URL and the reason when Phoenix cannot be asked).

    Example:
        >>> traces = load_traces('{"resourceSpans": []}')
        >>> len(traces), traces.traces()
        (0, [])
    """
    if isinstance(source, PhoenixProject):
        return LoadedTraces(phoenix_nodes(source), repr(source))
    if isinstance(source, Mapping):
        return LoadedTraces(nodes_from_otlp(source), "a JSON object")
    if isinstance(source, list):
        nodes = [n for i, item in enumerate(source) for n in nodes_from_otlp(item, f"item {i}")]
        return LoadedTraces(nodes, f"a list of {len(source)} objects")
    if isinstance(source, bytes):
        if source.lstrip()[:1] in (b"{", b"["):
            return LoadedTraces(_json_lines(source.decode("utf-8"), "bytes"), "OTLP/JSON bytes")
        nodes = nodes_from_otlp(protobuf_dict(source), "protobuf")
        return LoadedTraces(nodes, "OTLP protobuf bytes")
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        return LoadedTraces(_json_lines(source, "text"), "OTLP/JSON text")
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise OtlpError(
                f"expected an OTLP/JSON file, OTLP/JSON text or protobuf bytes, found"
                f" {str(source)!r}: no such file"
            )
        data = path.read_bytes()
        if data.lstrip()[:1] in (b"{", b"["):
            return LoadedTraces(_json_lines(data.decode("utf-8"), path.name), str(path))
        return LoadedTraces(nodes_from_otlp(protobuf_dict(data), path.name), str(path))
    raise OtlpError(
        "load_traces() takes a path, OTLP/JSON text, protobuf bytes or a decoded object"
        f" (or phoenix(url, project=...)), found {type(source).__name__}"
    )


def _json_lines(text: str, name: str) -> list[SpanNode]:
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if whole is not None:
        items = whole if isinstance(whole, list) else [whole]
        return [n for i, item in enumerate(items) for n in nodes_from_otlp(item, f"{name} #{i}")]
    nodes: list[SpanNode] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise OtlpError(
                f"{name} line {number}: not JSON ({error.msg} at column {error.colno})"
            ) from None
        nodes += nodes_from_otlp(data, f"{name} line {number}")
    return nodes


def protobuf_dict(data: bytes) -> dict[str, Any]:
    try:
        from google.protobuf.json_format import MessageToDict
        from opentelemetry.proto.trace.v1.trace_pb2 import TracesData
    except ImportError:  # pragma: no cover - exercised in the plugin-only install
        raise OtlpError(
            "reading OTLP protobuf needs the opentelemetry-proto package:"
            " pip install opentelemetry-proto (or pass OTLP/JSON)"
        ) from None
    message = TracesData()
    try:
        message.ParseFromString(data)
    except Exception as error:  # noqa: BLE001 - protobuf raises its own DecodeError
        raise OtlpError(f"protobuf bytes: not a TracesData message ({error})") from None
    decoded: dict[str, Any] = MessageToDict(message)
    return decoded
