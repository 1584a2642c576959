-- Schema 8: master data that can be corrected. A child's address and school and a parent's address are
-- recorded; every change of master data (the child's, a parent's, the GP) is an append-only row that keeps the
-- old value readable with who changed it and when (history as events, the direction sync takes). A CPR
-- correction needs its reason, here as in the services. A contact or a course outside the offer's or the
-- track's age range keeps the reason it was accepted for.

ALTER TABLE children ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE children ADD COLUMN school TEXT NOT NULL DEFAULT '';
ALTER TABLE guardians ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN age_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE courses ADD COLUMN age_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE child_changes (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id),
    guardian_id  INTEGER REFERENCES guardians(id),  -- set when the change is about a parent
    field        TEXT NOT NULL,                      -- e.g. 'cpr', 'school', 'gp', 'guardian.has_custody'
    old_value    TEXT NOT NULL,
    new_value    TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    changed_by   INTEGER NOT NULL REFERENCES users(id),
    changed_at   TEXT NOT NULL,
    CHECK (field != 'cpr' OR trim(reason) != '')
);
CREATE INDEX child_changes_by_child ON child_changes (child_id, id);

CREATE TRIGGER child_changes_frozen BEFORE UPDATE ON child_changes
BEGIN SELECT RAISE(ABORT, 'master data changes are append-only'); END;
CREATE TRIGGER child_changes_kept BEFORE DELETE ON child_changes
BEGIN SELECT RAISE(ABORT, 'master data changes are append-only'); END;
-- A replacing INSERT would delete a change row without firing child_changes_kept (recursive_triggers off).
CREATE TRIGGER child_changes_not_replaced BEFORE INSERT ON child_changes
WHEN EXISTS (SELECT 1 FROM child_changes WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'master data changes are append-only'); END;
