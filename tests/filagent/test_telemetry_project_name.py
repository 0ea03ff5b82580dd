"""``service.project_name``: the ``openinference.project.name`` resource attribute, by which a
trace UI such as Arize Phoenix files FilAgent's traces under a named project."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from filagent.telemetry.config import ConfigError, config_from_mapping, load_telemetry_config
from filagent.telemetry.names import PROJECT_NAME
from filagent.telemetry.provider import build_resource
from filagent.telemetry.setup import TelemetryManager

EXPECTED = "expected a project name that is not empty, has no surrounding spaces and no '/'"


def exported_resource(
    data: dict[str, object], env: dict[str, str] | None = None
) -> dict[str, object]:
    exporter = InMemorySpanExporter()
    manager = TelemetryManager(config_from_mapping(data, env=env), span_exporter=exporter)
    with manager.tracer().span("agent.route"):
        pass
    manager.shutdown()
    (span,) = exporter.get_finished_spans()
    return dict(span.resource.attributes)


def test_spans_carry_the_default_project_name_filagent() -> None:
    assert exported_resource({})[PROJECT_NAME] == "filagent"


def test_the_project_name_comes_from_the_service_section() -> None:
    resource = exported_resource({"service": {"name": "svc", "project_name": "agents-eu"}})
    assert resource[PROJECT_NAME] == "agents-eu"
    assert resource["service.name"] == "svc"


def test_a_null_project_name_sets_no_attribute() -> None:
    assert PROJECT_NAME not in exported_resource({"service": {"project_name": None}})


def test_filagent_project_name_variable_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "telemetry.yaml"
    path.write_text("service:\n  project_name: from-file\n", encoding="utf-8")
    config = load_telemetry_config(path, env={"FILAGENT_PROJECT_NAME": "from-env"})
    assert config.service.project_name == "from-env"
    assert config.variable_of("service.project_name") == "FILAGENT_PROJECT_NAME"
    assert build_resource(config).attributes[PROJECT_NAME] == "from-env"


def test_otel_resource_attributes_can_name_the_project_and_the_variable_wins() -> None:
    attributes = {"OTEL_RESOURCE_ATTRIBUTES": f"{PROJECT_NAME}=from-attrs,team=a"}
    assert load_telemetry_config(env=attributes).service.project_name == "from-attrs"
    both = {**attributes, "FILAGENT_PROJECT_NAME": "from-variable"}
    resource = exported_resource({}, env=both)
    assert resource[PROJECT_NAME] == "from-variable"
    assert resource["team"] == "a"


@pytest.mark.parametrize("bad", ["", " padded", "a/b", "what?", "x#1", "tab\there"])
def test_a_project_name_phoenix_cannot_address_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_from_mapping({"service": {"project_name": bad}}, source="telemetry.yaml")
    assert f"telemetry.yaml: service.project_name: found {bad!r}, {EXPECTED}" in str(info.value)


def test_a_bad_project_name_variable_is_named_in_the_error() -> None:
    with pytest.raises(ConfigError) as info:
        load_telemetry_config(env={"FILAGENT_PROJECT_NAME": "team/agents"})
    message = str(info.value)
    assert f"environment variable FILAGENT_PROJECT_NAME: found 'team/agents', {EXPECTED}" in message


def test_the_project_is_not_a_plain_resource_attribute_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "telemetry.yaml"
    path.write_text(f"service:\n  resource_attributes:\n    {PROJECT_NAME}: x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_telemetry_config(path, env={})
    assert f"no {PROJECT_NAME} key here (it is set by the service section's own field)" in str(
        info.value
    )
