"""The telemetry configuration: YAML file, OTEL_* overrides, and errors that point."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from filagent.telemetry.config import (
    CONFIG_PATH_VARIABLE,
    ConfigError,
    OtlpConfig,
    TelemetryConfig,
    config_from_mapping,
    load_telemetry_config,
    packaged_default_path,
)
from filagent.telemetry.environment import ENV_OVERRIDES

SAMPLERS = (
    "'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', "
    "'parentbased_always_off' or 'parentbased_traceidratio'"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "telemetry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | None = None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_telemetry_config(path, env=env or {})
    return str(info.value)


# --- the file -------------------------------------------------------------------------


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


# --- OTEL_* overrides ---------------------------------------------------------------


def test_sdk_disabled_turns_tracing_off() -> None:
    assert load_telemetry_config(env={"OTEL_SDK_DISABLED": "TRUE"}).enabled is False


def test_sdk_disabled_false_keeps_the_file_value(tmp_path: Path) -> None:
    path = write(tmp_path, "enabled: true\n")
    assert load_telemetry_config(path, env={"OTEL_SDK_DISABLED": "false"}).enabled is True


def test_sdk_disabled_with_another_word_is_refused() -> None:
    assert error_of(env={"OTEL_SDK_DISABLED": "yes"}) == (
        "invalid telemetry configuration: environment variable OTEL_SDK_DISABLED: "
        "found 'yes', expected true or false"
    )


def test_empty_variables_count_as_unset() -> None:
    config = load_telemetry_config(env={"OTEL_SERVICE_NAME": "", "OTEL_TRACES_SAMPLER": " "})
    assert config == TelemetryConfig()


def test_service_name_variable_wins_over_file_and_resource_attributes(tmp_path: Path) -> None:
    path = write(tmp_path, "service:\n  name: file\n")
    env = {"OTEL_SERVICE_NAME": "env", "OTEL_RESOURCE_ATTRIBUTES": "service.name=attrs"}
    assert load_telemetry_config(path, env=env).service.name == "env"


def test_resource_attributes_merge_with_the_file_and_are_percent_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "service:\n  resource_attributes:\n    team: agents\n")
    env = {"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=prod%20eu, service.version=2.1"}
    service = load_telemetry_config(path, env=env).service
    assert service.resource_attributes == {"team": "agents", "deployment.environment": "prod eu"}
    assert service.version == "2.1"


def test_resource_attributes_without_equals_sign_are_refused() -> None:
    message = error_of(env={"OTEL_RESOURCE_ATTRIBUTES": "a=1,broken"})
    assert "OTEL_RESOURCE_ATTRIBUTES: found 'a=1,broken', expected comma-separated key=value" in (
        message
    )


@pytest.mark.parametrize(
    ("value", "exporters"),
    [("console", ["console"]), ("none", []), ("otlp,console", ["otlp", "console"])],
)
def test_traces_exporter_variable_chooses_exporters(value: str, exporters: list[str]) -> None:
    assert load_telemetry_config(env={"OTEL_TRACES_EXPORTER": value}).traces.exporters == exporters


@pytest.mark.parametrize("value", ["jaeger", "none,otlp", "zipkin"])
def test_traces_exporter_variable_lists_allowed_values(value: str) -> None:
    assert error_of(env={"OTEL_TRACES_EXPORTER": value}) == (
        f"invalid telemetry configuration: environment variable OTEL_TRACES_EXPORTER: "
        f"found {value!r}, expected 'none', or one or more of 'otlp', 'console' separated by commas"
    )


def test_sampler_variable_is_case_insensitive() -> None:
    env = {"OTEL_TRACES_SAMPLER": "TraceIdRatio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}
    traces = load_telemetry_config(env=env).traces
    assert (traces.sampler, traces.ratio) == ("traceidratio", 0.25)


def test_bad_sampler_variable_lists_allowed_values() -> None:
    assert error_of(env={"OTEL_TRACES_SAMPLER": "jaeger_remote"}) == (
        "invalid telemetry configuration: environment variable OTEL_TRACES_SAMPLER: "
        f"found 'jaeger_remote', expected one of {SAMPLERS}"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.01", "less than or equal to 1"),
        ("-0.1", "greater than or equal to 0"),
        ("half", "a valid number"),
    ],
)
def test_sampler_arg_variable_outside_zero_to_one_is_refused(value: str, expected: str) -> None:
    message = error_of(env={"OTEL_TRACES_SAMPLER_ARG": value})
    assert f"OTEL_TRACES_SAMPLER_ARG: found {value!r}, expected {expected}" in message


def test_generic_endpoint_gets_the_traces_path_for_http() -> None:
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318/"}
    assert load_telemetry_config(env=env).otlp.traces_url() == "http://jaeger:4318/v1/traces"


def test_traces_endpoint_is_used_as_is() -> None:
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector.example/custom",
    }
    assert load_telemetry_config(env=env).otlp.traces_url() == "https://collector.example/custom"


def test_generic_endpoint_is_used_as_is_for_grpc() -> None:
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4317",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
    }
    assert load_telemetry_config(env=env).otlp.traces_url() == "http://jaeger:4317"


@pytest.mark.parametrize(
    ("protocol", "url"),
    [("http/protobuf", "http://localhost:4318/v1/traces"), ("grpc", "http://localhost:4317")],
)
def test_default_endpoint_follows_the_protocol(protocol: str, url: str) -> None:
    assert OtlpConfig(protocol=protocol).traces_url() == url  # type: ignore[arg-type]


def test_traces_protocol_wins_over_generic_protocol() -> None:
    env = {
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
    }
    assert load_telemetry_config(env=env).otlp.protocol == "http/protobuf"


def test_unsupported_protocol_variable_lists_allowed_values() -> None:
    assert error_of(env={"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}) == (
        "invalid telemetry configuration: environment variable OTEL_EXPORTER_OTLP_PROTOCOL: "
        "found 'http/json', expected one of 'http/protobuf' or 'grpc'"
    )


def test_endpoint_variable_without_scheme_is_refused() -> None:
    message = error_of(env={"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "collector:4318"})
    assert "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: found 'collector:4318', expected an http://" in (
        message
    )


def test_headers_are_decoded_and_traces_headers_win(tmp_path: Path) -> None:
    path = write(tmp_path, "otlp:\n  headers:\n    x-team: agents\n")
    env = {
        "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Basic%20abc,x-tenant=a",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "x-tenant=b",
    }
    assert load_telemetry_config(path, env=env).otlp.headers == {
        "x-team": "agents",
        "authorization": "Basic abc",
        "x-tenant": "b",
    }


def test_batch_variables_set_the_batch_processor() -> None:
    env = {
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "OTEL_BSP_MAX_QUEUE_SIZE": "64",
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "32",
        "OTEL_BSP_EXPORT_TIMEOUT": "2000",
    }
    batch = load_telemetry_config(env=env).batch
    assert (batch.schedule_delay_ms, batch.max_queue_size) == (100, 64)
    assert (batch.max_export_batch_size, batch.export_timeout_ms) == (32, 2000)


def test_batch_variable_that_is_not_an_integer_is_refused() -> None:
    message = error_of(env={"OTEL_BSP_MAX_QUEUE_SIZE": "lots"})
    assert "OTEL_BSP_MAX_QUEUE_SIZE: found 'lots', expected a valid integer" in message


def test_batch_variable_smaller_queue_than_batch_names_the_variable() -> None:
    message = error_of(env={"OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4096"})
    assert "OTEL_BSP_MAX_EXPORT_BATCH_SIZE: found '4096', expected at most max_queue_size" in (
        message
    )


def test_content_capture_opt_in_variable() -> None:
    env = {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"}
    assert load_telemetry_config(env=env).capture_message_content is True


def test_log_level_and_records_path_variables() -> None:
    env = {"FILAGENT_LOG_LEVEL": "warning", "FILAGENT_RECORDS_PATH": "/var/log/records.jsonl"}
    config = load_telemetry_config(env=env)
    assert (config.logging.level, config.records.path) == (
        "WARNING",
        Path("/var/log/records.jsonl"),
    )


def test_records_path_variable_none_turns_records_off() -> None:
    assert load_telemetry_config(env={"FILAGENT_RECORDS_PATH": "none"}).records.path is None


def test_file_errors_stay_attributed_to_the_file_when_variables_are_set(tmp_path: Path) -> None:
    path = write(tmp_path, "traces:\n  sampler: often\n")
    message = error_of(path, env={"OTEL_TRACES_SAMPLER_ARG": "0.5"})
    assert f"{path}: traces.sampler: found 'often'" in message


def test_variable_cannot_hide_a_misshapen_file_section(tmp_path: Path) -> None:
    path = write(tmp_path, "otlp: http://collector:4318\n")
    message = error_of(path, env={"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})
    assert f"{path}: otlp: found 'http://collector:4318'" in message


# --- the usage guide stays true -------------------------------------------------------

USAGE = Path(__file__).parents[2] / "docs" / "OPENTELEMETRY_USAGE.md"


def test_usage_guide_shows_the_default_configuration() -> None:
    text = USAGE.read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert config_from_mapping(yaml.safe_load(block)) == TelemetryConfig()


def test_usage_guide_documents_every_environment_variable() -> None:
    text = USAGE.read_text(encoding="utf-8")
    missing = [variable for variable, _, _ in ENV_OVERRIDES if f"| `{variable}` |" not in text]
    assert missing == []


def test_malformed_header_variable_is_not_repeated_in_the_error() -> None:
    message = error_of(env={"OTEL_EXPORTER_OTLP_HEADERS": "authorization Basic c2VjcmV0"})
    assert "c2VjcmV0" not in message
    assert "OTEL_EXPORTER_OTLP_HEADERS: found '<hidden: 28 characters>'" in message


def test_invalid_secret_in_the_file_is_not_repeated_in_the_error(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "privacy:\n  user_id_hmac_secret: short\n"))
    assert "'short'" not in message
    assert "privacy.user_id_hmac_secret: found '<hidden: 5 characters>'" in message


def test_headers_do_not_appear_in_the_config_repr() -> None:
    config = load_telemetry_config(env={"OTEL_EXPORTER_OTLP_HEADERS": "authorization=s3cr3t"})
    assert "s3cr3t" not in repr(config)
