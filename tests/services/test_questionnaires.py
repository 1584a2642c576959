from datetime import date

import pytest

from behandlerklient import paths
from behandlerklient.core.errors import InvalidInput
from behandlerklient.services.measures import questionnaires
from tests.helpers import child_with_consent


def test_shipped_example_and_a_municipality_definition(ws) -> None:
    folder = paths.data_dir() / "spoergeskemaer"
    folder.mkdir(parents=True)
    (folder / "soevn.toml").write_text('id = "soevn"\nname = "Søvnskema"\nitems = 4\nitem_min = 0\nitem_max = 4\n',
                                       encoding="utf-8")
    defs = questionnaires.definitions()
    assert {"eksempel-bekymring", "soevn"} <= set(defs)
    child = child_with_consent(ws, "Ida", "Lund", "010316-4002")
    rid, _ = questionnaires.record(ws=ws, child_id=child.id, questionnaire_id="soevn", answered_on=date(2026, 5, 1),
                                   answers=[4, 3, 0, 2])
    assert ws.db.scalar("SELECT score FROM questionnaire_responses WHERE id = ?", (rid,)) == 9


@pytest.mark.parametrize(("answers", "fragment"), [([1, 2], "8 svar"), ([0] * 7 + [9], "item 8 skal være 0-3")])
def test_bad_answers_are_named(ws, answers, fragment) -> None:
    child = child_with_consent(ws, "Ida", "Lund", "010316-4002")
    with pytest.raises(InvalidInput, match=fragment):
        questionnaires.record(ws=ws, child_id=child.id, questionnaire_id="eksempel-bekymring",
                              answered_on=date(2026, 5, 1), answers=answers)


def test_a_broken_definition_file_names_itself(ws) -> None:
    folder = paths.data_dir() / "spoergeskemaer"
    folder.mkdir(parents=True)
    (folder / "ødelagt.toml").write_text('id = "x"\nitems = "mange"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="ødelagt.toml"):
        questionnaires.definitions()
