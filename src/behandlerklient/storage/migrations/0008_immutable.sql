-- Schema 8: a signed record cannot be rewritten by any statement, whatever the connection's settings.
-- The freeze triggers of schemas 1 and 2 guard UPDATE and DELETE, but REPLACE (INSERT OR REPLACE, REPLACE INTO,
-- UPDATE OR REPLACE, an upsert under OR REPLACE) deletes a conflicting row without firing delete triggers unless
-- recursive_triggers is on. A BEFORE INSERT trigger runs before the conflict is resolved, so it sees the signed
-- row still there and refuses; ids never change, so no UPDATE can move a draft onto a signed row's key; the
-- one other UNIQUE key on a signed table (closings.course_id) gets the same guard. Three tables had no delete
-- guard at all. `verify` compares every trigger with the one these migrations create.

-- No replacing INSERT of a signed row (the REPLACE's implicit delete would otherwise pass unguarded).
CREATE TRIGGER journal_signed_no_replace BEFORE INSERT ON journal_entries
WHEN EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed journal entry cannot be replaced'); END;
CREATE TRIGGER session_signed_no_replace BEFORE INSERT ON sessions
WHEN EXISTS (SELECT 1 FROM sessions WHERE id = NEW.id AND state = 'signed')
BEGIN SELECT RAISE(ABORT, 'signed session cannot be replaced'); END;
CREATE TRIGGER contacts_not_replaced BEFORE INSERT ON contacts
WHEN EXISTS (SELECT 1 FROM contacts WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed contact cannot be replaced'); END;
CREATE TRIGGER intakes_not_replaced BEFORE INSERT ON intakes
WHEN EXISTS (SELECT 1 FROM intakes WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed intake cannot be replaced'); END;
CREATE TRIGGER screenings_not_replaced BEFORE INSERT ON screenings
WHEN EXISTS (SELECT 1 FROM screenings WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed screening cannot be replaced'); END;
CREATE TRIGGER sdq_not_replaced BEFORE INSERT ON sdq_responses
WHEN EXISTS (SELECT 1 FROM sdq_responses WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed SDQ cannot be replaced'); END;
CREATE TRIGGER questionnaires_not_replaced BEFORE INSERT ON questionnaire_responses
WHEN EXISTS (SELECT 1 FROM questionnaire_responses WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed questionnaire cannot be replaced'); END;
CREATE TRIGGER consents_not_replaced BEFORE INSERT ON consents
WHEN EXISTS (SELECT 1 FROM consents WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed consent cannot be replaced'); END;
CREATE TRIGGER coordination_not_replaced BEFORE INSERT ON coordination_entries
WHEN EXISTS (SELECT 1 FROM coordination_entries WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed coordination entry cannot be replaced'); END;
CREATE TRIGGER notifications_not_replaced BEFORE INSERT ON notifications
WHEN EXISTS (SELECT 1 FROM notifications WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed notification cannot be replaced'); END;
CREATE TRIGGER closings_not_replaced BEFORE INSERT ON closings
WHEN EXISTS (SELECT 1 FROM closings WHERE (id = NEW.id OR course_id = NEW.course_id) AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be replaced'); END;
CREATE TRIGGER follow_ups_not_replaced BEFORE INSERT ON follow_ups
WHEN EXISTS (SELECT 1 FROM follow_ups WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed follow-up cannot be replaced'); END;
CREATE TRIGGER group_sessions_not_replaced BEFORE INSERT ON group_sessions
WHEN EXISTS (SELECT 1 FROM group_sessions WHERE id = NEW.id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed group session cannot be replaced'); END;
CREATE TRIGGER course_changes_not_replaced BEFORE INSERT ON course_changes
WHEN EXISTS (SELECT 1 FROM course_changes WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'course changes are append-only'); END;
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A record's id never changes, so UPDATE OR REPLACE cannot move a draft onto a signed row. No "OF id":
-- SET rowid = ... names no column and would not fire a column trigger.
CREATE TRIGGER journal_id_kept BEFORE UPDATE ON journal_entries WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a journal entry''s id never changes'); END;
CREATE TRIGGER session_id_kept BEFORE UPDATE ON sessions WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a session''s id never changes'); END;
CREATE TRIGGER contacts_id_kept BEFORE UPDATE ON contacts WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a contact''s id never changes'); END;
CREATE TRIGGER intakes_id_kept BEFORE UPDATE ON intakes WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'an intake''s id never changes'); END;
CREATE TRIGGER screenings_id_kept BEFORE UPDATE ON screenings WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a screening''s id never changes'); END;
CREATE TRIGGER sdq_id_kept BEFORE UPDATE ON sdq_responses WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'an SDQ''s id never changes'); END;
CREATE TRIGGER questionnaires_id_kept BEFORE UPDATE ON questionnaire_responses WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a questionnaire''s id never changes'); END;
CREATE TRIGGER consents_id_kept BEFORE UPDATE ON consents WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a consent''s id never changes'); END;
CREATE TRIGGER coordination_id_kept BEFORE UPDATE ON coordination_entries WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a coordination entry''s id never changes'); END;
CREATE TRIGGER notifications_id_kept BEFORE UPDATE ON notifications WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a notification''s id never changes'); END;
CREATE TRIGGER closings_id_kept BEFORE UPDATE ON closings WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a closing''s id never changes'); END;
CREATE TRIGGER follow_ups_id_kept BEFORE UPDATE ON follow_ups WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a follow-up''s id never changes'); END;
CREATE TRIGGER group_sessions_id_kept BEFORE UPDATE ON group_sessions WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'a group session''s id never changes'); END;

-- A draft closing cannot take over a signed closing's course (closings.course_id is UNIQUE).
CREATE TRIGGER closings_course_kept BEFORE UPDATE ON closings
WHEN NEW.course_id IS NOT OLD.course_id
     AND EXISTS (SELECT 1 FROM closings WHERE course_id = NEW.course_id AND signed_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'signed closing cannot be replaced'); END;

-- The delete guards schema 2 left out.
CREATE TRIGGER questionnaires_kept BEFORE DELETE ON questionnaire_responses WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed questionnaire cannot be deleted'); END;
CREATE TRIGGER follow_ups_kept BEFORE DELETE ON follow_ups WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed follow-up cannot be deleted'); END;
CREATE TRIGGER group_sessions_kept BEFORE DELETE ON group_sessions WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed group session cannot be deleted'); END;

-- The audit head only ever moves to the log's last row: it cannot be removed, replaced or wound back.
CREATE TRIGGER audit_head_kept BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
CREATE TRIGGER audit_head_not_replaced BEFORE INSERT ON audit_head
WHEN EXISTS (SELECT 1 FROM audit_head)
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be replaced'); END;
CREATE TRIGGER audit_head_follows_log BEFORE UPDATE ON audit_head
WHEN NEW.singleton IS NOT 1
     OR NEW.last_id IS NOT (SELECT max(id) FROM audit_log)
     OR NEW.last_hash IS NOT (SELECT hash FROM audit_log WHERE id = NEW.last_id)
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be changed except to the log''s last row'); END;
