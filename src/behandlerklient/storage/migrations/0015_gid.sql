-- Schema 13: global identity. Every record that will be shared between laptops gets a UUIDv7 (`uid`, time-ordered
-- so the UNIQUE index stays compact) and the device it was created on (`origin_device`); each installation gets
-- its device id here, once. Local integer ids stay as the internal detail they were.
--
-- SQLite cannot add a NOT NULL column with a computed default, so: the columns are added nullable, back-filled,
-- indexed UNIQUE, and a BEFORE INSERT trigger refuses a row without them (the NOT NULL); Database.insert fills
-- both for every shared table. Neither ever changes afterwards (`<table>_identity_kept`).
--
-- The back-fill is an UPDATE, which the freeze triggers of schemas 1, 2, 3 and 10 refuse on signed rows: they are
-- dropped for the back-fill and recreated below with their exact original text, inside this one transaction
-- (`verify` compares every trigger with the text these migrations create, so a guard left out would be found).
--
-- The audit log becomes one chain per device (docs/signatures.md): rows before `device.audit_v2_from` keep the
-- schema-2 hash and are the local device's chain; later rows hash the device, their uid, the user name and the
-- child's uid, and link to the previous row of the same device. audit_head is the local device's head.

CREATE TABLE device (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_uid     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    audit_v2_from  INTEGER NOT NULL
);
INSERT INTO device (singleton, device_uid, created_at, audit_v2_from)
SELECT 1, uuid7(), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), last_id + 1 FROM audit_head;
CREATE TRIGGER device_kept BEFORE DELETE ON device
BEGIN SELECT RAISE(ABORT, 'the device id cannot be removed'); END;
CREATE TRIGGER device_no_update BEFORE UPDATE ON device
BEGIN SELECT RAISE(ABORT, 'the device id never changes'); END;
CREATE TRIGGER device_not_replaced BEFORE INSERT ON device WHEN EXISTS (SELECT 1 FROM device)
BEGIN SELECT RAISE(ABORT, 'the device id never changes'); END;

-- The guards that would refuse the back-fill, recreated verbatim after it.
DROP TRIGGER journal_signed_no_update;
DROP TRIGGER session_signed_no_update;
DROP TRIGGER contacts_frozen;
DROP TRIGGER intakes_frozen;
DROP TRIGGER screenings_frozen;
DROP TRIGGER sdq_frozen;
DROP TRIGGER questionnaires_frozen;
DROP TRIGGER consents_frozen;
DROP TRIGGER coordination_frozen;
DROP TRIGGER notifications_frozen;
DROP TRIGGER closings_frozen;
DROP TRIGGER follow_ups_frozen;
DROP TRIGGER group_sessions_frozen;
DROP TRIGGER course_changes_frozen;
DROP TRIGGER audit_no_update;
DROP TRIGGER child_changes_frozen;

