-- Schema 3: manual-fidelity ratings (self and supervisor kept apart), the review queue, supervision
-- meetings, and installation-wide settings (review sampling, supervisors' view of clinical text).

CREATE TABLE fidelity_ratings (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    rater_id    INTEGER NOT NULL REFERENCES users(id),
    rater_kind  TEXT NOT NULL CHECK (rater_kind IN ('self', 'supervisor')),
    item_key    TEXT NOT NULL,
    item_label  TEXT NOT NULL,
    adherence   TEXT NOT NULL CHECK (adherence IN ('yes', 'partly', 'no', 'not_relevant')),
    competence  INTEGER CHECK (competence BETWEEN 0 AND 6),
    comment     TEXT NOT NULL DEFAULT '',
    rated_at    TEXT NOT NULL,
    UNIQUE (session_id, rater_kind, item_key)
);
CREATE INDEX fidelity_by_session ON fidelity_ratings (session_id, rater_kind);

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL UNIQUE REFERENCES sessions(id),
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
CREATE INDEX reviews_pending ON reviews (status, requested_at);

CREATE TABLE supervision_meetings (
    id             INTEGER PRIMARY KEY,
    meeting_date   TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('group', 'individual')),
    supervisor_id  INTEGER NOT NULL REFERENCES users(id),
    notes          TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TABLE supervision_meeting_courses (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES supervision_meetings(id),
    course_id   INTEGER NOT NULL REFERENCES courses(id),
    UNIQUE (meeting_id, course_id)
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('review_sample', 'every_nth:4'), ('supervisor_sees_clinical_text', 'supervised');

CREATE INDEX sessions_signed_at ON sessions (signed_at) WHERE state = 'signed';
CREATE INDEX contacts_by_date ON contacts (contact_date);
