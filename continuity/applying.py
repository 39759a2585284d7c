"""Applying a downtime record to Thrive: what it will do to the case ("check your answers"),
and doing it through the same service functions as a live change (their rules, optimistic
lock, audit and emails), with the record marked entered in the same transaction, so that
applying twice enters once.

A change to case information is applied field by field: only what the record changed from
what the case held when it was recorded. A field the case has changed since, differently,
is a conflict: the person sees both values and chooses; nothing is overwritten silently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases import notes
from cases.models import Case, KeyReason, NoteKind
from cases.services import CaseActionRefused, StaleCase, refer_case, update_case
from documents.models import Document
from thrive import audit
from thrive.models import District, Membership, Role, Service, User
from thrive.outbox import queue_email
from thrive.ui.templatetags.govuk import uk_datetime

from . import attachments, decisions, kinds
from .models import DowntimeRecord, RecordKind
from .readonly import downtime_in_force
from .records import RESTRICTED_NOT_SENT, RecordRefused, may_keep_records

KEEP_CASE, USE_RECORD = "case", "record"
BY_HAND = "This is a free-text record: enter the work into Thrive by hand, then mark it as entered."
READ_ONLY = "Thrive is read-only just now. Apply the record once Thrive is back."
ALREADY = "This record has already been entered into Thrive."
ALREADY_SENT = "This new family has already been sent to the Early Help team."
NOT_A_SERVICE_RECORD = (
    "Only a commissioned service’s record of a new family is sent to the Early Help team. "
    "Ask an Early Help officer to refer the family."
)


class NeedsChoice(Exception):
    """The case changed since the record was made, differently: the person must choose."""

    def __init__(self, conflicts: list[str]):
        super().__init__("Choose which value to keep for each change")
        self.conflicts = conflicts


@dataclass
class Row:
    """One line of the check-your-answers summary."""

    name: str
    label: str
    now: str
    sets: str
    conflict: bool = False


@dataclass
class Preview:
    record: DowntimeRecord
    rows: list[Row] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    refusal: str = ""
    outcome: str = ""  # what applying will do, in a sentence
    case_version: int | None = None
    services: list = field(default_factory=list)  # for an officer referring a NEW family
    compares: bool = False  # the rows set case fields: show the case now beside them
    # The choices to make when the case changed since: one per conflicting field, or, for a
    # decision record, one per part (the decision, the worker allocated).
    choice_rows: list[Row] | None = None

    def choosing(self) -> list[Row]:
        if self.choice_rows is not None:
            return self.choice_rows
        return [row for row in self.rows if row.conflict]


def source_of(record: DowntimeRecord) -> str:
    """What the audit and the timeline say about where the work was first written."""
    return (
        f"downtime record {record.pk}, recorded at {uk_datetime(record.recorded_at)} "
        f"by {record.created_by.full_name}"
    )


# --- Who may apply, when --------------------------------------------------------------------


def refusal_for(record: DowntimeRecord, by: User) -> str:
    """Why `by` cannot apply this record now, or "" if they can."""
    if (
        not may_keep_records(by)
        or not DowntimeRecord.objects.visible_to(by).filter(pk=record.pk).exists()
    ):
        return "You cannot see this downtime record."
    if record.entered_at is not None:
        return ALREADY
    if record.kind == RecordKind.FREE_TEXT:
        return BY_HAND
    if downtime_in_force() is not None:
        return READ_ONLY
    if record.kind == RecordKind.NEW_FAMILY:
        return _new_family_refusal(record, by)
    case = Case.objects.visible_to(by).filter(pk=record.case_id).first()
    if case is None:
        return (
            f"You cannot open case {record.thrive_id}. Ask its service’s manager to apply "
            "this record."
        )
    if record.kind == RecordKind.DECISION:
        if not decisions.may_apply(by, case):
            return (
                "Only the service’s manager can apply a decision or an allocation, to a case "
                "that is not archived."
            )
    elif not notes.may_record_notes(by, case):
        return "You cannot change this case: it is archived, or no longer yours to edit."
    if record.kind == RecordKind.ATTACHMENT and getattr(record, "attachment", None) is None:
        return "The document or photo kept with this record is missing: upload it by hand."
    return ""


def _new_family_refusal(record: DowntimeRecord, by: User) -> str:
    if by.has_role(Role.EHPS_OFFICER):
        return ""
    if record.sent_to_district:
        return ALREADY_SENT
    if record.restricted:
        return RESTRICTED_NOT_SENT
    if record.service_id is None:
        return NOT_A_SERVICE_RECORD
    return ""


# --- What it will do ------------------------------------------------------------------------


def _case_values(case: Case, names: list[str]) -> dict:
    values = {name: kinds.as_json(getattr(case, name)) for name in names if name != "key_reasons"}
    if "key_reasons" in names:
        values["key_reasons"] = sorted(case.key_reasons.values_list("pk", flat=True))
    return values


def _shown(name: str, value) -> str:
    if name == "key_reasons":
        return kinds.key_reason_names(value)
    return kinds.shown(name, value)


def _label(name: str) -> str:
    return "Key Reasons for Support" if name == "key_reasons" else kinds.case_label(name)


def case_change_plan(record: DowntimeRecord, case: Case) -> tuple[dict, dict, list[str]]:
    """What the record sets, what the case holds now, and the conflicting fields."""
    values = record.values
    names = kinds.changed_fields(values)
    sets = {
        name: values[name] if name == "key_reasons" else values["fields"][name] for name in names
    }
    base = {**values["base"], "key_reasons": sorted(values.get("base_key_reasons") or [])}
    now = _case_values(case, names)
    conflicts = [
        name
        for name in names
        if _same(name, now[name], base.get(name)) is False
        and _same(name, now[name], sets[name]) is False
    ]
    return sets, now, conflicts


def _same(name, a, b) -> bool:
    if name == "key_reasons":
        return sorted(a or []) == sorted(b or [])
    return (a or None) == (b or None)


def preview(record: DowntimeRecord, *, by: User) -> Preview:
    """The check-your-answers summary: what the case holds now beside what the record sets."""
    result = Preview(record=record, refusal=refusal_for(record, by))
    kind = record.kind
    if kind == RecordKind.FREE_TEXT:
        return result
    if kind == RecordKind.NEW_FAMILY:
        return _preview_new_family(result, by)
    case = record.case
    result.case_version = case.version
    if kind == RecordKind.NOTE:
        values = record.values
        happened = dt.datetime.fromisoformat(values["happened_at"])
        result.rows = [
            Row("kind", "Kind of contact or note", "", NoteKind(values["kind"]).label),
            Row("happened_at", "Date and time of the work", "", uk_datetime(happened)),
            Row("who", "Who was involved", "", values.get("who") or "Not recorded"),
            Row("text", "What happened", "", values["text"]),
        ]
        result.outcome = f"Adds this to the timeline of case {case.thrive_id}."
    elif kind == RecordKind.CASE_CHANGE:
        sets, now, conflicts = case_change_plan(record, case)
        result.rows = [
            Row(name, _label(name), _shown(name, now[name]), _shown(name, sets[name]),
                name in conflicts)
            for name in sets
        ]  # fmt: skip
        result.conflicts = conflicts
        result.compares = True
        result.outcome = (
            f"Changes case {case.thrive_id} as shown."
            if sets
            else "Nothing to change: the case already holds these values."
        )
    elif kind == RecordKind.DECISION:
        _preview_decision(result, case)
    elif kind == RecordKind.ATTACHMENT:
        attachment = getattr(record, "attachment", None)
        result.rows = [
            Row("title", "What it is", "", record.values.get("title", "")),
            Row("file", "Document or photo", "", attachment.original_name if attachment else ""),
        ]
        result.outcome = f"Adds it to the document library of case {case.thrive_id}."
        version_of = Document.objects.filter(pk=record.values.get("document")).first()
        if version_of is not None:
            result.rows.append(Row("document", "New version of", "", version_of.name))
            result.outcome = f"Adds it as a new version of {version_of.name}."
    return result


def _preview_decision(result: Preview, case: Case) -> None:
    sets, now, conflicts = decisions.plan(result.record.values, case)
    in_conflict = {name for part in conflicts for name in decisions.PARTS[part]}
    result.rows = [
        Row(name, decisions.label(name), decisions.shown(name, now[name]),
            decisions.shown(name, sets[name]),
            name in in_conflict and not decisions.same(now[name], sets[name]))
        for name in sets
    ]  # fmt: skip
    result.choice_rows = []
    for part in conflicts:
        names = [name for name in decisions.PARTS[part] if name in sets]
        result.choice_rows.append(
            Row(part, decisions.PART_LABELS[part], decisions.part_text(names, now),
                decisions.part_text(names, sets), True)
        )  # fmt: skip
    result.conflicts = conflicts
    result.compares = True
    parts = " and ".join(
        {"decision": "records the decision", "allocation": "allocates the worker"}[part]
        for part in decisions.PARTS
        if any(name in sets for name in decisions.PARTS[part])
    )
    result.outcome = f"On case {case.thrive_id}, {parts}, as the case page would."


def _preview_new_family(result: Preview, by: User) -> Preview:
    record = result.record
    fields = record.values["fields"]
    result.rows = [
        Row(name, kinds.case_label(name), "", kinds.shown(name, fields.get(name)))
        for name in kinds.DEMOGRAPHICS
    ]
    if by.has_role(Role.EHPS_OFFICER):
        result.services = list(Service.objects.filter(district__in=by.districts()).order_by("name"))
        result.outcome = "Refers the family to the commissioned service you choose."
    elif record.service_id:
        district = District(record.service.district).label
        result.outcome = (
            f"Sends the family to the Early Help team for {district} as a referral, filled in "
            "from this record."
        )
    return result


# --- Applying -------------------------------------------------------------------------------


@dataclass
class Applied:
    record: DowntimeRecord
    message: str


def apply_record(
    record: DowntimeRecord,
    *,
    by: User,
    choices: dict[str, str] | None = None,
    case_version: int | None = None,
    service: Service | None = None,
    request=None,
) -> Applied:
    """Enter the record into Thrive. Raises RecordRefused (not allowed, already entered,
    read-only), NeedsChoice (conflicts without a choice in `choices`), StaleCase (the case
    was saved since `case_version`, the version the person was shown) or CaseActionRefused
    (the live rule refused it)."""
    with transaction.atomic():
        locked = (
            DowntimeRecord.objects.select_for_update(of=("self",))
            .select_related("created_by", "service", "case")
            .get(pk=record.pk)
        )
        refusal = refusal_for(locked, by)
        if refusal:
            raise RecordRefused(refusal)
        kind = locked.kind
        if kind == RecordKind.NEW_FAMILY:
            return _apply_new_family(locked, by=by, service=service, request=request)
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        if case_version is not None and case.version != case_version:
            raise StaleCase(case)
        if kind == RecordKind.NOTE:
            message = _apply_note(locked, case, by=by, request=request)
        elif kind == RecordKind.CASE_CHANGE:
            message = _apply_case_change(
                locked, case, by=by, choices=choices or {}, request=request
            )
        elif kind == RecordKind.DECISION:
            message = _apply_decision(locked, case, by=by, choices=choices or {}, request=request)
        else:
            message = attachments.apply_attachment(
                locked, case, by=by, request=request, source=source_of(locked)
            )
        _mark_entered(locked, by=by, request=request, note=f"case {case.thrive_id}")
    return Applied(locked, message)


def _mark_entered(record: DowntimeRecord, *, by: User, request, note: str, **extra) -> None:
    updated = DowntimeRecord.objects.filter(pk=record.pk, entered_at__isnull=True).update(
        entered_at=timezone.now(), entered_by=by, applied=True, version=F("version") + 1, **extra
    )
    if not updated:
        raise RecordRefused(ALREADY)
    record.refresh_from_db()
    audit.record(request, "downtime_record_applied", record, user=by, note=note)


def _apply_note(record, case, *, by, request) -> str:
    values = record.values
    notes.add_note(
        case,
        by=by,
        kind=values["kind"],
        happened_at=dt.datetime.fromisoformat(values["happened_at"]),
        who=values.get("who", ""),
        text=values["text"],
        entered_from=source_of(record),
        request=request,
    )
    return f"The {NoteKind(values['kind']).label.lower()} is on case {case.thrive_id}."


def _apply_case_change(record, case, *, by, choices, request) -> str:
    sets, _now, conflicts = case_change_plan(record, case)
    unchosen = [name for name in conflicts if choices.get(name) not in (KEEP_CASE, USE_RECORD)]
    if unchosen:
        raise NeedsChoice(unchosen)
    chosen = {
        name: value
        for name, value in sets.items()
        if name not in conflicts or choices[name] == USE_RECORD
    }
    key_reasons = None
    if "key_reasons" in chosen:
        key_reasons = list(KeyReason.objects.filter(pk__in=chosen.pop("key_reasons")))
    fields = {name: kinds.from_json(name, value) for name, value in chosen.items()}
    if fields or key_reasons is not None:
        update_case(
            case,
            by=by,
            version=case.version,
            fields=fields,
            key_reasons=key_reasons,
            entered_from=source_of(record),
            request=request,
        )
        return f"Case {case.thrive_id} has been changed."
    return f"Case {case.thrive_id} already held these values: nothing was changed."


def _apply_decision(record, case, *, by, choices, request) -> str:
    _sets, _now, conflicts = decisions.plan(record.values, case)
    unchosen = [part for part in conflicts if choices.get(part) not in (KEEP_CASE, USE_RECORD)]
    if unchosen:
        raise NeedsChoice(unchosen)
    keep = {part for part in conflicts if choices[part] == KEEP_CASE}
    written = decisions.apply(
        record.values, case, by=by, keep=keep, source=source_of(record), request=request
    )
    if not written:
        return f"Case {case.thrive_id} already held these values: nothing was changed."
    what = " and ".join({"decision": "decision", "allocation": "worker"}[part] for part in written)
    return f"The {what} on case {case.thrive_id} has been recorded."


def _apply_new_family(record, *, by, service, request) -> Applied:
    fields = {name: kinds.from_json(name, value) for name, value in record.values["fields"].items()}
    if not by.has_role(Role.EHPS_OFFICER):
        return _send_to_early_help(record, by=by, request=request)
    service = service or Service.objects.filter(pk=record.values.get("service")).first()
    if service is None:
        service = record.service
    if service is None:
        raise RecordRefused("Choose the commissioned service to refer the family to.")
    try:
        case = refer_case(
            by=by, service=service, entered_from=source_of(record), request=request, **fields
        )
    except CaseActionRefused as refused:
        raise RecordRefused(str(refused)) from None
    _mark_entered(
        record,
        by=by,
        request=request,
        note=f"case {case.thrive_id}",
        case=case,
        thrive_id=case.thrive_id,
    )
    return Applied(record, f"Case {case.thrive_id} has been referred to {service.name}.")


def _send_to_early_help(record, *, by, request) -> Applied:
    district = record.service.district
    updated = DowntimeRecord.objects.filter(pk=record.pk, sent_to_district="").update(
        sent_to_district=district, version=F("version") + 1
    )
    if not updated:
        raise RecordRefused(ALREADY_SENT)
    record.refresh_from_db()
    audit.record(request, "downtime_record_sent_to_early_help", record, user=by, note=district)
    officers = list(
        Membership.objects.filter(role=Role.EHPS_OFFICER, district=district, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if officers:
        from django.conf import settings

        link = f"{settings.SITE_URL}{reverse('continuity:record_apply', args=[record.pk])}"
        queue_email(
            to=officers,
            subject=f"New family to refer: downtime record {record.pk}",
            body=(
                f"{record.service.name} recorded a new family during downtime and has sent it "
                f"to the Early Help team to refer.\n\nOpen it in Thrive: {link}\n"
            ),
        )
    label = District(district).label
    return Applied(record, f"The family has been sent to the Early Help team for {label}.")


def apply_many(records: list[DowntimeRecord], *, by: User, request=None) -> list[dict]:
    """The re-entry queue's "apply the selected": each record in its own transaction, each
    checked as one applied alone; a conflict or a refusal leaves that record waiting."""
    results = []
    for record in records:
        try:
            applied = apply_record(record, by=by, request=request)
        except NeedsChoice:
            message = "The case has changed since it was recorded: open the record to choose."
            results.append({"record": record, "applied": False, "message": message})
        except (RecordRefused, CaseActionRefused, StaleCase) as refused:
            results.append({"record": record, "applied": False, "message": str(refused)})
        else:
            results.append({"record": record, "applied": True, "message": applied.message})
    return results
