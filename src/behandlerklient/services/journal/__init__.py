"""The journal: reading and correcting entries, documenting sessions and group sessions, and resolving conflicts
between laptops (a signed journal entry)."""
