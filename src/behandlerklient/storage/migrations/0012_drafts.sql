-- Schema 8: what was typed in an open editor when the program locked, kept (encrypted with the rest of the
-- database, never in settings or files) until its author reopens the editor. Private to that user; not part
-- of the export, like the audit log: it is this installation's unfinished work, not journal content.
CREATE TABLE ui_drafts (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    kind      TEXT NOT NULL,               -- which editor: 'form', 'sdq', 'review', 'group_session', ...
    context   TEXT NOT NULL DEFAULT '{}',  -- JSON: ids and codes needed to reopen it (child, record, review)
    payload   TEXT NOT NULL,               -- JSON: the typed values
    saved_at  TEXT NOT NULL
);
CREATE INDEX ui_drafts_by_user ON ui_drafts (user_id, id);
