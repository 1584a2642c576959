"""Registering and finding children, and correcting their master data (name, CPR, address, GP)."""
