-- Checklist events (schema 27) that a laptop stored before it had schema 27: pulled from a colleague's newer laptop,
-- they were kept (every event is), but nothing folded them into fidelity_ratings, and the fold runs only when an
-- event arrives. Folded here as storage/event_folds.fidelity_rows folds them, with the same rule (a row is
-- rewritten only by a later event), so the result does not depend on when the laptop was updated. An item of
-- another shape than the fold takes is left out, as the fold refuses it, so that no value stops the update.
INSERT INTO fidelity_ratings (session_id, rater_id, rater_kind, item_key, item_label, adherence, competence, comment,
                              rated_at, event_order, uid, origin_device)
SELECT CAST(substr(e.subject, 1, instr(e.subject, ':') - 1) AS INTEGER),
       coalesce((SELECT u.id FROM users u WHERE u.username = json_extract(e.value, '$.rater_id')), e.author_id),
       substr(e.subject, instr(e.subject, ':') + 1),
       json_extract(i.value, '$.key'), json_extract(i.value, '$.label'), json_extract(i.value, '$.adherence'),
       json_extract(i.value, '$.competence'), json_extract(i.value, '$.comment'), json_extract(e.value, '$.rated_at'),
       e.hlc || char(31) || coalesce(e.device, '') || char(31) || e.uid, uuid7(), (SELECT device_uid FROM device)
FROM events e, json_each(e.value, '$.items') i
WHERE e.aggregate = 'fidelity' AND e.field = 'checklist' AND json_type(e.value, '$.items') = 'array'
  AND substr(e.subject, instr(e.subject, ':') + 1) IN ('self', 'supervisor')
  AND EXISTS (SELECT 1 FROM sessions s WHERE s.id = CAST(substr(e.subject, 1, instr(e.subject, ':') - 1) AS INTEGER))
  AND coalesce((SELECT u.id FROM users u WHERE u.username = json_extract(e.value, '$.rater_id')), e.author_id) IS NOT NULL
  AND json_type(e.value, '$.rated_at') = 'text' AND i.type = 'object'
  AND json_type(i.value, '$.key') = 'text' AND json_type(i.value, '$.label') = 'text'
  AND json_type(i.value, '$.comment') = 'text'
  AND json_extract(i.value, '$.adherence') IN ('yes', 'partly', 'no', 'not_relevant')
  AND (json_type(i.value, '$.competence') = 'null'
       OR (json_type(i.value, '$.competence') = 'integer' AND json_extract(i.value, '$.competence') BETWEEN 0 AND 6))
ORDER BY e.hlc, e.device, e.uid
ON CONFLICT (session_id, rater_kind, item_key) DO UPDATE SET rater_id = excluded.rater_id,
    item_label = excluded.item_label, adherence = excluded.adherence, competence = excluded.competence,
    comment = excluded.comment, rated_at = excluded.rated_at, event_order = excluded.event_order
WHERE fidelity_ratings.event_order IS NULL OR excluded.event_order > fidelity_ratings.event_order;
