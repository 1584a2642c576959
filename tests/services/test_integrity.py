from behandlerklient.services import demo, integrity


def test_verify_passes_on_a_healthy_database(ws) -> None:
    demo.generate(ws=ws, children_count=5, seed=1)
    checks = integrity.verify(ws=ws)
    assert [c.name for c in checks] == ["sqlcipher", "integrity", "schema", "foreign_keys", "audit_chain", "search_index"]
    assert all(c.ok for c in checks)


def test_verify_finds_broken_foreign_keys(ws) -> None:
    ws.db.execute("PRAGMA foreign_keys = OFF")
    ws.db.execute("INSERT INTO guardians (child_id, name) VALUES (4242, 'Forældreløs')")
    ws.db.execute("PRAGMA foreign_keys = ON")
    fk = next(c for c in integrity.verify(ws=ws) if c.name == "foreign_keys")
    assert not fk.ok and "guardians" in fk.detail


def test_verify_finds_a_wrong_schema_version(ws) -> None:
    ws.db.execute("PRAGMA user_version = 0")
    schema = next(c for c in integrity.verify(ws=ws) if c.name == "schema")
    assert not schema.ok
