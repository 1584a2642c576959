-- Sync with the municipal server, laptop side (issue 14; docs/sync.md). Everything here lives inside the
-- encrypted database: the server's address, this laptop's credentials (password, client certificate and key)
-- and the sync bookkeeping. Nothing of it is in a settings file.

-- Where and as whom this laptop syncs, and how far it has come. One row, made by `sync enroll`.
CREATE TABLE sync_state (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_host    TEXT NOT NULL,
    server_port    INTEGER NOT NULL DEFAULT 5432,
    dbname         TEXT NOT NULL DEFAULT 'bk',
    username       TEXT NOT NULL,             -- the server login role = users.username here
    password       TEXT NOT NULL,
    ca_pem         TEXT,                      -- the municipality's CA (verifies the server)
    cert_pem       TEXT,                      -- this device's client certificate
    key_pem        TEXT,                      -- its private key
    device_uid     TEXT NOT NULL,             -- device.device_uid when enrolled
    pull_cursor    INTEGER NOT NULL DEFAULT 0,-- bk.record.seq of the last applied page
    grants_cursor  INTEGER NOT NULL DEFAULT 0,-- event_seq of the last applied bk.grants row
    last_push_at   TEXT,
    last_pull_at   TEXT,
    last_error     TEXT
);

-- The server's answer for each outbox row (bk.push): accepted or duplicate = the server has it (sync_outbox.sent_at
-- is set too); conflict or quarantined = kept there for a person, shown here, not sent again.
CREATE TABLE sync_acks (
    outbox_id  INTEGER PRIMARY KEY REFERENCES sync_outbox(id),
    status     TEXT NOT NULL CHECK (status IN ('accepted', 'duplicate', 'conflict', 'quarantined')),
    acked_at   TEXT NOT NULL
);

-- Shared records that are not signed records (master data, courses, their events, reviews, ratings, meetings):
-- their insert puts them on this work list, and the commit that wrote them puts their envelope, signed by the
-- acting user, into sync_outbox (services/signatures/seal.py). Received rows are taken off it again.
CREATE TABLE sync_pending (
    kind       TEXT NOT NULL,
    record_id  INTEGER NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE TRIGGER sync_pending_gps AFTER INSERT ON gps
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('gps', NEW.id); END;
CREATE TRIGGER sync_pending_children AFTER INSERT ON children
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('children', NEW.id); END;
CREATE TRIGGER sync_pending_guardians AFTER INSERT ON guardians
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('guardians', NEW.id); END;
CREATE TRIGGER sync_pending_child_changes AFTER INSERT ON child_changes
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('child_changes', NEW.id); END;
CREATE TRIGGER sync_pending_courses AFTER INSERT ON courses
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('courses', NEW.id); END;
CREATE TRIGGER sync_pending_course_changes AFTER INSERT ON course_changes
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('course_changes', NEW.id); END;
CREATE TRIGGER sync_pending_fidelity_ratings AFTER INSERT ON fidelity_ratings
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('fidelity_ratings', NEW.id); END;
CREATE TRIGGER sync_pending_reviews AFTER INSERT ON reviews
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('reviews', NEW.id); END;
CREATE TRIGGER sync_pending_supervision_meetings AFTER INSERT ON supervision_meetings
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('supervision_meetings', NEW.id); END;
CREATE TRIGGER sync_pending_supervision_meeting_courses AFTER INSERT ON supervision_meeting_courses
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('supervision_meeting_courses', NEW.id); END;

-- A received record that failed here (hash, signature, unknown author or kind, a row the schema refuses): the whole
-- item as the server sent it, with the reason. Never deleted, never changed; a person resolves it.
CREATE TABLE sync_quarantine (
    id           INTEGER PRIMARY KEY,
    seq          INTEGER,                   -- bk.record.seq
    uid          TEXT,
    kind         TEXT,
    author       TEXT,
    reason       TEXT NOT NULL,
    item         TEXT NOT NULL,             -- the received record as JSON
    received_at  TEXT NOT NULL
);
CREATE TRIGGER sync_quarantine_kept BEFORE DELETE ON sync_quarantine
BEGIN SELECT RAISE(ABORT, 'the sync quarantine is never emptied'); END;
CREATE TRIGGER sync_quarantine_frozen BEFORE UPDATE ON sync_quarantine
BEGIN SELECT RAISE(ABORT, 'a quarantined record never changes'); END;

-- A received record whose parent (a course, a child, ...) has not arrived yet: buffered, verified already, retried
-- after each page; removed when it is applied.
CREATE TABLE sync_orphans (
    id           INTEGER PRIMARY KEY,
    seq          INTEGER,
    uid          TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    missing      TEXT NOT NULL,             -- the uid it waits for
    item         TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

-- Proof for `verify` of each record received from another author: the envelope as signed, and the author's public
-- key as the server registered it. verify rebuilds the envelope from the row as it is now.
CREATE TABLE sync_received (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    record_id     INTEGER NOT NULL,
    uid           TEXT NOT NULL UNIQUE,
    child_uid     TEXT,                     -- whose record it is: a revoked access purges by it
    seq           INTEGER NOT NULL,
    author        TEXT NOT NULL,
    envelope      TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    signature     TEXT NOT NULL,
    public_key    TEXT NOT NULL,            -- base64 raw Ed25519
    UNIQUE (kind, record_id)
);
CREATE INDEX sync_received_by_child ON sync_received (child_uid);
CREATE TRIGGER sync_received_frozen BEFORE UPDATE ON sync_received
BEGIN SELECT RAISE(ABORT, 'a received record''s proof never changes'); END;
