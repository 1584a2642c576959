-- The national monitoring data set (docs/monitoring.md): what it will need, recorded from the first contact on.
-- Every column is on its record, so a signed record's freeze triggers and signature cover it; '' means "not
-- recorded" (records made before this schema, or a field left empty).

-- The reason for contact as the municipality's categories (a setting: contact_reasons), comma-separated codes,
-- beside the free-text concern; and the delivering unit (setting: delivering_unit) as it was when the contact
-- was made, so renaming a team later does not rewrite history.
ALTER TABLE contacts ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN delivering_unit TEXT NOT NULL DEFAULT '';

-- Where a group-2 child was guided, as a category beside the free text (core/monitoring.py GUIDED_TO).
ALTER TABLE intakes ADD COLUMN guided_kind TEXT NOT NULL DEFAULT '';

-- A referral to child and adolescent psychiatry made during a course is a coordination entry with BUP.
ALTER TABLE coordination_entries ADD COLUMN bup_referral INTEGER NOT NULL DEFAULT 0 CHECK (bup_referral IN (0, 1));

-- Why a course ended (core/monitoring.py END_REASONS), beside completed / dropped out.
ALTER TABLE closings ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';

-- The follow-up talk's result: the effect judged then (the closing's scale), beside relapse and more needed.
ALTER TABLE follow_ups ADD COLUMN effect TEXT NOT NULL DEFAULT '';

-- The key of the monitoring export's pseudonyms: random per installation, never leaves the encrypted database,
-- so a pseudonym is stable across this installation's exports and cannot be recomputed from a CPR number by
-- anyone without it (an HMAC, not a plain hash).
CREATE TABLE monitoring_key (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    secret  BLOB NOT NULL CHECK (length(secret) = 32)
);
INSERT INTO monitoring_key (id, secret) VALUES (1, randomblob(32));
