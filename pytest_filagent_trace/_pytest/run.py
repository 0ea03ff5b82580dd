"""What the plugin keeps for one pytest session, and the stash keys of its per-test state.

Example:
    >>> run = config.stash[RUN]  # doctest: +SKIP
    >>> run.tree_mode  # doctest: +SKIP
    'failed'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_filagent_trace._capture import (
        LeakedTrace,
        ProviderAttachments,
        ProviderConfigError,
        TraceCapture,
    )
    from pytest_filagent_trace._logs import LogCapture
    from pytest_filagent_trace._otlp.http_target import OtlpHttpTarget
    from pytest_filagent_trace._pytest.run_export import RunExport
    from pytest_filagent_trace._pytest.trace_export import TraceExport
    from pytest_filagent_trace._pytest.trace_report import TraceReport
    from pytest_filagent_trace._types import SupportsSpanProcessors, TreeMode


@dataclass
class Run:
    """The session's options and its capture processor (one per xdist worker).

    The processor, and the OpenTelemetry SDK it needs, are made at the first test that is
    captured: a run in which no test asks pays nothing for them.
    """

    tree_mode: TreeMode
    strict: bool
    provider_spec: str
    provider_where: str
    provider: SupportsSpanProcessors | None = None
    provider_error: ProviderConfigError | None = None
    provider_loaded: bool = False
    logs_installed: bool = False
    report_dir: Path | None = None
    report_only_failed: bool = False
    export_path: Path | None = None
    run_export_target: OtlpHttpTarget | None = None
    report: TraceReport | None = None
    export: TraceExport | None = None
    run_export: RunExport | None = None
    _attachments: ProviderAttachments | None = field(default=None, repr=False)
    # Under xdist, in the controller: what the workers' leaked traces did after their tests.
    worker_leaks: list[str] = field(default_factory=list)

    @property
    def attachments(self) -> ProviderAttachments:
        """The capture processor and the providers it is attached to, made on first use."""
        if self._attachments is None:
            from pytest_filagent_trace._capture import CaptureProcessor, ProviderAttachments

            self._attachments = ProviderAttachments(CaptureProcessor())
        return self._attachments

    @property
    def in_test(self) -> bool:
        """True while a captured test runs (between its setup and the end of its teardown)."""
        return self._attachments is not None and self._attachments.processor.current is not None

    def asks(self, item: pytest.Item) -> bool:
        """Whether ``item`` is captured: it uses ``trace_capture``, or an option asks for all."""
        return self.capture_all or CAPTURE_FIXTURE in getattr(item, "fixturenames", ())

    @property
    def capture_all(self) -> bool:
        """True when an option asks for every test's spans.

        That is trees to print, strict leak checks, a provider the program injects, a
        report to write or spans to export (to a file or as the run's trace).
        """
        return (
            self.tree_mode != "none"
            or self.strict
            or bool(self.provider_spec)
            or self.report_dir is not None
            or self.export_path is not None
            or self.run_export_target is not None
        )

    @property
    def leaked_traces(self) -> list[LeakedTrace]:
        """The traces that captured tests leaked, with the spans that ended after them."""
        return [] if self._attachments is None else self._attachments.processor.leaked_traces

    def close(self) -> None:
        """Detach the capture processor from every provider, and the log hooks."""
        if self._attachments is not None:
            self._attachments.close()
        if self.logs_installed:
            from pytest_filagent_trace._logs import uninstall

            uninstall()

    def configured_provider(self) -> SupportsSpanProcessors | None:
        """The provider ``trace_capture_provider`` names, loaded on first use, or None.

        Loaded at the first test rather than at start-up: the module often lives next to
        the tests and is only importable once collection has set ``sys.path`` up.
        """
        from pytest_filagent_trace._capture import ProviderConfigError, load_provider

        if not self.provider_loaded:
            self.provider_loaded = True
            if self.provider_spec:
                try:
                    self.provider = load_provider(self.provider_spec, where=self.provider_where)
                except ProviderConfigError as error:
                    self.provider_error = error
        if self.provider_error is not None:
            raise self.provider_error
        return self.provider


CAPTURE_FIXTURE = "trace_capture"
RUN = pytest.StashKey[Run]()
CAPTURE: pytest.StashKey[TraceCapture] = pytest.StashKey()
TREES_SHOWN = pytest.StashKey[bool]()
LOGS: pytest.StashKey[LogCapture] = pytest.StashKey()
