-- Migration 0019's key replacement, closed where an attack review of it found gaps.
--
-- 1. A push that raced the replacement. bk.push checks a batch against the key it reads before it takes the push's
--    lock (so laptops pushing at once verify in parallel); `staff replace-key` holds that lock while it swaps the key.
--    A batch checked against the old key could wait for the lock and be stored after the swap, signed by a key that
--    was retired. bk.record_stamp, which every path into bk.record passes after taking the lock, now refuses a record
--    its author pushes (not an administrator's release) when her key was retired less than 5 seconds before the
--    statement began, or after: the statement fails whole, nothing is stored, and the laptop's next sync sends the
--    batch again, checked against the new key. (5 seconds, not the exact moment: the retirement is stamped by the
--    replacement's last statement, a round trip before its transaction commits, and a push beginning in between still
--    reads the old key. A push of the new key in those seconds is only delayed to the next sync.)
-- 2. Laptops accepted a retired key for a record that said it was signed before the retirement (signed_at), which the
--    signer chooses: a backdated record signed with a stolen key passed on every laptop if it ever reached bk.record.
--    Now the only records a retired key proves after its last seq are the ones an administrator released from the
--    quarantine after checking them against that key (the key the server held when it received them):
--    bk.staff_key_released lists them, and laptops read it with the retired keys (services/sync/received.py).
-- 3. The laptops' staff list is read again when its tag changes, the md5 of bk.staff's rows: a release under a
--    retired key changes no key there, so bk.staff.keys_changed_at records each change of a user's keys.
-- 4. bk.staff_key_retired refuses TRUNCATE, as bk.record does.
SET LOCAL ROLE bk_owner;

ALTER TABLE bk.staff ADD COLUMN keys_changed_at timestamptz;

CREATE TABLE bk.staff_key_released (
    uid            uuid PRIMARY KEY,           -- the released record's (bk.record.uid)
    username       text NOT NULL,
    signing_pubkey bytea NOT NULL,
    released_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    released_by    text NOT NULL DEFAULT session_user,
    FOREIGN KEY (username, signing_pubkey) REFERENCES bk.staff_key_retired (username, signing_pubkey)
);
CREATE TRIGGER staff_key_released_append_only BEFORE UPDATE OR DELETE ON bk.staff_key_released
    FOR EACH ROW EXECUTE FUNCTION bk.staff_key_retired_kept();
CREATE FUNCTION bk.staff_keys_not_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the retired signing keys are kept' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER staff_key_retired_no_truncate BEFORE TRUNCATE ON bk.staff_key_retired
    FOR EACH STATEMENT EXECUTE FUNCTION bk.staff_keys_not_truncated();
CREATE TRIGGER staff_key_released_no_truncate BEFORE TRUNCATE ON bk.staff_key_released
    FOR EACH STATEMENT EXECUTE FUNCTION bk.staff_keys_not_truncated();

ALTER TABLE bk.staff_key_released ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.staff_key_released FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON bk.staff_key_released TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY staff_key_released_read ON bk.staff_key_released FOR SELECT TO bk_user USING (true);
REVOKE ALL ON bk.staff_key_released FROM PUBLIC;
GRANT SELECT ON bk.staff_key_released TO bk_user;

-- Migration 0002's stamp, with the check of point 1 after the lock.
CREATE OR REPLACE FUNCTION bk.record_stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7402, 1);
    IF NEW.author = session_user AND EXISTS (
            SELECT 1 FROM bk.staff_key_retired k
            WHERE k.username = NEW.author AND k.retired_at > statement_timestamp() - interval '5 seconds') THEN
        RAISE EXCEPTION 'the signing key of % was replaced while this batch was checked; send it again', NEW.author
            USING ERRCODE = '40001';
    END IF;
    NEW.seq := nextval('bk.record_seq');
    NEW.received_at := clock_timestamp();
    RETURN NEW;
END $$;
