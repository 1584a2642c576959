"""The national monitoring export (docs/monitoring.md) on synthetic demo data: its columns are the data
dictionary's, the pseudonymised file holds no CPR number or name, the CPR-keyed file opens only with the
recipient's private key and its disclosure is audited, and the status memo's figures recompute from the stored rows."""

import csv
import hashlib
import io
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.monitoring import GUIDED_TO
from behandlerklient.reports import monitoring as rows_mod
from behandlerklient.security import recipient_box
from behandlerklient.services.demo import demo
from behandlerklient.services.reports import monitoring, reports
from behandlerklient.storage.monitoring import pseudonym_key

FROM, TO = date(2025, 11, 23), date(2026, 11, 22)
DOC = Path(__file__).resolve().parents[2] / "docs" / "monitoring.md"


@pytest.fixture(scope="module")
def mon_ws(tmp_path_factory):
    from behandlerklient.security import kdf
    from behandlerklient.services.workspace import workspace

    old = kdf._default
    kdf._default = kdf.ScryptParams(n=2**10)
    path = tmp_path_factory.mktemp("mon") / "m.db"
    ws = workspace.create(path=path, username="leder", full_name="Lea Leder", passphrase="hvid-kajak-regnbue-7",
                          role="admin")
    demo.generate(ws=ws, children_count=120, seed=9, today=date(2026, 11, 23))
    yield ws
    ws.close()
    kdf._default = old


@pytest.fixture(scope="module")
def tables(mon_ws):
    """The tables as stored (local ids), read directly: the test's own count, apart from the code under test."""
    return {t: [dict(r) for r in mon_ws.db.query(f"SELECT * FROM {t}")]
            for t in ("children", "guardians", "contacts", "intakes", "courses", "sdq_responses",
                      "coordination_entries", "screenings", "sessions", "users")}


def _csv(data: bytes) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


def dictionary_columns() -> list[str]:
    """The dictionary table's column names in order, its {phase}/{informant}/{01..25} patterns expanded."""
    text = DOC.read_text(encoding="utf-8").split("## Data dictionary", 1)[1].split("\n## ", 1)[0]
    names = [m.group(1) for m in re.finditer(r"^\| ([a-z_{}.0-9]+) \|", text, re.MULTILINE) if m.group(1) != "column"]
    out: list[str] = []
    for name in names:
        expanded = [name]
        for key, values in (("{phase}", ("screening", "closing", "follow_up")),
                            ("{informant}", ("parent", "teacher", "self"))):
            expanded = [e.replace(key, v) for e in expanded for v in (values if key in e else ("",))]
        expanded = [e.replace("{01..25}", f"{n:02d}") for e in expanded for n in
                    (range(1, 26) if "{01..25}" in e else (0,))]
        out += expanded
    # The dictionary lists patterns one after the other; the file groups them per phase and informant.
    return out


def test_csv_and_json_columns_are_the_dictionarys(mon_ws) -> None:
    documented = dictionary_columns()
    header, rows = _csv(monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="csv"))
    assert sorted(header) == sorted(c for c in documented if c != "cpr")
    assert header[:3] == ["row_id", "row_kind", "child_pseudonym"] and len(header) == 40 + 252
    assert rows and all(set(r) == set(header) for r in rows)
    data = json.loads(monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="json"))
    assert data["columns"] == header and len(data["rows"]) == len(rows)
    assert all(list(r) == header for r in data["rows"])
    assert list(rows_mod.CPR_COLUMNS) == ["row_id", "cpr", *header[1:]] and "cpr" in documented


def test_no_cpr_or_name_in_the_pseudonymised_file(mon_ws, tables) -> None:
    for fmt in ("csv", "json"):
        text = monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt=fmt).decode("utf-8-sig")
        assert not re.search(r"\d{6}-?\d{4}", text)  # nothing shaped like a CPR number
        for child in tables["children"]:
            assert child["cpr"] not in text
            assert hashlib.sha256(child["cpr"].encode()).hexdigest()[:16] not in text
        words = {w for c in tables["children"] for w in (c["first_name"], c["last_name"])}
        words |= {w for g in tables["guardians"] for w in g["name"].split()}
        found = set(re.findall(r"[A-Za-zÆØÅæøå]+", text))
        assert not (words & found), words & found


