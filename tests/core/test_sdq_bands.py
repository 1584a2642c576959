from pathlib import Path

import pytest

from behandlerklient import paths
from behandlerklient.core.errors import ValidationError
from behandlerklient.core.sdq_bands import load_scheme

SCHEME = load_scheme(paths.resources_dir() / "sdq" / "bands-4band.toml")


@pytest.mark.parametrize(("informant", "scale", "value", "band", "confirmed"), [
    ("teacher", "total_difficulties", 11, "close_to_average", True),
    ("teacher", "total_difficulties", 12, "slightly_raised", True),
    ("teacher", "total_difficulties", 18, "high", True),
    ("teacher", "total_difficulties", 19, "very_high", True),
    ("teacher", "prosocial", 3, "very_low", True),
    ("parent", "total_difficulties", 17, "high", True),
    ("parent", "emotional", 5, "high", False),
    ("parent", "prosocial", 7, "slightly_lowered", True),
    ("self", "hyperactivity", 6, "slightly_raised", False),
    ("self", "total_difficulties", 20, "very_high", False),
])
def test_band_tables_from_the_reference(informant, scale, value, band, confirmed) -> None:
    result = SCHEME.classify(informant, scale, value)
    assert result["band"] == band and result["confirmed"] is confirmed
    assert result["label"]  # shown as text, not only colour


def test_every_table_covers_its_whole_range_without_gaps() -> None:
    for (informant, scale), table in SCHEME.tables.items():
        top = 40 if scale == "total_difficulties" else 10
        for value in range(0, top + 1):
            assert table.band(value) is not None, (informant, scale, value)


def test_missing_score_has_no_band() -> None:
    assert SCHEME.classify("parent", "emotional", None) is None


def test_bad_table_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('scheme = "x"\nversion = "1"\n[informant.parent.emotional]\nbands = ["0-3", "x"]\nconfirmed = true\n')
    with pytest.raises(ValidationError, match="informant.parent.emotional"):
        load_scheme(bad)
