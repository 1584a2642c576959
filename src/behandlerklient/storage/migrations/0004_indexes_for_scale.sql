-- Schema 4: indexes measured as missing at 10,000 children (the work queue, the activity report).
CREATE INDEX screenings_by_contact ON screenings (contact_id);
CREATE INDEX courses_by_contact ON courses (contact_id);
-- Drafts are few: partial indexes keep the start screen's "unsigned drafts" from scanning whole tables.
CREATE INDEX contacts_drafts ON contacts (created_by) WHERE signed_at IS NULL;
CREATE INDEX intakes_drafts ON intakes (author_id) WHERE signed_at IS NULL;
CREATE INDEX consents_drafts ON consents (author_id) WHERE signed_at IS NULL;
CREATE INDEX coordination_drafts ON coordination_entries (author_id) WHERE signed_at IS NULL;
CREATE INDEX notifications_drafts ON notifications (author_id) WHERE signed_at IS NULL;
CREATE INDEX closings_drafts ON closings (author_id) WHERE signed_at IS NULL;
CREATE INDEX follow_ups_open ON follow_ups (author_id) WHERE signed_at IS NULL;
CREATE INDEX intakes_group3 ON intakes (contact_id) WHERE decision_group = 3 AND signed_at IS NOT NULL;
CREATE INDEX courses_active ON courses (status) WHERE status = 'active';
