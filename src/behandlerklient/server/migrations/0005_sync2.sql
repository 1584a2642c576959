-- Shared values travel as events (docs/sync.md "Events"): one record kind per kind of thing an event changes,
-- named <aggregate>_events, so each is read and written under the rule of the record it changes. A course's and a
-- child's or parent's master data are register (a coordinator reads them; a coordinator keeps a child's master
-- data); a review's decision and "seen" and a fidelity rating are supervision records; a follow-up's state and a
-- conflict's resolution are clinical (neither in a list below: caseload and shared only, a supervisor only with
-- the clinical-text switch, a coordinator never). Settings' events never leave the laptop.
SET LOCAL ROLE bk_owner;

CREATE OR REPLACE FUNCTION bk.register_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['children', 'guardians', 'gps', 'contacts', 'consents', 'courses', 'course_changes',
                   'child_changes', 'disclosures', 'course_events', 'child_events', 'guardian_events'] $$;
CREATE OR REPLACE FUNCTION bk.coordinator_writes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['children', 'guardians', 'gps', 'contacts', 'child_changes', 'disclosures', 'child_events',
                   'guardian_events'] $$;
CREATE OR REPLACE FUNCTION bk.supervision_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['fidelity_ratings', 'reviews', 'supervision_meetings', 'review_events', 'fidelity_events'] $$;
