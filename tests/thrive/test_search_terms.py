"""Reading what people type into the search box."""

from datetime import date

import pytest
import time_machine

from thrive.search.text import fold, name_keys, parse, soundex


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Zoë", "zoe"),
        ("O’Brien", "obrien"),
        ("o'brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("  JOHN   smith ", "john smith"),
    ],
)
def test_names_are_folded_for_accents_apostrophes_hyphens_and_case(typed, folded):
    assert fold(typed) == folded


@pytest.mark.parametrize(
    ("one", "other"), [("Smith", "Smyth"), ("Jon", "John"), ("Smiht", "Smith"), ("Ellis", "Elis")]
)
def test_names_that_sound_alike_share_a_soundex_code(one, other):
    assert soundex(one) == soundex(other)


def test_a_stored_name_keeps_both_forms_of_an_apostrophe():
    words, sounds = name_keys("Zoë", "O'Brien-Smith")

    assert words == " zoe obrien smith o brien "
    assert " S530 " in sounds and " O165 " in sounds


@time_machine.travel(date(2026, 12, 1))
@pytest.mark.parametrize(
    "typed",
    [
        "01/03/2015",
        "1/3/2015",
        "1.3.15",
        "01-03-2015",
        "1 March 2015",
        "1st Mar 2015",
        "2015-03-01",
    ],
)
def test_a_date_of_birth_is_read_in_any_usual_uk_form(typed):
    assert parse(typed).dates == [date(2015, 3, 1)]


@time_machine.travel(date(2026, 12, 1))
def test_a_two_digit_year_is_never_in_the_future():
    assert parse("1/3/27").dates == [date(1927, 3, 1)]
    assert parse("1/3/26").dates == [date(2026, 3, 1)]


@pytest.mark.parametrize(
    ("typed", "postcodes"),
    [("ME14 1XQ", ["ME141XQ"]), ("me141xq", ["ME141XQ"]), ("ME14 1", ["ME141"])],
)
def test_whole_and_partial_postcodes_are_read(typed, postcodes):
    assert parse(typed).postcodes == postcodes


@pytest.mark.parametrize(
    ("typed", "references"),
    [("KT00002", ["KT00002"]), ("21", ["21"]), ("kt 21", ["KT21"]), ("ME14", ["ME14"])],
)
def test_thrive_ids_whole_or_partial_are_references(typed, references):
    terms = parse(typed)
    assert terms.references == references
    assert terms.names == []


def test_names_and_a_date_together():
    terms = parse("Jon Smyth 01/03/2015")

    assert terms.names == ["jon", "smyth"]
    assert terms.dates == [date(2015, 3, 1)]
    assert terms.kinds == ["name", "date of birth"]


def test_single_letters_and_punctuation_alone_are_no_search():
    assert not parse("J . -")
