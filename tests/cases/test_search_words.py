"""On PostgreSQL a name is found through its words (thrive/search/words.py): the vocabulary,
kept by a trigger however a name is written, and each table's index of its words."""

from datetime import date

import pytest
from django.db import connection

from cases.models import Case
from cases.search import possibly_known
from thrive.models import SearchWord
from thrive.search import match_names
from thrive.search.text import name_keys

from ..factories import make_case

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the vocabulary and the word indexes are PostgreSQL's"
)


def names_found(*names):
    cases, _ = match_names(Case.objects.all(), list(names))
    return set(cases.values_list("child_first_name", flat=True))


def test_a_saved_case_puts_its_words_in_the_vocabulary(ashford):
    make_case(ashford, child_first_name="Zoë", child_last_name="O'Brien", family_names="Okafor")

    assert {"zoe", "obrien", "o", "brien", "okafor"} <= set(
        SearchWord.objects.values_list("word", flat=True)
    )


def test_a_name_written_by_a_bulk_update_is_found_by_its_new_words(ashford):
    case = make_case(ashford, child_first_name="Claire")
    names, sounds = name_keys("Kezia", "Marshall", "Marshall")

    Case.objects.filter(pk=case.pk).update(search_names=names, search_sounds=sounds)

    assert names_found("kez") == {"Claire"}


def test_a_word_close_by_trigrams_is_found_though_it_neither_starts_nor_sounds_the_same(ashford):
    make_case(ashford, child_first_name="Christopher")
    make_case(ashford, child_first_name="Kevin")

    # Kristopher is K623 and Christopher C623: only the trigrams bring them together.
    assert names_found("kristopher") == {"Christopher"}


def test_a_word_start_and_a_soundex_code_still_find_their_names(ashford):
    make_case(ashford, child_first_name="Annabel", child_last_name="Smith")
    make_case(ashford, child_first_name="Ann", child_last_name="Smyth")
    make_case(ashford, child_first_name="Bella", child_last_name="Jones")

    assert names_found("ann") == {"Annabel", "Ann"}
    assert names_found("ann", "smith") == {"Annabel", "Ann"}  # Smyth sounds like Smith
    assert names_found("annab") == {"Annabel"}


def test_the_may_already_be_known_check_needs_the_whole_words(ashford, officer):
    born = date(2015, 3, 1)
    make_case(ashford, child_first_name="Ann", child_last_name="Lee", postcode="ME14 1XQ")
    make_case(ashford, child_first_name="Anna", child_last_name="Lee", postcode="ME14 1XQ")

    known = possibly_known(
        officer,
        child_first_name="Ann",
        child_last_name="Lee",
        child_date_of_birth=born.replace(year=2001),
        postcode="me14 1xq",
    )

    assert [case.child_first_name for case in known] == ["Ann"]


@pytest.mark.parametrize("index", ["case_search_name_words", "case_search_sound_words"])
def test_a_name_search_reads_the_tables_index_of_words(ashford, index):
    """Written as the index is made, or PostgreSQL would scan every case."""
    cases, _ = match_names(Case.objects.all(), ["smith"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    assert index in cases.explain()
