"""The log capture: what a program logs while a :class:`LogCapture` is started.

stdlib ``logging`` records arrive through a handler on the root logger and structlog
events through a processor placed just before the program's own renderer (see
:mod:`pytest_filagent_trace._logs.install`), so the program's output is left as it is and
the captured event is what the program emits. Each record is a :class:`CapturedLog`.

Example:
    >>> import logging
    >>> with capture_logs() as logs:
    ...     logging.getLogger("app").warning("cache cold")
    >>> [(r["event"], r["level"], r["logger"]) for r in logs.records]
    [('cache cold', 'warning', 'app')]
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType

from pytest_filagent_trace._logs.hooks import is_recording, start_recording, stop_recording
from pytest_filagent_trace._logs.install import install, installed, uninstall
from pytest_filagent_trace._logs.records import CapturedLog, records_from_json_lines

__all__ = ["LogCapture", "capture_logs"]


class LogCapture:
    """The log records emitted while the capture is started.

    Use :meth:`start`/:meth:`stop` (a trace capture does this around each test), the
    ``with`` statement, or :func:`capture_logs`. Several captures may run at once; each
    sees every record emitted while it is started, from any thread.

    Example:
        >>> import logging
        >>> capture = LogCapture()
        >>> with capture:
        ...     logging.getLogger("app").error("disk full")
        >>> capture.events()
        ['disk full']
    """

    def __init__(self, records: Iterable[CapturedLog] = ()) -> None:
        self._records: list[CapturedLog] = list(records)
        self._lock = threading.Lock()

    # -- life cycle

    def start(self) -> None:
        """Begin recording (installs the log hooks if needed; idempotent)."""
        install()
        start_recording(self)

    def stop(self) -> None:
        """Stop recording; the records stay available."""
        stop_recording(self)

    @property
    def active(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return is_recording(self)

    def __enter__(self) -> LogCapture:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- records

    def receive(self, record: CapturedLog) -> None:
        """Keep one record; the log hooks call this from whichever thread logged it."""
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[CapturedLog]:
        """The captured records, in emission order (a copy)."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        """Forget the records captured so far."""
        with self._lock:
            self._records.clear()

    def events(self) -> list[str | None]:
        """The message of each record (``event``, ``message`` or ``msg``)."""
        return [record.event for record in self.records]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[CapturedLog]:
        return iter(self.records)

    def __repr__(self) -> str:
        state = "started" if self.active else "stopped"
        return f"<LogCapture {state}, {len(self._records)} records>"

    @classmethod
    def from_json_lines(cls, text: str, *, keep_text: bool = False) -> LogCapture:
        """Records parsed from JSON lines, such as a program's stdout read with ``capfd``.

        Lines that are not JSON objects are skipped, or kept as ``{"event": line}`` with
        ``keep_text=True``.

        Example:
            >>> logs = LogCapture.from_json_lines('{"event": "ready", "trace_id": "ab"}\\nplain')
            >>> [(r["event"], r.line) for r in logs.records]
            [('ready', 1)]
        """
        return cls(records_from_json_lines(text, keep_text=keep_text))


@contextmanager
def capture_logs() -> Iterator[LogCapture]:
    """Capture log records in a ``with`` block, outside pytest too.

    Example:
        >>> import logging
        >>> with capture_logs() as logs:
        ...     logging.getLogger("app").warning("slow")
        >>> logs.events()
        ['slow']
    """
    was_installed = installed()
    capture = LogCapture()
    capture.start()
    try:
        yield capture
    finally:
        capture.stop()
        if not was_installed and not is_recording():
            uninstall()
