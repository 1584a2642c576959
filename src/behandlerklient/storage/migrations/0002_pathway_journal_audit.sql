-- Schema 2: the whole pathway (intake, screening, consent, coordination, notification, closing,
-- follow-up, group sessions), drafts and signing for every record, and the hash-chained audit log.
-- Every pathway record is a draft (signed_at NULL) until its author signs it; triggers then freeze it.

ALTER TABLE contacts ADD COLUMN consent_obtain INTEGER NOT NULL DEFAULT 0 CHECK (consent_obtain IN (0, 1));
ALTER TABLE contacts ADD COLUMN signed_at TEXT;

ALTER TABLE sessions ADD COLUMN attendance TEXT NOT NULL DEFAULT 'held'
    CHECK (attendance IN ('held', 'cancelled', 'missed'));
ALTER TABLE sessions ADD COLUMN own_note TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN group_session_id INTEGER REFERENCES group_sessions(id);
ALTER TABLE sessions ADD COLUMN over_range_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE courses ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
ALTER TABLE courses ADD COLUMN closing_reason TEXT NOT NULL DEFAULT '';

ALTER TABLE journal_entries ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE journal_entries ADD COLUMN source_id INTEGER;

CREATE TABLE intakes (
    id             INTEGER PRIMARY KEY,
    contact_id     INTEGER NOT NULL REFERENCES contacts(id),
    child_id       INTEGER NOT NULL REFERENCES children(id),
    talk_number    INTEGER NOT NULL CHECK (talk_number IN (1, 2)),
    talk_date      TEXT NOT NULL,
    channel        TEXT NOT NULL DEFAULT 'phone' CHECK (channel IN ('phone', 'in_person', 'digital')),
    duration_min   INTEGER NOT NULL DEFAULT 30,
    notes          TEXT NOT NULL DEFAULT '',
    decision_group INTEGER CHECK (decision_group IN (1, 2, 3, 4)),
    reasoning      TEXT NOT NULL DEFAULT '',
    guided_to      TEXT NOT NULL DEFAULT '',
    bup_referral   TEXT NOT NULL DEFAULT '',
    author_id      INTEGER NOT NULL REFERENCES users(id),
    created_at     TEXT NOT NULL,
    signed_at      TEXT
);
CREATE INDEX intakes_by_contact ON intakes (contact_id, talk_number);
CREATE INDEX intakes_by_child ON intakes (child_id);

CREATE TABLE screenings (
    id                   INTEGER PRIMARY KEY,
    contact_id           INTEGER NOT NULL REFERENCES contacts(id),
    child_id             INTEGER NOT NULL REFERENCES children(id),
    screening_date       TEXT NOT NULL,
    child_account        TEXT NOT NULL DEFAULT '',
    symptoms             TEXT NOT NULL DEFAULT '',
    self_harm_asked      INTEGER NOT NULL DEFAULT 0 CHECK (self_harm_asked IN (0, 1)),
    self_harm_answers    TEXT NOT NULL DEFAULT '',
    suicidal_thoughts    TEXT NOT NULL DEFAULT '',
    suicide_plans        TEXT NOT NULL DEFAULT '',
    earlier_attempts     TEXT NOT NULL DEFAULT '',
    protective_factors   TEXT NOT NULL DEFAULT '',
    risk_level           TEXT CHECK (risk_level IN ('none', 'low', 'moderate', 'high', 'acute')),
    crisis_warning_signs TEXT NOT NULL DEFAULT '',
    crisis_own_coping    TEXT NOT NULL DEFAULT '',
    crisis_people        TEXT NOT NULL DEFAULT '',
    crisis_professionals TEXT NOT NULL DEFAULT '',
    crisis_means_safety  TEXT NOT NULL DEFAULT '',
    outcome              TEXT CHECK (outcome IN ('course', 'bup_referral', 'guidance', 'notification', 'no_course')),
    outcome_track_id     TEXT NOT NULL DEFAULT '',
    outcome_reason       TEXT NOT NULL DEFAULT '',
    author_id            INTEGER NOT NULL REFERENCES users(id),
    created_at           TEXT NOT NULL,
    signed_at            TEXT
);
CREATE INDEX screenings_by_child ON screenings (child_id, screening_date);
CREATE INDEX screenings_waiting ON screenings (author_id) WHERE signed_at IS NULL;

