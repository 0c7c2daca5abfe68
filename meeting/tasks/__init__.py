"""Implementation and supervision 落实与督办: tasks of adopted items, the ledger, bulletins."""
