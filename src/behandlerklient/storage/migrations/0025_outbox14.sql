-- The sync backlog (issue 14): shared records written before the outbox existed (signed records before schema 15,
-- master data, courses and the rest before schema 19, events before schema 23) never entered the outbox, so a laptop
-- used for months before the team server arrived would never send them. At enrolment (or the first sync of a laptop
-- enrolled before this schema) every such record is put on this list, in the order the records can be inserted
-- (parents first); each sync then writes their envelopes into the outbox a page at a time, one transaction per page
-- together with the removal from this list, so a kill mid-way resumes without a gap or a second envelope. A record
-- whose author's key is not unlocked here stays on the list until it is ("venter på forfatterens nøgle").
CREATE TABLE sync_backlog (
    id         INTEGER PRIMARY KEY,        -- the order the envelopes are written in (parents first)
    kind       TEXT NOT NULL,              -- its table ('events' for an event)
    record_id  INTEGER NOT NULL,
    UNIQUE (kind, record_id)
);

ALTER TABLE sync_state ADD COLUMN backlog_queued_at TEXT;   -- when the backlog was listed (once per laptop)

-- A coordinator's decision that a child registered twice is one child arrives in the pull as a record of kind
-- 'child_merges' (server migration 0008). Its proof, as for any received record: the envelope as she signed it and
-- her key as the server registered it; `verify` checks it and that the pair it merged is the pair merged here.
CREATE TABLE sync_merge_proofs (
    uid           TEXT PRIMARY KEY,          -- the decision's uid
    seq           INTEGER NOT NULL,          -- bk.record.seq
    alias_uid     TEXT NOT NULL,
    child_uid     TEXT NOT NULL,
    author        TEXT NOT NULL,             -- the coordinator's user name
    envelope      TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    signature     TEXT NOT NULL,
    public_key    TEXT NOT NULL,             -- base64 raw Ed25519
    received_at   TEXT NOT NULL
);
CREATE TRIGGER sync_merge_proofs_frozen BEFORE UPDATE ON sync_merge_proofs
BEGIN SELECT RAISE(ABORT, 'a received merge decision''s proof never changes'); END;
CREATE TRIGGER sync_merge_proofs_kept BEFORE DELETE ON sync_merge_proofs
BEGIN SELECT RAISE(ABORT, 'a received merge decision''s proof is never removed'); END;
