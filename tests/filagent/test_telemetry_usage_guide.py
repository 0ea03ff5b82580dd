"""The usage guide stays true: its default configuration and its table of variables."""

from __future__ import annotations

from pathlib import Path

import yaml

from filagent.telemetry.config import TelemetryConfig, config_from_mapping
from filagent.telemetry.environment import ENV_OVERRIDES

USAGE = Path(__file__).parents[2] / "docs" / "OPENTELEMETRY_USAGE.md"


def test_usage_guide_shows_the_default_configuration() -> None:
    text = USAGE.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert config_from_mapping(yaml.safe_load(block)) == TelemetryConfig()


def test_usage_guide_documents_every_environment_variable() -> None:
    text = USAGE.read_text(encoding="utf-8")
    missing = [variable for variable, _, _ in ENV_OVERRIDES if f"| `{variable}` |" not in text]
    assert missing == []