ALTER TABLE gps ADD COLUMN uid TEXT;
ALTER TABLE gps ADD COLUMN origin_device TEXT;
UPDATE gps SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX gps_by_uid ON gps (uid);
ALTER TABLE children ADD COLUMN uid TEXT;
ALTER TABLE children ADD COLUMN origin_device TEXT;
UPDATE children SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX children_by_uid ON children (uid);
ALTER TABLE guardians ADD COLUMN uid TEXT;
ALTER TABLE guardians ADD COLUMN origin_device TEXT;
UPDATE guardians SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX guardians_by_uid ON guardians (uid);
ALTER TABLE child_changes ADD COLUMN uid TEXT;
ALTER TABLE child_changes ADD COLUMN origin_device TEXT;
UPDATE child_changes SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX child_changes_by_uid ON child_changes (uid);
ALTER TABLE contacts ADD COLUMN uid TEXT;
ALTER TABLE contacts ADD COLUMN origin_device TEXT;
UPDATE contacts SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX contacts_by_uid ON contacts (uid);
ALTER TABLE intakes ADD COLUMN uid TEXT;
ALTER TABLE intakes ADD COLUMN origin_device TEXT;
UPDATE intakes SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX intakes_by_uid ON intakes (uid);
ALTER TABLE screenings ADD COLUMN uid TEXT;
ALTER TABLE screenings ADD COLUMN origin_device TEXT;
UPDATE screenings SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX screenings_by_uid ON screenings (uid);
ALTER TABLE consents ADD COLUMN uid TEXT;
ALTER TABLE consents ADD COLUMN origin_device TEXT;
UPDATE consents SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX consents_by_uid ON consents (uid);
ALTER TABLE courses ADD COLUMN uid TEXT;
ALTER TABLE courses ADD COLUMN origin_device TEXT;
UPDATE courses SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX courses_by_uid ON courses (uid);
ALTER TABLE course_changes ADD COLUMN uid TEXT;
ALTER TABLE course_changes ADD COLUMN origin_device TEXT;
UPDATE course_changes SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX course_changes_by_uid ON course_changes (uid);
ALTER TABLE sdq_responses ADD COLUMN uid TEXT;
ALTER TABLE sdq_responses ADD COLUMN origin_device TEXT;
UPDATE sdq_responses SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX sdq_responses_by_uid ON sdq_responses (uid);
ALTER TABLE questionnaire_responses ADD COLUMN uid TEXT;
ALTER TABLE questionnaire_responses ADD COLUMN origin_device TEXT;
UPDATE questionnaire_responses SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX questionnaire_responses_by_uid ON questionnaire_responses (uid);
ALTER TABLE group_sessions ADD COLUMN uid TEXT;
ALTER TABLE group_sessions ADD COLUMN origin_device TEXT;
UPDATE group_sessions SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX group_sessions_by_uid ON group_sessions (uid);
ALTER TABLE sessions ADD COLUMN uid TEXT;
ALTER TABLE sessions ADD COLUMN origin_device TEXT;
UPDATE sessions SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX sessions_by_uid ON sessions (uid);
ALTER TABLE coordination_entries ADD COLUMN uid TEXT;
ALTER TABLE coordination_entries ADD COLUMN origin_device TEXT;
UPDATE coordination_entries SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX coordination_entries_by_uid ON coordination_entries (uid);
ALTER TABLE notifications ADD COLUMN uid TEXT;
ALTER TABLE notifications ADD COLUMN origin_device TEXT;
UPDATE notifications SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX notifications_by_uid ON notifications (uid);
ALTER TABLE closings ADD COLUMN uid TEXT;
ALTER TABLE closings ADD COLUMN origin_device TEXT;
UPDATE closings SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX closings_by_uid ON closings (uid);
ALTER TABLE follow_ups ADD COLUMN uid TEXT;
ALTER TABLE follow_ups ADD COLUMN origin_device TEXT;
UPDATE follow_ups SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX follow_ups_by_uid ON follow_ups (uid);
ALTER TABLE journal_entries ADD COLUMN uid TEXT;
ALTER TABLE journal_entries ADD COLUMN origin_device TEXT;
UPDATE journal_entries SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX journal_entries_by_uid ON journal_entries (uid);
ALTER TABLE fidelity_ratings ADD COLUMN uid TEXT;
ALTER TABLE fidelity_ratings ADD COLUMN origin_device TEXT;
UPDATE fidelity_ratings SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX fidelity_ratings_by_uid ON fidelity_ratings (uid);
ALTER TABLE reviews ADD COLUMN uid TEXT;
ALTER TABLE reviews ADD COLUMN origin_device TEXT;
UPDATE reviews SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX reviews_by_uid ON reviews (uid);
ALTER TABLE supervision_meetings ADD COLUMN uid TEXT;
ALTER TABLE supervision_meetings ADD COLUMN origin_device TEXT;
UPDATE supervision_meetings SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX supervision_meetings_by_uid ON supervision_meetings (uid);
ALTER TABLE supervision_meeting_courses ADD COLUMN uid TEXT;
ALTER TABLE supervision_meeting_courses ADD COLUMN origin_device TEXT;
UPDATE supervision_meeting_courses SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX supervision_meeting_courses_by_uid ON supervision_meeting_courses (uid);
ALTER TABLE audit_log ADD COLUMN uid TEXT;
ALTER TABLE audit_log ADD COLUMN origin_device TEXT;
UPDATE audit_log SET uid = uuid7(), origin_device = (SELECT device_uid FROM device);
CREATE UNIQUE INDEX audit_log_by_uid ON audit_log (uid);

