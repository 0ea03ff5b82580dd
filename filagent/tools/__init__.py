"""FilAgent tools."""
