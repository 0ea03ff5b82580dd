"""The FilAgent app in this process, behind a TestClient, with the settings a test chooses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi.testclient import TestClient

from filagent.app import create_app
from filagent.audit import DecisionRecorder
from filagent.settings import Settings

if TYPE_CHECKING:
    from filagent.telemetry.setup import TelemetryManager

#: Request limits small enough for a test to go over them: characters in one message...
MAX_CONTENT_CHARS = 200
#: ...and messages in one request.
MAX_MESSAGES = 5


def small_limits() -> Settings:
    """The service's settings with :data:`MAX_CONTENT_CHARS` and :data:`MAX_MESSAGES`.

    Example:
        >>> small_limits().max_messages
        5
    """
    return Settings(max_content_chars=MAX_CONTENT_CHARS, max_messages=MAX_MESSAGES)


@contextmanager
def running(
    settings: Settings, telemetry: TelemetryManager, records_path: Path
) -> Iterator[TestClient]:
    """The app with ``settings`` and ``telemetry``, writing decision records to ``records_path``.

    Example:
        >>> with running(Settings(), telemetry, records_path) as client:  # doctest: +SKIP
        ...     ask(client, "What is 2+2?")
    """
    app = create_app(settings, telemetry, recorder=DecisionRecorder(records_path))
    with TestClient(app) as test_client:
        yield test_client
