-- Access gaps of issue 14 (docs/sync.md "Session frames" and "Removal"):
-- 1. a supervisor without the clinical-text switch receives a session's frame (server bk.session_frames), not the
--    signed session record; the frame is stored as a sessions row with empty text, marked here as unsigned review
--    metadata (sync_frames: what the server sent), and paged with its own cursor;
-- 2. a child removed from this laptop (access revoked, supervision ended) whose row the audit log still names is
--    kept as a tombstone: the row with its uid and nothing else about the child, listed here.
ALTER TABLE sync_state ADD COLUMN frames_cursor INTEGER NOT NULL DEFAULT 0;  -- bk.session_frame.seq applied

CREATE TABLE sync_frames (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL UNIQUE REFERENCES sessions(id),
    uid        TEXT NOT NULL UNIQUE,
    child_uid  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    author     TEXT NOT NULL,
    frame      TEXT NOT NULL            -- the frame as the server sent it (JSON): no signature, no clinical text
);
CREATE INDEX sync_frames_by_child ON sync_frames (child_uid);

CREATE TABLE sync_tombstones (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    uid         TEXT NOT NULL,
    removed_at  TEXT NOT NULL,
    reason      TEXT NOT NULL,          -- 'access_revoked' | 'supervision_ended'
    UNIQUE (kind, record_id)
);
