"""Activity statistics."""
