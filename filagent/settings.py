"""Service settings: the model, the tools' sandbox and the request limits.

Telemetry has its own configuration (``filagent.telemetry.config``); these are
the settings of the agent itself, read once from the environment.

Example::

    settings = Settings.from_env({"FILAGENT_MODEL": "openai:gpt-4o-mini"})
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from filagent.packaged import packaged_data_dir

#: environment variable -> settings field
ENVIRONMENT: dict[str, str] = {
    "FILAGENT_MODEL": "model",
    "FILAGENT_OPENAI_BASE_URL": "openai_base_url",
    "FILAGENT_OPENAI_API_KEY": "openai_api_key",
    "FILAGENT_DATA_DIR": "data_dir",
    "FILAGENT_SEARCH_URL": "search_url",
    "FILAGENT_MAX_CONTENT_CHARS": "max_content_chars",
    "FILAGENT_MAX_MESSAGES": "max_messages",
    "FILAGENT_MAX_WORKERS": "max_workers",
    "FILAGENT_MAX_BODY_BYTES": "max_body_bytes",
    "FILAGENT_BODY_TIMEOUT_SECONDS": "body_timeout_seconds",
}
#: the names the OpenAI tooling uses, honoured when FilAgent's own are not set
FALLBACKS: dict[str, str] = {
    "OPENAI_BASE_URL": "openai_base_url",
    "OPENAI_API_KEY": "openai_api_key",
}


class SettingsError(ValueError):
    """A setting has a value the service cannot start with."""


class Settings(BaseModel):
    """What the agent runs with. Every field has a working default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(default="rule", description='"rule" or "openai:<model name>"')
    openai_base_url: str = "https://api.openai.com/v1"
    openai_api_key: str | None = Field(default=None, repr=False)
    data_dir: Path = Field(default_factory=packaged_data_dir)
    search_url: str = "http://127.0.0.1:8001"
    max_content_chars: int = Field(default=8000, ge=1, le=1_000_000)
    max_messages: int = Field(default=50, ge=1, le=10_000)
    max_workers: int = Field(default=4, ge=1, le=64)
    max_body_bytes: int = Field(default=1_048_576, ge=1, le=1_073_741_824)
    #: the whole /chat body must arrive within this (408 otherwise)
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        if value == "rule" or (value.startswith("openai:") and len(value) > len("openai:")):
            return value
        msg = f'expected "rule" or "openai:<model name>", found {value!r}'
        raise ValueError(msg)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``FILAGENT_*`` variables (and ``OPENAI_*`` as fallbacks).

        Raises :class:`SettingsError` naming the variable, the value found and
        what was expected.
        """
        source = os.environ if env is None else env
        values: dict[str, str] = {}
        origin: dict[str, str] = {}
        for variables in (FALLBACKS, ENVIRONMENT):  # FilAgent's own names win
            for variable, field in variables.items():
                if source.get(variable):
                    values[field] = source[variable]
                    origin[field] = variable
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "?"
                where = origin.get(field, field)
                found = values.get(field, "<unset>")
                problems.append(f"{where}={found!r}: {error['msg']}")
            raise SettingsError("invalid settings: " + "; ".join(problems)) from None
