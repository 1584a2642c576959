-- Schema 1: people, pathway, sessions and the journal. Dates are ISO 8601 text; times are UTC ISO text.

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL UNIQUE,
    full_name   TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('therapist', 'supervisor', 'admin')),
    title       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE gps (
    id           INTEGER PRIMARY KEY,
    clinic_name  TEXT NOT NULL,
    doctor_name  TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    postcode     TEXT NOT NULL DEFAULT '',
    city         TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    sor          TEXT NOT NULL DEFAULT '',
    ean          TEXT NOT NULL DEFAULT ''
);

CREATE TABLE children (
    id                     INTEGER PRIMARY KEY,
    first_name             TEXT NOT NULL,
    last_name              TEXT NOT NULL,
    sort_key               TEXT NOT NULL,  -- Danish alphabetical order of last, first name (core.sorting)
    cpr                    TEXT NOT NULL UNIQUE CHECK (length(cpr) = 10),
    birth_date             TEXT NOT NULL,
    sex                    TEXT NOT NULL CHECK (sex IN ('F', 'M', '')),
    home_municipality      TEXT NOT NULL DEFAULT '',
    treating_municipality  TEXT NOT NULL DEFAULT '',
    gp_id                  INTEGER REFERENCES gps(id),
    created_at             TEXT NOT NULL,
    created_by             INTEGER REFERENCES users(id)
);
CREATE INDEX children_by_name ON children (sort_key, id);
CREATE INDEX children_by_gp ON children (gp_id);

CREATE TABLE guardians (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id),
    name         TEXT NOT NULL,
    relation     TEXT NOT NULL DEFAULT 'other' CHECK (relation IN ('mother', 'father', 'other')),
    has_custody  INTEGER NOT NULL DEFAULT 1 CHECK (has_custody IN (0, 1)),
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX guardians_by_child ON guardians (child_id);

CREATE TABLE contacts (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES children(id),
    contact_date      TEXT NOT NULL,
    made_by           TEXT NOT NULL CHECK (made_by IN ('parent', 'young_person', 'professional')),
    made_by_detail    TEXT NOT NULL DEFAULT '',
    way               TEXT NOT NULL CHECK (way IN ('self', 'gp', 'school', 'ppr', 'health_visitor', 'social_services', 'other')),
    channel           TEXT NOT NULL DEFAULT 'phone' CHECK (channel IN ('phone', 'in_person', 'digital')),
    concern           TEXT NOT NULL DEFAULT '',
    consent_to_share  INTEGER NOT NULL DEFAULT 0 CHECK (consent_to_share IN (0, 1)),
    created_at        TEXT NOT NULL,
    created_by        INTEGER REFERENCES users(id)
);
CREATE INDEX contacts_by_child ON contacts (child_id, contact_date);

CREATE TABLE courses (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES children(id),
    track_id          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'dropped_out', 'cancelled')),
    format            TEXT NOT NULL DEFAULT 'individual' CHECK (format IN ('individual', 'group', 'parent_group', 'family')),
    start_date        TEXT NOT NULL,
    end_date          TEXT,
    planned_sessions  INTEGER NOT NULL CHECK (planned_sessions >= 1),
    created_at        TEXT NOT NULL,
    created_by        INTEGER REFERENCES users(id)
);
CREATE INDEX courses_by_child ON courses (child_id, start_date);
CREATE INDEX courses_by_track ON courses (track_id, status);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    course_id     INTEGER NOT NULL REFERENCES courses(id),
    number        INTEGER NOT NULL CHECK (number >= 1),
    session_date  TEXT NOT NULL,
    duration_min  INTEGER NOT NULL DEFAULT 60 CHECK (duration_min BETWEEN 0 AND 600),
    participants  TEXT NOT NULL CHECK (participants IN ('child', 'parents', 'both')),
    format        TEXT NOT NULL CHECK (format IN ('individual', 'group', 'parent_group', 'family')),
    agenda        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT '',
    goals         TEXT NOT NULL DEFAULT '',
    exercise      TEXT NOT NULL DEFAULT '',
    homework      TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'signed')),
    author_id     INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    signed_at     TEXT,
    CHECK ((state = 'signed') = (signed_at IS NOT NULL))
);
CREATE INDEX sessions_by_course ON sessions (course_id, number);
CREATE INDEX sessions_drafts ON sessions (author_id) WHERE state = 'draft';

CREATE TABLE journal_entries (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children(id),
    course_id      INTEGER REFERENCES courses(id),
    session_id     INTEGER REFERENCES sessions(id),
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    author_id      INTEGER NOT NULL REFERENCES users(id),
    author_role    TEXT NOT NULL,
    event_time     TEXT NOT NULL,
    written_at     TEXT NOT NULL,
    signed_at      TEXT,
    supersedes_id  INTEGER REFERENCES journal_entries(id)
);
CREATE INDEX journal_by_child ON journal_entries (child_id, event_time);
CREATE INDEX journal_by_session ON journal_entries (session_id);

-- The law: a signed entry is never changed or deleted; a correction is a new entry.
-- Enforced here so that no code path, script or tool can get around it.
CREATE TRIGGER journal_signed_no_update BEFORE UPDATE ON journal_entries
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed journal entry cannot be changed'); END;

CREATE TRIGGER journal_signed_no_delete BEFORE DELETE ON journal_entries
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed journal entry cannot be deleted'); END;

CREATE TRIGGER session_signed_no_update BEFORE UPDATE ON sessions
WHEN OLD.state = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed session cannot be changed'); END;

CREATE TRIGGER session_signed_no_delete BEFORE DELETE ON sessions
WHEN OLD.state = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed session cannot be deleted'); END;

-- Search-as-you-type: name words and CPR digits as prefix-searchable tokens. 'å' stays 'å'.
CREATE VIRTUAL TABLE child_search USING fts5(
    name, cpr, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3'
);

CREATE TRIGGER children_search_ai AFTER INSERT ON children BEGIN
    INSERT INTO child_search (rowid, name, cpr) VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.cpr);
END;
CREATE TRIGGER children_search_au AFTER UPDATE OF first_name, last_name, cpr ON children BEGIN
    DELETE FROM child_search WHERE rowid = OLD.id;
    INSERT INTO child_search (rowid, name, cpr) VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.cpr);
END;
CREATE TRIGGER children_search_ad AFTER DELETE ON children BEGIN
    DELETE FROM child_search WHERE rowid = OLD.id;
END;