CREATE TRIGGER journal_signed_no_update BEFORE UPDATE ON journal_entries
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed journal entry cannot be changed'); END;
CREATE TRIGGER session_signed_no_update BEFORE UPDATE ON sessions
WHEN OLD.state = 'signed'
BEGIN SELECT RAISE(ABORT, 'signed session cannot be changed'); END;
CREATE TRIGGER contacts_frozen BEFORE UPDATE ON contacts WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed contact cannot be changed'); END;
CREATE TRIGGER intakes_frozen BEFORE UPDATE ON intakes WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed intake cannot be changed'); END;
CREATE TRIGGER screenings_frozen BEFORE UPDATE ON screenings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed screening cannot be changed'); END;
CREATE TRIGGER sdq_frozen BEFORE UPDATE ON sdq_responses WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed SDQ cannot be changed'); END;
CREATE TRIGGER questionnaires_frozen BEFORE UPDATE ON questionnaire_responses WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed questionnaire cannot be changed'); END;
CREATE TRIGGER consents_frozen BEFORE UPDATE ON consents WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed consent cannot be changed'); END;
CREATE TRIGGER coordination_frozen BEFORE UPDATE ON coordination_entries WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed coordination entry cannot be changed'); END;
CREATE TRIGGER notifications_frozen BEFORE UPDATE ON notifications WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed notification cannot be changed'); END;
CREATE TRIGGER closings_frozen BEFORE UPDATE ON closings WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be changed'); END;
CREATE TRIGGER follow_ups_frozen BEFORE UPDATE ON follow_ups WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed follow-up cannot be changed'); END;
CREATE TRIGGER group_sessions_frozen BEFORE UPDATE ON group_sessions WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed group session cannot be changed'); END;
CREATE TRIGGER course_changes_frozen BEFORE UPDATE ON course_changes
BEGIN SELECT RAISE(ABORT, 'course changes are append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER child_changes_frozen BEFORE UPDATE ON child_changes
BEGIN SELECT RAISE(ABORT, 'master data changes are append-only'); END;

CREATE TRIGGER gps_identity_given BEFORE INSERT ON gps WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'gps: every row needs uid and origin_device'); END;
CREATE TRIGGER gps_identity_kept BEFORE UPDATE OF uid, origin_device ON gps
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'gps: a row''s uid and origin device never change'); END;
CREATE TRIGGER children_identity_given BEFORE INSERT ON children WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'children: every row needs uid and origin_device'); END;
CREATE TRIGGER children_identity_kept BEFORE UPDATE OF uid, origin_device ON children
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'children: a row''s uid and origin device never change'); END;
CREATE TRIGGER guardians_identity_given BEFORE INSERT ON guardians WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'guardians: every row needs uid and origin_device'); END;
CREATE TRIGGER guardians_identity_kept BEFORE UPDATE OF uid, origin_device ON guardians
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'guardians: a row''s uid and origin device never change'); END;
CREATE TRIGGER child_changes_identity_given BEFORE INSERT ON child_changes WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'child_changes: every row needs uid and origin_device'); END;
CREATE TRIGGER child_changes_identity_kept BEFORE UPDATE OF uid, origin_device ON child_changes
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'child_changes: a row''s uid and origin device never change'); END;
CREATE TRIGGER contacts_identity_given BEFORE INSERT ON contacts WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'contacts: every row needs uid and origin_device'); END;
CREATE TRIGGER contacts_identity_kept BEFORE UPDATE OF uid, origin_device ON contacts
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'contacts: a row''s uid and origin device never change'); END;
CREATE TRIGGER intakes_identity_given BEFORE INSERT ON intakes WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'intakes: every row needs uid and origin_device'); END;
CREATE TRIGGER intakes_identity_kept BEFORE UPDATE OF uid, origin_device ON intakes
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'intakes: a row''s uid and origin device never change'); END;
CREATE TRIGGER screenings_identity_given BEFORE INSERT ON screenings WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'screenings: every row needs uid and origin_device'); END;
CREATE TRIGGER screenings_identity_kept BEFORE UPDATE OF uid, origin_device ON screenings
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'screenings: a row''s uid and origin device never change'); END;
CREATE TRIGGER consents_identity_given BEFORE INSERT ON consents WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'consents: every row needs uid and origin_device'); END;
CREATE TRIGGER consents_identity_kept BEFORE UPDATE OF uid, origin_device ON consents
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'consents: a row''s uid and origin device never change'); END;
CREATE TRIGGER courses_identity_given BEFORE INSERT ON courses WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'courses: every row needs uid and origin_device'); END;
CREATE TRIGGER courses_identity_kept BEFORE UPDATE OF uid, origin_device ON courses
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'courses: a row''s uid and origin device never change'); END;
CREATE TRIGGER course_changes_identity_given BEFORE INSERT ON course_changes WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'course_changes: every row needs uid and origin_device'); END;
CREATE TRIGGER course_changes_identity_kept BEFORE UPDATE OF uid, origin_device ON course_changes
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'course_changes: a row''s uid and origin device never change'); END;
CREATE TRIGGER sdq_responses_identity_given BEFORE INSERT ON sdq_responses WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'sdq_responses: every row needs uid and origin_device'); END;
CREATE TRIGGER sdq_responses_identity_kept BEFORE UPDATE OF uid, origin_device ON sdq_responses
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'sdq_responses: a row''s uid and origin device never change'); END;
CREATE TRIGGER questionnaire_responses_identity_given BEFORE INSERT ON questionnaire_responses WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'questionnaire_responses: every row needs uid and origin_device'); END;
CREATE TRIGGER questionnaire_responses_identity_kept BEFORE UPDATE OF uid, origin_device ON questionnaire_responses
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'questionnaire_responses: a row''s uid and origin device never change'); END;
CREATE TRIGGER group_sessions_identity_given BEFORE INSERT ON group_sessions WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'group_sessions: every row needs uid and origin_device'); END;
CREATE TRIGGER group_sessions_identity_kept BEFORE UPDATE OF uid, origin_device ON group_sessions
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'group_sessions: a row''s uid and origin device never change'); END;
CREATE TRIGGER sessions_identity_given BEFORE INSERT ON sessions WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'sessions: every row needs uid and origin_device'); END;
CREATE TRIGGER sessions_identity_kept BEFORE UPDATE OF uid, origin_device ON sessions
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'sessions: a row''s uid and origin device never change'); END;
CREATE TRIGGER coordination_entries_identity_given BEFORE INSERT ON coordination_entries WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'coordination_entries: every row needs uid and origin_device'); END;
CREATE TRIGGER coordination_entries_identity_kept BEFORE UPDATE OF uid, origin_device ON coordination_entries
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'coordination_entries: a row''s uid and origin device never change'); END;
CREATE TRIGGER notifications_identity_given BEFORE INSERT ON notifications WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'notifications: every row needs uid and origin_device'); END;
CREATE TRIGGER notifications_identity_kept BEFORE UPDATE OF uid, origin_device ON notifications
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'notifications: a row''s uid and origin device never change'); END;
CREATE TRIGGER closings_identity_given BEFORE INSERT ON closings WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'closings: every row needs uid and origin_device'); END;
CREATE TRIGGER closings_identity_kept BEFORE UPDATE OF uid, origin_device ON closings
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'closings: a row''s uid and origin device never change'); END;
CREATE TRIGGER follow_ups_identity_given BEFORE INSERT ON follow_ups WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'follow_ups: every row needs uid and origin_device'); END;
CREATE TRIGGER follow_ups_identity_kept BEFORE UPDATE OF uid, origin_device ON follow_ups
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'follow_ups: a row''s uid and origin device never change'); END;
CREATE TRIGGER journal_entries_identity_given BEFORE INSERT ON journal_entries WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'journal_entries: every row needs uid and origin_device'); END;
CREATE TRIGGER journal_entries_identity_kept BEFORE UPDATE OF uid, origin_device ON journal_entries
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'journal_entries: a row''s uid and origin device never change'); END;
CREATE TRIGGER fidelity_ratings_identity_given BEFORE INSERT ON fidelity_ratings WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'fidelity_ratings: every row needs uid and origin_device'); END;
CREATE TRIGGER fidelity_ratings_identity_kept BEFORE UPDATE OF uid, origin_device ON fidelity_ratings
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'fidelity_ratings: a row''s uid and origin device never change'); END;
CREATE TRIGGER reviews_identity_given BEFORE INSERT ON reviews WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'reviews: every row needs uid and origin_device'); END;
CREATE TRIGGER reviews_identity_kept BEFORE UPDATE OF uid, origin_device ON reviews
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'reviews: a row''s uid and origin device never change'); END;
CREATE TRIGGER supervision_meetings_identity_given BEFORE INSERT ON supervision_meetings WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'supervision_meetings: every row needs uid and origin_device'); END;
CREATE TRIGGER supervision_meetings_identity_kept BEFORE UPDATE OF uid, origin_device ON supervision_meetings
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'supervision_meetings: a row''s uid and origin device never change'); END;
CREATE TRIGGER supervision_meeting_courses_identity_given BEFORE INSERT ON supervision_meeting_courses WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'supervision_meeting_courses: every row needs uid and origin_device'); END;
CREATE TRIGGER supervision_meeting_courses_identity_kept BEFORE UPDATE OF uid, origin_device ON supervision_meeting_courses
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'supervision_meeting_courses: a row''s uid and origin device never change'); END;
CREATE TRIGGER audit_log_identity_given BEFORE INSERT ON audit_log WHEN NEW.uid IS NULL OR NEW.origin_device IS NULL
BEGIN SELECT RAISE(ABORT, 'audit_log: every row needs uid and origin_device'); END;
CREATE TRIGGER audit_log_identity_kept BEFORE UPDATE OF uid, origin_device ON audit_log
WHEN NEW.uid IS NOT OLD.uid OR NEW.origin_device IS NOT OLD.origin_device
BEGIN SELECT RAISE(ABORT, 'audit_log: a row''s uid and origin device never change'); END;

