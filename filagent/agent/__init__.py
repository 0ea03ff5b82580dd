"""FilAgent agent."""
