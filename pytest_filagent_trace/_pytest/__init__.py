"""The pytest layer: options, fixtures, reporting. The only part that imports pytest."""
