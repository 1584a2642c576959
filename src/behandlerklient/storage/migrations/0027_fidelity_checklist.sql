-- A fidelity review's checklist is one event (issue 14, docs/sync.md "Speed, measured"): field 'checklist' of
-- subject '<session uid>:<self|supervisor>', its value the rater, the time and every item rated in that act. Until
-- now each item was its own event (field 'rating', subject '<session uid>:<kind>:<item key>'): more than half of
-- a supervisor's records, each with its own signature to check on the server and on every laptop. Those events
-- stay valid and keep being folded.
--
-- A rating row now keeps the order (hlc, device, uid, joined by the unit separator, which sorts before every
-- character of the three) of the event that wrote it, and an event writes an item only when it is later than that.
-- So the rows are the same whatever order the events arrive in, and whether an item was rated alone or in a
-- checklist: each item holds the last event that rated it.
ALTER TABLE fidelity_ratings ADD COLUMN event_order TEXT;

UPDATE fidelity_ratings SET event_order = (
    SELECT max(e.hlc || char(31) || coalesce(e.device, '') || char(31) || e.uid) FROM events e
    WHERE e.aggregate = 'fidelity' AND e.field = 'rating'
      AND e.subject = fidelity_ratings.session_id || ':' || fidelity_ratings.rater_kind || ':' || fidelity_ratings.item_key);
