"""Finding downtime records by the child's surname, date of birth or Thrive ID. A person's
records are few (their own, and for managers their services' unrestricted ones), so they are
matched in Python with the same folding and Soundex as cases, rather than stored keys."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from cases.search import thrive_id_found
from thrive.models import Role
from thrive.search import Result, Searcher, highlight, mark
from thrive.search.text import SearchTerms, fold, soundex

from .models import DowntimeRecord
from .records import RECORDING_ROLES

SEARCH_ROLES = frozenset(RECORDING_ROLES) - {Role.SYSTEM_ADMIN}
MOST_RECORDS = 5000


def _name_score(record: DowntimeRecord, names: list[str]) -> int | None:
    words = fold(record.child_surname).split()
    sounds = {soundex(word) for word in words}
    score = 0
    for name in names:
        if name in words:
            score += 4
        elif any(word.startswith(name) for word in words):
            score += 3
        elif soundex(name) in sounds:
            score += 2
        else:
            return None
    return score


def _matches(record: DowntimeRecord, terms: SearchTerms) -> int | None:
    score = _name_score(record, terms.names)
    if score is None:
        return None
    if terms.dates and record.child_date_of_birth not in terms.dates:
        return None
    if not all(thrive_id_found(record.thrive_id, reference) for reference in terms.references):
        return None
    if terms.postcodes:
        return None  # downtime records hold no address
    return score


def find_records(user, terms: SearchTerms) -> list[DowntimeRecord]:
    """The downtime records `user` may see that match every term, best match first."""
    records = DowntimeRecord.objects.visible_to(user)
    if terms.dates:
        records = records.filter(child_date_of_birth__in=terms.dates)
    scored = []
    for record in records.select_related("created_by").order_by("-recorded_at")[:MOST_RECORDS]:
        score = _matches(record, terms)
        if score is not None:
            scored.append((score, record))
    scored.sort(key=lambda pair: -pair[0])  # stable: newest first within a score
    return [record for _, record in scored]


def record_result(record: DowntimeRecord, terms: SearchTerms) -> Result:
    facts = [
        (
            "Thrive ID",
            mark(
                record.thrive_id,
                any(thrive_id_found(record.thrive_id, r) for r in terms.references),
            ),
        ),
        (
            "Recorded",
            mark(f"{timezone.localtime(record.recorded_at):%d/%m/%Y %H:%M}", False),
        ),
        ("By", mark(record.created_by.full_name, False)),
        ("Nature of Work Undertaken", mark(record.get_nature_of_work_display(), False)),
        (
            "Date Entered",
            mark(
                f"{timezone.localtime(record.entered_at):%d/%m/%Y}"
                if record.entered_at
                else "Not yet entered",
                False,
            ),
        ),
    ]
    if record.child_date_of_birth:
        facts.insert(
            1,
            (
                "Date of birth",
                mark(
                    f"{record.child_date_of_birth:%d/%m/%Y}",
                    record.child_date_of_birth in terms.dates,
                ),
            ),
        )
    return Result(
        url=reverse("continuity:record", args=[record.pk]),
        heading=highlight(record.child_surname, terms),
        facts=facts,
        tag="Restricted record" if record.restricted else "",
    )


SEARCHER = Searcher(
    kind="records",
    title="Downtime records",
    roles=SEARCH_ROLES,
    find=find_records,
    result=record_result,
    order=30,
)
