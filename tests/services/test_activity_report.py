"""The activity report against counts computed independently from the demo data's own export."""

import csv
import io
import json
from datetime import date

import pytest

from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.reports import reports

FROM, TO = date(2025, 11, 23), date(2026, 11, 22)


@pytest.fixture(scope="module")
def activity_ws(tmp_path_factory):
    from behandlerklient.security import kdf
    from behandlerklient.services.workspace import workspace

    old = kdf._default
    kdf._default = kdf.ScryptParams(n=2**10)
    path = tmp_path_factory.mktemp("act") / "a.db"
    ws = workspace.create(path=path, username="leder", full_name="Lea Leder", passphrase="hvid-kajak-regnbue-7", role="admin")
    demo.generate(ws=ws, children_count=400, seed=9, today=date(2026, 11, 23))
    yield ws
    ws.close()
    kdf._default = old


@pytest.fixture(scope="module")
def data(activity_ws):
    ws = activity_ws
    report = reports.activity_data(ws=ws, start=FROM, end=TO)
    tables = json.loads(transfer.export_json(ws=ws))["tables"]
    csv_text = reports.render(ws=ws, kind="activity", fmt="csv", start=FROM, end=TO).decode("utf-8-sig")
    return report, tables, csv_text


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
    ids = {c["uid"] for c in in_period}
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
    girls = {c["uid"] for c in t["children"] if c["sex"] == "F"}
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
    assert all(len(row["pseudonym"]) == 12 and row["pseudonym"].isalpha() for row in rows)
    assert not any(ch.isdigit() for row in rows for ch in row["pseudonym"])



# Linkage across exports (docs/reports.md): an attacker holding two CSV exports of the same period tries to
# pair each child's rows in one with the same child's rows in the other.

def _csv_rows(ws) -> list[dict]:
    text = reports.render(ws=ws, kind="activity", fmt="csv", start=FROM, end=TO).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _units(rows: list[dict]) -> dict[str, tuple]:
    """The matcher's view: the rows sharing a pseudonym, compared on every other column."""
    by_pseudonym: dict[str, list[tuple]] = {}
    for row in rows:
        by_pseudonym.setdefault(row["pseudonym"], []).append(tuple(v for k, v in sorted(row.items()) if k != "pseudonym"))
    return {p: tuple(sorted(v)) for p, v in by_pseudonym.items()}


def test_two_exports_share_no_order_and_no_pseudonym(activity_ws) -> None:
    first, second = _csv_rows(activity_ws), _csv_rows(activity_ws)
    assert len(first) == len(second) > 100
    assert {r["pseudonym"] for r in first}.isdisjoint(r["pseudonym"] for r in second)
    content = [[tuple(v for k, v in sorted(r.items()) if k != "pseudonym") for r in rows] for rows in (first, second)]
    assert content[0] != content[1] and sorted(content[0]) == sorted(content[1])


def test_every_childs_combination_is_shared_by_at_least_k_children(activity_ws) -> None:
    from collections import Counter

    from behandlerklient.reports.pseudonymise import K

    classes = Counter(_units(_csv_rows(activity_ws)).values())
    assert min(classes.values()) >= K, sorted(classes.values())[:5]


def test_a_matcher_on_all_shared_columns_does_no_better_than_chance(activity_ws) -> None:
    """Pairs the children of two exports whose rows agree on every column; the truth comes from a
    pseudonym maker that remembers whose pseudonym it made. Within a group of n identical children the best
    any matcher can do is a lucky draw (1 right pair expected per group), so the expected right pairs by
    chance is the number of groups; with groups of at least K that is at most 1/K of the children."""
    from behandlerklient.reports import activity
    from behandlerklient.reports.pseudonymise import K, random_pseudonym

    right = expected = children = 0
    for _ in range(5):
        owner: dict[str, int] = {}

        def remember(child_id: int) -> str:
            p = random_pseudonym()
            owner[p] = child_id
            return p

        a, b = (_units(activity.pseudonymised_rows(activity_ws.db, start=FROM, end=TO, new_pseudonym=remember))
                for _ in range(2))
        groups_a: dict[tuple, list[str]] = {}
        groups_b: dict[tuple, list[str]] = {}
        for units, groups in ((a, groups_a), (b, groups_b)):
            for p, signature in units.items():
                groups.setdefault(signature, []).append(p)
        for signature, pa in groups_a.items():
            pb = groups_b.get(signature, [])
            right += sum(owner[x] == owner[y] for x, y in zip(pa, pb))
            expected += 1 if pb else 0
        children += len(a)
    # Right pairs by chance: Poisson-like with mean `expected`; allow four standard deviations.
    assert expected <= children / K
    assert right <= expected + 4 * expected ** 0.5, (right, expected, children)
    print(f"linkage: {right} of {children} children paired right; chance {expected} ({expected / children:.1%})")


def test_sdq_change_counts_self_report_against_its_own_baseline(data, activity_ws) -> None:
    """Per track and informant: the young person's own rating counts, never against the parent's baseline."""
    from behandlerklient.core import sdq

    r, t, _c = data
    in_period = {c["uid"] for c in t["contacts"] if FROM.isoformat() <= c["contact_date"] <= TO.isoformat()}
    decisions = {}
    for i in sorted(t["intakes"], key=lambda i: i["talk_number"]):
        if i["contact_id"] in in_period and i["signed_at"] and i["decision_group"]:
            decisions[i["contact_id"]] = i["decision_group"]
    first_course = {}
    for c in sorted(t["courses"], key=lambda c: c["start_date"]):
        if decisions.get(c["contact_id"]) == 3:
            first_course.setdefault(c["contact_id"], c)
    names = {tr.id: tr.name for tr in activity_ws.catalogue.tracks.values()}
    expected: dict[tuple[str, str], list[int]] = {}
    for course in first_course.values():
        if course["status"] != "completed":
            continue
        for informant in sdq.INFORMANTS:
            forms = sorted((f for f in t["sdq_responses"] if f["child_id"] == course["child_id"]
                            and f["informant"] == informant), key=lambda f: f["answered_on"])
            base = [f for f in forms if f["phase"] == "baseline" and f["course_id"] in (None, course["uid"])]
            close = [f for f in forms if f["phase"] == "closing" and f["course_id"] == course["uid"]]
            if base and close:
                totals = [sdq.score(informant, [None if ch == "." else int(ch) for ch in f["answers"]])
                          .total_difficulties for f in (base[-1], close[-1])]
                if None not in totals:
                    expected.setdefault((names[course["track_id"]], informant), []).append(totals[1] - totals[0])
    got = {(track, informant): v for track, by in r["sdq_change_by_track"].items() for informant, v in by.items()}
    assert any(informant == "self" for _track, informant in expected)  # the demo has self-reports to count
    assert {k: v["n"] for k, v in got.items()} == {k: len(v) for k, v in expected.items()}
    for key, changes in expected.items():
        assert got[key]["mean_change"] == round(sum(changes) / len(changes), 2)
