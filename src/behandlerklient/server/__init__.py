"""The municipal sync server's side: PostgreSQL migrations (migrations/*.sql), their runner and the admin
CLI `behandlerklient-server` (docs/server.md). Needs the optional extra `server` (psycopg 3); the laptop
program never imports this package (import contract in pyproject.toml) and its frozen build excludes it."""
