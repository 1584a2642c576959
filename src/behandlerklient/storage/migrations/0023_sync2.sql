-- Sync, second part (issue 14; docs/sync.md). Shared values travel as their events: every event appended here
-- (but a setting's, which stays on this installation) goes on the sync work list, and the commit that wrote it
-- puts its envelope, signed by its author, into the outbox. A fidelity rating's row is the fold's cache of its
-- events on every laptop, so the row itself no longer travels (its events do). And the server's acknowledged head
-- of this device's audit chain is kept, so `verify` names audit rows removed or rewritten after the server had
-- them.
CREATE TRIGGER sync_pending_events AFTER INSERT ON events WHEN NEW.aggregate <> 'setting'
BEGIN INSERT OR IGNORE INTO sync_pending (kind, record_id) VALUES ('events', NEW.id); END;

DROP TRIGGER sync_pending_fidelity_ratings;
DELETE FROM sync_pending WHERE kind = 'fidelity_ratings';

ALTER TABLE sync_state ADD COLUMN audit_acked_id INTEGER;   -- audit_log.id of the server's head for this device
ALTER TABLE sync_state ADD COLUMN audit_acked_hash TEXT;    -- its chain hash, as the server holds it
