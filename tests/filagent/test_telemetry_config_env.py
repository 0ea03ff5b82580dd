"""``OTEL_*`` and ``FILAGENT_*`` variables over the telemetry configuration file.

A variable wins over the file; a bad value is refused naming the variable, the value
found and what was expected; a file error stays attributed to the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from filagent.telemetry.config import OtlpConfig, TelemetryConfig, load_telemetry_config
from tests.helpers.config_files import SAMPLERS, error_of, write


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
