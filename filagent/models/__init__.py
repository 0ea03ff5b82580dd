"""FilAgent models."""