def test_pseudonyms_are_keyed_and_stable_per_installation(mon_ws, tables) -> None:
    first = _csv(monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="csv"))[1]
    again = _csv(monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="csv"))[1]
    assert [r["child_pseudonym"] for r in first] == [r["child_pseudonym"] for r in again]
    assert len({r["row_id"] for r in first}) == len(first)
    key = pseudonym_key(mon_ws.db)
    assert len(key) == 32 and key != bytes(32)
    in_period = next(c["child_id"] for c in tables["contacts"]
                     if FROM.isoformat() <= c["contact_date"] <= TO.isoformat())
    cpr = next(c["cpr"] for c in tables["children"] if c["id"] == in_period)
    mine = rows_mod.pseudonym(key, "child", cpr)
    assert mine in {r["child_pseudonym"] for r in first}
    # Not the CPR number, not a plain hash of it, and another installation's key gives another pseudonym.
    assert mine != rows_mod.pseudonym(bytes(32), "child", cpr) and not re.search(r"\d", mine) and len(mine) == 16
    assert mine not in (cpr, hashlib.sha256(cpr.encode()).hexdigest()[:16])


def test_recorded_fields_are_exported_item_by_item(mon_ws, tables) -> None:
    _header, rows = _csv(monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="csv"))
    with_course = [r for r in rows if r["course_status"] in ("completed", "dropped_out")]
    assert with_course and all(r["course_end_reason"] for r in with_course)
    assert any(r["contact_reasons"] for r in rows) and all(r["home_municipality_code"] for r in rows)
    assert {r["delivering_unit"] for r in rows} == {demo.V.DELIVERING_UNIT}
    assert any(r["follow_up_effect"] for r in rows)
    # The baseline SDQ of a completed course, item by item, is the stored answer string.
    sdq = [s for s in tables["sdq_responses"] if s["phase"] == "baseline" and s["informant"] == "parent"
           and s["signed_at"]]
    stored = {s["answered_on"]: s["answers"] for s in sdq}
    r = next(r for r in with_course if r["sdq_screening_parent_date"] in stored)
    items = "".join(r[f"sdq_screening_parent_item{n:02d}"] or "." for n in range(1, 26))
    assert items == stored[r["sdq_screening_parent_date"]] and r["sdq_screening_parent_total"].isdigit()
    referrals = [c for c in tables["coordination_entries"] if c["bup_referral"] == 1 and c["signed_at"]]
    assert sum(int(r["bup_referrals_during_course"] or 0) for r in rows) <= len(referrals)


def _keypair() -> tuple[X25519PrivateKey, bytes]:
    private = X25519PrivateKey.generate()
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, pem


def test_cpr_variant_opens_only_with_the_recipients_key_and_is_audited(mon_ws, tables) -> None:
    private, pem = _keypair()
    before = mon_ws.db.scalar("SELECT max(id) FROM audit_log")
    sealed = monitoring.render_for_register(ws=mon_ws, start=FROM, end=TO, fmt="csv", recipient_key=pem,
                                            recipient="Sundhedsdatastyrelsen", basis="Indberetningspligt (test)")
    cprs = {c["cpr"] for c in tables["children"]}
    assert not any(c.encode() in sealed for c in cprs) and sealed.startswith(recipient_box.MAGIC)
    header, rows = _csv(recipient_box.open_sealed(sealed, private))
    assert header[:2] == ["row_id", "cpr"] and {r["cpr"] for r in rows} <= cprs and rows
    with pytest.raises(ValueError, match="anden modtagers"):
        recipient_box.open_sealed(sealed, X25519PrivateKey.generate())
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(ValueError, match="ændret fil"):
        recipient_box.open_sealed(bytes(tampered), private)
    logged = mon_ws.db.query("SELECT action, child_id, object, detail FROM audit_log WHERE id > ? "
                             "AND object = 'report:monitoring-cpr'", (before,))
    whole = [r for r in logged if r["child_id"] is None]
    assert len(whole) == 1 and "Sundhedsdatastyrelsen" in whole[0]["detail"]
    assert hashlib.sha256(sealed).hexdigest() in whole[0]["detail"] and whole[0]["action"] == "export"
    by_id = {c["id"]: c["cpr"] for c in tables["children"]}
    assert {by_id[r["child_id"]] for r in logged if r["child_id"] is not None} == {r["cpr"] for r in rows}


def test_who_may_export_and_what_the_cpr_variant_needs(mon_ws) -> None:
    _private, pem = _keypair()
    with pytest.raises(InvalidInput, match="X25519"):
        monitoring.render_for_register(ws=mon_ws, start=FROM, end=TO, fmt="csv", recipient_key=b"not a key",
                                       recipient="SDS", basis="x")
    with pytest.raises(InvalidInput, match="grundlaget"):
        monitoring.render_for_register(ws=mon_ws, start=FROM, end=TO, fmt="csv", recipient_key=pem,
                                       recipient="SDS", basis=" ")
    admin = mon_ws.user
    try:
        mon_ws.user = next(u for u in demo.UserRepository(mon_ws.db).all() if u.role == "coordinator")
        assert monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="json")
        with pytest.raises(RuleRefused, match="administrator"):
            monitoring.render_for_register(ws=mon_ws, start=FROM, end=TO, fmt="csv", recipient_key=pem,
                                           recipient="SDS", basis="x")
        mon_ws.user = next(u for u in demo.UserRepository(mon_ws.db).all() if u.role == "therapist")
        with pytest.raises(RuleRefused, match="koordinator"):
            monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="csv")
    finally:
        mon_ws.user = admin


