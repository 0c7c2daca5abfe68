"""The rulebook: roles and state machines as plain Python (no Flask imports)."""
