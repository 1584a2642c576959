from pathlib import Path

import pytest

from behandlerklient import paths
from behandlerklient.core.manuals import ManualError, load_catalogue, load_track

SHIPPED = {"cool-kids", "chilled", "mind-my-mind", "stime-bekymring-tristhed", "stime-selvskade",
           "stime-krop-mad", "stime-uro", "stime-gentagne-tanker", "pmto", "individuelt"}

VALID = """
schema_version = 1
id = "eget-spor"
name = "Eget spor"
target_problems = ["angst"]
format = ["individual"]
[age]
min = 8
max = 14
[session_range]
min = 6
max = 9
nominal = 8
[follow_up]
kind = "booster"
after_days = 30
[default_outline]
agenda = "a"
status = "b"
goals = "c"
exercise = "d"
homework = "e"
"""


def test_all_shipped_tracks_load_and_match_the_reference() -> None:
    cat = load_catalogue(paths.bundled_manuals_dir())
    assert set(cat.tracks) == SHIPPED
    mmm = cat.get("mind-my-mind")
    assert (mmm.age_min, mmm.age_max, mmm.sessions_min, mmm.sessions_max) == (6, 16, 9, 13)
    assert mmm.follow_up_kind == "booster"
    assert cat.get("stime-selvskade").formats == ("individual",)  # no groups: social contagion
    assert cat.get("cool-kids").follow_up_after_days == 30  # Faglig ramme 5.3: often about a month


def test_outline_for_a_session_merges_theme_over_default() -> None:
    track = load_catalogue(paths.bundled_manuals_dir()).get("cool-kids")
    four = track.outline_for(4)
    assert "Trappen" in four.theme and "trappe" in four.parts["exercise"]
    assert four.parts["agenda"] == track.default_outline["agenda"]
    assert track.outline_for(7).theme == ""  # not written: default outline only


def _write(tmp_path: Path, text: str, name: str = "spor.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(("change", "field", "fragment"), [
    (("[age]\nmin = 8\nmax = 14", "[age]\nmin = 8"), "age.max", "mangler"),
    (('name = "Eget spor"', 'name = ""'), "name", "tom"),
    (("nominal = 8", "nominal = 12"), "session_range.nominal", "mellem"),
    (('kind = "booster"', 'kind = "ekstra"'), "follow_up.kind", "ukendt"),
    (('format = ["individual"]', 'format = ["telepati"]'), "format[0]", "ukendt"),
    (("min = 6\nmax = 9", 'min = "seks"\nmax = 9'), "session_range.min", "heltal"),
    (('exercise = "d"', 'excercise = "d"'), "default_outline.excercise", "ukendt felt"),
    (('id = "eget-spor"', 'id = "Eget Spor"'), "id", "små bogstaver"),
])
def test_schema_errors_name_file_and_field(tmp_path: Path, change, field, fragment) -> None:
    old, new = change
    assert old in VALID
    path = _write(tmp_path, VALID.replace(old, new))
    with pytest.raises(ManualError) as info:
        load_track(path)
    assert info.value.file == "spor.toml"
    assert info.value.field_path == field
    assert fragment in info.value.message
    assert "spor.toml" in str(info.value) and field in str(info.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ManualError, match="ødelagt.toml"):
        load_track(_write(tmp_path, "id = ", "ødelagt.toml"))


def test_municipality_can_add_and_override_tracks(tmp_path: Path) -> None:
    user = tmp_path / "manualer"
    user.mkdir()
    _write(user, VALID, "eget.toml")
    override = (paths.bundled_manuals_dir() / "pmto.toml").read_text(encoding="utf-8").replace("max = 25", "max = 20")
    _write(user, override, "pmto.toml")
    _write(user, "schema_version = 1\nid = 'broken'", "broken.toml")
    cat = load_catalogue(paths.bundled_manuals_dir(), user)
    assert cat.get("eget-spor").age_min == 8
    assert cat.get("pmto").sessions_max == 20 and "pmto" in cat.overridden
    assert [p.file for p in cat.problems] == ["broken.toml"]
    with pytest.raises(ManualError):
        load_catalogue(paths.bundled_manuals_dir(), user, strict=True)


def test_track_files_carry_no_session_script_beyond_short_themes() -> None:
    for path in paths.bundled_manuals_dir().glob("*.toml"):
        track = load_track(path)
        for text in list(track.default_outline.values()) + [s.theme for s in track.sessions]:
            assert len(text) < 120, (path.name, text)

