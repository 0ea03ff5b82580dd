"""The ``privacy`` configuration: what it accepts, what it refuses, where its key comes from.

Also: the configuration docs/PRIVACY.md shows is valid and states the real defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr, ValidationError

from filagent.telemetry.privacy import USER_ID_SECRET_ENV, PrivacyConfig, Redactor
from tests.helpers.privacy import SECRET

# --- configuration --------------------------------------------------------------------------


def test_default_config_enables_redaction_and_every_detector() -> None:
    config = PrivacyConfig()
    assert config.enabled
    assert all(config.detectors.model_dump().values())


def test_config_from_yaml_mapping_accepts_lists() -> None:
    config = PrivacyConfig.model_validate(
        {"extra_sensitive_keys": ["ticket"], "allowed_http_headers": ["X_Request_Id"]}
    )
    assert config.extra_sensitive_keys == ("ticket",)
    assert config.allowed_http_headers == ("x-request-id",)


def test_config_rejects_unknown_field_by_name() -> None:
    with pytest.raises(ValidationError, match="sensitive_kyes"):
        PrivacyConfig.model_validate({"sensitive_kyes": ["x"]})


def test_config_rejects_unknown_detector_toggle() -> None:
    with pytest.raises(ValidationError, match="passport"):
        PrivacyConfig.model_validate({"detectors": {"passport": True}})


def test_config_rejects_short_secret_without_echoing_it() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters, found 7") as error:
        PrivacyConfig.model_validate({"user_id_hmac_secret": "hunter2"})
    assert "hunter2" not in str(error.value)


def test_config_rejects_mask_with_unknown_placeholder() -> None:
    with pytest.raises(ValidationError, match=r"only placeholder is '\{kind\}'"):
        PrivacyConfig(mask="<{type}>")


def test_config_rejects_mask_that_looks_like_personal_data() -> None:
    with pytest.raises(ValidationError, match="without digits or '@'"):
        PrivacyConfig(mask="<0000-{kind}>")


def test_config_rejects_mask_that_is_not_a_format_string() -> None:
    with pytest.raises(ValidationError, match="expected a valid format string"):
        PrivacyConfig(mask="[{kind}}")


def test_config_rejects_extra_pattern_that_does_not_compile() -> None:
    with pytest.raises(ValidationError, match="expected a Python regular expression"):
        PrivacyConfig.model_validate({"extra_patterns": [{"name": "ticket", "pattern": "T-("}]})


def test_config_rejects_extra_pattern_matching_empty_text() -> None:
    with pytest.raises(ValidationError, match="cannot match the empty string"):
        PrivacyConfig.model_validate({"extra_patterns": [{"name": "x", "pattern": "a*"}]})


def test_secret_from_config_wins_over_environment() -> None:
    secret, source = PrivacyConfig(user_id_hmac_secret=SecretStr(SECRET)).resolve_secret(
        {USER_ID_SECRET_ENV: "from-the-environment-1234"}
    )
    assert (secret, source) == (SECRET.encode(), "config")


def test_secret_from_environment_when_config_has_none() -> None:
    secret, source = PrivacyConfig().resolve_secret({USER_ID_SECRET_ENV: "from-the-env-123456"})
    assert (secret, source) == (b"from-the-env-123456", "env")


def test_short_secret_in_environment_is_refused_naming_the_variable() -> None:
    with pytest.raises(ValueError, match=f"{USER_ID_SECRET_ENV}: expected at least 16"):
        PrivacyConfig().resolve_secret({USER_ID_SECRET_ENV: "abc"})


def test_without_a_secret_one_random_key_serves_the_whole_process() -> None:
    first, second = Redactor(env={}), Redactor(env={})
    assert first.secret_is_ephemeral
    assert first.hash_user_id("alice") == second.hash_user_id("alice")


def test_configured_secret_is_not_ephemeral(redactor: Redactor) -> None:
    assert not redactor.secret_is_ephemeral


def test_repr_names_the_configuration(redactor: Redactor) -> None:
    assert repr(redactor).startswith("Redactor(enabled=True, secret_source='config', detectors=[")


# --- documentation ----------------------------------------------------------------------------


def documented_privacy_section() -> dict[str, Any]:
    text = (Path(__file__).parents[2] / "docs" / "PRIVACY.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    section: dict[str, Any] = yaml.safe_load(block)["privacy"]
    return section


def test_documented_configuration_is_valid_and_its_extra_pattern_works() -> None:
    config = PrivacyConfig.model_validate(
        {**documented_privacy_section(), "user_id_hmac_secret": SECRET}
    )
    assert Redactor(config, env={}).redact_text("see TCK-123456") == "see [REDACTED:ticket]"


def test_documented_defaults_are_the_real_defaults() -> None:
    documented = documented_privacy_section()
    documented.pop("extra_patterns")
    assert PrivacyConfig.model_validate(documented) == PrivacyConfig()
