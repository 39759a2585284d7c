"""Structured records kept in the offline tracker: a case note or contact, a change to one
case field, a new family. Once Thrive has opened the sealed record (continuity.offline), each
is checked by its kind's own form (continuity.kinds, the live forms' checks) exactly as if
typed in the Downtime tracker, and added as that kind, ready to apply.

The offline page knows nothing of any case (it keeps no case data in the browser), so a
change to case information names one field and its new value; it is checked against the case
as it is when the record arrives, with the rest of the case's Edit form as the case holds it.

What a kind's form refuses is not lost: it becomes a free-text record of what was typed, with
what to check at the top (continuity.offline does that for free text)."""

from __future__ import annotations

from django.db import models

from cases.forms import CaseEditForm, label_of
from cases.models import Case, NoteKind
from cases.services import workers_of
from thrive.models import Role, Service, User

from . import decisions, kinds, records
from .models import RecordKind
from .record_forms import StructuredRecordForm

OFFLINE_KINDS = (
    RecordKind.NOTE,
    RecordKind.CASE_CHANGE,
    RecordKind.DECISION,
    RecordKind.NEW_FAMILY,
)
# The case fields a record kept offline may change: one at a time, dates or short text.
OFFLINE_DATE_FIELDS = ["first_contact_family", "first_contact_notifier", "assessment_date"]
OFFLINE_TEXT_FIELDS = ["address", "postcode", "notifier", "other_children"]
OFFLINE_CHANGE_FIELDS = OFFLINE_DATE_FIELDS + OFFLINE_TEXT_FIELDS
NEW_FAMILY_FIELDS = [*kinds.DEMOGRAPHICS]


def change_choices() -> list[tuple[str, str]]:
    """The fields the offline page offers to change, with the case form's labels."""
    return [(name, label_of(name)) for name in OFFLINE_CHANGE_FIELDS]


def note_kinds() -> list[tuple[str, str]]:
    return NoteKind.choices


def workers_for(user: User) -> list[tuple[int, str]]:
    """The workers a manager may name in a decision kept offline: their services' own, as
    the case page lists them. Staff names only; the server checks the case's service."""
    services = Service.objects.filter(
        memberships__user=user, memberships__role=Role.SERVICE_MANAGER
    )
    workers = {}
    for service in services:
        for worker in workers_of(service):
            workers[worker.pk] = f"{worker.full_name} ({worker.username})"
    return sorted(workers.items(), key=lambda item: item[1])


class NotThisKind(Exception):
    """The record cannot be kept as its kind; `typed` is what to keep as free text."""

    def __init__(self, problems: list[str], typed: dict):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.typed = typed


def date_parts(name: str, iso) -> dict:
    """A date input's ISO value as the three boxes of a GOV.UK date field."""
    day, month, year = (str(iso or "--").split("-") + ["", "", ""])[:3][::-1]
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def _text(fields: dict, name: str) -> str:
    return str(fields.get(name) or "").strip()


def _common_data(fields: dict) -> dict:
    return {
        "restricted": "yes" if fields.get("restricted") else "no",
        "recorded_time": _text(fields, "recorded_time"),
        **date_parts("recorded_date", fields.get("recorded_date")),
    }


def _prefixed(data: dict) -> dict:
    return {f"{kinds.PREFIX}-{name}": value for name, value in data.items()}


def _note_data(fields: dict) -> dict:
    return _prefixed(
        {
            "kind": _text(fields, "note_kind"),
            "happened_time": _text(fields, "happened_time"),
            "who": _text(fields, "who"),
            "text": _text(fields, "note_text"),
            **date_parts("happened_date", fields.get("happened_date")),
        }
    )


def _edit_data(case: Case, form: CaseEditForm, fields: dict) -> dict:
    """The case's Edit form as it opens now, with the one field typed offline."""
    data = {"version": str(case.version)}
    for name in form.fields:
        if name in ("version", "snapshot"):
            continue
        value = getattr(case, name)
        if name == "key_reasons":
            data[name] = [str(pk) for pk in value.values_list("pk", flat=True)]
        elif isinstance(Case._meta.get_field(name), models.DateField):
            data.update(date_parts(name, value.isoformat() if value else None))
        else:
            data[name] = value or ""
    changed = _text(fields, "change_field")
    if changed in OFFLINE_DATE_FIELDS:
        data.update(date_parts(changed, fields.get("change_date")))
    elif changed in OFFLINE_TEXT_FIELDS:
        data[changed] = _text(fields, "change_text")
    return _prefixed(data)


def _decision_data(case: Case, fields: dict) -> dict:
    """Record decision (or Allocate worker) as the case page would have it posted."""
    data = {"version": str(case.version)}
    for name in ("progressing", "decline_reason", "waiting_list", "worker"):
        data[name] = _text(fields, name)
    for name in ("response_date", "predicted_start_date", "date_appointed"):
        data.update(date_parts(name, fields.get(name)))
    return _prefixed(data)


def _family_data(fields: dict) -> dict:
    data = {}
    for name in NEW_FAMILY_FIELDS:
        value = fields.get(f"nf_{name}")
        if name in ("child_date_of_birth", "date_referred"):
            data.update(date_parts(name, value))
        else:
            data[name] = str(value or "").strip()
    return _prefixed(data)