-- Enforced in the database, not only the UI: an elevated risk needs a complete crisis plan before
-- signing, and "no course" needs its clinical reason.
CREATE TRIGGER screening_sign_rules BEFORE UPDATE OF signed_at ON screenings
WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'screening needs an assessed risk level and an outcome')
    WHERE NEW.risk_level IS NULL OR NEW.outcome IS NULL;
    SELECT RAISE(ABORT, 'elevated suicide risk requires a complete crisis plan')
    WHERE NEW.risk_level IN ('moderate', 'high', 'acute') AND (
        trim(NEW.crisis_warning_signs) = '' OR trim(NEW.crisis_own_coping) = '' OR trim(NEW.crisis_people) = ''
        OR trim(NEW.crisis_professionals) = '' OR trim(NEW.crisis_means_safety) = '');
    SELECT RAISE(ABORT, 'no course requires a clinical reason')
    WHERE NEW.outcome = 'no_course' AND trim(NEW.outcome_reason) = '';
END;

CREATE TABLE sdq_responses (
    id            INTEGER PRIMARY KEY,
    child_id      INTEGER NOT NULL REFERENCES children(id),
    screening_id  INTEGER REFERENCES screenings(id),
    course_id     INTEGER REFERENCES courses(id),
    phase         TEXT NOT NULL CHECK (phase IN ('baseline', 'during', 'closing', 'follow_up')),
    informant     TEXT NOT NULL CHECK (informant IN ('parent', 'teacher', 'self')),
    answered_on   TEXT NOT NULL,
    answers       TEXT NOT NULL CHECK (length(answers) = 25),  -- one character per item: 0, 1, 2 or '.' for missing
    impact        TEXT NOT NULL DEFAULT '',                    -- overall + impact items: 0-3 or '.'; '' = not filled
    author_id     INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    signed_at     TEXT
);
CREATE INDEX sdq_by_child ON sdq_responses (child_id, answered_on);

CREATE TABLE questionnaire_responses (
    id               INTEGER PRIMARY KEY,
    child_id         INTEGER NOT NULL REFERENCES children(id),
    screening_id     INTEGER REFERENCES screenings(id),
    questionnaire_id TEXT NOT NULL,
    answered_on      TEXT NOT NULL,
    answers          TEXT NOT NULL,  -- comma-separated item scores
    score            INTEGER NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    signed_at        TEXT
);
CREATE INDEX questionnaires_by_child ON questionnaire_responses (child_id);

CREATE TABLE consents (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES children(id),
    kind              TEXT NOT NULL CHECK (kind IN ('treatment', 'share', 'limit_parental_access')),
    party             TEXT NOT NULL DEFAULT '' CHECK (party IN ('', 'gp', 'school', 'ppr', 'social_services', 'bup', 'other')),
    given_by          TEXT NOT NULL CHECK (given_by IN ('custody_holder', 'young_person')),
    guardian_id       INTEGER REFERENCES guardians(id),
    given_on          TEXT NOT NULL,
    exception_17_2    INTEGER NOT NULL DEFAULT 0 CHECK (exception_17_2 IN (0, 1)),
    note              TEXT NOT NULL DEFAULT '',
    withdraws_id      INTEGER REFERENCES consents(id),  -- a withdrawal is its own dated record
    author_id         INTEGER NOT NULL REFERENCES users(id),
    created_at        TEXT NOT NULL,
    signed_at         TEXT,
    CHECK ((given_by = 'custody_holder') = (guardian_id IS NOT NULL)),
    CHECK (kind = 'share' OR party = '')
);
CREATE INDEX consents_by_child ON consents (child_id, kind);

CREATE TABLE coordination_entries (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id),
    course_id    INTEGER REFERENCES courses(id),
    entry_date   TEXT NOT NULL,
    partner      TEXT NOT NULL CHECK (partner IN ('ppr', 'school', 'social_services', 'bup', 'gp', 'other')),
    kind         TEXT NOT NULL DEFAULT 'coordination' CHECK (kind IN ('coordination', 'sparring')),
    summary      TEXT NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    signed_at    TEXT
);
CREATE INDEX coordination_by_child ON coordination_entries (child_id, entry_date);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    child_id        INTEGER NOT NULL REFERENCES children(id),
    course_id       INTEGER REFERENCES courses(id),
    notified_on     TEXT NOT NULL,
    grounds         TEXT NOT NULL CHECK (trim(grounds) != ''),
    recipient       TEXT NOT NULL CHECK (trim(recipient) != ''),
    author_id       INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    signed_at       TEXT
);
CREATE INDEX notifications_by_child ON notifications (child_id);

CREATE TABLE course_changes (
    id            INTEGER PRIMARY KEY,
    course_id     INTEGER NOT NULL REFERENCES courses(id),
    changed_on    TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('track', 'planned_sessions')),
    old_value     TEXT NOT NULL,
    new_value     TEXT NOT NULL,
    reason        TEXT NOT NULL CHECK (trim(reason) != ''),
    author_id     INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL
);

