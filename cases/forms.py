from django import forms
from django.core import signing
from django.utils import timezone

from thrive.models import Service
from thrive.postcodes import clean_postcode
from thrive.ui.govuk_forms import GovukDateField

from .models import Case, KeyReason, Outcome, Progressing
from .services import workers_of


def past_date(label, **kwargs):
    return GovukDateField(label=label, allow_future=False, **kwargs)


DEMOGRAPHICS = [
    "family_names",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "other_children",
    "address",
    "postcode",
    "notifier",
    "reason_for_referral",
    "date_referred",
]
WORK = ["first_contact_family", "first_contact_notifier", "assessment_date", "key_reasons"]


class DemographicsFields(forms.ModelForm):
    family_names = forms.CharField(
        label="Family second name(s)",
        max_length=200,
        help_text="Separate different surnames with a slash, for example Marshall/Broster",
        error_messages={"required": "Enter the family second name or names"},
    )
    child_first_name = forms.CharField(
        label="Main child first name",
        max_length=100,
        error_messages={"required": "Enter the main child’s first name"},
    )
    child_last_name = forms.CharField(
        label="Main child second name",
        max_length=100,
        error_messages={"required": "Enter the main child’s second name"},
    )
    child_date_of_birth = past_date("Main child date of birth", help_text="For example, 27 3 2015")
    other_children = forms.CharField(
        label="Other children",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names and dates of birth of the other children in the family",
    )
    address = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the family’s address"},
    )
    postcode = forms.CharField(
        max_length=10, error_messages={"required": "Enter the family’s postcode"}
    )
    notifier = forms.CharField(
        max_length=200,
        help_text="Who made the referral to Early Help, for example the school",
        error_messages={"required": "Enter who the notifier is"},
    )
    reason_for_referral = forms.CharField(
        label="Reason for referral",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reason for referral"},
    )
    date_referred = past_date("Date referred")

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"])

    def clean(self):
        cleaned = super().clean()
        born, referred = cleaned.get("child_date_of_birth"), cleaned.get("date_referred")
        if born and referred and referred < born:
            self.add_error("date_referred", "Date referred must be after the child’s date of birth")
        return cleaned


class ReferralForm(DemographicsFields):
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label="Commissioned service",
        empty_label="Choose a service",
        error_messages={"required": "Choose the commissioned service to refer to"},
    )

    class Meta:
        model = Case
        fields = ["service", *DEMOGRAPHICS]

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            district__in=officer.districts()
        ).select_related("provider")
        self.fields["service"].label_from_instance = lambda s: (
            f"{s.name} ({s.get_district_display()})"
        )
        self.initial.setdefault("date_referred", timezone.localdate())


class VersionedForm(forms.Form):
    """Carries the case version the form was opened at, and a signed snapshot of the values
    shown, so a save over someone else's change is refused and the change can be shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    snapshot = forms.CharField(widget=forms.HiddenInput, required=False)

    tracked_fields: list[str] = []

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("version", case.version)
            self.initial.setdefault(
                "snapshot", signing.dumps(snapshot_of(case, self.tracked_fields))
            )

    def opened_snapshot(self) -> dict:
        try:
            return signing.loads(self.data.get("snapshot", ""))
        except signing.BadSignature:
            return {}

    def refreshed_for(self, current: Case):
        """A copy of this form (keeping the person's input) against the latest version."""
        data = self.data.copy()
        data["version"] = current.version
        data["snapshot"] = signing.dumps(snapshot_of(current, self.tracked_fields))
        return type(self)(data, case=current, **self.extra_kwargs())

    def extra_kwargs(self) -> dict:
        return {}


def snapshot_of(case: Case, names: list[str]) -> dict:
    """The displayed value of each field, as text, for showing what someone else changed."""
    from thrive.ui.tables import display

    values = {}
    for name in names:
        value = getattr(case, name)
        if name == "key_reasons":
            value = ", ".join(sorted(r.name for r in case.key_reasons.all()))
        elif name == "worker":
            value = f"{value.full_name} ({value.username})" if value else ""
        elif hasattr(case, f"get_{name}_display"):
            value = getattr(case, f"get_{name}_display")()
        values[name] = display(value)
    return values


def label_of(name: str) -> str:
    field = Case._meta.get_field(name)
    return str(field.verbose_name[:1].upper() + field.verbose_name[1:])


def changes_since(opened: dict, current: Case) -> list[dict]:
    now = snapshot_of(current, list(opened))
    return [
        {"label": label_of(name), "was": opened[name] or "blank", "now": now[name] or "blank"}
        for name in opened
        if opened[name] != now[name]
    ]


class CaseEditForm(VersionedForm, DemographicsFields):
    """Edit case information. Workers and managers also record the work; the EHPS team
    only the demographics."""

    first_contact_family = past_date("Date of first contact with family", required=False)
    first_contact_notifier = past_date("Date of first contact with notifier", required=False)
    assessment_date = past_date("Date of assessment and/or plan", required=False)
    key_reasons = forms.ModelMultipleChoiceField(
        queryset=KeyReason.objects.none(),
        required=False,
        label="Key reasons for support",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )

    class Meta:
        model = Case
        fields = [*DEMOGRAPHICS, *WORK]

    def __init__(self, *args, case: Case, include_work: bool, **kwargs):
        self.include_work = include_work
        self.tracked_fields = DEMOGRAPHICS + (WORK if include_work else [])
        kwargs.setdefault("instance", case)
        super().__init__(*args, case=case, **kwargs)
        if include_work:
            self.fields["key_reasons"].queryset = KeyReason.objects.filter(
                active=True
            ) | KeyReason.objects.filter(pk__in=case.key_reasons.values("pk"))
        else:
            for name in WORK:
                del self.fields[name]

    def extra_kwargs(self):
        return {"include_work": self.include_work}

    def changed_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.tracked_fields if name != "key_reasons"
        }


