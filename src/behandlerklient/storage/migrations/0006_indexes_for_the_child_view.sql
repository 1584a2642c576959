-- Schema 6: lookups measured as table scans at 10,000 children (the timeline of a child view scanned every
-- closing and follow-up; signing a group session scanned every session; closing a course every SDQ).
CREATE INDEX closings_by_child ON closings (child_id);
CREATE INDEX follow_ups_by_child ON follow_ups (child_id);
CREATE INDEX follow_ups_by_course ON follow_ups (course_id);
CREATE INDEX sessions_by_group ON sessions (group_session_id) WHERE group_session_id IS NOT NULL;
CREATE INDEX sdq_by_course ON sdq_responses (course_id) WHERE course_id IS NOT NULL;
