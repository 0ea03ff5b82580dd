"""FilAgent telemetry: configuration, set-up, logging and the contract names."""
