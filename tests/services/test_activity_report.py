"""The activity report against counts computed independently from the demo data's own export."""

import csv
import io
import json
from datetime import date

import pytest

from behandlerklient.services import demo, reports, transfer

FROM, TO = date(2025, 11, 23), date(2026, 11, 22)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from behandlerklient.security import kdf
    from behandlerklient.services import workspace

    old = kdf._default
    kdf._default = kdf.ScryptParams(n=2**10)
    path = tmp_path_factory.mktemp("act") / "a.db"
    ws = workspace.create(path=path, username="leder", full_name="Lea Leder", passphrase="leder-kode-1", role="admin")
    demo.generate(ws=ws, children_count=400, seed=9, today=date(2026, 11, 23))
    report = reports.activity_data(ws=ws, start=FROM, end=TO)
    tables = json.loads(transfer.export_json(ws=ws))["tables"]
    csv_text = reports.render(ws=ws, kind="activity", fmt="csv", start=FROM, end=TO).decode("utf-8-sig")
    yield report, tables, csv_text
    ws.close()
    kdf._default = old


def test_internally_consistent(data) -> None:
    r, _t, _c = data
    assert sum(r["intakes"]["by_group"].values()) == r["intakes"]["total"]
    assert r["courses"]["started"] <= r["referred_to_screening"] <= r["contacts"]["total"]
    assert r["referred_to_screening"] == r["intakes"]["by_group"]["3"]
    assert sum(r["contacts"]["by_way"].values()) == r["contacts"]["total"] == sum(r["contacts"]["by_made_by"].values())
    assert sum(r["courses"]["started_by_track"].values()) == r["courses"]["started"]
    k = r["courses"]
    assert k["completed"] + k["dropped_out"] + k["ongoing"] + k["cancelled"] == k["started"]
    assert sum(r["children"]["by_sex"].values()) == r["children"]["total"]


def test_counts_match_an_independent_count_of_the_export(data) -> None:
    r, t, _c = data
    in_period = [c for c in t["contacts"] if FROM.isoformat() <= c["contact_date"] <= TO.isoformat()]
    assert r["contacts"]["total"] == len(in_period)
    ids = {c["id"] for c in in_period}
    decisions = {}
    for i in sorted(t["intakes"], key=lambda i: i["talk_number"]):
        if i["contact_id"] in ids and i["signed_at"] and i["decision_group"]:
            decisions[i["contact_id"]] = i["decision_group"]
    for g in (1, 2, 3, 4):
        assert r["intakes"]["by_group"][str(g)] == sum(1 for v in decisions.values() if v == g)
    referred = {cid for cid, g in decisions.items() if g == 3}
    started = {c["contact_id"] for c in t["courses"] if c["contact_id"] in referred}
    assert r["courses"]["started"] == len(started)
    notifications = [n for n in t["notifications"] if FROM.isoformat() <= n["notified_on"] <= TO.isoformat()
                     and n["signed_at"]]
    assert r["notifications"] == len(notifications)
    girls = {c["id"] for c in t["children"] if c["sex"] == "F"}
    assert r["children"]["by_sex"].get("F", 0) == len({c["child_id"] for c in in_period if c["child_id"] in girls})


def test_waiting_times_are_sane(data) -> None:
    w = data[0]["waiting_days"]
    for key in ("contact_to_intake", "contact_to_screening", "contact_to_start"):
        assert w[key]["n"] > 0 and 0 <= w[key]["median"] <= w[key]["p90"]
    assert w["contact_to_intake"]["median"] < w["contact_to_screening"]["median"] < w["contact_to_start"]["median"]


def test_pseudonymised_csv_has_no_names_or_cpr(data) -> None:
    r, t, text = data
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == r["contacts"]["total"]
    for child in t["children"]:
        assert child["cpr"] not in text and child["cpr"][:6] not in text
        assert f"{child['first_name']} {child['last_name']}" not in text
    assert all(len(row["pseudonym"]) == 12 for row in rows)
    # Stable per child within the export: a child with two contacts keeps one pseudonym.
    per_child = {}
    in_period = sorted((c for c in t["contacts"] if FROM.isoformat() <= c["contact_date"] <= TO.isoformat()),
                       key=lambda c: c["id"])
    for contact, row in zip(in_period, rows):
        per_child.setdefault(contact["child_id"], set()).add(row["pseudonym"])
    assert all(len(p) == 1 for p in per_child.values())
