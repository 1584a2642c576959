"""The end letter states SDQ change with its direction in words and each total's band, so that "Effekt: Bedring"
beside a rising total cannot be misread."""

from datetime import timedelta

from behandlerklient.services.documents import letters
from behandlerklient.services.measures import sdq_records
from tests.exports.conftest import START, build


def test_falling_and_rising_totals_are_said_in_words_with_their_bands(ws) -> None:
    child, course = build(ws)
    end = START + timedelta(days=63)
    for phase, level, day, link in (("baseline", 0, START - timedelta(days=16), {}),
                                    ("closing", 1, end, {"course_id": course.id})):
        answers = [level] * 25
        for item in (1, 4, 7, 9, 11, 14, 17, 20, 21, 25):
            answers[item - 1] = 2 - level
        sdq_records.record(ws=ws, child_id=child.id, informant="teacher", phase=phase, answered_on=day,
                           answers=answers, **link)
    lines = sdq_records.letter_change_lines(ws=ws, course_id=course.id, child_id=child.id)
    assert lines[0] == ("Forælder: samlet vanskelighedsscore før 40 (meget høj), efter 20 (meget høj): "
                        "20 point lavere, altså færre vanskeligheder.")
    assert lines[1] == ("Lærer: samlet vanskelighedsscore før 0 (tæt på gennemsnit), efter 20 (meget høj): "
                        "20 point højere, altså flere vanskeligheder.")
    assert lines[-1].startswith("En højere samlet vanskelighedsscore (0-40) betyder flere vanskeligheder")
    text = letters.preview(ws=ws, course_id=course.id, kind="end").letter.text
    assert "Effekt: Bedring" in text and "20 point højere, altså flere vanskeligheder" in text
    assert "4-båndsinddeling" in text
