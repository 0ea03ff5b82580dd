"""``--trace-run-export=URL|env``: the test run sent as one trace over OTLP/HTTP.

A ``pytest session`` span is the root; each test is a span under it, named by its node id
and carrying the test attributes; under each test, the spans its capture recorded. Spans
are kept in memory until a batch is full and at the end of the session, then sent as one
OTLP/JSON request. Under xdist the controller makes the trace id and the session span's id
and hands them to the workers (``workerinput``); each worker sends its tests' spans, only
the controller sends the session span, and the workers' counts and errors come back to the
controller's summary line (``workeroutput``). An endpoint that refuses or is unreachable
costs one line in that summary: sending stops for the rest of the run, and the run's
outcome and exit status stay what the tests made them.

Example:
    >>> pytest --trace-run-export=http://127.0.0.1:4318  # doctest: +SKIP
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from pytest_filagent_trace._otlp import otlp_json
from pytest_filagent_trace._otlp.run_trace import (
    CaseResult,
    RunIds,
    case_span,
    exception_event,
    new_span_id,
    reparented,
    session_span,
)

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import TraceCapture
    from pytest_filagent_trace._otlp.http_target import OtlpHttpTarget
    from pytest_filagent_trace._spans import SpanNode

__all__ = ["RunExport"]

# Spans kept before a request is sent: large enough that a run of small tests sends a few
# requests, small enough that a run of large tests holds little (bench/run_export.py).
BATCH_SPANS = 2048
_KEY = "filagent_trace_run_export"
_RESULT = pytest.StashKey[CaseResult]()
# pytest's and pluggy's frames that lead down to the test are not the test's stack trace.
_RUNNER_MODULES = ("_pytest", "pluggy")


def _ns(seconds: float) -> int:
    return int(seconds * 1_000_000_000)


class RunExport:
    """Collects the run's spans in one process and sends them in batches."""

    def __init__(self, target: OtlpHttpTarget, config: pytest.Config) -> None:
        workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
        self.target = target
        self.worker: str | None = None if workerinput is None else workerinput["workerid"]
        shared = None if workerinput is None else workerinput.get(_KEY)
        self.ids = RunIds(*shared) if shared else RunIds.new()
        self.resource: dict[str, Any] = {"service.name": "pytest"}
        if self.worker is not None:
            self.resource["service.instance.id"] = self.worker
        self.started = time.time_ns()
        self.pending: list[SpanNode] = []
        self.sent = 0
        self.unsent = 0
        self.errors: list[str] = []

    # -- xdist: the controller's ids go out, the workers' counts come back ---------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[_KEY] = [self.ids.trace_id, self.ids.session_span_id]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {}).get(_KEY)
        if output:
            self.sent += output["sent"]
            self.unsent += output["unsent"]
            self.errors.extend(e for e in output["errors"] if e not in self.errors)

    # -- one test ------------------------------------------------------------------------

    def record(
        self,
        item: pytest.Item,
        report: pytest.TestReport,
        call: pytest.CallInfo[None],
        capture: TraceCapture | None,
    ) -> None:
        """Note one phase's outcome; after teardown, add the test's spans to the batch."""
        result = item.stash.get(_RESULT, None)
        if result is None:
            result = CaseResult(item.nodeid, "passed", _ns(call.start), _ns(call.stop))
            item.stash[_RESULT] = result
        result.end_time = _ns(call.stop)
        if report.failed:
            result.outcome = "failed"
            if call.excinfo is not None:
                event = exception_event(call.excinfo.value, _ns(call.stop), _RUNNER_MODULES)
                result.failures.append(event)
        elif report.skipped and result.outcome == "passed":
            result.outcome = "skipped"
        if report.when == "teardown":
            del item.stash[_RESULT]
            self._add(result, capture)

    def _add(self, result: CaseResult, capture: TraceCapture | None) -> None:
        if self.errors:  # the endpoint failed once: the rest of the run is only counted
            self.unsent += 1 + (len(capture) if capture is not None else 0)
            return
        captured = capture.spans if capture is not None else []
        span_id = new_span_id()
        children = reparented(captured, self.ids.trace_id, span_id)
        self.pending.append(case_span(self.ids, result, self.resource, children, span_id))
        self.pending.extend(children)
        if len(self.pending) >= BATCH_SPANS:
            self._flush()

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        if self.errors:
            self.unsent += len(batch)
            return
        error = self.target.send(otlp_json(batch).encode("utf-8"))
        if error is None:
            self.sent += len(batch)
        else:
            self.errors.append(error)
            self.unsent += len(batch)

    # -- the session ---------------------------------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.worker is None:
            ended = time.time_ns()
            self.pending.append(
                session_span(self.ids, self.started, ended, int(exitstatus), self.resource)
            )
        self._flush()
        if self.worker is not None:
            # xdist sends workeroutput to the controller after every sessionfinish hook.
            output = {"sent": self.sent, "unsent": self.unsent, "errors": self.errors}
            session.config.workeroutput[_KEY] = output  # type: ignore[attr-defined]

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.worker is not None:
            return
        where = self.target.url
        if not self.errors:
            terminalreporter.write_line(
                f"trace run export: {self.sent} span(s) of trace {self.ids.trace_id} "
                f"sent to {where}"
            )
            return
        others = len(self.errors) - 1
        more = f" (and {others} other error(s))" if others else ""
        terminalreporter.write_line(
            f"trace run export: could not send to {where}: {self.errors[0]}{more}; "
            f"{self.unsent} span(s) not sent, {self.sent} sent",
            yellow=True,
        )
