"""Case notes and contacts: adding one and correcting it. The people who may edit a case may
record its notes (cases.services.may(..., "edit", ...)); each change is checked, written with
an optimistic-lock check and audited on the case, in one transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from thrive import audit
from thrive.models import User

from .models import Case, CaseNote, NoteKind
from .services import REFUSALS, CaseActionRefused, may

NOTE_IN_FUTURE = "Date and time of the work must be now or in the past"
NOTE_TEXT_MISSING = "Enter what happened"
NOTE_FIELDS = ("kind", "happened_at", "who", "text")


class StaleNote(Exception):
    """The note was corrected by someone else since the form was opened."""

    def __init__(self, note: CaseNote):
        super().__init__("The case note was corrected by someone else")
        self.current = note


def may_record_notes(user: User, case: Case) -> bool:
    return may(user, "edit", case)


def _checked(*, kind: str, happened_at: datetime, who: str, text: str) -> dict:
    if kind not in NoteKind.values:
        raise CaseActionRefused("Choose the kind of contact or note.")
    if happened_at > timezone.now():
        raise CaseActionRefused(NOTE_IN_FUTURE)
    if not text.strip():
        raise CaseActionRefused(NOTE_TEXT_MISSING)
    return {"kind": kind, "happened_at": happened_at, "who": who.strip(), "text": text.strip()}


def _touch(case: Case, by: User, now) -> None:
    """A note is a change to the case (Last Modified Cases), but not to its fields: the
    version stays, so nobody's open Edit form is made stale by it."""
    Case.objects.filter(pk=case.pk).update(modified_at=now, modified_by=by)


def _audit_note(note: CaseNote, extra: str = "") -> str:
    return f"case note {note.pk}" + (f"; {extra}" if extra else "")


@transaction.atomic
def add_note(
    case: Case,
    *,
    by: User,
    kind: str,
    happened_at: datetime,
    who: str = "",
    text: str,
    entered_from: str = "",
    request=None,
) -> CaseNote:
    """Record a note or contact on the case. `entered_from` says where it was first written
    (a downtime record), and goes into the audit too."""
    if not may_record_notes(by, case):
        raise CaseActionRefused(REFUSALS["edit"])
    values = _checked(kind=kind, happened_at=happened_at, who=who, text=text)
    now = timezone.now()
    note = CaseNote.objects.create(
        case=case,
        **values,
        entered_from=entered_from[:200],
        created_by=by,
        created_at=now,
        modified_by=by,
        modified_at=now,
    )
    _touch(case, by, now)
    source = f"entered from {entered_from}" if entered_from else ""
    audit.record(request, "case_note_added", case, user=by, note=_audit_note(note, source))
    return note


@transaction.atomic
def correct_note(
    note: CaseNote,
    *,
    by: User,
    version: int,
    kind: str,
    happened_at: datetime,
    who: str = "",
    text: str,
    request=None,
) -> CaseNote:
    """Correct a note: refused if someone else corrected it since `version` was read."""
    if not may_record_notes(by, note.case):
        raise CaseActionRefused(REFUSALS["edit"])
    values = _checked(kind=kind, happened_at=happened_at, who=who, text=text)
    now = timezone.now()
    updated = CaseNote.objects.filter(pk=note.pk, version=version).update(
        **values, modified_at=now, modified_by=by, version=F("version") + 1
    )
    if not updated:
        raise StaleNote(CaseNote.objects.select_related("modified_by").get(pk=note.pk))
    changed = [
        str(CaseNote._meta.get_field(name).verbose_name)
        for name in NOTE_FIELDS
        if getattr(note, name) != values[name]
    ]
    note.refresh_from_db()
    _touch(note.case, by, now)
    audit.record(
        request,
        "case_note_corrected",
        note.case,
        user=by,
        note=_audit_note(note, ", ".join(changed)),
    )
    return note