CREATE TABLE closings (
    id               INTEGER PRIMARY KEY,
    course_id        INTEGER NOT NULL UNIQUE REFERENCES courses(id),
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

CREATE TABLE follow_ups (
    id           INTEGER PRIMARY KEY,
    course_id    INTEGER NOT NULL REFERENCES courses(id),
    child_id     INTEGER NOT NULL REFERENCES children(id),
    kind         TEXT NOT NULL CHECK (kind IN ('follow_up', 'booster')),
    due_date     TEXT NOT NULL,
    done_on      TEXT,
    channel      TEXT NOT NULL DEFAULT 'phone' CHECK (channel IN ('phone', 'in_person', 'digital')),
    notes        TEXT NOT NULL DEFAULT '',
    relapse      INTEGER CHECK (relapse IN (0, 1)),
    more_needed  INTEGER CHECK (more_needed IN (0, 1)),
    author_id    INTEGER REFERENCES users(id),
    signed_at    TEXT
);
CREATE INDEX follow_ups_due ON follow_ups (due_date) WHERE done_on IS NULL;

CREATE TABLE group_sessions (
    id            INTEGER PRIMARY KEY,
    track_id      TEXT NOT NULL,
    number        INTEGER NOT NULL CHECK (number >= 1),
    session_date  TEXT NOT NULL,
    duration_min  INTEGER NOT NULL DEFAULT 120,
    agenda        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT '',
    goals         TEXT NOT NULL DEFAULT '',
    exercise      TEXT NOT NULL DEFAULT '',
    homework      TEXT NOT NULL DEFAULT '',
    author_id     INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    signed_at     TEXT
);

-- Freeze every signed pathway record.
CREATE TRIGGER contacts_frozen BEFORE UPDATE ON contacts WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed contact cannot be changed'); END;
CREATE TRIGGER contacts_kept BEFORE DELETE ON contacts WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed contact cannot be deleted'); END;
CREATE TRIGGER intakes_frozen BEFORE UPDATE ON intakes WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed intake cannot be changed'); END;
CREATE TRIGGER intakes_kept BEFORE DELETE ON intakes WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed intake cannot be deleted'); END;
CREATE TRIGGER screenings_frozen BEFORE UPDATE ON screenings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed screening cannot be changed'); END;
CREATE TRIGGER screenings_kept BEFORE DELETE ON screenings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed screening cannot be deleted'); END;
CREATE TRIGGER sdq_frozen BEFORE UPDATE ON sdq_responses WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed SDQ cannot be changed'); END;
CREATE TRIGGER sdq_kept BEFORE DELETE ON sdq_responses WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed SDQ cannot be deleted'); END;
CREATE TRIGGER questionnaires_frozen BEFORE UPDATE ON questionnaire_responses WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed questionnaire cannot be changed'); END;
CREATE TRIGGER consents_frozen BEFORE UPDATE ON consents WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed consent cannot be changed'); END;
CREATE TRIGGER consents_kept BEFORE DELETE ON consents WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed consent cannot be deleted'); END;
CREATE TRIGGER coordination_frozen BEFORE UPDATE ON coordination_entries WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed coordination entry cannot be changed'); END;
CREATE TRIGGER coordination_kept BEFORE DELETE ON coordination_entries WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed coordination entry cannot be deleted'); END;
CREATE TRIGGER notifications_frozen BEFORE UPDATE ON notifications WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed notification cannot be changed'); END;
CREATE TRIGGER notifications_kept BEFORE DELETE ON notifications WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed notification cannot be deleted'); END;
CREATE TRIGGER closings_frozen BEFORE UPDATE ON closings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be changed'); END;
CREATE TRIGGER closings_kept BEFORE DELETE ON closings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be deleted'); END;
CREATE TRIGGER follow_ups_frozen BEFORE UPDATE ON follow_ups WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed follow-up cannot be changed'); END;
CREATE TRIGGER group_sessions_frozen BEFORE UPDATE ON group_sessions WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed group session cannot be changed'); END;
CREATE TRIGGER course_changes_frozen BEFORE UPDATE ON course_changes
BEGIN SELECT RAISE(ABORT, 'course changes are append-only'); END;
CREATE TRIGGER course_changes_kept BEFORE DELETE ON course_changes
BEGIN SELECT RAISE(ABORT, 'course changes are append-only'); END;

-- Append-only, hash-chained access and change log. Each row's hash covers the previous row's hash,
-- so `verify` finds an edited or removed row; audit_head records the count and last hash, so a
-- removed last row is found too.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    action     TEXT NOT NULL,
    child_id   INTEGER REFERENCES children(id),
    object     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_by_child ON audit_log (child_id, id);

CREATE TABLE audit_head (
    singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id    INTEGER NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, 0, '');

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
