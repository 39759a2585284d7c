"""Find a child at volume: the search box and the "This family may already be known" check on
the referral page, measured beside the list pages (imported by bench.measure).

The benchmark builds cases by SQL, and writes their search keys (`search_names`,
`search_sounds`, `search_postcode`) in the same INSERT, from a table of the keys of every name
and postcode a case can draw computed by the Python that saves a case (`bench.data`), so a
bench case is found exactly as a saved one is. A database built before that has empty keys:
`default_search_keys` gives those columns an empty default before the build, and
`fill_search_keys` fills the empty ones after it with one UPDATE joined to the keys of every
distinct (first name, second name, family names); on a database whose cases all have keys it
only counts them.

Searches are POSTed (the search page takes no terms in its URL). The referral page is POSTed
with the details of a child who already has a case in the officer's district, so it shows the
possible matches and re-renders (a saved referral would redirect, and the measurement fails on
anything but a 200): nothing is written. "Duplicate check alone" runs `possibly_known` behind
the signed-in "hello": its p50 minus hello's is what the check adds to the referral page."""

import functools
import time

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path, reverse

from thrive.search.text import name_keys

from .data import measured_service
from .pages import Page, manager, officer

BATCH = 5_000


def default_search_keys() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for column in ("search_names", "search_sounds", "search_postcode"):
            cursor.execute(f"ALTER TABLE cases_case ALTER COLUMN {column} SET DEFAULT ''")


def fill_search_keys(out=print) -> None:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE search_names = ''")
        empty = cursor.fetchone()[0]
        if not empty:
            out("Search keys: every case has them.")
            return
        started = time.perf_counter()
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_name_keys (first text, last text,"
            " family text, names text, sounds text, PRIMARY KEY (first, last, family))"
        )
        cursor.execute("TRUNCATE bench_name_keys")
        cursor.execute(
            "SELECT DISTINCT child_first_name, child_last_name, family_names FROM cases_case"
            " WHERE search_names = ''"
        )
        rows = [(*names, *name_keys(*names)) for names in cursor.fetchall()]
        for i in range(0, len(rows), BATCH):
            cursor.executemany(
                "INSERT INTO bench_name_keys VALUES (%s, %s, %s, %s, %s)", rows[i : i + BATCH]
            )
        cursor.execute("ANALYZE bench_name_keys")
        # The indexes stay: rebuilt after this UPDATE they would be unusable (`indcheckxmin`)
        # to every query while any transaction on the server is older than them.
        with transaction.atomic():
            cursor.execute(
                """
                UPDATE cases_case c
                SET search_names = left(k.names, 700), search_sounds = left(k.sounds, 300),
                    search_postcode = left(upper(regexp_replace(c.postcode, '\\s+', '', 'g')), 10)
                FROM bench_name_keys k
                WHERE c.search_names = '' AND k.first = c.child_first_name
                  AND k.last = c.child_last_name AND k.family = c.family_names
                """
            )
            updated = cursor.rowcount
        out(
            f"Search keys for {updated:,} cases ({len(rows):,} distinct names) in"
            f" {time.perf_counter() - started:.0f} s."
        )


# --- What is searched for ----------------------------------------------------------------


@functools.cache
def sample_case():
    """A case of the measured service in the EHPS officer's district (not the busy case)."""
    from cases.models import Case

    service = measured_service()
    return (
        Case.objects.filter(service=service, district=service.district)
        .exclude(search_names="")
        .order_by("pk")[1]
    )


def misspelt(name: str) -> str:
    """The name with its first vowel after the first letter changed (`Smith` → `Smath`),
    as a worker mishears it; Soundex ignores vowels, so the search still finds it."""
    for i, letter in enumerate(name[1:], start=1):
        if letter.lower() in "aeiouy":
            return name[:i] + ("e" if letter.lower() == "a" else "a") + name[i + 1 :]
    return name[:-1]


def searches() -> dict[str, callable]:
    return {
        "a name": lambda c: f"{c.child_first_name} {c.child_last_name}",
        "a misspelt name": lambda c: f"{c.child_first_name} {misspelt(c.child_last_name)}",
        "date of birth": lambda c: f"{c.child_date_of_birth:%d/%m/%Y}",
        "partial postcode": lambda c: c.postcode.split()[0],
        "partial Thrive ID": lambda c: c.thrive_id[:-1],
        "two digits of a Thrive ID": lambda c: str(c.pk)[-2:],
    }


def search_data(term) -> callable:
    return lambda: {"q": term(sample_case())}


def referral_data() -> dict:
    """The referral form filled in with the details of a child already known."""
    case = sample_case()
    return {
        "service": case.service_id,
        "family_names": case.family_names,
        "child_first_name": case.child_first_name,
        "child_last_name": case.child_last_name,
        "child_date_of_birth_day": case.child_date_of_birth.day,
        "child_date_of_birth_month": case.child_date_of_birth.month,
        "child_date_of_birth_year": case.child_date_of_birth.year,
        "address": case.address,
        "postcode": case.postcode,
        "notifier": case.notifier,
        "reason_for_referral": case.reason_for_referral,
        "date_referred_day": case.date_referred.day,
        "date_referred_month": case.date_referred.month,
        "date_referred_year": case.date_referred.year,
    }


@login_required
def duplicate_check(request):
    """The referral page's check on its own, for the benchmark."""
    from cases.search import possibly_known

    case = sample_case()
    known = possibly_known(
        request.user,
        child_first_name=case.child_first_name,
        child_last_name=case.child_last_name,
        child_date_of_birth=case.child_date_of_birth,
        postcode=case.postcode,
    )
    return HttpResponse(f"{len(known)} possibly known", content_type="text/plain")


urlpatterns = [path("bench/duplicate-check/", duplicate_check, name="bench_duplicate_check")]


def _url(name):
    return lambda: reverse(name)


SEARCH_PAGES = [
    Page(f"Search: {label} ({who})", _url("search"), user, data=search_data(term))
    for who, user in (("manager", manager), ("EHPS", officer))
    for label, term in searches().items()
]
SEARCH_PAGES += [
    Page(
        "Referral: family may already be known (EHPS)",
        _url("cases:refer"),
        officer,
        data=referral_data,
    ),
    Page("Duplicate check alone, behind hello (EHPS)", _url("bench_duplicate_check"), officer),
]
