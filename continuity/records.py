"""Downtime records: each change to one is a small function here that checks the person's
right and the record's state, writes with an optimistic-lock check and audits, in one
transaction. The views and forms only call these."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.models import Case, normalise_thrive_id
from documents.uploads import CheckedUpload, store_checked_upload
from thrive import audit
from thrive.models import SERVICE_ROLES, Membership, Role, User

from .models import DowntimeAttachment, DowntimeRecord, RecordKind
from .readonly import downtime_in_force

# Who keeps a Downtime tracker: staff, not health partner people (who have the portal).
RECORDING_ROLES = (
    Role.SERVICE_MANAGER,
    Role.SERVICE_WORKER,
    Role.EHPS_OFFICER,
    Role.SEND_OFFICER,
    Role.SYSTEM_ADMIN,
)

NEW = "NEW"
# The kinds of structured record that belong to a case (all but a new family).
CASE_KINDS = frozenset(
    {RecordKind.NOTE, RecordKind.CASE_CHANGE, RecordKind.DECISION, RecordKind.ATTACHMENT}
)
# What the author types on the free-text form; everything else (who, when, which downtime,
# entered) is Thrive's. A structured record's kind and values come from its kind's form.
FREE_TEXT_FIELDS = frozenset(
    {
        "thrive_id",
        "child_surname",
        "child_date_of_birth",
        "restricted",
        "recorded_at",
        "nature_of_work",
        "details",
        "sent_to",
    }
)
RECORD_FIELDS = FREE_TEXT_FIELDS | {"kind", "values", "client_key"}

THRIVE_ID_UNKNOWN = "Enter a Thrive ID you can see, or NEW"
RESTRICTED_NOT_SENT = (
    "A restricted record cannot be sent to another team. Choose ‘No’ for Restricted record, "
    "or do not send it"
)
NEEDS_A_CASE = "Enter the Thrive ID of the case this work belongs to"
NEW_ONLY = "A new family’s record is for NEW: a family not yet in Thrive"
RECORDED_IN_FUTURE = "Date & Time Information Recorded must be now or in the past"
ONLY_AUTHOR = "Only the person who recorded it can change a downtime record."
ALREADY_ENTERED = (
    "This record has been marked as entered into Thrive, so it can no longer be changed. "
    "Undo that first if it was a mistake."
)


APPLIED_FOR_GOOD = (
    "This record was applied to Thrive, so its work is on the case: correct the case itself "
    "if something is wrong."
)


class RecordRefused(Exception):
    """The change is not possible for this person or in the record's present state. `field`
    names the form field the message belongs next to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleRecord(Exception):
    """The record was saved since the form was opened (another window, or a manager marking
    it entered and undoing that)."""

    def __init__(self, record: DowntimeRecord):
        super().__init__("The downtime record was changed since you opened it")
        self.current = record


