"""FilAgent's telemetry settings for service tests: fixed keys, nothing written to disk."""

from __future__ import annotations

from typing import Any

from filagent.telemetry.config import TelemetryConfig, config_from_mapping

#: A fixed user-id key, so ``enduser.pseudo.id`` hashes are the same in every test.
USER_ID_KEY = "test-user-id-key-0123456789"


def telemetry_config(**sections: Any) -> TelemetryConfig:
    """Default telemetry settings with :data:`USER_ID_KEY` and no records file.

    ``sections`` replace top-level fields.

    Example:
        >>> telemetry_config(enabled=False).enabled
        False
    """
    data: dict[str, Any] = {
        "privacy": {"user_id_hmac_secret": USER_ID_KEY},
        "records": {"path": None},
    }
    return config_from_mapping({**data, **sections})
