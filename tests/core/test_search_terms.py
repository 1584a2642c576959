from hypothesis import given
from hypothesis import strategies as st

from behandlerklient.core.search_terms import query_words, terms


def test_terms_are_prefixes_of_each_name_word_and_of_the_cpr_digits() -> None:
    t = terms("Anne-Sofie", "Ærø", "120315-4321")
    assert {"a", "an", "anne", "s", "sofie", "æ", "ærø", "1", "1203", "1203154321"} <= set(t)
    assert "anne-sofie" not in t and "annesofie" not in t and "-" not in "".join(t)
    assert t == sorted(set(t))


def test_danish_letters_are_letters_of_their_own() -> None:
    t = set(terms("Åge", "Aagaard", ""))
    assert "å" in t and "aa" in t
    assert "a" in t  # from Aagaard, not from Åge
    assert "ag" not in t


def test_query_words_fold_case_drop_redundant_words_and_read_a_typed_cpr() -> None:
    assert query_words("SØREN ÆR") == ["søren", "ær"]
    assert query_words("an anna") == ["anna"]
    assert query_words("050612-43") == ["05061243"]
    assert query_words("anne-sofie") == ["sofie", "anne"]
    assert query_words(' "_ ') == []


words = st.text(alphabet="abcæøåéABÆØÅ", min_size=1, max_size=8)


@given(first=words, last=words, cut=st.integers(min_value=1, max_value=8))
def test_any_typed_beginning_of_a_name_word_is_one_of_its_terms(first: str, last: str, cut: int) -> None:
    t = set(terms(first, last, ""))
    for word in (first, last):
        assert all(w in t for w in query_words(word[:cut]))
