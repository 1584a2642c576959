-- A user's signing key replaced (a lost laptop, a stolen one): `behandlerklient-server staff replace-key`
-- (server/admin.py). bk.staff holds one key per user, the one every push is checked against; before this migration
-- nothing could change it, so a therapist whose laptop was lost could not sync again under her name, and the laptop's
-- own message told her to ask the administrator for a replacement that did not exist.
--
-- The old key is not forgotten: the records it signed stay in bk.record as they arrived, and every laptop that pulls
-- them checks their signatures again (sync.md, protocol step 4). So each retired key is kept here with the highest
-- record seq handed out when it was retired (it signed no record after that, because the replacement takes the
-- push's lock) and the time. A laptop accepts a record signed by a retired key only if the record arrived before the
-- key was retired (seq <= last_seq) or says it was signed before (signed_at < retired_at: an item quarantined then
-- and released later by an administrator, checked against the key the server held when it received the item).
-- Public keys only, readable by every user like bk.staff; append-only like bk.admin_log.
SET LOCAL ROLE bk_owner;

CREATE TABLE bk.staff_key_retired (
    id             bigserial PRIMARY KEY,
    username       text NOT NULL REFERENCES bk.staff,
    signing_pubkey bytea NOT NULL CHECK (length(signing_pubkey) = 32),
    last_seq       bigint NOT NULL CHECK (last_seq >= 0),
    retired_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    retired_by     text NOT NULL DEFAULT session_user,
    reason         text NOT NULL CHECK (btrim(reason) <> ''),
    UNIQUE (username, signing_pubkey)  -- a retired key is never registered again
);

CREATE FUNCTION bk.staff_key_retired_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a retired signing key is kept as it was retired' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER staff_key_retired_append_only BEFORE UPDATE OR DELETE ON bk.staff_key_retired
    FOR EACH ROW EXECUTE FUNCTION bk.staff_key_retired_kept();

ALTER TABLE bk.staff_key_retired ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.staff_key_retired FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON bk.staff_key_retired TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY staff_key_read ON bk.staff_key_retired FOR SELECT TO bk_user USING (true);
REVOKE ALL ON bk.staff_key_retired FROM PUBLIC;
GRANT SELECT ON bk.staff_key_retired TO bk_user;

-- The key the server held for a user at a moment: the first key retired after it, or the current one. An item
-- quarantined before a replacement is released against the key it was received under (server/admin.py).
CREATE FUNCTION bk.key_at(p_username text, p_at timestamptz) RETURNS bytea
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
    SELECT coalesce(
        (SELECT k.signing_pubkey FROM bk.staff_key_retired k
         WHERE k.username = p_username AND k.retired_at > p_at ORDER BY k.retired_at, k.id LIMIT 1),
        (SELECT s.signing_pubkey FROM bk.staff s WHERE s.username = p_username))
$$;
REVOKE ALL ON FUNCTION bk.key_at(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bk.key_at(text, timestamptz) TO bk_user;
