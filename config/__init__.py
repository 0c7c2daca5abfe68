"""Settings and charter data."""
