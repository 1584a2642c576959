-- Authorship: only a draft's author signs it. The services refuse anyone else; these triggers make sure no
-- code path, script or import can get around it. The journal entry a signing writes carries the signer, so
-- "signer = author" is checked where the entry is inserted: its author must be the record's author.
-- A correction (supersedes_id set) is a new entry by whoever corrects, and is not bound to the original's author.

-- A session's journal entry (individual, group or absence) has the session's author.
CREATE TRIGGER journal_session_author BEFORE INSERT ON journal_entries
WHEN NEW.session_id IS NOT NULL AND NEW.supersedes_id IS NULL
     AND NEW.author_id IS NOT (SELECT author_id FROM sessions WHERE id = NEW.session_id)
BEGIN SELECT RAISE(ABORT, 'a session''s journal entry must have the session''s author'); END;

-- A signed pathway record's journal entry has the record's author (a planned follow-up gets its author when
-- someone writes it, before signing).
CREATE TRIGGER journal_record_author BEFORE INSERT ON journal_entries
WHEN NEW.supersedes_id IS NULL AND NEW.source_id IS NOT NULL AND NEW.author_id IS NOT (CASE NEW.source
        WHEN 'contact' THEN (SELECT created_by FROM contacts WHERE id = NEW.source_id)
        WHEN 'intake' THEN (SELECT author_id FROM intakes WHERE id = NEW.source_id)
        WHEN 'screening' THEN (SELECT author_id FROM screenings WHERE id = NEW.source_id)
        WHEN 'consent' THEN (SELECT author_id FROM consents WHERE id = NEW.source_id)
        WHEN 'coordination' THEN (SELECT author_id FROM coordination_entries WHERE id = NEW.source_id)
        WHEN 'notification' THEN (SELECT author_id FROM notifications WHERE id = NEW.source_id)
        WHEN 'closing' THEN (SELECT author_id FROM closings WHERE id = NEW.source_id)
        WHEN 'follow_up' THEN (SELECT author_id FROM follow_ups WHERE id = NEW.source_id)
        WHEN 'group_session' THEN (SELECT author_id FROM group_sessions WHERE id = NEW.source_id)
        ELSE NEW.author_id END)
BEGIN SELECT RAISE(ABORT, 'a signed record''s journal entry must have the record''s author'); END;

-- A draft keeps its author: nobody takes over another clinician's draft to sign it as their own.
CREATE TRIGGER sessions_author_kept BEFORE UPDATE OF author_id ON sessions
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a session''s author cannot be changed'); END;
CREATE TRIGGER group_sessions_author_kept BEFORE UPDATE OF author_id ON group_sessions
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a group session''s author cannot be changed'); END;
CREATE TRIGGER contacts_author_kept BEFORE UPDATE OF created_by ON contacts
WHEN OLD.created_by IS NOT NULL AND NEW.created_by IS NOT OLD.created_by
BEGIN SELECT RAISE(ABORT, 'a contact''s author cannot be changed'); END;
CREATE TRIGGER intakes_author_kept BEFORE UPDATE OF author_id ON intakes
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'an intake''s author cannot be changed'); END;
CREATE TRIGGER screenings_author_kept BEFORE UPDATE OF author_id ON screenings
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a screening''s author cannot be changed'); END;
CREATE TRIGGER consents_author_kept BEFORE UPDATE OF author_id ON consents
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a consent''s author cannot be changed'); END;
CREATE TRIGGER coordination_author_kept BEFORE UPDATE OF author_id ON coordination_entries
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a coordination entry''s author cannot be changed'); END;
CREATE TRIGGER notifications_author_kept BEFORE UPDATE OF author_id ON notifications
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a notification''s author cannot be changed'); END;
CREATE TRIGGER closings_author_kept BEFORE UPDATE OF author_id ON closings
WHEN NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a closing''s author cannot be changed'); END;
CREATE TRIGGER follow_ups_author_kept BEFORE UPDATE OF author_id ON follow_ups
WHEN OLD.author_id IS NOT NULL AND NEW.author_id IS NOT OLD.author_id
BEGIN SELECT RAISE(ABORT, 'a follow-up''s author cannot be changed'); END;

-- A follow-up the system planned has no author until someone writes it; it is never signed without one.
CREATE TRIGGER follow_ups_signed_by_author BEFORE UPDATE OF signed_at ON follow_ups
WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL AND NEW.author_id IS NULL
BEGIN SELECT RAISE(ABORT, 'a follow-up is signed by its author'); END;
