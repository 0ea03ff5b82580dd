"""The ``privacy`` section of ``telemetry.yaml``: what is redacted, and the user-id key.

Example:
    >>> PrivacyConfig(extra_sensitive_keys=["x-internal-ticket"]).mask
    '[REDACTED:{kind}]'
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

#: Environment variable holding the key of user-id hashes when the YAML file has none.
USER_ID_SECRET_ENV: Final = "FILAGENT_USER_ID_SECRET"  # noqa: S105 - a variable name, not a secret

#: Shortest accepted HMAC key: a short key makes hashes of guessable ids guessable again.
MIN_SECRET_LENGTH: Final = 16

DEFAULT_SENSITIVE_KEYS: Final[tuple[str, ...]] = (
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "auth",
    "cookie",
    "set-cookie",
    "session",
    "credential",
    "credentials",
    "private_key",
    "access_key",
    "ssn",
    "sin",
    "card",
    "cvv",
    "cvc",
    "pin",
    "otp",
    "signature",
)

DEFAULT_ALLOWED_HTTP_HEADERS: Final[tuple[str, ...]] = (
    "accept",
    "content-length",
    "content-type",
    "traceresponse",
    "x-request-id",
    "x-trace-id",
)

DEFAULT_USER_ID_KEYS: Final[tuple[str, ...]] = (
    "enduser.id",
    "enduser.pseudo.id",
    "user.id",
    "user_id",
    "userid",
)

_PROCESS_SECRET: Final = secrets.token_bytes(32)
_MASK_FIELD = re.compile(r"\{(\w*)\}")


class DetectorToggles(BaseModel):
    """Which value detectors run over free text (all on by default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: bool = True
    phone: bool = True
    credit_card: bool = True
    sin: bool = True
    iban: bool = True
    ipv4: bool = True
    ipv6: bool = True
    jwt: bool = True
    bearer: bool = True
    api_key: bool = True
    url_credentials: bool = True


class ExtraPattern(BaseModel):
    """A user-defined detector: every match of ``pattern`` is masked as ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z][\w.-]*$")
    pattern: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(
                f"expected a Python regular expression, found {value!r}: {exc}"
            ) from exc
        if compiled.match(""):
            raise ValueError(
                f"expected a pattern that cannot match the empty string, found {value!r}"
            )
        return value


class PrivacyConfig(BaseModel):
    """The ``privacy`` section of ``telemetry.yaml``.

    Example:
        >>> cfg = PrivacyConfig(extra_sensitive_keys=["x-internal-ticket"])
        >>> cfg.enabled, cfg.mask.format(kind="email")
        (True, '[REDACTED:email]')
    """

    # The secret must never be echoed by a validation error.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    enabled: bool = True
    user_id_hmac_secret: SecretStr | None = None
    sensitive_keys: tuple[str, ...] = DEFAULT_SENSITIVE_KEYS
    extra_sensitive_keys: tuple[str, ...] = ()
    user_id_keys: tuple[str, ...] = DEFAULT_USER_ID_KEYS
    allowed_http_headers: tuple[str, ...] = DEFAULT_ALLOWED_HTTP_HEADERS
    detectors: DetectorToggles = DetectorToggles()
    extra_patterns: tuple[ExtraPattern, ...] = ()
    mask: str = "[REDACTED:{kind}]"
    keep_query_param_names: bool = True
    allowed_query_params: tuple[str, ...] = ()
    keep_loopback_ips: bool = True
    #: ``tracestate`` members kept (in spans and forwarded); all others are dropped.
    allowed_tracestate_keys: tuple[str, ...] = ()
    #: ``baggage`` entries forwarded to the services FilAgent calls; all others stay in.
    forwarded_baggage_keys: tuple[str, ...] = ()

    @field_validator("user_id_hmac_secret")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"expected at least {MIN_SECRET_LENGTH} characters, "
                f"found {len(value.get_secret_value())}"
            )
        return value

    @field_validator("mask")
    @classmethod
    def _mask_format(cls, value: str) -> str:
        fields = _MASK_FIELD.findall(value)
        if any(name != "kind" for name in fields):
            raise ValueError(
                f"expected a mask whose only placeholder is '{{kind}}', found {value!r}"
            )
        try:
            value.format(kind="kind")
        except (IndexError, KeyError, ValueError) as exc:
            raise ValueError(f"expected a valid format string, found {value!r}: {exc}") from exc
        if any(ch.isdigit() for ch in value) or "@" in value:
            # A mask with digits or '@' could itself look like personal data to a scanner.
            raise ValueError(f"expected a mask without digits or '@', found {value!r}")
        return value

    @field_validator("sensitive_keys", "extra_sensitive_keys", "user_id_keys")
    @classmethod
    def _non_empty_keys(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for key in value:
            if not key.strip():
                raise ValueError("expected non-empty key names, found an empty string")
        return value

    @field_validator("allowed_http_headers", "allowed_query_params")
    @classmethod
    def _lower_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name.strip().lower().replace("_", "-") for name in value)

    def resolve_secret(self, env: Mapping[str, str] | None = None) -> tuple[bytes, str]:
        """Return the HMAC key for user ids and where it came from.

        Order: ``user_id_hmac_secret`` from the file, then ``$FILAGENT_USER_ID_SECRET``,
        then a random key made once per process (hashes then change at every restart).

        Example:
            >>> PrivacyConfig().resolve_secret(env={})[1]
            'process'
        """
        if self.user_id_hmac_secret is not None:
            return self.user_id_hmac_secret.get_secret_value().encode("utf-8"), "config"
        environ = os.environ if env is None else env
        from_env = environ.get(USER_ID_SECRET_ENV, "")
        if from_env:
            if len(from_env) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"{USER_ID_SECRET_ENV}: expected at least {MIN_SECRET_LENGTH} characters, "
                    f"found {len(from_env)}"
                )
            return from_env.encode("utf-8"), "env"
        return _PROCESS_SECRET, "process"
