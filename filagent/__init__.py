"""FilAgent: an agent service traced end to end with OpenTelemetry."""
