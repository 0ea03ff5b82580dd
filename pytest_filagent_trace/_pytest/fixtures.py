"""The ``trace_capture``, ``trace_capture_provider`` and ``trace_receiver`` fixtures.

Example:
    >>> def test_route(trace_capture, client):  # doctest: +SKIP
    ...     client.post("/chat", json={"message": "2+2"})
    ...     assert trace_capture.get("agent.route").attributes["route.mode"] == "simple"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pytest_filagent_trace._pytest.run import CAPTURE, RUN

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import TraceCapture
    from pytest_filagent_trace._otlp import TraceReceiver
    from pytest_filagent_trace._types import SupportsSpanProcessors

# The modules behind each fixture load when a test first asks for it, not at start-up.


@pytest.fixture(scope="session")
def trace_capture_provider(pytestconfig: pytest.Config) -> SupportsSpanProcessors | None:
    """The tracer provider a program builds itself and injects, to capture its spans.

    Defaults to the provider named by the ``trace_capture_provider`` ini option, or
    ``None`` when spans go through the global provider. Override it when the program
    builds its provider in test code:

    Example:
        >>> @pytest.fixture(scope="session")  # doctest: +SKIP
        ... def trace_capture_provider():
        ...     return my_app.telemetry.tracer_provider
    """
    from pytest_filagent_trace._capture import ProviderConfigError

    try:
        return pytestconfig.stash[RUN].configured_provider()
    except ProviderConfigError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def trace_capture(
    request: pytest.FixtureRequest, trace_capture_provider: SupportsSpanProcessors | None
) -> TraceCapture:
    """The spans that ended during this test, with trees, lookups and waits.

    Spans come from the global tracer provider (an SDK one is lent for the test if the
    program set none) and from the provider ``trace_capture_provider`` returns. The log records
    of the test are in ``trace_capture.logs``.

    Example:
        >>> def test_route(trace_capture, client):  # doctest: +SKIP
        ...     client.post("/chat", json={"message": "2+2"})
        ...     assert trace_capture.get("agent.route").attributes["route.mode"] == "simple"
    """
    from pytest_filagent_trace._pytest.capturing import injected_provider, open_test

    run = request.config.stash[RUN]
    node: pytest.Item = request.node
    if CAPTURE not in node.stash:
        # Asked for with request.getfixturevalue(): the capture opens now.
        open_test(node, run)
    if trace_capture_provider is not None:
        run.attachments.attach(trace_capture_provider, "the trace_capture_provider fixture")
        injected_provider(node)
    return node.stash[CAPTURE]


@pytest.fixture
def trace_receiver() -> Iterator[TraceReceiver]:
    """A real OTLP/HTTP receiver on 127.0.0.1 for the spans of other processes.

    Started for the test that asks for it and stopped after it; ``env()`` gives a
    subprocess the variables that point its exporter here.

    Example:
        >>> def test_worker(trace_receiver):  # doctest: +SKIP
        ...     subprocess.run(["worker", "--once"], env=trace_receiver.env(), check=True)
        ...     trace_receiver.wait_for("job.run")
    """
    from pytest_filagent_trace._otlp import TraceReceiver

    with TraceReceiver() as receiver:
        yield receiver
