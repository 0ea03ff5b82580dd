"""Telemetry configuration: a YAML file validated by pydantic, then ``OTEL_*`` variables.

The packaged ``default.yaml`` is used unless a path is given or
``FILAGENT_TELEMETRY_CONFIG`` names another file. The standard OpenTelemetry
environment variables override the file. Any invalid value raises
:class:`ConfigError`, whose message names the file (or variable), the field,
the value found and the values allowed.

Example::

    config = load_telemetry_config()                       # default + environment
    config = load_telemetry_config("telemetry.yaml", env={"OTEL_TRACES_EXPORTER": "console"})
    config.otlp.traces_url()    # 'http://localhost:4318/v1/traces'
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from filagent.telemetry.environment import ENV_OVERRIDES, SECRET_VARIABLES, EnvValueError
from filagent.telemetry.sections import (
    BatchConfig,
    LoggingConfig,
    OtlpConfig,
    RecordsConfig,
    ServiceConfig,
    TelemetryConfig,
    TracesConfig,
)

__all__ = [
    "CONFIG_PATH_VARIABLE",
    "BatchConfig",
    "ConfigError",
    "ConfigProblem",
    "LoggingConfig",
    "OtlpConfig",
    "RecordsConfig",
    "ServiceConfig",
    "TelemetryConfig",
    "TracesConfig",
    "config_from_mapping",
    "load_telemetry_config",
    "packaged_default_path",
]

CONFIG_PATH_VARIABLE = "FILAGENT_TELEMETRY_CONFIG"

#: Values never repeated in error messages: they hold credentials.
_SECRET_FIELDS = ("otlp.headers", "privacy.user_id_hmac_secret")


@dataclass(frozen=True)
class ConfigProblem:
    """One invalid value: where it came from, which field, what was found and expected."""

    source: str
    field: str
    found: object
    expected: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.field}" if self.field else self.source
        return f"{where}: found {self.found!r}, expected {self.expected}"


class ConfigError(Exception):
    """The telemetry configuration cannot be used; the service must not start.

    ``str(error)`` lists every problem: file (or environment variable), field,
    value found and the values allowed.
    """

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1:
            return f"invalid telemetry configuration: {self.problems[0]}"
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        return f"invalid telemetry configuration:\n{lines}"


def packaged_default_path() -> Path:
    """Path of the ``default.yaml`` shipped inside the package."""
    return Path(str(resources.files("filagent.telemetry").joinpath("default.yaml")))


def load_telemetry_config(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> TelemetryConfig:
    """Load the YAML file, apply the ``OTEL_*`` overrides, validate everything once.

    ``path`` None means ``$FILAGENT_TELEMETRY_CONFIG``, then the packaged default.
    ``env`` None means ``os.environ``; tests pass a dict.

    Example::

        load_telemetry_config(env={"OTEL_SDK_DISABLED": "true"}).enabled   # False

    Raises:
        ConfigError: naming the file or variable, the field, the value and what is allowed.
    """
    environment = os.environ if env is None else env
    if path is None and environment.get(CONFIG_PATH_VARIABLE, "").strip():
        path = environment[CONFIG_PATH_VARIABLE].strip()
    file = Path(path) if path is not None else packaged_default_path()
    data = _read_yaml(file)
    return config_from_mapping(data, source=str(file), env=environment)


def config_from_mapping(
    data: Mapping[str, Any], *, source: str = "<mapping>", env: Mapping[str, str] | None = None
) -> TelemetryConfig:
    """Validate already-parsed settings, with ``env`` overrides (none by default).

    Example::

        config_from_mapping({"traces": {"exporters": ["console"]}})
    """
    raw: dict[str, Any] = copy.deepcopy(dict(data))
    origins: dict[str, tuple[str, str]] = {}
    problems: list[ConfigProblem] = []
    for variable, field, parse in ENV_OVERRIDES:
        text = (env or {}).get(variable, "").strip()
        if not text:  # the OpenTelemetry specification treats empty as unset
            continue
        try:
            value = parse(text)
        except EnvValueError as exc:
            found = _hidden(text) if variable in SECRET_VARIABLES else text
            problems.append(ConfigProblem(f"environment variable {variable}", "", found, str(exc)))
            continue
        if _apply(raw, field, value):
            origins.update(dict.fromkeys(_leaves(field, value), (variable, text)))
    # Every problem is listed at once: the variables' and the file's.
    try:
        config = TelemetryConfig.model_validate(raw)
    except ValidationError as exc:
        problems += [_problem(e, source, origins) for e in exc.errors(include_url=False)]
    if problems:
        raise ConfigError(problems)
    config.record_variables({field: variable for field, (variable, _) in origins.items()})
    return config


def _read_yaml(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = ConfigProblem(str(file), "", "no such file", "an existing YAML file")
        raise ConfigError([problem]) from None
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(file), "", str(exc), "a readable file")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(file)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([ConfigProblem(where, "", reason, "valid YAML")]) from None
    if data is None:  # an empty file keeps every default
        return {}
    if not isinstance(data, dict):
        found = type(data).__name__
        problem = ConfigProblem(str(file), "", found, "a mapping of settings at the top level")
        raise ConfigError([problem])
    return data


def _apply(raw: dict[str, Any], dotted: str, value: Any) -> bool:
    """Set ``value`` at ``dotted`` in ``raw``; dicts merge. False if the file's shape is wrong."""
    *parents, leaf = dotted.split(".")
    node = raw
    for part in parents:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            return False  # leave it: validation reports the file's own mistake
        node = child
    current = node.get(leaf)
    if isinstance(value, dict) and isinstance(current, dict):
        node[leaf] = _merged(current, value)
    elif isinstance(value, dict) and current is not None:
        return False
    else:
        node[leaf] = value
    return True


