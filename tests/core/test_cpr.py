from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from behandlerklient.core import cpr
from behandlerklient.core.errors import ValidationError


@pytest.mark.parametrize(("text", "born"), [
    ("010100-0000", date(1900, 1, 1)),    # 7th digit 0-3: 1900s
    ("010136-3000", date(1936, 1, 1)),
    ("010136-4000", date(2036, 1, 1)),    # 4: 2000s up to 36
    ("010137-4000", date(1937, 1, 1)),    # 4: 1900s from 37
    ("010136-9000", date(2036, 1, 1)),    # 9 behaves as 4
    ("010137-9000", date(1937, 1, 1)),
    ("010157-5000", date(2057, 1, 1)),    # 5-8: 2000s up to 57
    ("010158-8000", date(1858, 1, 1)),    # 5-8: 1800s from 58
    ("150312-6000", date(2012, 3, 15)),
])
def test_century_rules(text: str, born: date) -> None:
    assert cpr.parse(text).birth_date == born


def test_sex_from_last_digit_and_formats() -> None:
    boy = cpr.parse("0703154321")
    assert boy.sex == "M" and boy.formatted == "070315-4321" and boy.masked == "070315-xxxx"
    assert cpr.parse("070315-4322").sex == "F"


def test_mod11_failure_is_a_warning_not_an_error() -> None:
    # 070315-4321 fails modulus 11 but is a well-formed number with a real date: accepted, with a warning.
    parsed = cpr.parse("070315-4321")
    assert not parsed.mod11_ok
    assert parsed.warnings and "modulus 11" in parsed.warnings[0]


def test_mod11_valid_number_has_no_warning() -> None:
    # 070761-4285 satisfies the weighted sum (a textbook-style example).
    assert cpr.mod11_ok("0707614285")
    assert cpr.parse("070761-4285").warnings == []


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "mangler"),
    ("12345", "DDMMÅÅ-LLLL"),
    ("320115-4321", "findes ikke"),
    ("290215-4321", "findes ikke"),       # 2015 is no leap year
    ("010115-A321", "7. ciffer"),
    ("01011-54321", "DDMMÅÅ-LLLL"),
])
def test_malformed_numbers_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        cpr.parse(text)
    assert info.value.field == "cpr"
    assert fragment in info.value.message


def test_leap_day_in_leap_year_is_valid() -> None:
    assert cpr.parse("290216-4322").birth_date == date(2016, 2, 29)


def test_replacement_number_with_letters_is_accepted() -> None:
    parsed = cpr.parse("010115-4AB2")
    assert parsed.replacement and parsed.birth_date == date(2015, 1, 1)
    assert parsed.sex == "F"


def test_mask_never_shows_the_serial() -> None:
    assert cpr.mask("1203154321") == "120315-xxxx"
    assert "4321" not in cpr.mask("120315-4321")


@given(st.text(max_size=30))
def test_parse_either_succeeds_or_raises_validation_error(text: str) -> None:
    try:
        parsed = cpr.parse(text)
    except ValidationError as exc:
        assert exc.message
    else:
        assert len(parsed.digits) == 10


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2036, 12, 31)), st.integers(0, 999))
def test_round_trip_of_generated_numbers(born: date, serial: int) -> None:
    seventh = 4 if born.year >= 2000 else 0
    if born.year >= 2000 and born.year % 100 > 36:
        return
    text = f"{born:%d%m%y}{seventh}{serial:03d}"
    assert cpr.parse(text).birth_date == born


@pytest.mark.parametrize("text", ["١٢٠٣١٥-4321", "１２０３１５-4321"])
def test_only_ascii_digits_make_a_cpr_number(text) -> None:
    with pytest.raises(ValidationError, match="DDMMÅÅ-LLLL"):
        cpr.parse(text)
    assert not cpr.mod11_ok("¹²³⁴⁵⁶⁷⁸⁹⁰")


@pytest.mark.parametrize(("text", "year"), [("070761-4285", 1961), ("010158-8000", 1858), ("010130-4000", 2030)])
def test_an_implausible_age_is_refused_naming_the_birth_year_read(text, year) -> None:
    with pytest.raises(ValidationError) as info:
        cpr.check_plausible_age(cpr.parse(text), date(2026, 11, 23))
    assert f"fødselsåret {year}" in info.value.message and info.value.field == "cpr"


def test_up_to_25_years_is_plausible() -> None:
    cpr.check_plausible_age(cpr.parse("241100-4001"), date(2026, 11, 23))  # 25 today, 26 tomorrow
    with pytest.raises(ValidationError, match="26 år i dag"):
        cpr.check_plausible_age(cpr.parse("241100-4001"), date(2026, 11, 24))
