-- Schema 13: who holds which child (caseloads, children shared with a colleague), who supervises whom, and the
-- coordinator role. The rules that use them are core/access.py's table (docs/access.md).

-- The coordinator role. A CHECK constraint cannot be altered, and rebuilding `users` is not possible here: every
-- record references it and foreign keys stay on inside the migration's transaction. Widening the CHECK changes
-- nothing stored (SQLite's documented writable_schema procedure for CHECK changes); RESET makes this connection
-- read the new schema at once, and integrity_check in `verify` reads it like any other.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (role IN (''therapist'', ''supervisor'', ''admin''))',
                          'CHECK (role IN (''therapist'', ''supervisor'', ''coordinator'', ''admin''))')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;

-- Which therapist holds which child ('caseload'), and children shared with a colleague ('shared', e.g. a group's
-- co-therapist). Append-only: a grant is never deleted; revoking sets revoked_at (and by whom) once. Two grants
-- of the same pair (two laptops, later) are harmless: access asks whether an unrevoked one exists, so no UNIQUE.
CREATE TABLE caseloads (
    id          INTEGER PRIMARY KEY,
    child_id    INTEGER NOT NULL REFERENCES children(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL DEFAULT 'caseload' CHECK (kind IN ('caseload', 'shared')),
    granted_by  INTEGER REFERENCES users(id),  -- NULL: back-filled by this migration from who wrote the records
    granted_at  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    revoked_by  INTEGER REFERENCES users(id),
    revoked_at  TEXT,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX caseloads_by_user ON caseloads (user_id, child_id) WHERE revoked_at IS NULL;
CREATE INDEX caseloads_by_child ON caseloads (child_id, user_id) WHERE revoked_at IS NULL;

-- A supervisor and the therapist she supervises. Same append-only rule.
CREATE TABLE supervision_pairs (
    id             INTEGER PRIMARY KEY,
    supervisor_id  INTEGER NOT NULL REFERENCES users(id),
    therapist_id   INTEGER NOT NULL REFERENCES users(id),
    granted_by     INTEGER REFERENCES users(id),
    granted_at     TEXT NOT NULL,
    revoked_by     INTEGER REFERENCES users(id),
    revoked_at     TEXT,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),
    CHECK (supervisor_id != therapist_id)
);
CREATE INDEX supervision_pairs_by_supervisor ON supervision_pairs (supervisor_id, therapist_id) WHERE revoked_at IS NULL;

CREATE TRIGGER caseloads_no_delete BEFORE DELETE ON caseloads
BEGIN SELECT RAISE(ABORT, 'a caseload grant is never deleted; revoke it'); END;
CREATE TRIGGER caseloads_revoke_once BEFORE UPDATE ON caseloads
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.id IS NOT OLD.id
  OR NEW.child_id IS NOT OLD.child_id OR NEW.user_id IS NOT OLD.user_id OR NEW.kind IS NOT OLD.kind
  OR NEW.granted_by IS NOT OLD.granted_by OR NEW.granted_at IS NOT OLD.granted_at OR NEW.note IS NOT OLD.note
BEGIN SELECT RAISE(ABORT, 'a caseload grant only changes by being revoked, once'); END;
CREATE TRIGGER caseloads_not_replaced BEFORE INSERT ON caseloads
WHEN EXISTS (SELECT 1 FROM caseloads WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'a caseload grant cannot be replaced'); END;

CREATE TRIGGER supervision_pairs_no_delete BEFORE DELETE ON supervision_pairs
BEGIN SELECT RAISE(ABORT, 'a supervision pair is never deleted; revoke it'); END;
CREATE TRIGGER supervision_pairs_revoke_once BEFORE UPDATE ON supervision_pairs
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.id IS NOT OLD.id
  OR NEW.supervisor_id IS NOT OLD.supervisor_id OR NEW.therapist_id IS NOT OLD.therapist_id
  OR NEW.granted_by IS NOT OLD.granted_by OR NEW.granted_at IS NOT OLD.granted_at
BEGIN SELECT RAISE(ABORT, 'a supervision pair only changes by being revoked, once'); END;
CREATE TRIGGER supervision_pairs_not_replaced BEFORE INSERT ON supervision_pairs
WHEN EXISTS (SELECT 1 FROM supervision_pairs WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'a supervision pair cannot be replaced'); END;

-- Back-fill: a child's caseload is the clinicians who wrote its courses, sessions, intake talks or screenings
-- (a coordinator never did: the role is new). Once per child and user, in the order of the child's ids.
INSERT INTO caseloads (child_id, user_id, kind, granted_by, granted_at, note)
SELECT child_id, user_id, 'caseload', NULL, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'backfill'
  FROM (SELECT c.child_id, c.created_by AS user_id FROM courses c WHERE c.created_by IS NOT NULL
        UNION SELECT c.child_id, s.author_id FROM sessions s JOIN courses c ON c.id = s.course_id
        UNION SELECT child_id, author_id FROM intakes
        UNION SELECT child_id, author_id FROM screenings) AS w
 WHERE user_id IN (SELECT id FROM users WHERE role IN ('therapist', 'supervisor', 'admin'))
 ORDER BY child_id, user_id;
