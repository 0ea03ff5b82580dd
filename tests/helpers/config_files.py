"""Telemetry configuration files written for a test, and the error loading them gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from filagent.telemetry.config import ConfigError, load_telemetry_config

#: The samplers an error message lists as allowed, in its wording.
SAMPLERS = (
    "'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', "
    "'parentbased_always_off' or 'parentbased_traceidratio'"
)


def write(tmp_path: Path, text: str) -> Path:
    """``text`` written to ``telemetry.yaml`` in ``tmp_path``; its path.

    Example:
        >>> write(tmp_path, "enabled: false\\n").name  # doctest: +SKIP
        'telemetry.yaml'
    """
    path = tmp_path / "telemetry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | None = None, env: dict[str, str] | None = None) -> str:
    """The message of the ``ConfigError`` loading ``path`` with ``env`` raises; fails if none.

    Example:
        >>> error_of(env={"OTEL_SDK_DISABLED": "yes"})  # doctest: +SKIP
        'invalid telemetry configuration: environment variable OTEL_SDK_DISABLED: ...'
    """
    with pytest.raises(ConfigError) as info:
        load_telemetry_config(path, env=env or {})
    return str(info.value)
