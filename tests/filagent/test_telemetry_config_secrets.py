"""Secrets in the telemetry configuration: never repeated in an error, never in a repr."""

from __future__ import annotations

from pathlib import Path

from filagent.telemetry.config import load_telemetry_config
from tests.helpers.config_files import error_of, write


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
