"""People: accounts, roles, sign-in and API tokens."""
