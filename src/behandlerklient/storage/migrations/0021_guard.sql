-- Schema 17: clinical guard-rails (issue 15). A session's risk check while a suicide risk is active; the
-- therapist's own decision whether the GP letter mentions a notification; a course started outside the
-- screening pathway ("anden vej"); and, in the database as in the services, a reason for every intake or
-- screening outcome that starts no course ("no course" itself has its trigger since schema 2).

-- The risk check the session editor asks for while the child's latest assessment is moderate or higher: a new
-- assessment (a lower level ends the active risk), signed with the session.
ALTER TABLE sessions ADD COLUMN risk_level TEXT CHECK (risk_level IN ('none', 'low', 'moderate', 'high', 'acute'));
ALTER TABLE sessions ADD COLUMN risk_note TEXT NOT NULL DEFAULT '';

-- A notification is mentioned to the GP only when the therapist decided so; the decision is signed with the
-- screening's outcome.
ALTER TABLE screenings ADD COLUMN notification_to_gp INTEGER NOT NULL DEFAULT 0 CHECK (notification_to_gp IN (0, 1));

-- How the course came about: through the screening, or another way (a referral the memo allows, a re-start).
ALTER TABLE courses ADD COLUMN entry_route TEXT NOT NULL DEFAULT 'screening'
    CHECK (entry_route IN ('screening', 'other_way'));
ALTER TABLE courses ADD COLUMN entry_note TEXT NOT NULL DEFAULT '';
CREATE INDEX courses_other_way ON courses (start_date) WHERE entry_route = 'other_way';

CREATE TRIGGER screening_outcome_reason BEFORE UPDATE OF signed_at ON screenings
WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL
     AND NEW.outcome IN ('bup_referral', 'guidance', 'notification') AND trim(NEW.outcome_reason) = ''
BEGIN SELECT RAISE(ABORT, 'an outcome that starts no course requires a reason'); END;

CREATE TRIGGER intake_decision_reason BEFORE UPDATE OF signed_at ON intakes
WHEN OLD.signed_at IS NULL AND NEW.signed_at IS NOT NULL AND NEW.decision_group IS NOT NULL
     AND trim(NEW.reasoning) = ''
BEGIN SELECT RAISE(ABORT, 'an intake decision requires its reasoning'); END;
