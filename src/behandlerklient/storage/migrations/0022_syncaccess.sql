-- The same child registered on two laptops (same CPR; issue 14). The server answers the second registration
-- 'duplicate_cpr' with the uid it knows; this laptop notes the pair here and keeps using its own child. A
-- coordinator's signed decision (kind 'child_merges', checked against her key) makes them one child: from then on
-- either uid resolves to the child this laptop holds, so records about the other one land on it.
CREATE TABLE child_alias (
    alias_uid     TEXT PRIMARY KEY,          -- the second registration's uid
    child_uid     TEXT NOT NULL,             -- the uid the server knew first (survives)
    registered_by TEXT,                      -- server user who registered the alias
    found_at      TEXT NOT NULL,
    merged_at     TEXT,                      -- when the decision arrived here
    merged_by     TEXT,                      -- the coordinator who decided
    decision      TEXT,                      -- her signed item (JSON), kept as proof
    CHECK (alias_uid <> child_uid),
    CHECK ((merged_at IS NULL) = (decision IS NULL))
);
CREATE INDEX child_alias_child ON child_alias (child_uid);
