-- Schema 13: shared state is history, not edits. A course's status/end date, track, linked contact and closing
-- reason; a review's decision and the therapist's "seen"; fidelity ratings; settings; a child's and a parent's
-- master data; a follow-up done: each change is an append-only event, and the value the program reads is the
-- fold of the field's events (latest by hybrid logical clock, then device, then uid). The old columns stay as a
-- cache that only the fold writes, in the same transaction as the event. `base_uid` is the event of the same
-- field the writer saw as current: two events after the same base from two devices saw nothing of each other,
-- and are flagged as a conflict for a person to resolve (by a resolution event, kept here too).
-- Two laptops can each close one course or each open a review of one session: the UNIQUE keys of closings and
-- reviews are dropped, so a pulled second record is kept (and shown as a conflict), never refused.

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,                -- global id of the event
    aggregate   TEXT NOT NULL CHECK (aggregate IN ('course', 'review', 'fidelity', 'setting', 'child', 'guardian',
                                                   'follow_up', 'resolution')),
    subject     TEXT NOT NULL,                       -- which one: a course id, a review id, a setting key, ...
    field       TEXT NOT NULL,                       -- which of its values: 'status', 'track_id', 'decision', ...
    child_id    INTEGER REFERENCES children(id),     -- whose record, when it is a child's (listing conflicts)
    value       TEXT NOT NULL DEFAULT 'null',        -- JSON
    base_uid    TEXT,                                -- the field's event the writer saw as current (NULL: none)
    hlc         TEXT NOT NULL,                       -- hybrid logical clock: 13-digit ms '.' 4-digit counter
    device      TEXT NOT NULL DEFAULT 'local',
    author_id   INTEGER REFERENCES users(id),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX events_by_field ON events (aggregate, subject, field, hlc);
CREATE INDEX events_by_child ON events (child_id) WHERE child_id IS NOT NULL;
CREATE INDEX events_by_hlc ON events (hlc);
CREATE INDEX events_by_device ON events (device);  -- "has any other device written here?" without a scan

CREATE TRIGGER events_frozen BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_kept BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
-- A replacing INSERT would delete an event without firing events_kept (recursive_triggers off).
CREATE TRIGGER events_not_replaced BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id OR uid = NEW.uid)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Back-fill: today's values become the first event of their field, so an existing database keeps them.
-- (A field never changed since its row was created has no event; its row's value is where its history starts.)
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, created_at)
SELECT lower(hex(randomblob(16))), 'course', CAST(id AS TEXT), 'status', child_id,
       json_object('status', status, 'end_date', end_date),
       printf('%013d.%04d', CAST(strftime('%s', created_at) AS INTEGER) * 1000, 0), created_at
FROM courses WHERE status != 'active' OR end_date IS NOT NULL;
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, created_at)
SELECT lower(hex(randomblob(16))), 'course', CAST(id AS TEXT), 'closing_reason', child_id, json_quote(closing_reason),
       printf('%013d.%04d', CAST(strftime('%s', created_at) AS INTEGER) * 1000, 1), created_at
FROM courses WHERE closing_reason != '';
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, created_at)
SELECT lower(hex(randomblob(16))), 'course', CAST(id AS TEXT), 'contact_id', child_id, json_quote(contact_id),
       printf('%013d.%04d', CAST(strftime('%s', created_at) AS INTEGER) * 1000, 2), created_at
FROM courses WHERE contact_id IS NOT NULL;
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, author_id, created_at)
SELECT lower(hex(randomblob(16))), 'review', CAST(r.id AS TEXT), 'decision', c.child_id,
       json_object('status', r.status, 'supervisor_id', r.supervisor_id, 'decided_at', r.decided_at,
                   'comment', r.comment),
       printf('%013d.%04d', CAST(strftime('%s', r.decided_at) AS INTEGER) * 1000, 0), r.supervisor_id, r.decided_at
FROM reviews r JOIN sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id
WHERE r.status != 'pending';
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, created_at)
SELECT lower(hex(randomblob(16))), 'review', CAST(r.id AS TEXT), 'seen', c.child_id, json_quote(r.seen_at),
       printf('%013d.%04d', CAST(strftime('%s', r.seen_at) AS INTEGER) * 1000, 0), r.seen_at
FROM reviews r JOIN sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id
WHERE r.seen_at IS NOT NULL;
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, author_id, created_at)
SELECT lower(hex(randomblob(16))), 'fidelity', f.session_id || ':' || f.rater_kind || ':' || f.item_key, 'rating',
       c.child_id,
       json_object('rater_id', f.rater_id, 'item_label', f.item_label, 'adherence', f.adherence,
                   'competence', f.competence, 'comment', f.comment, 'rated_at', f.rated_at),
       printf('%013d.%04d', CAST(strftime('%s', f.rated_at) AS INTEGER) * 1000, 0), f.rater_id, f.rated_at
