"""The whole database as the documented JSON export and back (docs/export-format.md): streaming, row checks,
events and the authors' signatures that travel with the records."""
