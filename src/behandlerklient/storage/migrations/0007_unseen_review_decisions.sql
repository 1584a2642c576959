-- Schema 7: a therapist's start screen lists supervisors' decisions not yet seen; without this partial index
-- SQLite walked every session to find them.
CREATE INDEX reviews_unseen ON reviews (session_id) WHERE status != 'pending' AND seen_at IS NULL;