def _merged(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        current = merged.get(key)
        both_dicts = isinstance(current, dict) and isinstance(value, Mapping)
        merged[key] = _merged(current, value) if both_dicts else value  # type: ignore[arg-type]
    return merged


def _leaves(dotted: str, value: Any) -> list[str]:
    """The dotted paths an override sets, so a validation error finds its variable."""
    if isinstance(value, dict) and value:
        return [leaf for key, item in value.items() for leaf in _leaves(f"{dotted}.{key}", item)]
    return [dotted]


def _problem(
    error: Mapping[str, Any], source: str, origins: Mapping[str, tuple[str, str]]
) -> ConfigProblem:
    loc = [str(part) for part in error["loc"]]
    dotted = ".".join(loc)
    expected = _expected(error, loc)
    for length in range(len(loc), 0, -1):
        origin = origins.get(".".join(loc[:length]))
        if origin is not None:
            variable, text = origin
            found = _hidden(text) if variable in SECRET_VARIABLES else text
            return ConfigProblem(f"environment variable {variable}", "", found, expected)
    secret = dotted.startswith(_SECRET_FIELDS)
    return ConfigProblem(
        source, dotted, _hidden(error.get("input")) if secret else error.get("input"), expected
    )


def _hidden(value: object) -> str:
    return f"<hidden: {len(str(value))} characters>"


def _expected(error: Mapping[str, Any], loc: list[str]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        return f"one of {ctx['expected']}"
    if kind == "extra_forbidden":
        return "a known field: " + ", ".join(_known_fields(loc[:-1]))
    message = str(error["msg"])
    for prefix in ("Input should be ", "Value error, ", "expected "):
        message = message.removeprefix(prefix)
    # The problem's own text says what was found.
    return message.split(", found ", 1)[0]


def _known_fields(loc: list[str]) -> list[str]:
    model: type[BaseModel] = TelemetryConfig
    for part in loc:
        field = model.model_fields.get(part)
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)
