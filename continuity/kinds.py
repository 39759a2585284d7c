"""Structured downtime records: for each kind, the form that takes it (the live form's own
fields and checks, so a record is complete when it is written) and the JSON it keeps in
`DowntimeRecord.values`:

- note: {"kind", "happened_at" (ISO), "who", "text"}, a case note or contact;
- case_change: {"version", "fields": {name: value}, "key_reasons": [ids] or null,
  "base": {name: value}, "base_key_reasons": [ids] or null}, what the case's Edit form took
  and what the case held when it was recorded (to see, when applying, what changed since);
- new_family: {"service": id or null, "fields": {name: value}}, the referral's demographics;
- decision: the manager's Record decision or Allocate worker (continuity.decisions);
- attachment: {"title"}, with the file in a DowntimeAttachment;
- free_text: {}, the record's own details only.

Each work form has the prefix "work", so that the case's own Edit form, rendered with that
prefix in read-only mode, posts straight into a record."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone

from cases.forms import DEMOGRAPHICS, CaseEditForm, DemographicsFields
from cases.models import Case, KeyReason, NoteKind
from cases.note_forms import CaseNoteForm
from cases.services import roles_on_case
from documents.fields import SafeFileField
from thrive.models import Role, Service, User
from thrive.ui.tables import display

from . import decisions, records
from .models import NatureOfWork, RecordKind
from .records import NEW

PREFIX = "work"
CASE_KINDS = records.CASE_KINDS
STRUCTURED_KINDS = CASE_KINDS | {RecordKind.NEW_FAMILY}
CHANGE_FIELDS = [name for name in CaseEditForm.Meta.fields if name != "key_reasons"]


def as_json(value):
    """A cleaned form value as JSON: dates as ISO text, model instances by id."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, models.QuerySet)):
        return sorted(as_json(item) for item in value)
    return value


def from_json(name: str, value):
    """A stored case field value back as the Python value its model field takes."""
    if value in (None, ""):
        return None if isinstance(Case._meta.get_field(name), models.DateField) else value
    if isinstance(Case._meta.get_field(name), models.DateField):
        return dt.date.fromisoformat(value)
    return value


def include_work(user: User, case: Case) -> bool:
    """Whether the case's Edit form includes the work record, as the live Edit page decides."""
    roles = roles_on_case(user, case)
    return bool(roles & {Role.SERVICE_MANAGER, Role.SERVICE_WORKER}) and case.status in (
        "open",
        "closed",
    )


class NoteWork(CaseNoteForm):
    def record_values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "happened_at": data["happened_at"].isoformat(),
            "who": data["who"],
            "text": data["text"],
        }

    @staticmethod
    def initial_from(values: dict) -> dict:

        happened = timezone.localtime(dt.datetime.fromisoformat(values["happened_at"]))
        return {
            "kind": values["kind"],
            "happened_date": happened.date(),
            "happened_time": f"{happened:%H:%M}",
            "who": values.get("who", ""),
            "text": values["text"],
        }


class CaseChangeWork(CaseEditForm):
    """The case's own Edit form. Its values are checked as a live edit is, and kept with the
    case's values at the time (`base`)."""

    def __init__(self, *args, case: Case, user: User, **kwargs):
        self.base = {name: as_json(getattr(case, name)) for name in CHANGE_FIELDS}
        self.base_key_reasons = sorted(case.key_reasons.values_list("pk", flat=True))
        super().__init__(*args, case=case, include_work=include_work(user, case), **kwargs)

    def record_values(self) -> dict:
        data = self.cleaned_data
        names = [name for name in self.tracked_fields if name != "key_reasons"]
        return {
            "version": data["version"],
            "fields": {name: as_json(data[name]) for name in names},
            "key_reasons": as_json(data["key_reasons"]) if self.include_work else None,
            "base": {name: self.base[name] for name in names},
            "base_key_reasons": self.base_key_reasons if self.include_work else None,
        }

    @staticmethod
    def initial_from(values: dict) -> dict:
        initial = dict(values["fields"])
        if values.get("key_reasons") is not None:
            initial["key_reasons"] = values["key_reasons"]
        return initial