LABELS = {
    "thrive_id": "Thrive ID",
    "note_kind": "Kind of contact or note",
    "happened_date": "Date of the work",
    "happened_time": "Time of the work",
    "who": "Who was involved",
    "note_text": "What happened",
    "change_field": "Case information to change",
    "change_date": "New date",
    "change_text": "New value",
    "response_date": "Date of response to EHPS",
    "progressing": "Is the case progressing within the commissioned service?",
    "decline_reason": "Reason for declining",
    "waiting_list": "Is the case subject to a waiting list?",
    "predicted_start_date": "Predicted date that work will start",
    "worker": "Name of worker",
    "date_appointed": "Date worker appointed",
}
NOT_TYPED_LINES = frozenset({"kind", "restricted", "recorded_date", "recorded_time"})


def _typed_lines(kind: str, fields: dict) -> list[str]:
    """What was typed, "Label: value", for the free-text record it falls back to."""
    lines = [f"Kind of record: {RecordKind(kind).label}"]
    for name, value in fields.items():
        if name in NOT_TYPED_LINES or value in ("", None):
            continue
        if name == "change_field" and value in OFFLINE_CHANGE_FIELDS:
            value = label_of(value)
        elif name == "note_kind" and value in NoteKind.values:
            value = NoteKind(value).label
        elif name == "worker":
            worker = User.objects.filter(pk=int(value) if str(value).isdigit() else None).first()
            value = f"{worker.full_name} ({worker.username})" if worker else value
        family_field = name.removeprefix("nf_")
        label = LABELS.get(name) or (
            label_of(family_field) if family_field in NEW_FAMILY_FIELDS else ""
        )
        if label:  # anything else was not typed on the offline page
            lines.append(f"{label}: {value}")
    return lines


def form_errors(form) -> list[str]:
    """Each problem with the field it belongs to."""
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name.replace("_", " ").capitalize()) if field else ""
        problems.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return problems


def checked_record(kind: str, fields: dict, *, by: User) -> dict:
    """The record's fields as its kind's form takes them. Raises NotThisKind with the
    problems if the forms refuse it."""
    common = StructuredRecordForm(_common_data(fields), user=by)
    case = None
    problems = []
    if kind != RecordKind.NEW_FAMILY:
        try:
            _thrive_id, case = records.resolve_thrive_id(_text(fields, "thrive_id"), by=by)
        except records.RecordRefused as refusal:
            problems.append(f"Thrive ID: {refusal}")
        if case is None and not problems:
            problems.append(f"Thrive ID: {records.NEEDS_A_CASE}")
    if problems:
        raise NotThisKind(problems, {**fields, "kind": kind})
    if kind == RecordKind.NOTE:
        work = kinds.work_form(kind, _note_data(fields), user=by, case=case)
    elif kind == RecordKind.CASE_CHANGE:
        shape = kinds.work_form(kind, None, user=by, case=case)
        changed = _text(fields, "change_field")
        if changed not in OFFLINE_CHANGE_FIELDS or changed not in shape.fields:
            raise NotThisKind(
                ["The field to change cannot be changed on this case by you"],
                {**fields, "kind": kind},
            )
        work = kinds.work_form(kind, _edit_data(case, shape, fields), user=by, case=case)
    elif kind == RecordKind.DECISION:
        if not decisions.may_record(by, case):
            raise NotThisKind([decisions.NOT_YOURS], {**fields, "kind": kind})
        work = kinds.work_form(kind, _decision_data(case, fields), user=by, case=case)
    else:
        work = kinds.work_form(kind, _family_data(fields), user=by, case=None)
        if "service" in work.fields:  # an officer chooses the service when applying it
            work.fields["service"].required = False
    valid = common.is_valid() & work.is_valid()
    if not valid:
        raise NotThisKind(form_errors(common) + form_errors(work), {**fields, "kind": kind})
    return {**common.record_fields(), **kinds.record_fields(kind, work.record_values(), case=case)}


def fallback_fields(error: NotThisKind) -> dict:
    """The free-text tracker fields a refused structured record is kept as."""
    typed = error.typed
    surname = _text(typed, "nf_child_last_name") or _text(typed, "child_surname") or "Unknown"
    return {
        "thrive_id": _text(typed, "thrive_id") or records.NEW,
        "child_surname": surname,
        "child_date_of_birth": typed.get("nf_child_date_of_birth") or "",
        "restricted": bool(typed.get("restricted")),
        "recorded_date": typed.get("recorded_date"),
        "recorded_time": typed.get("recorded_time"),
        "nature_of_work": {
            RecordKind.NOTE: "case_note",
            RecordKind.CASE_CHANGE: "details",
            RecordKind.DECISION: "decision",
            RecordKind.NEW_FAMILY: "new_referral",
        }[typed["kind"]],
        "details": "\n".join(
            [
                "Sent from the offline tracker as a "
                f"{RecordKind(typed['kind']).label.lower()}, but Thrive could not take it as "
                "one. Check and correct: " + "; ".join(error.problems),
                "",
                *_typed_lines(typed["kind"], typed),
            ]
        ),
    }
