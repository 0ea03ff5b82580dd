"""The test run as one trace: a session span, a span per test, each test's spans beneath it.

Plain functions over nodes. :func:`case_attributes` is the one place the test
semantic-convention attributes are computed (``--trace-export`` uses it too);
:func:`session_span` and :func:`case_span` make the run's own spans; :func:`reparented`
copies the spans one test captured into the run's trace. The copies get new span ids: a
program's id generator may repeat ids from test to test (pytest-randomly reseeds
``random`` before every test, and the SDK's ids come from it), and one trace must not hold
two spans with one id. Parents, times, attributes, events and links between the test's own
spans are kept; the captured nodes themselves are never changed.

Example:
    >>> ids = RunIds.new()
    >>> test = case_span(ids, CaseResult("test_a.py::test_one", "passed", 1, 9))
    >>> test.parent_span_id == ids.session_span_id, test.attributes["test.case.result.status"]
    (True, 'pass')
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from pytest_filagent_trace._spans import SpanEvent, SpanLink, SpanNode

__all__ = [
    "SESSION_SPAN_NAME",
    "CaseResult",
    "RunIds",
    "case_attributes",
    "case_span",
    "exception_event",
    "new_span_id",
    "reparented",
    "session_span",
]

SESSION_SPAN_NAME = "pytest session"
SCOPE = "pytest_filagent_trace"
_STATUSES = {"passed": "pass", "failed": "fail", "skipped": "skipped"}
# Exit codes of pytest (ExitCode) -> test.suite.run.status; any other code is a failure.
_RUN_STATUSES = {0: "success", 2: "aborted", 5: "skipped"}
# Its own generator, seeded from the system: tests that seed ``random`` must not make the
# run's ids repeat.
_IDS = random.Random()  # noqa: S311 - span ids need uniqueness, not secrecy


def _new_id(bits: int) -> str:
    value = 0
    while not value:  # all zeros is the invalid id
        value = _IDS.getrandbits(bits)
    return f"{value:0{bits // 4}x}"


def new_span_id() -> str:
    """A fresh random span id (16 hex digits)."""
    return _new_id(64)


@dataclass(frozen=True)
class RunIds:
    """The run's trace id and its session span's id, made once and shared with workers."""

    trace_id: str
    session_span_id: str

    @classmethod
    def new(cls) -> RunIds:
        """Fresh random ids."""
        return cls(_new_id(128), new_span_id())


@dataclass
class CaseResult:
    """What pytest told about one test: its outcome over all phases, times and failures."""

    nodeid: str
    outcome: str  # passed, failed or skipped
    start_time: int
    end_time: int
    failures: list[SpanEvent] = field(default_factory=list)


def case_attributes(nodeid: str, outcome: str) -> dict[str, str]:
    """The test semantic-convention attributes of test ``nodeid`` with pytest's ``outcome``.

    Example:
        >>> case_attributes("tests/test_a.py::test_one", "failed")["test.suite.name"]
        'tests/test_a.py'
    """
    return {
        "test.case.name": nodeid,
        "test.case.result.status": _STATUSES[outcome],
        "test.suite.name": nodeid.split("::", 1)[0],
    }


def exception_event(error: BaseException, timestamp: int, hide: tuple[str, ...] = ()) -> SpanEvent:
    """The ``exception`` event the SDK's ``record_exception`` would add for ``error``.

    The type is fully qualified as the semantic conventions ask (``builtins.`` left out).
    The stack trace leaves out its leading frames of modules named ``hide`` or below them
    (a test runner's own calls down to the test).

    Example:
        >>> exception_event(ValueError("boom"), 1).attributes["exception.type"]
        'ValueError'
    """
    kind = type(error)
    module = kind.__module__
    name = kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
    frames = error.__traceback__
    while frames is not None and frames.tb_next is not None and _hidden(frames, hide):
        frames = frames.tb_next
    stacktrace = "".join(traceback.format_exception(kind, error, frames))
    return SpanEvent(
        "exception",
        {
            "exception.type": name,
            "exception.message": str(error),
            "exception.stacktrace": stacktrace,
        },
        timestamp,
    )


def _hidden(frames: TracebackType, hide: tuple[str, ...]) -> bool:
    module = str(frames.tb_frame.f_globals.get("__name__", ""))
    return any(module == name or module.startswith(f"{name}.") for name in hide)


def session_span(
    ids: RunIds, start_time: int, end_time: int, exit_code: int, resource: dict[str, Any]
) -> SpanNode:
    """The run's root span, ``pytest session``; ERROR when the run failed."""
    run_status = _RUN_STATUSES.get(exit_code, "failure")
    return SpanNode(
        SESSION_SPAN_NAME,
        "INTERNAL",
        "ERROR" if run_status == "failure" else "UNSET",
        f"pytest exited with code {exit_code}" if run_status == "failure" else None,
        {"test.suite.run.status": run_status},
        [],
        ids.trace_id,
        ids.session_span_id,
        None,
        start_time,
        end_time,
        resource,
        SCOPE,
    )


def case_span(
    ids: RunIds,
    result: CaseResult,
    resource: dict[str, Any] | None = None,
    children: Iterable[SpanNode] = (),
    span_id: str | None = None,
) -> SpanNode:
    """The span of one test, named by its node id, under the session span.

    ``span_id`` is the id its ``children`` (the test's spans, already reparented) point
    at, a new one by default. The span covers its children, so a waterfall never shows a
    child outside its parent. A failed test is ERROR, with its exception events.
    """
    start, end = result.start_time, result.end_time
    for child in children:
        start, end = min(start, child.start_time), max(end, child.end_time)
    failed = result.outcome == "failed"
    description = None
    if failed and result.failures:
        first = result.failures[0].attributes
        message = str(first["exception.message"]).split("\n", 1)[0]
        description = f"{first['exception.type']}: {message}" if message else None
    return SpanNode(
        result.nodeid,
        "INTERNAL",
        "ERROR" if failed else "UNSET",
        description,
        case_attributes(result.nodeid, result.outcome),
        list(result.failures),
        ids.trace_id,
        span_id or new_span_id(),
        ids.session_span_id,
        start,
        end,
        resource,
        SCOPE,
    )


def reparented(nodes: Iterable[SpanNode], trace_id: str, parent_span_id: str) -> list[SpanNode]:
    """Copies of one test's ``nodes`` in trace ``trace_id``, their roots under ``parent_span_id``.

    A node whose parent is not among ``nodes`` (a root, or an orphan whose parent is in
    another process) becomes a child of ``parent_span_id``. Links to spans among ``nodes``
    follow them to their new ids; other links keep theirs.
    """
    nodes = list(nodes)
    new_ids = {(node.trace_id, node.span_id): new_span_id() for node in nodes}
    copies = []
    for node in nodes:
        parent = None
        if node.parent_span_id is not None:
            parent = new_ids.get((node.trace_id, node.parent_span_id))
        copies.append(
            SpanNode(
                node.name,
                node.kind,
                node.status,
                node.status_description,
                node.attributes,
                node.events,
                trace_id,
                new_ids[node.trace_id, node.span_id],
                parent or parent_span_id,
                node.start_time,
                node.end_time,
                node.resource,
                node.scope,
                scope_version=node.scope_version,
                schema_url=node.schema_url,
                sampled=node.sampled,
                links=[_relinked(link, new_ids, trace_id) for link in node.links],
            )
        )
    return copies


def _relinked(link: SpanLink, new_ids: Mapping[tuple[str, str], str], trace_id: str) -> SpanLink:
    new_id = new_ids.get((link.trace_id, link.span_id))
    if new_id is None:
        return link
    return SpanLink(trace_id, new_id, link.attributes)
