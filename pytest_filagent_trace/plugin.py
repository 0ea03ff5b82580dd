"""pytest entry point of pytest_filagent_trace."""