def _age(birth: str, on: str) -> int:
    b, d = date.fromisoformat(birth), date.fromisoformat(on)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def test_status_memo_figures_recompute_from_the_demo_data(mon_ws, tables) -> None:
    """Every figure of Copenhagen's status memo, counted again from the stored rows."""
    memo = reports.activity_data(ws=mon_ws, start=FROM, end=TO)["status_memo"]
    children = {c["id"]: c for c in tables["children"]}
    cohort = [c for c in tables["contacts"] if FROM.isoformat() <= c["contact_date"] <= TO.isoformat()]
    ids = {c["id"] for c in cohort}
    last_group: dict[int, int] = {}
    for i in sorted((i for i in tables["intakes"] if i["signed_at"] and i["contact_id"] in ids),
                    key=lambda i: i["talk_number"]):
        if i["decision_group"] is not None:
            last_group[i["contact_id"]] = i["decision_group"]
    referred = [c for c in cohort if last_group.get(c["id"]) == 3]
    started = [c for c in referred if any(co["contact_id"] == c["id"] for co in tables["courses"])]
    ages = Counter(_age(children[c["child_id"]]["birth_date"], c["contact_date"]) for c in cohort)
    reasons = Counter(code for c in cohort for code in (c["reasons"].split(",") if c["reasons"] else []))
    months = Counter(c["contact_date"][:7] for c in cohort)
    guided = Counter(i["guided_kind"] for i in tables["intakes"] if i["signed_at"] and i["contact_id"] in ids
                     and i["decision_group"] == 2)

    assert memo["contacts"] == len(cohort) > 0
    assert memo["referred_to_screening"] == len(referred) and memo["started"] == len(started)
    girls = sum(1 for c in cohort if children[c["child_id"]]["sex"] == "F")
    assert memo["share_girls"] == round(girls / len(cohort), 3)
    assert memo["age_9_12"]["contacts"] == sum(ages[a] for a in range(9, 13))
    assert memo["age_15"]["contacts"] == ages[15]
    assert {m: v["contacts"] for m, v in memo["by_month"].items() if v["contacts"]} == dict(months)
    assert sum(v["started"] for v in memo["by_month"].values()) == len(started)
    assert {k: v["contacts"] for k, v in memo["about"].items()} == {
        demo_label: reasons[code] for code, demo_label in monitoring.settings.contact_reasons(ws=mon_ws).items()
        if reasons[code]}
    assert sum(n for k, n in memo["guided_to"].items() if "gruppe 2" in k) == sum(guided.values())
    assert memo["guided_to"]["Afsluttet efter forsamtalen (gruppe 1)"] == sum(
        1 for c in cohort if last_group.get(c["id"]) == 1)
    assert memo["delivered_by"]["contacts_by_unit"] == {demo.V.DELIVERING_UNIT: len(cohort)}
    assert sum(memo["delivered_by"]["courses_by_profession"].values()) == len(started)
    # The PDF carries the section too.
    pdf = reports.render(ws=mon_ws, kind="activity", fmt="pdf", start=FROM, end=TO)
    assert pdf.startswith(b"%PDF")


_CODE = r"[a-z0-9_-]{1,40}"
_DAY = r"\d{4}-\d{2}-\d{2}"
_SHAPES = {  # every column's closed form: codes, dates, counts, pseudonyms; the only words are the unit's name
    "row_id": "[bcdfghjkmnpqrstvwxz]{16}", "child_pseudonym": "[bcdfghjkmnpqrstvwxz]{16}", "sex": "[FM]",
    "age": r"\d{1,2}", "delivering_unit": None, "contact_reasons": rf"{_CODE}(\|{_CODE})*",
    "intake_group": "[1-4]", "home_municipality_code": r"\d{3}", "treating_municipality_code": r"\d{3}"}


def _shape(column: str) -> str | None:
    if column in _SHAPES:
        return _SHAPES[column]
    if column.endswith(("_date", "_start", "_end", "_due", "_done")):
        return _DAY
    if column.endswith("_impact"):
        return "[0-3.]{1,8}"
    if "_item" in column or column.endswith(("_total", "_delivered", "_cancelled", "_missed", "_course",
                                             "_relapse", "_needed")):
        return r"\d{1,3}"
    return _CODE


