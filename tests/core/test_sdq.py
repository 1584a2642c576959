import pytest

from behandlerklient.core import sdq
from behandlerklient.core.errors import ValidationError


def _answers(**by_item: int) -> list[int | None]:
    out: list[int | None] = [None] * 25
    for key, value in by_item.items():
        out[int(key[1:]) - 1] = value
    return out


def test_prorating_examples_from_the_reference() -> None:
    # 3 answered summing to 4 -> 7; 4 answered summing to 2 -> 3 (round half up of mean*5).
    assert sdq.scale_score([2, 1, 1, None, None]) == 7
    assert sdq.scale_score([1, 1, 0, 0, None]) == 3


def test_half_up_not_bankers_rounding() -> None:
    # 4 answered summing to 5: mean*5 = 6.25 -> 6; 4 answered summing to 3: 3.75 -> 4;
    # 2 of 4 = 2.5 must round to 3 (Python's round() would give 2).
    assert sdq.scale_score([1, 1, 0, 0, None]) == 3
    assert sdq.scale_score([2, 1, 1, 1, None]) == 6
    assert sdq.scale_score([1, 1, 1, 0, None]) == 4
    assert sdq.scale_score([1, 0, 0, 1, None]) == 3  # mean 0.5 * 5 = 2.5 -> 3


def test_fewer_than_three_answers_is_missing() -> None:
    assert sdq.scale_score([2, 2, None, None, None]) is None


def test_reverse_scored_items() -> None:
    # Conduct: 5 tantrum, 7 obeys (R), 12 fights, 18 lies, 22 steals. Obeys answered 0 scores 2.
    scores = sdq.score("parent", _answers(i5=0, i7=0, i12=0, i18=0, i22=0))
    assert scores.conduct == 2


def test_full_form_totals() -> None:
    answers = [1] * 25
    s = sdq.score("parent", answers)
    # Every scale: three plain items at 1 and reverse items at 1 -> 5 per scale.
    assert (s.emotional, s.conduct, s.hyperactivity, s.peer, s.prosocial) == (5, 5, 5, 5, 5)
    assert s.total_difficulties == 20
    assert s.externalising == 10 and s.internalising == 10


def test_total_missing_when_a_difficulty_scale_is_missing() -> None:
    answers = [1] * 25
    for item in (3, 8, 13):  # three of the five emotional items blank
        answers[item - 1] = None
    s = sdq.score("parent", answers)
    assert s.emotional is None and s.total_difficulties is None and s.internalising is None
    assert s.externalising == 10


def test_impact_parent_and_teacher() -> None:
    # Overall 'no difficulties' (0) means impact 0 whatever else is ticked.
    assert sdq.impact_score("parent", [0, None, None, None, None, None]) == 0
    # not at all / a little / quite a lot / a great deal -> 0/0/1/2
    assert sdq.impact_score("parent", [2, 0, 1, 2, 3, 3]) == 0 + 0 + 1 + 2 + 2
    assert sdq.impact_score("teacher", [1, 3, 3, 2]) == 5
    assert sdq.impact_score("parent", [2, 3, None, 0, 0, 0]) is None


@pytest.mark.parametrize("answers", [[0] * 24, [0] * 26, [0] * 24 + [3]])
def test_bad_answers_are_rejected_with_a_clear_message(answers) -> None:
    with pytest.raises(ValidationError) as info:
        sdq.score("parent", answers)
    assert info.value.field == "answers"


def test_impact_length_depends_on_informant() -> None:
    with pytest.raises(ValidationError, match="4 svar"):
        sdq.score("teacher", [0] * 25, [1, 1, 1, 1, 1, 1])


def test_parse_answer_list() -> None:
    assert sdq.parse_answer_list("0,1,,2") == [0, 1, None, 2]
    with pytest.raises(ValidationError, match="nr. 2"):
        sdq.parse_answer_list("0,x,1")


def test_no_item_wording_in_the_module() -> None:
    # Licence: items are known by number and neutral short names only.
    assert all(len(name) <= 8 and " " not in name for name, _s, _r in sdq.ITEMS.values())


@pytest.mark.parametrize("text", ["¹", "0,²,1", "٣"])
def test_digits_that_are_not_0_to_9_are_refused_by_position(text) -> None:
    # str.isdigit() accepts "¹" and "٣"; int() refuses the first and would read the second as 3.
    with pytest.raises(ValidationError, match="er ikke et tal fra 0 til 3"):
        sdq.parse_answer_list(text)
