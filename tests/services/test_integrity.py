from behandlerklient.services import demo, integrity


def test_verify_passes_on_a_healthy_database(ws) -> None:
    demo.generate(ws=ws, children_count=5, seed=1)
    checks = integrity.verify(ws=ws)
    names = [c.name for c in checks]
    assert names[:6] == ["sqlcipher", "integrity", "schema", "foreign_keys", "audit_chain", "search_index"]
    assert {"signing_keys", "signatures", "audit_signatures"} <= set(names)
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


def test_verify_finds_a_search_index_out_of_step_with_the_register(ws) -> None:
    demo.generate(ws=ws, children_count=3, seed=2)
    ws.db.execute("DELETE FROM child_search_terms WHERE child_id = (SELECT min(id) FROM children) AND term = "
                  "(SELECT min(term) FROM child_search_terms WHERE child_id = (SELECT min(id) FROM children))")
    ws.db.execute("INSERT INTO child_search_terms VALUES ('zz', 'x', 1)")
    check = next(c for c in integrity.verify(ws=ws) if c.name == "search_index")
    assert not check.ok and "2 forskelle" in check.detail
