"""Documents out (PDF and structured exports)."""
