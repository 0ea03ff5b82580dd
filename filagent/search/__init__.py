"""FilAgent search."""
