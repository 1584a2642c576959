"""Children and young people, their guardians and GPs; search by name or CPR prefixes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from behandlerklient.core.models import Child, GeneralPractitioner, Guardian
from behandlerklient.core.search_terms import query_words
from behandlerklient.core.sorting import name_key
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database
from behandlerklient.storage.events import EventRepository


class ChildRow(NamedTuple):
    """What the child list shows: enough to find the right child, nothing more. A named tuple: a keystroke
    builds a page of these, and a tuple is built in half the time of a frozen dataclass."""

    id: int
    first_name: str
    last_name: str
    cpr: str
    birth_date: date

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


_LIST_COLUMNS = "c.id, c.first_name, c.last_name, c.cpr, c.birth_date"
_ORDER = "c.sort_key, c.id"
# A child removed by sync whose row only the audit log still names (storage/sync_removal.py) is not listed.
_NOT_TOMBSTONE = "NOT EXISTS (SELECT 1 FROM sync_tombstones t WHERE t.kind = 'children' AND t.record_id = c.id)"


def _list_row(r) -> ChildRow:
    return ChildRow(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]))


def _gp_row(r) -> GeneralPractitioner:
    return GeneralPractitioner(id=r["id"], clinic_name=r["clinic_name"], doctor_name=r["doctor_name"],
                               address=r["address"], postcode=r["postcode"], city=r["city"], phone=r["phone"],
                               sor=r["sor"], ean=r["ean"])


class ChildRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_gp(self, gp: GeneralPractitioner) -> GeneralPractitioner:
        gp.id = self.db.insert("gps", {"clinic_name": gp.clinic_name, "doctor_name": gp.doctor_name,
                                       "address": gp.address, "postcode": gp.postcode, "city": gp.city,
                                       "phone": gp.phone, "sor": gp.sor, "ean": gp.ean})
        return gp

    def gps(self) -> list[GeneralPractitioner]:
        return [_gp_row(r) for r in self.db.query("SELECT * FROM gps ORDER BY clinic_name")]

    def add(self, child: Child, *, birth_date: date, sex: str, created_by: int | None, now: datetime) -> Child:
        child.id = self.db.insert("children", {
            "first_name": child.first_name, "last_name": child.last_name,
            "sort_key": name_key(child.first_name, child.last_name), "cpr": child.cpr,
            "birth_date": birth_date.isoformat(), "sex": sex, "home_municipality": child.home_municipality,
            "treating_municipality": child.treating_municipality, "gp_id": child.gp.id if child.gp else None,
            "address": child.address, "school": child.school, "created_at": to_text(now), "created_by": created_by})
        for g in child.guardians:
            self.add_guardian(child.id, g)
        return child

    def add_guardian(self, child_id: int, g: Guardian) -> Guardian:
        g.id = self.db.insert("guardians", {"child_id": child_id, "name": g.name, "relation": g.relation,
                                            "has_custody": int(g.has_custody), "phone": g.phone, "email": g.email,
                                            "address": g.address})
        return g

    def update(self, child: Child, *, birth_date: date, sex: str, now: datetime, author_id: int | None) -> None:
        """The child's own master data as edited: one event per changed column (schema 13); the children row is
        the fold's cache (the search index follows it by trigger, schema 5)."""
        values = {"first_name": child.first_name, "last_name": child.last_name,
                  "sort_key": name_key(child.first_name, child.last_name), "cpr": child.cpr,
                  "birth_date": birth_date.isoformat(), "sex": sex, "address": child.address,
                  "home_municipality": child.home_municipality, "treating_municipality": child.treating_municipality,
                  "school": child.school, "gp_id": child.gp.id if child.gp else None}
        current = self.db.query_one("SELECT * FROM children WHERE id = ?", (child.id,))
        events = EventRepository(self.db)
        for column, value in values.items():
            if current[column] != value:
                events.append(aggregate="child", subject=child.id, field=column, value=value, now=now,
                              author_id=author_id, child_id=child.id)

    def update_guardian(self, g: Guardian, *, child_id: int, now: datetime, author_id: int | None) -> None:
        """A parent's master data as edited: one event per changed column; the guardians row is the cache."""
        values = {"name": g.name, "relation": g.relation, "has_custody": int(g.has_custody), "phone": g.phone,
                  "email": g.email, "address": g.address}
        current = self.db.query_one("SELECT * FROM guardians WHERE id = ?", (g.id,))
        events = EventRepository(self.db)
        for column, value in values.items():
            if current[column] != value:
                events.append(aggregate="guardian", subject=g.id, field=column, value=value, now=now,
                              author_id=author_id, child_id=child_id)

    def find_gp(self, gp: GeneralPractitioner) -> int | None:
        """An existing GP row with exactly these details: a child moved to a known clinic reuses it."""
        return self.db.scalar(
            "SELECT id FROM gps WHERE clinic_name = ? AND doctor_name = ? AND address = ? AND postcode = ? "
            "AND city = ? AND phone = ? AND sor = ? AND ean = ? ORDER BY id",
            (gp.clinic_name, gp.doctor_name, gp.address, gp.postcode, gp.city, gp.phone, gp.sor, gp.ean))

    def cpr_owner(self, cpr: str) -> int | None:
        return self.db.scalar("SELECT id FROM children WHERE cpr = ?", (cpr,))

    def exists(self, child_id: int) -> bool:
        return self.db.scalar("SELECT 1 FROM children WHERE id = ?", (child_id,)) is not None

    def cpr_exists(self, cpr: str) -> bool:
        return self.db.scalar("SELECT 1 FROM children WHERE cpr = ?", (cpr,)) is not None

    def get(self, child_id: int) -> Child | None:
        r = self.db.query_one("SELECT * FROM children WHERE id = ?", (child_id,))
        if r is None:
            return None
        gp = None
        if r["gp_id"] is not None:
            g = self.db.query_one("SELECT * FROM gps WHERE id = ?", (r["gp_id"],))
            gp = _gp_row(g) if g else None
        guardians = [Guardian(id=g["id"], name=g["name"], relation=g["relation"], has_custody=bool(g["has_custody"]),
                              phone=g["phone"], email=g["email"], address=g["address"])
                     for g in self.db.query("SELECT * FROM guardians WHERE child_id = ? ORDER BY id", (child_id,))]
        return Child(id=r["id"], first_name=r["first_name"], last_name=r["last_name"], cpr=r["cpr"],
                     home_municipality=r["home_municipality"], treating_municipality=r["treating_municipality"],
                     gp=gp, guardians=guardians, address=r["address"], school=r["school"])

    def register(self) -> list[Any]:
        """Every child in id order (the admin CLI's list): id, first_name, last_name, cpr, birth_date, sex."""
        return self.db.query("SELECT id, first_name, last_name, cpr, birth_date, sex FROM children ORDER BY id")

    def count(self) -> int:
        return int(self.db.scalar(f"SELECT count(*) FROM children c WHERE {_NOT_TOMBSTONE}"))

    def page(self, *, offset: int, limit: int) -> list[ChildRow]:
        rows = self.db.query(f"SELECT {_LIST_COLUMNS} FROM children c WHERE {_NOT_TOMBSTONE} ORDER BY {_ORDER} "
                             "LIMIT ? OFFSET ?",
                             (limit, offset))
        return [_list_row(r) for r in rows]

    def search(self, text: str, *, offset: int = 0, limit: int = 100) -> list[ChildRow]:
        """Children matching every typed word, in list order; one index range whatever the register's size."""
        words = query_words(text)
        if not words:
            return self.page(offset=offset, limit=limit)
        others = " ".join("AND EXISTS (SELECT 1 FROM child_search_terms u WHERE u.child_id = t.child_id "
                          "AND u.term = ?)" for _ in words[1:])
        rows = self.db.query(
            f"SELECT {_LIST_COLUMNS} FROM child_search_terms t JOIN children c ON c.id = t.child_id "
            f"WHERE t.term = ? {others} ORDER BY t.sort_key, t.child_id LIMIT ? OFFSET ?",
            (*words, limit, offset))
        return [_list_row(r) for r in rows]
