"""Migration cases/0006 fills every existing case's search keys in bulk (thrive/search/fill.py);
what it writes must be exactly what saving the case writes, or a case filled by the migration
would be found differently from one saved since."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from cases.models import SEARCH_KEY_FIELDS, Case

from ..factories import make_case

migration = importlib.import_module("cases.migrations.0006_case_search")

TRICKY = [
    ("Zoë", "O’Brien-Smith", "O'Brien-Smith", "me14  1xq"),
    ("José María", "Núñez", "Núñez García", "SW1A 1AA"),
    ("Siân", "D'Arcy", "d’Arcy", " tn23 1aa "),
    ("Łukasz", "Żółć", "Żółć-Øster", "E1 6AN"),
    ("Anne-Marie", "Strauß", "Mc Donald", "ME141XQ"),
    ("Ng", "Ó Súilleabháin", "", ""),
    ("Ǆemal", "ﬁnn", "İlhan", "b1\u00a01aa"),
]


def keys(case):
    return tuple(getattr(case, field) for field in SEARCH_KEY_FIELDS)


@pytest.mark.parametrize("chunk", [2, 5000])
def test_the_migrations_fill_writes_the_keys_saving_the_case_writes(ashford, monkeypatch, chunk):
    cases = [
        make_case(
            ashford,
            child_first_name=first,
            child_last_name=last,
            family_names=family,
            postcode=postcode,
        )
        for first, last, family, postcode in TRICKY
    ]
    saved = {case.pk: keys(case) for case in cases}
    Case.objects.update(**dict.fromkeys(SEARCH_KEY_FIELDS, ""))  # as the new columns start
    monkeypatch.setattr("thrive.search.fill.CHUNK", chunk)

    migration.fill_search_keys(apps, SimpleNamespace(connection=connection))  # its editor

    assert {case.pk: keys(case) for case in Case.objects.all()} == saved
    assert all(names.strip() for names, _, _ in saved.values())
