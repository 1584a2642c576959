-- Schema 5: search-as-you-type reads its answer in list order instead of sorting every match.
-- FTS5 yields matches in rowid order, so "the first 100 in Danish alphabetical order" meant fetching and
-- sorting every child that starts with "a" (thousands at municipal scale). Here each prefix of each name
-- word and of the CPR digits is a key, stored next to the child's sort key: one index range per keystroke.
-- The prefixes come from core.search_terms through the connection's search_terms() function.
CREATE TABLE child_search_terms (
    term      TEXT NOT NULL,
    sort_key  TEXT NOT NULL,
    child_id  INTEGER NOT NULL,
    PRIMARY KEY (term, sort_key, child_id)
) WITHOUT ROWID;
CREATE INDEX child_search_terms_by_child ON child_search_terms (child_id, term);

INSERT INTO child_search_terms (term, sort_key, child_id)
SELECT t.value, c.sort_key, c.id FROM children c, json_each(search_terms(c.first_name, c.last_name, c.cpr)) t;

CREATE TRIGGER children_terms_ai AFTER INSERT ON children BEGIN
    INSERT INTO child_search_terms (term, sort_key, child_id)
    SELECT value, NEW.sort_key, NEW.id FROM json_each(search_terms(NEW.first_name, NEW.last_name, NEW.cpr));
END;
CREATE TRIGGER children_terms_au AFTER UPDATE OF first_name, last_name, cpr, sort_key ON children BEGIN
    DELETE FROM child_search_terms WHERE child_id = OLD.id;
    INSERT INTO child_search_terms (term, sort_key, child_id)
    SELECT value, NEW.sort_key, NEW.id FROM json_each(search_terms(NEW.first_name, NEW.last_name, NEW.cpr));
END;
CREATE TRIGGER children_terms_ad AFTER DELETE ON children BEGIN
    DELETE FROM child_search_terms WHERE child_id = OLD.id;
END;

DROP TRIGGER children_search_ai;
DROP TRIGGER children_search_au;
DROP TRIGGER children_search_ad;
DROP TABLE child_search;