def test_the_pseudonymised_file_has_no_free_text_and_no_birth_date(mon_ws, tables) -> None:
    """Each cell is a code, a date of an event, a count, an age in whole years or a pseudonym; the delivering unit
    (the municipality's own setting) is the only text. No birth date: dates of birth are not among the values."""
    header, rows = _csv(monitoring.render(ws=mon_ws, start=FROM, end=TO, fmt="csv"))
    births = {c["birth_date"] for c in tables["children"]}
    for row in rows:
        for column in header:
            value, shape = row[column], _shape(column)
            if value and shape is not None:
                assert re.fullmatch(shape, value), (column, value)
        assert not births & set(row.values())
    assert not [c for c in header if "birth" in c or "name" in c or c in ("cpr", "concern", "notes", "reasoning")]


def test_status_memo_breakdowns_recount_from_the_stored_rows(mon_ws, tables) -> None:
    """The memo's breakdowns one by one (by month with referred and started, where children were guided per
    category and screening outcome, the age shares, who made contact, who delivered per profession), counted again
    from the stored rows with docs/reports.md's definitions."""
    memo = reports.activity_data(ws=mon_ws, start=FROM, end=TO)["status_memo"]
    children = {c["id"]: c for c in tables["children"]}
    cohort = [c for c in tables["contacts"] if FROM.isoformat() <= c["contact_date"] <= TO.isoformat()]
    group: dict[int, int] = {}
    guided_kind: dict[int, str] = {}
    for i in sorted((i for i in tables["intakes"] if i["signed_at"]), key=lambda i: i["talk_number"]):
        if i["decision_group"] is not None:
            group[i["contact_id"]] = i["decision_group"]
            if i["decision_group"] == 2:
                guided_kind[i["contact_id"]] = i["guided_kind"]
    outcome = {}
    for s in sorted((s for s in tables["screenings"] if s["signed_at"]), key=lambda s: s["screening_date"]):
        outcome.setdefault(s["contact_id"], s["outcome"])
    course = {}
    for co in sorted((co for co in tables["courses"] if co["contact_id"] and co["entry_route"] == "screening"),
                     key=lambda co: co["start_date"]):
        course.setdefault(co["contact_id"], co)
    referred = [c for c in cohort if group.get(c["id"]) == 3]
    started = [c for c in referred if c["id"] in course]

    months = {m: {"contacts": 0, "referred_to_screening": 0, "started": 0} for m in memo["by_month"]}
    for c in cohort:
        m = months[c["contact_date"][:7]]
        m["contacts"] += 1
        m["referred_to_screening"] += c in referred
        m["started"] += c in started
    assert memo["by_month"] == months
    assert (list(months)[0], list(months)[-1]) == (FROM.isoformat()[:7], TO.isoformat()[:7])

    ages = Counter(_age(children[c["child_id"]]["birth_date"], c["contact_date"]) for c in cohort)
    assert memo["ages"] == {str(a): n for a, n in sorted(ages.items())}
    n912 = sum(ages[a] for a in range(9, 13))
    assert memo["age_9_12"] == {"contacts": n912, "share": round(n912 / len(cohort), 3)}
    assert memo["age_15"] == {"contacts": ages[15], "share": round(ages[15] / len(cohort), 3)}
    assert memo["contacts_by_made_by"] == dict(Counter(c["made_by"] for c in cohort))

    where = Counter()
    for c in cohort:
        g = group.get(c["id"])
        if g == 1:
            where["Afsluttet efter forsamtalen (gruppe 1)"] += 1
        elif g == 2:
            kind = guided_kind.get(c["id"], "")
            where["Vejledt videre (gruppe 2): " + (GUIDED_TO[kind] if kind else "(ikke registreret)")] += 1
        elif g == 4:
            where["Henvist til BUP efter forsamtalen (gruppe 4)"] += 1
        elif g == 3 and outcome.get(c["id"]) in SCREENING_OUTCOMES:
            where[SCREENING_OUTCOMES[outcome[c["id"]]]] += 1
    assert memo["guided_to"] == dict(where) and len(where) > 3

    professions = {u["id"]: u["profession"] or "(ikke registreret)" for u in tables["users"]}
    by_profession = Counter()
    for c in started:
        co = course[c["id"]]
        held = Counter(s["author_id"] for s in tables["sessions"]
                       if s["course_id"] == co["id"] and s["attendance"] == "held" and s["state"] == "signed")
        top = held.most_common()
        assert len(top) < 2 or top[0][1] > top[1][1]  # no tie on demo data, so the count is unambiguous
        by_profession[professions[top[0][0] if top else co["created_by"]]] += 1
    assert memo["delivered_by"]["courses_by_profession"] == dict(by_profession)
    assert memo["share_girls"] == round(sum(children[c["child_id"]]["sex"] == "F" for c in cohort) / len(cohort), 3)


SCREENING_OUTCOMES = {"bup_referral": "Henvist til BUP efter screening", "guidance": "Vejledt videre efter screening",
                      "notification": "Underretning efter screening", "no_course": "Intet forløb efter screening"}