def may_keep_records(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(*RECORDING_ROLES)


def resolve_thrive_id(text: str, *, by: User) -> tuple[str, Case | None]:
    """`new` means a family not yet in Thrive; anything else must be the Thrive ID of a case
    `by` can see (typed however: `kt 123` is KT000123). Returns the ID as stored and its case."""
    thrive_id = normalise_thrive_id(text)
    if thrive_id == NEW:
        return NEW, None
    case = Case.objects.visible_to(by).filter(thrive_id=thrive_id).first() if thrive_id else None
    if case is None:
        raise RecordRefused(THRIVE_ID_UNKNOWN, field="thrive_id")
    return thrive_id, case


def author_service_id(by: User) -> int | None:
    """The team a record belongs to: the author's service when they are a manager or worker
    of exactly one; otherwise (council staff, or people in several services) none."""
    services = set(
        Membership.objects.filter(user=by, role__in=SERVICE_ROLES).values_list(
            "service_id", flat=True
        )
    )
    return services.pop() if len(services) == 1 else None


def _checked(fields: dict, *, by: User, record: DowntimeRecord | None = None) -> dict:
    """The fields as stored: the Thrive ID resolved to its case, and the rules every record
    keeps whichever form it came from."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise TypeError(f"Not a downtime record field: {', '.join(sorted(unknown))}")
    values = dict(fields)
    if "thrive_id" in values or record is None:
        typed = values.get("thrive_id", "")
        if record is not None and normalise_thrive_id(typed) == record.thrive_id:
            # Unchanged: keep the case, even if it has since moved beyond the author's sight.
            values["thrive_id"], values["case_id"] = record.thrive_id, record.case_id
        else:
            values["thrive_id"], case = resolve_thrive_id(typed, by=by)
            values["case_id"] = case.pk if case else None
    restricted = values.get("restricted", record.restricted if record else False)
    sent_to = values.get("sent_to", record.sent_to if record else None)
    if restricted and sent_to is not None:
        raise RecordRefused(RESTRICTED_NOT_SENT, field="sent_to")
    kind = values.get("kind", record.kind if record else RecordKind.FREE_TEXT)
    thrive_id = values.get("thrive_id", record.thrive_id if record else "")
    if kind in CASE_KINDS and thrive_id == NEW:
        raise RecordRefused(NEEDS_A_CASE, field="thrive_id")
    if kind == RecordKind.NEW_FAMILY and thrive_id != NEW:
        raise RecordRefused(NEW_ONLY, field="thrive_id")
    recorded_at = values.get("recorded_at")
    if recorded_at is not None and recorded_at > timezone.now():
        raise RecordRefused(RECORDED_IN_FUTURE, field="recorded_at")
    return values


ATTACHMENT_PREFIX = "downtime-records"


def add_record(
    *, by: User, request=None, attachment: CheckedUpload | None = None, **fields
) -> DowntimeRecord:
    """A new line of `by`'s Downtime tracker, made during the downtime in force (or, with
    none in force, typed up afterwards from paper), for their service if they have one.
    `attachment` (a checked upload) is kept with the record until it is applied; it is
    stored first and deleted again if the record cannot be written."""
    if attachment is None:
        return _add_record(by=by, request=request, fields=fields)
    stored = store_checked_upload(attachment, prefix=ATTACHMENT_PREFIX)
    try:
        with transaction.atomic():
            record = _add_record(by=by, request=request, fields=fields)
            DowntimeAttachment.objects.create(
                record=record,
                stored_name=stored,
                original_name=attachment.safe_name,
                **attachment.facts,
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return record


@transaction.atomic
def _add_record(*, by: User, request, fields: dict) -> DowntimeRecord:
    if not may_keep_records(by):
        raise RecordRefused("Only Thrive staff keep downtime records.")
    client_key = fields.get("client_key")
    if client_key is not None:
        existing = DowntimeRecord.objects.filter(client_key=client_key, created_by=by).first()
        if existing is not None:
            return existing  # sent again by a browser that did not hear the first answer
    values = _checked(fields, by=by)
    record = DowntimeRecord.objects.create(
        created_by=by,
        downtime=downtime_in_force(),
        service_id=author_service_id(by),
        **values,
    )
    kind_note = "" if record.kind == RecordKind.FREE_TEXT else record.get_kind_display()
    audit.record(request, "downtime_record_added", record, user=by, note=kind_note)
    return record


def _label(name: str) -> str:
    return str(DowntimeRecord._meta.get_field(name).verbose_name)


@transaction.atomic
def change_record(
    record: DowntimeRecord, *, by: User, version: int, request=None, **fields
) -> DowntimeRecord:
    """The author corrects their record while it waits to be entered. Refused if it was saved
    since `version` was read (StaleRecord), or has been marked as entered meanwhile."""
    if record.created_by_id != by.pk or not may_keep_records(by):
        raise RecordRefused(ONLY_AUTHOR)
    if record.entered_at is not None:
        raise RecordRefused(ALREADY_ENTERED)
    values = _checked(fields, by=by, record=record)
    attnames = {name: DowntimeRecord._meta.get_field(name).attname for name in fields}
    before = {name: getattr(record, attname) for name, attname in attnames.items()}
    updated = DowntimeRecord.objects.filter(
        pk=record.pk, version=version, entered_at__isnull=True
    ).update(**values, version=F("version") + 1)
    if not updated:
        current = DowntimeRecord.objects.get(pk=record.pk)
        if current.entered_at is not None:
            raise RecordRefused(ALREADY_ENTERED)
        raise StaleRecord(current)
    record.refresh_from_db()
    # Which fields changed, by their labels: never what they say.
    changed = [
        _label(name) for name in sorted(fields) if getattr(record, attnames[name]) != before[name]
    ]
    audit.record(request, "downtime_record_changed", record, user=by, note=", ".join(changed))
    return record


def _check_visible(record: DowntimeRecord, by: User) -> None:
    if not (
        may_keep_records(by) and DowntimeRecord.objects.visible_to(by).filter(pk=record.pk).exists()
    ):
        raise RecordRefused("You cannot see this downtime record.")


@transaction.atomic
def mark_entered(record: DowntimeRecord, *, by: User, request=None) -> DowntimeRecord:
    """The work is now in Thrive: the record leaves the re-entry queue. Anyone who can see
    the record may do this, so a manager can enter a colleague's work while they are away."""
    _check_visible(record, by)
    updated = DowntimeRecord.objects.filter(pk=record.pk, entered_at__isnull=True).update(
        entered_at=timezone.now(), entered_by=by, version=F("version") + 1
    )
    if not updated:
        raise RecordRefused("This record has already been marked as entered into Thrive.")
    record.refresh_from_db()
    audit.record(request, "downtime_record_entered", record, user=by)
    return record


@transaction.atomic
def mark_not_entered(record: DowntimeRecord, *, by: User, request=None) -> DowntimeRecord:
    """Undo `mark_entered` (marked by mistake): the record is back in the re-entry queue."""
    _check_visible(record, by)
    if record.applied:
        raise RecordRefused(APPLIED_FOR_GOOD)
    updated = DowntimeRecord.objects.filter(
        pk=record.pk, entered_at__isnull=False, applied=False
    ).update(entered_at=None, entered_by=None, version=F("version") + 1)
    if not updated:
        raise RecordRefused("This record has not been marked as entered into Thrive.")
    record.refresh_from_db()
    audit.record(request, "downtime_record_entry_undone", record, user=by)
    return record
