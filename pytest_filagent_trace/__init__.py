"""pytest_filagent_trace: test OpenTelemetry traces with pytest."""