class NewFamilyWork(DemographicsFields):
    """What the Refer a family form asks. An EHPS officer also chooses the commissioned
    service; a service's own record is sent to the Early Help team of its district."""

    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label="Commissioned service to refer to",
        empty_label="Choose a service",
        error_messages={"invalid_choice": "Choose a commissioned service in your district"},
    )

    class Meta:
        model = Case
        fields = DEMOGRAPHICS

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date_referred", timezone.localdate())
        self.is_officer = user.has_role(Role.EHPS_OFFICER)
        if self.is_officer:
            self.fields["service"].queryset = Service.objects.filter(
                district__in=user.districts()
            ).order_by("name")
            self.fields["service"].required = True
            self.fields["service"].error_messages["required"] = (
                "Choose the commissioned service to refer to"
            )
        else:
            del self.fields["service"]

    def record_values(self) -> dict:
        data = self.cleaned_data
        return {
            "service": as_json(data.get("service")),
            "fields": {name: as_json(data[name]) for name in DEMOGRAPHICS},
        }

    @staticmethod
    def initial_from(values: dict) -> dict:
        return {**values["fields"], "service": values.get("service")}


class AttachmentWork(forms.Form):
    """A document or photo to attach, checked as every upload is. Carried from an upload
    page in read-only mode, the title may be blank (the file's name, as the upload page
    does) and the record may be a new version of one of the case's documents."""

    title = forms.CharField(
        label="What it is",
        max_length=200,
        required=False,
        help_text="For example, photo of the bedroom after the home visit. Leave blank to "
        "use the file’s name.",
        error_messages={"max_length": "What it is must be 200 characters or fewer"},
    )
    file = SafeFileField(
        label="Document or photo",
        help_text="Word, PDF, Excel, JPG or PNG. It goes into the case’s document library "
        "when the record is applied.",
    )
    document = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, case: Case | None = None, user: User | None = None, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)

    def clean_document(self):
        """A new version of this document: one of the case's, that the person may add to."""
        from documents.models import Document
        from documents.services import may_add_version

        pk = self.cleaned_data.get("document")
        if pk is None:
            return None
        document = (
            Document.objects.visible_to(self.user).live().filter(pk=pk, case=self.case).first()
        )
        if document is None or not may_add_version(self.user, document):
            raise forms.ValidationError("You cannot add a version to this document")
        return document

    def clean(self):
        data = super().clean()
        if not data.get("title"):
            document, checked = data.get("document"), data.get("file")
            if document is not None:
                data["title"] = document.title or document.name
            elif checked is not None:
                data["title"] = checked.safe_name.rsplit(".", 1)[0]
        return data

    def record_values(self) -> dict:
        document = self.cleaned_data.get("document")
        values = {"title": self.cleaned_data.get("title") or ""}
        if document is not None:
            values["document"] = document.pk
        return values

    @staticmethod
    def initial_from(values: dict) -> dict:
        return {"title": values.get("title", ""), "document": values.get("document")}


def work_form(
    kind: str,
    data=None,
    files=None,
    *,
    user: User,
    case: Case | None,
    initial=None,
    values: dict | None = None,
):
    """The kind's form, bound to `data` if given; `values` are the record's, when correcting
    it."""
    common = {"prefix": PREFIX, "initial": initial}
    if kind == RecordKind.NOTE:
        return NoteWork(data, **common)
    if kind == RecordKind.CASE_CHANGE:
        return CaseChangeWork(data, case=case, user=user, **common)
    if kind == RecordKind.NEW_FAMILY:
        return NewFamilyWork(data, user=user, **common)
    if kind == RecordKind.DECISION:
        form_class = decisions.form_class_for(user, case, values)
        return form_class(data, case=case, **common)
    if kind == RecordKind.ATTACHMENT:
        return AttachmentWork(data, files, case=case, user=user, **common)
    raise ValueError(f"{kind} records have no work form")