class DecisionForm(VersionedForm):
    tracked_fields = ["response_date", "progressing", "decline_reason", "waiting_list",
                      "predicted_start_date"]  # fmt: skip

    response_date = GovukDateField(label="Date of response to EHPS", allow_future=False)
    progressing = forms.ChoiceField(
        label="Is the case progressing within the commissioned service?",
        choices=Progressing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the case is progressing"},
    )
    decline_reason = forms.CharField(
        label="Reason for declining",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Please also contact the EHPS team to discuss this",
    )
    waiting_list = forms.TypedChoiceField(
        label="Is the case subject to a waiting list?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    predicted_start_date = GovukDateField(
        label="Predicted date that work will start", required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        if not self.is_bound:
            self.initial.update(
                response_date=case.response_date or timezone.localdate(),
                progressing=case.progressing,
                decline_reason=case.decline_reason,
                waiting_list={True: "yes", False: "no"}.get(case.waiting_list),
                predicted_start_date=case.predicted_start_date,
            )

    def clean(self):
        cleaned = super().clean()
        progressing = cleaned.get("progressing")
        if progressing == Progressing.NO and not cleaned.get("decline_reason", "").strip():
            self.add_error("decline_reason", "Enter the reason for declining the case")
        if progressing == Progressing.YES and cleaned.get("waiting_list") is None:
            self.add_error("waiting_list", "Select whether the case is subject to a waiting list")
        return cleaned


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} ({user.username})"


class AllocateForm(VersionedForm):
    tracked_fields = ["worker", "date_worker_appointed"]

    worker = WorkerChoiceField(
        queryset=None,
        label="Name of worker",
        empty_label="Choose a worker",
        help_text="Only workers of this service are listed, with their Thrive username",
        error_messages={
            "required": "Choose the worker",
            "invalid_choice": "Choose a worker from this service",
        },
    )
    date_appointed = GovukDateField(label="Date worker appointed", allow_future=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["worker"].queryset = workers_of(case.service)
        if not self.is_bound:
            self.initial.update(
                worker=case.worker_id,
                date_appointed=case.date_worker_appointed or timezone.localdate(),
            )


class CloseForm(VersionedForm):
    tracked_fields = ["status", "closure_date", "outcome", "closure_summary"]

    closure_date = GovukDateField(label="Date of case closure", allow_future=False)
    outcome = forms.ModelChoiceField(
        queryset=Outcome.objects.filter(active=True),
        label="Outcome of involvement",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the outcome of involvement"},
    )
    closure_summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What work was done with the family, what changed, and why the case is closing",
        error_messages={"required": "Enter a closure summary"},
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("closure_date", timezone.localdate())


class ArchiveForm(VersionedForm):
    tracked_fields = ["status"]


class UnarchiveForm(VersionedForm):
    tracked_fields = ["status"]

    reason = forms.CharField(
        label="Why are you undoing the archive?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for undoing the archive"},
    )


class FindCaseForm(forms.Form):
    thrive_id = forms.CharField(label="Thrive ID", max_length=20, required=False)


class ReferenceItemForm(forms.Form):
    name = forms.CharField(
        max_length=120, error_messages={"required": "Enter the name as users should see it"}
    )
    position = forms.IntegerField(
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lower numbers are listed first",
        error_messages={"required": "Enter a position, for example 10"},
    )
    active = forms.BooleanField(
        required=False,
        initial=True,
        label="Offer this on cases",
        help_text="Untick to retire it: cases that already have it keep it",
    )

    def __init__(self, *args, model, instance=None, **kwargs):
        self.model, self.instance = model, instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {"name": instance.name, "position": instance.position, "active": instance.active},
            )
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = self.model.objects.filter(name__iexact=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"“{name}” is already in the list")
        return name
