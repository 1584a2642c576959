-- Events name what they change by global identity, so an event made on another laptop means the same record here.
-- `subject_uid` is the subject's global name: the uid of the course, review, follow-up, child or parent; for a
-- fidelity rating '<session uid>:<rater kind>:<item>'; a setting's key; a resolution's conflict key. `child_uid`
-- is the child's uid. The local `subject` and `child_id` stay, filled from these where an event is stored (the
-- cache writers and the per-child listing read them through their indexes).
-- A reference inside an event's value is global too: a course's contact and a child's GP by uid, the supervisor
-- of a decision and the rater of a fidelity rating by user name (users are global by name).
-- Resolutions written before this schema keep the key they were written with, built from local ids: kept as they
-- are, they no longer match a conflict, which shows again to be resolved by a signed resolution (schema 13's
-- unsigned resolutions came in the same release, so no installation in use holds one).

ALTER TABLE events ADD COLUMN subject_uid TEXT;
ALTER TABLE events ADD COLUMN child_uid TEXT;

DROP TRIGGER events_frozen;
UPDATE events SET subject_uid = CASE aggregate
    WHEN 'course' THEN (SELECT uid FROM courses WHERE id = CAST(events.subject AS INTEGER))
    WHEN 'review' THEN (SELECT uid FROM reviews WHERE id = CAST(events.subject AS INTEGER))
    WHEN 'follow_up' THEN (SELECT uid FROM follow_ups WHERE id = CAST(events.subject AS INTEGER))
    WHEN 'child' THEN (SELECT uid FROM children WHERE id = CAST(events.subject AS INTEGER))
    WHEN 'guardian' THEN (SELECT uid FROM guardians WHERE id = CAST(events.subject AS INTEGER))
    WHEN 'fidelity' THEN (SELECT uid FROM sessions
                          WHERE id = CAST(substr(events.subject, 1, instr(events.subject, ':') - 1) AS INTEGER))
                         || substr(events.subject, instr(events.subject, ':'))
    ELSE subject END,
    child_uid = (SELECT uid FROM children WHERE id = events.child_id);
-- A subject whose row is gone (none should be: shared rows are never deleted) keeps a name that cannot collide.
UPDATE events SET subject_uid = 'local:' || aggregate || ':' || subject WHERE subject_uid IS NULL;
UPDATE events SET value = coalesce(json_quote((SELECT uid FROM contacts WHERE id = json_extract(events.value, '$'))),
                                   'null')
WHERE aggregate = 'course' AND field = 'contact_id' AND value != 'null';
UPDATE events SET value = coalesce(json_quote((SELECT uid FROM gps WHERE id = json_extract(events.value, '$'))), 'null')
WHERE aggregate = 'child' AND field = 'gp_id' AND value != 'null';
UPDATE events SET value = json_set(value, '$.supervisor_id',
                                   (SELECT username FROM users WHERE id = json_extract(events.value, '$.supervisor_id')))
WHERE aggregate = 'review' AND field = 'decision';
UPDATE events SET value = json_set(value, '$.rater_id',
                                   (SELECT username FROM users WHERE id = json_extract(events.value, '$.rater_id')))
WHERE aggregate = 'fidelity' AND field = 'rating';
CREATE TRIGGER events_frozen BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TRIGGER events_named_globally BEFORE INSERT ON events WHEN NEW.subject_uid IS NULL
    OR (NEW.child_id IS NOT NULL AND NEW.child_uid IS NOT (SELECT uid FROM children WHERE id = NEW.child_id))
BEGIN SELECT RAISE(ABORT, 'an event names its subject and child by global id'); END;

-- The fold and the conflict checks read a field's events by its global subject.
CREATE INDEX events_by_subject_uid ON events (aggregate, subject_uid, field, hlc);
