"""The children's search index written for many children at once (migration 0026): while a fresh laptop pulls,
a child's search terms wait in child_search_pending (`Database.search_terms_later`), and `write_pending` writes them
all, sorted, in one statement. A child whose name changes meanwhile has its terms written by the update trigger;
the insert here leaves those as they are."""

from __future__ import annotations

from behandlerklient.storage.database import Database


def pending(db: Database) -> bool:
    """Whether any child waits for its search terms."""
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM child_search_pending)"))


def write_pending(db: Database) -> int:
    """The waiting children's search terms, in one transaction with the list emptied; the number of children."""
    if not pending(db):
        return 0
    with db.transaction():
        count = int(db.scalar("SELECT count(*) FROM child_search_pending"))
        # In the index's own order: into a small or empty index (a fresh laptop's) each row lands after the last.
        db.execute("INSERT OR IGNORE INTO child_search_terms (term, sort_key, child_id) "
                   "SELECT t.value, c.sort_key, c.id FROM child_search_pending p JOIN children c ON c.id = p.child_id, "
                   "json_each(search_terms(c.first_name, c.last_name, c.cpr)) t ORDER BY 1, 2, 3")
        db.execute("DELETE FROM child_search_pending")
    return count
