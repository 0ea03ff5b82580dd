"""The telemetry configuration file: which file is read, its defaults, errors that point.

An error names the file, the field, the value found and what was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from filagent.telemetry.config import (
    CONFIG_PATH_VARIABLE,
    ConfigError,
    TelemetryConfig,
    config_from_mapping,
    load_telemetry_config,
    packaged_default_path,
)
from tests.helpers.config_files import SAMPLERS, error_of, write


def test_packaged_default_file_holds_the_model_defaults() -> None:
    data = yaml.safe_load(packaged_default_path().read_text(encoding="utf-8"))
    assert config_from_mapping(data) == TelemetryConfig()


def test_without_path_or_variable_the_packaged_default_is_loaded() -> None:
    config = load_telemetry_config(env={})
    assert config.traces.untraced_paths == ["/health", "/metrics"]
    assert config.records.path == Path("filagent-records.jsonl")
    assert config.capture_message_content is False


def test_config_path_variable_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "service:\n  name: from-file\n")
    config = load_telemetry_config(env={CONFIG_PATH_VARIABLE: str(path)})
    assert config.service.name == "from-file"


def test_explicit_path_wins_over_the_variable(tmp_path: Path) -> None:
    path = write(tmp_path, "service:\n  name: explicit\n")
    other = tmp_path / "other.yaml"
    other.write_text("service:\n  name: variable\n", encoding="utf-8")
    config = load_telemetry_config(path, env={CONFIG_PATH_VARIABLE: str(other)})
    assert config.service.name == "explicit"


def test_fields_left_out_of_the_file_keep_their_defaults(tmp_path: Path) -> None:
    config = load_telemetry_config(write(tmp_path, "logging:\n  level: debug\n"), env={})
    assert config.logging.level == "DEBUG"
    assert config.traces == TelemetryConfig().traces


def test_an_empty_file_means_every_default(tmp_path: Path) -> None:
    assert load_telemetry_config(write(tmp_path, ""), env={}) == TelemetryConfig()


def test_records_path_null_turns_records_off(tmp_path: Path) -> None:
    config = load_telemetry_config(write(tmp_path, "records:\n  path: null\n"), env={})
    assert config.records.path is None


def test_missing_file_is_named(tmp_path: Path) -> None:
    message = error_of(tmp_path / "absent.yaml")
    assert f"{tmp_path / 'absent.yaml'}: found 'no such file'" in message


def test_yaml_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "traces:\n  sampler: [always_on\n")
    message = error_of(path)
    assert f"{path}:3:1" in message
    assert "expected valid YAML" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "- otlp\n- console\n"))
    assert "found 'list', expected a mapping of settings at the top level" in message


def test_bad_sampler_in_file_names_file_field_value_and_allowed_values(tmp_path: Path) -> None:
    path = write(tmp_path, "traces:\n  sampler: sometimes\n")
    assert error_of(path) == (
        f"invalid telemetry configuration: {path}: traces.sampler: found 'sometimes', "
        f"expected one of {SAMPLERS}"
    )


def test_bad_exporter_names_its_list_position(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "traces:\n  exporters: [otlp, jaeger]\n"))
    assert "traces.exporters.1: found 'jaeger', expected one of 'otlp' or 'console'" in message


def test_unknown_field_lists_the_known_ones(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "otlp:\n  endpoints: http://x:4318\n"))
    assert "otlp.endpoints: found 'http://x:4318'" in message
    assert "expected a known field: endpoint, traces_endpoint, protocol, headers" in message


def test_unknown_top_level_field_is_refused(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "tracing: true\n"))
    assert "tracing: found True, expected a known field: enabled, service, traces" in message


def test_sampler_arg_above_one_is_refused(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "traces:\n  sampler_arg: 1.5\n"))
    assert "traces.sampler_arg: found 1.5, expected less than or equal to 1" in message


def test_batch_larger_than_queue_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "batch:\n  max_queue_size: 100\n  max_export_batch_size: 200\n")
    assert "batch.max_export_batch_size: found 200, expected at most max_queue_size (100)" in (
        error_of(path)
    )


def test_endpoint_must_be_an_http_url(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "otlp:\n  endpoint: jaeger:4318\n"))
    assert "otlp.endpoint: found 'jaeger:4318', expected an http:// or https:// URL" in message


def test_untraced_paths_must_be_paths(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "traces:\n  untraced_paths: [health]\n"))
    assert "traces.untraced_paths: found ['health'], expected HTTP paths starting with '/'" in (
        message
    )


def test_service_name_is_not_a_resource_attribute(tmp_path: Path) -> None:
    text = "service:\n  resource_attributes:\n    service.name: other\n"
    assert "service.resource_attributes: found {'service.name': 'other'}" in error_of(
        write(tmp_path, text)
    )


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "traces:\n  sampler: x\nlogging:\n  level: loud\n")
    message = error_of(path)
    assert f"  - {path}: traces.sampler: found 'x'" in message
    assert f"  - {path}: logging.level: found 'LOUD', expected one of 'DEBUG', 'INFO'" in message


def test_error_keeps_structured_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "otlp:\n  protocol: http/json\n")
    with pytest.raises(ConfigError) as info:
        load_telemetry_config(path, env={})
    (problem,) = info.value.problems
    assert (problem.source, problem.field, problem.found) == (
        str(path),
        "otlp.protocol",
        "http/json",
    )
    assert problem.expected == "one of 'http/protobuf' or 'grpc'"
