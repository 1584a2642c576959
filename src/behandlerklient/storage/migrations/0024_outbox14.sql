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