-- The audit head is the local device's head: rows of other devices (synced later) have chains of their own.
DROP TRIGGER audit_head_follows_log;
CREATE TRIGGER audit_head_follows_log BEFORE UPDATE ON audit_head
WHEN NEW.singleton IS NOT 1
     OR NEW.last_id IS NOT (SELECT max(id) FROM audit_log WHERE origin_device = (SELECT device_uid FROM device))
     OR NEW.last_hash IS NOT (SELECT hash FROM audit_log WHERE id = NEW.last_id)
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be changed except to the device''s last row'); END;
CREATE INDEX audit_by_device ON audit_log (origin_device, id);

-- The outbox (sync.md, protocol step 1): when a record is signed, the same transaction writes its envelope here
-- (global references, the author's user name, canonical-JSON SHA-256, the author's Ed25519 signature). Drafts
-- never enter it. Rows are never removed or rewritten; only `sent_at` is set once, when the server has them.
CREATE TABLE sync_outbox (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,     -- the record's uid
    kind          TEXT NOT NULL,            -- its table
    record_id     INTEGER NOT NULL,         -- its local id (local only; the envelope names the uid)
    child_uid     TEXT,
    author        TEXT NOT NULL,            -- user name
    sealed_at     TEXT NOT NULL,            -- when its record was signed (no signed_at: not a signed record)
    envelope      TEXT NOT NULL,            -- canonical JSON, what the hash and the signature cover
    content_hash  TEXT NOT NULL,            -- sha256 hex of `envelope`
    signature     TEXT NOT NULL,            -- base64 Ed25519 by the author's key
    sent_at       TEXT,
    UNIQUE (kind, record_id)
);
CREATE TRIGGER sync_outbox_kept BEFORE DELETE ON sync_outbox
BEGIN SELECT RAISE(ABORT, 'the outbox is append-only'); END;
CREATE TRIGGER sync_outbox_frozen BEFORE UPDATE ON sync_outbox
WHEN OLD.sent_at IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.uid IS NOT OLD.uid OR NEW.kind IS NOT OLD.kind
     OR NEW.record_id IS NOT OLD.record_id OR NEW.child_uid IS NOT OLD.child_uid OR NEW.author IS NOT OLD.author
     OR NEW.sealed_at IS NOT OLD.sealed_at OR NEW.envelope IS NOT OLD.envelope
     OR NEW.content_hash IS NOT OLD.content_hash OR NEW.signature IS NOT OLD.signature
BEGIN SELECT RAISE(ABORT, 'an outbox envelope never changes'); END;

-- Events written before this schema carry the placeholder device 'local': they are this installation's, so they
-- get its device id (two laptops' 'local' would otherwise look like one device when their events meet).
DROP TRIGGER events_frozen;
UPDATE events SET device = (SELECT device_uid FROM device) WHERE device = 'local';
CREATE TRIGGER events_frozen BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