def nature_of(kind: str, values: dict) -> str:
    """The tracker's Nature of Work Undertaken for a structured record."""
    if kind == RecordKind.NOTE:
        return NatureOfWork.CASE_NOTE if values["kind"] == NoteKind.NOTE else NatureOfWork.CONTACT
    if kind == RecordKind.DECISION:
        return NatureOfWork.DECISION if decisions.is_decision(values) else NatureOfWork.ALLOCATION
    return {
        RecordKind.CASE_CHANGE: NatureOfWork.DETAILS,
        RecordKind.NEW_FAMILY: NatureOfWork.NEW_REFERRAL,
        RecordKind.ATTACHMENT: NatureOfWork.DOCUMENT,
    }[kind]


def case_label(name: str) -> str:
    label = str(Case._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def shown(name: str, value) -> str:
    """A stored case value as the case page shows it."""
    return display(from_json(name, value)) or "blank"


def key_reason_names(ids) -> str:
    names = KeyReason.objects.filter(pk__in=ids or []).order_by("name")
    return ", ".join(reason.name for reason in names) or "blank"


def changed_fields(values: dict) -> list[str]:
    """The case fields a case_change record changes from what the case held then."""
    base = values.get("base", {})
    names = [name for name, value in values["fields"].items() if base.get(name) != value]
    if values.get("key_reasons") is not None and sorted(values["key_reasons"]) != sorted(
        values.get("base_key_reasons") or []
    ):
        names.append("key_reasons")
    return names


def summary_of(kind: str, values: dict) -> str:
    """The record's "What was done", written from the structured values."""
    if kind == RecordKind.NOTE:
        label = NoteKind(values["kind"]).label
        who = f" with {values['who']}" if values.get("who") else ""
        return f"{label}{who}: {values['text']}"
    if kind == RecordKind.CASE_CHANGE:
        lines = []
        for name in changed_fields(values):
            if name == "key_reasons":
                lines.append(f"Key reasons for support: {key_reason_names(values[name])}")
            else:
                lines.append(f"{case_label(name)}: {shown(name, values['fields'][name])}")
        return "\n".join(lines) or "No change to the case information"
    if kind == RecordKind.NEW_FAMILY:
        fields = values["fields"]
        return f"New family {fields['family_names']}: {fields['reason_for_referral']}"
    if kind == RecordKind.DECISION:
        return decisions.summary(values)
    if kind == RecordKind.ATTACHMENT and values.get("document"):
        return f"New version of a document to attach: {values['title']}"
    if kind == RecordKind.ATTACHMENT:
        return f"Document or photo to attach: {values['title']}"
    raise ValueError(kind)


def record_fields(kind: str, values: dict, *, case: Case | None) -> dict:
    """The record's tracker columns for a structured record, from its values and its case."""
    if kind == RecordKind.NEW_FAMILY:
        fields = values["fields"]
        thrive_id, surname = NEW, fields["child_last_name"]
        born = from_json("child_date_of_birth", fields.get("child_date_of_birth"))
    else:
        thrive_id, surname, born = case.thrive_id, case.child_last_name, case.child_date_of_birth
    return {
        "kind": kind,
        "values": values,
        "thrive_id": thrive_id,
        "child_surname": surname,
        "child_date_of_birth": born,
        "nature_of_work": nature_of(kind, values),
        "details": summary_of(kind, values),
    }


def initial_from(record) -> dict:
    """The kind's form filled in from a record, for the author's correction."""
    if record.kind == RecordKind.DECISION:
        return decisions.initial_from(record.values)
    form_class = {
        RecordKind.NOTE: NoteWork,
        RecordKind.CASE_CHANGE: CaseChangeWork,
        RecordKind.NEW_FAMILY: NewFamilyWork,
        RecordKind.ATTACHMENT: AttachmentWork,
    }[record.kind]
    return form_class.initial_from(record.values)
