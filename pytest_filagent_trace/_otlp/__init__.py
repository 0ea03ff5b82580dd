"""Traces outside the test: OTLP/JSON and protobuf read into nodes, and written back.

``read`` turns the OTLP data model (the Collector's file export, an OTLP/JSON document, or
protobuf bytes) into :class:`SpanNode` trees; ``write`` turns captured spans into OTLP/JSON,
one ``TracesData`` per line; ``loaded`` is :func:`load_traces`, whose result every
assertion accepts; ``phoenix`` reads what a running Arize Phoenix stored, through its REST API.
"""

from __future__ import annotations

from pytest_filagent_trace._otlp.loaded import LoadedTraces, load_traces
from pytest_filagent_trace._otlp.phoenix import PhoenixError, PhoenixProject, phoenix
from pytest_filagent_trace._otlp.read import OtlpError
from pytest_filagent_trace._otlp.receiver import TraceReceiver
from pytest_filagent_trace._otlp.write import otlp_json

__all__ = [
    "LoadedTraces",
    "OtlpError",
    "PhoenixError",
    "PhoenixProject",
    "TraceReceiver",
    "load_traces",
    "otlp_json",
    "phoenix",
]
