"""Finding a case by a child's name, date of birth, postcode or Thrive ID, and the check that
a family being referred "may already be known"."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Case as Choose
from django.db.models import Q, QuerySet, When
from django.urls import reverse

from thrive.models import Role
from thrive.search import Result, Searcher, highlight, mark, match_names, words
from thrive.search.text import SearchTerms, fold, postcode_key, soundex

from .models import Case, normalise_thrive_id

SEARCH_ROLES = frozenset({Role.SERVICE_MANAGER, Role.SERVICE_WORKER, Role.EHPS_OFFICER})


SHORT_REFERENCE = 2


def whole_thrive_id(reference: str) -> str:
    """The Thrive ID a reference names whole: `KT000021`, `KT21` and a number of one or two
    digits alone (`21`) all mean KT000021."""
    if reference.isdigit() and len(reference) <= SHORT_REFERENCE:
        reference = settings.THRIVE_ID_PREFIX + reference
    return normalise_thrive_id(reference)


def thrive_id_found(thrive_id: str, reference: str) -> bool:
    """Whether `reference` (upper case, as `parse` gives it) finds this Thrive ID: the ID it
    names whole, or from three characters on any ID that contains it."""
    thrive_id = (thrive_id or "").upper()
    if thrive_id == whole_thrive_id(reference):
        return True
    return len(reference) > SHORT_REFERENCE and reference in thrive_id


def reference_condition(reference: str) -> Q:
    """A reference is a Thrive ID, whole or in part (`21`, `KT00002`, `kt 21`), or a postcode's
    first half (`ME14`). `reference` is upper case (`parse`), as Thrive IDs are. From three
    characters on, the IDs that contain it are found too, from the trigram index on
    `thrive_id`. One or two characters have no trigram: looking inside the IDs would read
    every case the person may see (an EHPS officer's district is many thousands), and `21`
    would find one case in a hundred; so they mean the ID they name whole (`21` is KT000021)
    and a postcode district (`E1`), each a lookup in its own index."""
    condition = Q(thrive_id=whole_thrive_id(reference)) | Q(search_postcode__startswith=reference)
    if len(reference) > SHORT_REFERENCE:
        condition |= Q(thrive_id__contains=reference)
    return condition


def find_cases(user, terms: SearchTerms) -> QuerySet:
    """The cases `user` may see that match every term, best match first."""
    cases, score = match_names(Case.objects.visible_to(user).select_related("service"), terms.names)
    if terms.dates:
        cases = cases.filter(child_date_of_birth__in=terms.dates)
    if terms.postcodes:
        postcodes = Q(pk__in=[])
        for postcode in terms.postcodes:
            postcodes |= Q(search_postcode__startswith=postcode)
        cases = cases.filter(postcodes)
    for reference in terms.references:
        cases = cases.filter(reference_condition(reference))
    return cases.annotate(score=score).order_by(
        "-score", Choose(When(archived_at__isnull=True, then=0), default=1), "-modified_at", "-pk"
    )


def case_result(case: Case, terms: SearchTerms) -> Result:
    references = [r for r in terms.references if thrive_id_found(case.thrive_id, r)]
    postcode_found = any(
        case.search_postcode.startswith(p) for p in [*terms.postcodes, *terms.references]
    )
    names = highlight(f"{case.child_first_name} {case.child_last_name}", terms)
    facts = [
        ("Thrive ID", mark(case.thrive_id or "", bool(references))),
        (
            "Date of birth",
            mark(f"{case.child_date_of_birth:%d/%m/%Y}", case.child_date_of_birth in terms.dates),
        ),
        ("Postcode", mark(case.postcode, postcode_found)),
        ("Family name(s)", highlight(case.family_names, terms)),
        ("Service", mark(str(case.service), False)),
        ("Status", mark(case.get_status_display(), False)),
    ]
    return Result(
        url=reverse("cases:detail", args=[case.thrive_id]),
        heading=names,
        facts=facts,
        tag="Archived" if case.is_archived else "",
    )


SEARCHER = Searcher(
    kind="cases",
    title="Cases",
    roles=SEARCH_ROLES,
    find=find_cases,
    result=case_result,
    order=10,
)


# --- "This family may already be known" ----------------------------------------------------

KNOWN_BY = ("child_first_name", "child_last_name", "child_date_of_birth", "postcode")


def possibly_known(
    officer,
    *,
    child_first_name: str,
    child_last_name: str,
    child_date_of_birth: date | None,
    postcode: str,
    limit: int = 10,
) -> list[Case]:
    """Cases in the officer's districts, archived ones included, that may be the child being
    referred: a close name (the same Soundex for first and second name) and the same date of
    birth, or the same names and the same postcode."""
    first = fold(child_first_name).split()
    last = fold(child_last_name).split()
    if not first or not last:
        return []
    close_name = words.has_sounds(soundex(first[0]), soundex(last[-1]))
    same_name = words.has_words(first[0], last[-1])
    match = Q(pk__in=[])
    if child_date_of_birth:
        match |= close_name & Q(child_date_of_birth=child_date_of_birth)
    if postcode:
        match |= same_name & Q(search_postcode=postcode_key(postcode))
    return list(
        words.with_words(Case.objects.visible_to(officer))
        .filter(match)
        .select_related("service")
        .order_by("-date_referred", "-pk")[:limit]
    )
