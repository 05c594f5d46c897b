"""Pictures (placeholder docstring)."""