FROM fidelity_ratings f JOIN sessions s ON s.id = f.session_id JOIN courses c ON c.id = s.course_id;
INSERT INTO events (uid, aggregate, subject, field, value, hlc, created_at)
SELECT lower(hex(randomblob(16))), 'setting', key, 'value', json_quote(value), printf('%013d.%04d', 0, 0),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM settings;
INSERT INTO events (uid, aggregate, subject, field, child_id, value, hlc, author_id, created_at)
SELECT lower(hex(randomblob(16))), 'follow_up', CAST(id AS TEXT), 'state', child_id,
       CASE WHEN signed_at IS NULL THEN json_object('state', 'planned', 'due_date', due_date)
            ELSE json_object('state', 'done', 'done_on', done_on) END,
       printf('%013d.%04d', CAST(strftime('%s', coalesce(signed_at, due_date)) AS INTEGER) * 1000, 0), author_id,
       coalesce(signed_at, due_date)
FROM follow_ups;

-- The conflict checks look for several corrections of one entry; without this they read the whole journal.
CREATE INDEX journal_corrections ON journal_entries (supersedes_id) WHERE supersedes_id IS NOT NULL;
CREATE INDEX group_sessions_signed ON group_sessions (track_id, number, session_date, author_id) WHERE signed_at IS NOT NULL;

-- A rebuilt table takes its old name back in legacy mode: the modern RENAME re-checks every other trigger, and
-- journal_record_author (schema 9) names closings, which is briefly absent. Nothing names *_rebuilt.
PRAGMA legacy_alter_table = ON;

-- closings without UNIQUE (course_id): rebuilt, with its indexes and guards as before, except that a second
-- closing of a course is no longer "replacing" the first (only the same id is).
CREATE TABLE closings_rebuilt (
    id               INTEGER PRIMARY KEY,
    course_id        INTEGER NOT NULL REFERENCES courses(id),
    child_id         INTEGER NOT NULL REFERENCES children(id),
    closing_date     TEXT NOT NULL,
    effect           TEXT NOT NULL CHECK (effect IN ('improved', 'partly_improved', 'unchanged', 'worsened')),
    content_summary  TEXT NOT NULL DEFAULT '',
    further_needs    TEXT NOT NULL DEFAULT '',
    recommendations  TEXT NOT NULL DEFAULT '',
    criteria_reason  TEXT NOT NULL DEFAULT '',  -- why the course closes although a criterion is not met
    status           TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'dropped_out')),
    author_id        INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    signed_at        TEXT
);
INSERT INTO closings_rebuilt SELECT id, course_id, child_id, closing_date, effect, content_summary, further_needs,
    recommendations, criteria_reason, status, author_id, created_at, signed_at FROM closings;
DROP TABLE closings;
ALTER TABLE closings_rebuilt RENAME TO closings;
CREATE INDEX closings_by_course ON closings (course_id);
CREATE INDEX closings_signed ON closings (course_id) WHERE signed_at IS NOT NULL;
CREATE INDEX closings_drafts ON closings (author_id) WHERE signed_at IS NULL;
CREATE INDEX closings_by_child ON closings (child_id);
CREATE TRIGGER closings_frozen BEFORE UPDATE ON closings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be changed'); END;
CREATE TRIGGER closings_kept BEFORE DELETE ON closings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be deleted'); END;
CREATE TRIGGER closings_not_replaced BEFORE INSERT ON closings
WHEN EXISTS (SELECT 1 FROM closings WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be replaced'); END;
CREATE TRIGGER closings_id_kept BEFORE UPDATE ON closings WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a closing''s id never changes'); END;
CREATE TRIGGER closings_author_kept BEFORE UPDATE OF author_id ON closings
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a closing''s author cannot be changed'); END;
CREATE TRIGGER closings_to_sign_on_insert AFTER INSERT ON closings WHEN NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('closings', NEW.id); END;
CREATE TRIGGER closings_to_sign_on_update AFTER UPDATE ON closings WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN INSERT OR IGNORE INTO signatures_pending (kind, record_id) VALUES ('closings', NEW.id); END;

-- reviews without UNIQUE (session_id): two laptops may each sample one session.
CREATE TABLE reviews_rebuilt (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id),
    reason          TEXT NOT NULL CHECK (reason IN ('requested', 'sample')),
    requested_by    INTEGER REFERENCES users(id),
    requested_at    TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'changes_requested')),
    supervisor_id   INTEGER REFERENCES users(id),
    decided_at      TEXT,
    comment         TEXT NOT NULL DEFAULT '',
    seen_at         TEXT,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
INSERT INTO reviews_rebuilt SELECT id, session_id, reason, requested_by, requested_at, status, supervisor_id,
    decided_at, comment, seen_at FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_rebuilt RENAME TO reviews;
CREATE INDEX reviews_by_session ON reviews (session_id);
CREATE INDEX reviews_pending ON reviews (status, requested_at);
CREATE INDEX reviews_unseen ON reviews (session_id) WHERE status != 'pending' AND seen_at IS NULL;
CREATE INDEX reviews_decided ON reviews (session_id) WHERE status != 'pending';

PRAGMA legacy_alter_table = OFF;
