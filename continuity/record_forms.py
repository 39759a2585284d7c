"""The downtime record form, in the Downtime tracker's own words."""

from zoneinfo import ZoneInfo

from django import forms
from django.core import signing
from django.utils import timezone

from cases.models import normalise_thrive_id
from thrive.models import Service
from thrive.ui.govuk_forms import (
    GovukDateField,
    LongTextField,
    london_datetime,
    past_date_and_time,
)
from thrive.ui.tables import display

from . import decisions, records
from .models import DowntimeRecord, NatureOfWork, RecordKind

LONDON = ZoneInfo("Europe/London")
YES_NO = [("yes", "Yes"), ("no", "No")]
DETAILS_MAX = DowntimeRecord._meta.get_field("details").max_length


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service.name} ({service.get_district_display()})"


class DowntimeRecordForm(forms.Form):
    thrive_id = forms.CharField(
        label="Thrive ID or NEW",
        max_length=20,
        help_text="The case’s Thrive ID, for example KT000123, or NEW for a family not yet "
        "in Thrive",
        error_messages={"required": "Enter the Thrive ID, or NEW"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    child_surname = forms.CharField(
        label="Child surname",
        max_length=100,
        error_messages={"required": "Enter the child’s surname"},
    )
    child_date_of_birth = GovukDateField(
        label="Child date of birth",
        required=False,
        allow_future=False,
        help_text="For example, 27 3 2015",
    )
    restricted = forms.TypedChoiceField(
        label="Restricted record?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Restricted records are seen by you alone, not your team or your manager, "
        "and cannot be sent to another team. You enter them into Thrive yourself.",
        error_messages={"required": "Select yes if this is a restricted record"},
    )
    recorded_date, recorded_time = past_date_and_time(
        "Date & Time Information Recorded: date",
        "Date & Time Information Recorded: time",
        error_label="Date information recorded",
        what="the information was recorded",
    )
    nature_of_work = forms.ChoiceField(
        label="Nature of Work Undertaken",
        choices=NatureOfWork.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the nature of work undertaken"},
    )
    details = LongTextField(
        label="What was done",
        help_text=DowntimeRecord._meta.get_field("details").help_text,
        max_length=DETAILS_MAX,
        rows=8,
        error_messages={"required": "Enter what was done"},
    )
    sent_to = ServiceChoiceField(
        queryset=Service.objects.order_by("name"),
        required=False,
        label="Send to another team as a TEMPLATE REFERRAL",
        empty_label="Do not send",
        help_text="Any commissioned service. Its managers will see it in their re-entry queue "
        "to action.",
        error_messages={"invalid_choice": "Choose a commissioned service from the list"},
    )

    def __init__(self, *args, user, record: DowntimeRecord | None = None, **kwargs):
        self.user, self.record = user, record
        super().__init__(*args, **kwargs)
        if not self.is_bound and record is None:
            now = timezone.localtime(timezone.now(), LONDON)
            self.initial.setdefault("recorded_date", now.date())
            self.initial.setdefault("recorded_time", f"{now:%H:%M}")

    def clean_thrive_id(self):
        typed = self.cleaned_data["thrive_id"]
        if self.record is not None and normalise_thrive_id(typed) == self.record.thrive_id:
            return self.record.thrive_id
        try:
            thrive_id, _case = records.resolve_thrive_id(typed, by=self.user)
        except records.RecordRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return thrive_id

    def clean(self):
        data = super().clean()
        day, time = data.get("recorded_date"), data.get("recorded_time")
        if day and time:
            data["recorded_at"] = london_datetime(day, time)
            if data["recorded_at"] > timezone.now():
                self.add_error("recorded_time", records.RECORDED_IN_FUTURE)
        if data.get("restricted") and data.get("sent_to") is not None:
            self.add_error("sent_to", records.RESTRICTED_NOT_SENT)
        return data

    def record_fields(self) -> dict:
        """The cleaned values, as the services in continuity.records take them."""
        return {name: self.cleaned_data[name] for name in records.FREE_TEXT_FIELDS}

    def add_refusal(self, refusal: records.RecordRefused) -> None:
        field = {"recorded_at": "recorded_time"}.get(refusal.field, refusal.field)
        self.add_error(field if field in self.fields else None, str(refusal))


SNAPSHOT_FIELDS = [
    "thrive_id",
    "child_surname",
    "child_date_of_birth",
    "restricted",
    "recorded_at",
    "nature_of_work",
    "details",
    "sent_to",
]


def snapshot_of(record: DowntimeRecord) -> dict:
    """Each field as shown, as text, for showing what changed since a form was opened."""
    values = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(record, name)
        if name == "nature_of_work":
            value = record.get_nature_of_work_display()
        elif name == "sent_to":
            value = value.name if value else ""
        values[name] = display(value)
    return values


def changes_since(opened: dict, current: DowntimeRecord) -> list[dict]:
    now = snapshot_of(current)
    return [
        {
            "label": str(DowntimeRecord._meta.get_field(name).verbose_name),
            "was": opened[name] or "blank",
            "now": now[name] or "blank",
        }
        for name in SNAPSHOT_FIELDS
        if name in opened and opened[name] != now[name]
    ]


class ChangeRecordForm(DowntimeRecordForm):
    """The author's correction of their record. Carries the version it was opened at and a
    signed snapshot of what was shown, so a save over a newer change is refused and the
    newer change can be shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    snapshot = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, record: DowntimeRecord, **kwargs):
        super().__init__(*args, user=user, record=record, **kwargs)
        if not self.is_bound:
            recorded = timezone.localtime(record.recorded_at, LONDON)
            self.initial.update(
                version=record.version,
                snapshot=signing.dumps(snapshot_of(record)),
                thrive_id=record.thrive_id,
                child_surname=record.child_surname,
                child_date_of_birth=record.child_date_of_birth,
                restricted="yes" if record.restricted else "no",
                recorded_date=recorded.date(),
                recorded_time=f"{recorded:%H:%M}",
                nature_of_work=record.nature_of_work,
                details=record.details,
                sent_to=record.sent_to_id,
            )

    def opened_snapshot(self) -> dict:
        try:
            return signing.loads(self.data.get("snapshot", ""))
        except signing.BadSignature:
            return {}

    def refreshed_for(self, current: DowntimeRecord) -> "ChangeRecordForm":
        """A copy of this form, keeping the person's input, against the latest version."""
        data = self.data.copy()
        data["version"] = current.version
        data["snapshot"] = signing.dumps(snapshot_of(current))
        return type(self)(data, user=self.user, record=current)


class StructuredRecordForm(DowntimeRecordForm):
    """What every structured record asks besides its kind's own form: whether it is
    restricted and when the information was recorded. The Thrive ID, child and "What was
    done" come from the case and the kind's form."""

    OWN_FIELDS = ("restricted", "recorded_date", "recorded_time")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.OWN_FIELDS:
                del self.fields[name]

    def record_fields(self) -> dict:
        return {
            "restricted": self.cleaned_data["restricted"],
            "recorded_at": self.cleaned_data["recorded_at"],
        }


class CaseChoiceForm(forms.Form):
    """Which case the work belongs to, by Thrive ID: a case the person can see."""

    case = forms.CharField(
        label="Thrive ID",
        max_length=20,
        help_text="The case’s Thrive ID, for example KT000123",
        error_messages={"required": "Enter the Thrive ID of the case"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, kind: str = "", **kwargs):
        self.user, self.kind = user, kind
        self.found = None
        super().__init__(*args, **kwargs)

    def clean_case(self):
        try:
            thrive_id, case = records.resolve_thrive_id(self.cleaned_data["case"], by=self.user)
        except records.RecordRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        if case is None:
            raise forms.ValidationError(records.NEEDS_A_CASE)
        if self.kind == RecordKind.DECISION and not decisions.may_record(self.user, case):
            raise forms.ValidationError(decisions.NOT_YOURS)
        self.found = case
        return thrive_id


class KindChoiceForm(forms.Form):
    kind = forms.ChoiceField(
        label="What do you need to record?",
        choices=RecordKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you need to record"},
    )
