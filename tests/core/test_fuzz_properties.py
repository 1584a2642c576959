"""Property-based checks (hypothesis) and a short fuzz run: bad input is refused with a message, never a crash."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from behandlerklient.core import sdq
from behandlerklient.core.errors import ValidationError
from behandlerklient.core.manuals import ManualError, parse_track

ANSWERS = st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=25, max_size=25)


@given(ANSWERS)
def test_sdq_scores_stay_in_range(answers) -> None:
    s = sdq.score("parent", answers)
    for name in ("emotional", "conduct", "hyperactivity", "peer", "prosocial"):
        value = getattr(s, name)
        assert value is None or 0 <= value <= 10
    assert s.total_difficulties is None or 0 <= s.total_difficulties <= 40


@given(st.text(max_size=80))
def test_sdq_answer_text_parses_or_names_the_position(text) -> None:
    try:
        sdq.parse_answer_list(text)
    except ValidationError as exc:
        assert "Svar nr." in exc.message


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["schema_version", "id", "name", "age", "format", "session_range",
                                        "follow_up", "default_outline", "target_problems", "session", "x"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.text(max_size=3)),
                                 st.dictionaries(st.text(max_size=4), st.integers()))))
def test_track_files_fail_with_file_and_field(data) -> None:
    try:
        parse_track(data, "spor.toml")
    except ManualError as exc:
        assert exc.file == "spor.toml" and exc.field_path and exc.message


def test_short_fuzz_run_of_every_parser_finds_no_crash() -> None:
    from bench.fuzz import run

    result = run(2500)
    assert result["inputs"] == 2500 and result["crashes"] == [], json.dumps(result["crashes"][:5])
