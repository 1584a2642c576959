-- A fresh laptop's pull writes the children's search index once, at the end, instead of child by child (issue 14,
-- docs/sync.md "Speed, measured"). Each child has about 25 prefixes in child_search_terms, a key at a random place
-- in the index and in its by-child index: at 10,000 children, written a page of 5,000 records at a time, that was
-- about 200 us of a coordinator's 0.29 ms a child, and most of the pages each commit wrote. Written sorted into the
-- index once, the same rows cost a fifth of that.
--
-- The connection's search_terms_now() says which: 1, as always, the terms are written with the child; 0 (while a
-- fresh laptop pulls: Database.search_terms_later) the child is listed here, in the same statement, and
-- storage/search_index.write_pending writes the listed children's terms and empties the list in one transaction:
-- at the pull's end, and at every unlock (a pull killed between pages leaves its list behind).
CREATE TABLE child_search_pending (
    child_id INTEGER PRIMARY KEY REFERENCES children (id) ON DELETE CASCADE
);

DROP TRIGGER children_terms_ai;
CREATE TRIGGER children_terms_ai AFTER INSERT ON children WHEN search_terms_now() BEGIN
    INSERT INTO child_search_terms (term, sort_key, child_id)
    SELECT value, NEW.sort_key, NEW.id FROM json_each(search_terms(NEW.first_name, NEW.last_name, NEW.cpr));
END;
CREATE TRIGGER children_terms_later AFTER INSERT ON children WHEN NOT search_terms_now() BEGIN
    INSERT INTO child_search_pending (child_id) VALUES (NEW.id);
END;
