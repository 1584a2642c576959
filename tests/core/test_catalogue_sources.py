"""The catalogue is true to its sources: the numbers a source states match it, the numbers none states are marked
as municipal settings, docs/manuals.md cites the basis of every number, and Copenhagen's two courses ship as
example tracks that are off until a municipality switches them on."""

from pathlib import Path

import pytest

from behandlerklient import paths
from behandlerklient.core.manuals import MUNICIPAL, NUMBER_FIELDS, ManualError, load_catalogue, load_track
from tests.core.test_manuals import VALID

DOCS = Path(__file__).resolve().parents[2] / "docs" / "manuals.md"
EXAMPLES = {"ung-paa-vej", "unge-15-17"}


def _all():
    cat = load_catalogue(paths.bundled_manuals_dir())
    return cat, {**cat.tracks, **cat.disabled}


def number_text(track, number_field: str) -> str:
    """A number as docs/manuals.md's table shows it."""
    return {"age": f"{track.age_min}-{track.age_max} år",
            "session_range": f"{track.sessions_min}-{track.sessions_max} (plan {track.sessions_nominal})",
            "session_minutes": f"{track.session_minutes} min",
            "follow_up": f"{track.follow_up_after_days} dage ({track.follow_up_kind})"}[number_field]


def test_chilled_is_13_to_17_citing_box_4s_13_to_19() -> None:
    chilled = _all()[1]["chilled"]
    assert (chilled.age_min, chilled.age_max) == (13, 17)
    assert "boks 4" in chilled.basis("age") and "13-19" in chilled.basis("age") and "17 år" in chilled.basis("age")


def test_pmto_is_5_to_12_from_copenhagens_catalogue_and_its_session_count_is_a_municipal_setting() -> None:
    pmto = _all()[1]["pmto"]
    assert (pmto.age_min, pmto.age_max) == (5, 12) and "Københavns" in pmto.basis("age")
    assert pmto.basis("session_range") == MUNICIPAL and pmto.basis("session_minutes") == MUNICIPAL


def test_every_follow_up_is_about_a_month_citing_the_faglig_ramme() -> None:
    for track in _all()[1].values():
        assert 28 <= track.follow_up_after_days <= 31, track.id
        assert "Faglig ramme (2023), afsnit 5.3" in track.basis("follow_up"), track.id


def test_every_number_has_a_source_or_is_a_municipal_setting_and_session_length_is_never_a_fact() -> None:
    for track in _all()[1].values():
        for number_field in NUMBER_FIELDS:
            assert track.basis(number_field), (track.id, number_field)
        assert track.basis("session_minutes") == MUNICIPAL, track.id


def test_docs_cite_the_basis_of_every_number() -> None:
    rows = DOCS.read_text(encoding="utf-8").splitlines()
    for track in _all()[1].values():
        for number_field in NUMBER_FIELDS:
            row = (f"| `{track.id}` | `{number_field}` | {number_text(track, number_field)} | "
                   f"{track.basis(number_field)} |")
            assert row in rows, row


def test_copenhagens_courses_ship_as_examples_that_are_off() -> None:
    cat, everything = _all()
    assert set(cat.disabled) == EXAMPLES and not EXAMPLES & set(cat.tracks)
    assert (everything["ung-paa-vej"].age_min, everything["ung-paa-vej"].age_max) == (13, 15)
    assert (everything["unge-15-17"].age_min, everything["unge-15-17"].age_max) == (15, 17)
    assert "social angst" in everything["unge-15-17"].target_problems


def test_a_municipality_switches_an_example_on_with_its_own_file(tmp_path: Path) -> None:
    user = tmp_path / "manualer"
    user.mkdir()
    text = (paths.bundled_manuals_dir() / "ung-paa-vej.toml").read_text(encoding="utf-8")
    (user / "ung-paa-vej.toml").write_text(text.replace("enabled = false", "enabled = true"), encoding="utf-8")
    cat = load_catalogue(paths.bundled_manuals_dir(), user)
    assert cat.get("ung-paa-vej").age_max == 15 and "ung-paa-vej" not in cat.disabled
    assert "unge-15-17" in cat.disabled


def test_a_disabled_track_is_not_offered_for_a_course(ws) -> None:
    from behandlerklient.core.errors import KnownError
    from behandlerklient.services.pathway import pathway
    from tests.helpers import child_with_consent

    child = child_with_consent(ws, "Sif", "Lund", "010112-4006")
    with pytest.raises(KnownError):
        pathway.open_course(ws=ws, child_id=child.id, track_id="ung-paa-vej", start_date=ws.clock().date())


@pytest.mark.parametrize(("top", "table", "field", "fragment"), [
    ('municipal_settings = ["laengde"]\n', "", "municipal_settings[0]", "ukendt"),
    ('municipal_settings = ["age"]\n', '[sources]\nage = "Kilde"\n', "municipal_settings[0]", "kommunal indstilling"),
    ("", '[sources]\nsessioner = "Kilde"\n', "sources.sessioner", "ukendt felt"),
    ("", '[sources]\nage = ""\n', "sources.age", "tom"),
    ('enabled = "ja"\n', "", "enabled", "sand/falsk"),
])
def test_sources_and_settings_are_checked_naming_the_field(tmp_path: Path, top, table, field, fragment) -> None:
    path = tmp_path / "spor.toml"
    path.write_text(top + VALID + table, encoding="utf-8")
    with pytest.raises(ManualError) as info:
        load_track(path)
    assert info.value.field_path == field and fragment in info.value.message


def test_a_file_without_sources_still_loads_with_no_basis_said(tmp_path: Path) -> None:
    path = tmp_path / "spor.toml"
    path.write_text(VALID, encoding="utf-8")
    track = load_track(path)
    assert track.enabled and track.basis("age") == ""
