"""The portal's task forms: the SEND officer's new task, delegation, re-assignment, reasons,
the task filter and supporting documents. The section forms built from a form definition
are in portal.form_engine.section_forms."""

from __future__ import annotations

from django import forms

from documents.fields import SafeFileField
from thrive.models import Role, User, WorkGroup
from thrive.ui.govuk_forms import GovukDateField, LongTextField

from ..models import FormDefinition, Task, default_required_by


class TaskForm(forms.Form):
    child_name = forms.CharField(
        label="Child’s name",
        max_length=200,
        error_messages={"required": "Enter the child’s name"},
    )
    child_date_of_birth = GovukDateField(
        label="Date of birth", allow_future=False, help_text="For example, 10 2 2013"
    )
    child_address = LongTextField(
        label="Address",
        max_length=Task._meta.get_field("child_address").max_length,
        rows=3,
        error_messages={"required": "Enter the child’s address"},
    )
    form = forms.ModelChoiceField(
        label="Form type",
        queryset=FormDefinition.objects.filter(active=True),
        empty_label="Choose a form type",
        error_messages={"required": "Choose a form type"},
    )
    required_by = GovukDateField(
        label="Required by",
        allow_past=False,
        help_text="6 weeks from today is the statutory timeframe for health advice.",
    )
    comments = LongTextField(
        label="Comments",
        required=False,
        max_length=Task._meta.get_field("comments").max_length,
        rows=3,
        help_text="Shown to the health partner. For example, Please complete the report",
    )
    work_group = forms.ModelChoiceField(
        label="Health partner work tray",
        queryset=WorkGroup.objects.select_related("organisation"),
        empty_label="Choose a work tray",
        error_messages={"required": "Choose the health partner’s work tray"},
    )
    clinician = forms.ModelChoiceField(
        label="Named clinician",
        required=False,
        queryset=User.objects.none(),
        empty_label="None: the work tray admin delegates it",
        help_text="Leave empty to send the task to the work tray.",
    )
    department = forms.CharField(label="Your department", max_length=200, required=False)
    telephone = forms.CharField(
        label="Your telephone", max_length=40, required=False, widget=forms.TextInput()
    )
    sender_address = LongTextField(
        label="Your address",
        required=False,
        max_length=Task._meta.get_field("sender_address").max_length,
        rows=3,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("required_by", default_required_by())
        super().__init__(*args, **kwargs)
        self.fields["work_group"].label_from_instance = lambda g: f"{g.name} – {g.organisation}"
        self.fields["form"].label_from_instance = lambda f: f.name
        self.fields["clinician"].queryset = (
            User.objects.filter(is_active=True, memberships__role=Role.CLINICIAN)
            .distinct()
            .order_by("full_name")
        )

    def clean(self):
        data = super().clean()
        group, clinician = data.get("work_group"), data.get("clinician")
        if group and clinician and not clinicians_of(group).filter(pk=clinician.pk).exists():
            self.add_error("clinician", "Choose a clinician of the chosen work tray’s team")
        return data


def clinicians_of(group: WorkGroup):
    return (
        User.objects.filter(
            is_active=True, memberships__work_group=group, memberships__role=Role.CLINICIAN
        )
        .distinct()
        .order_by("full_name")
    )


class ChoosePersonForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Choose a person",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the task goes to"},
    )

    def __init__(self, *args, people, label="Choose a person", managed_group=None, **kwargs):
        """`managed_group`: the task's work group, whose manager is named as the Counter
        Signatory among the people."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label = label
        manager_id = managed_group.manager_id if managed_group else None

        def label_from_instance(user):
            name = f"{user.full_name} ({user.job_title})" if user.job_title else user.full_name
            if user.pk == manager_id:
                return f"{name} – Counter Signatory, manager of {managed_group.name}"
            return name

        self.fields["person"].label_from_instance = label_from_instance


class ReasonForm(forms.Form):
    reason = LongTextField(
        label="Reason",
        max_length=Task._meta.get_field("decline_reason").max_length,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, label="Reason", hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint


class TaskFilter(forms.Form):
    mark_optional = False

    status = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        from ..models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", "Any status"),
            *Status.choices,
            ("overdue", "Overdue"),
        ]

    def apply(self, tasks):
        if not self.is_valid() or not self.cleaned_data["status"]:
            return tasks
        if self.cleaned_data["status"] == "overdue":
            return tasks.overdue()
        return tasks.filter(status=self.cleaned_data["status"])


class SupportingDocumentForm(forms.Form):
    """One file for a task's Supporting Documentation, checked by documents' SafeFileField.
    The portal takes Word, PDF, JPG and PNG: the shared checks also accept Excel, refused here."""

    file = SafeFileField(
        takes_spreadsheets=False,
        label="Upload a file",
        help_text="Word, PDF, JPG or PNG, up to 15 MB. Attach files one at a time.",
        widget=forms.FileInput(attrs={"accept": ".doc,.docx,.pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        if optional:  # on the Delegate page
            field = self.fields["file"]
            field.required = False
            field.label = "Attach a document"
            field.help_text = (
                "Such as the latest clinical letter, for the clinician. "
                "Word, PDF, JPG or PNG, up to 15 MB."
            )

    def clean_file(self):
        from .services import PORTAL_DOCUMENT_KINDS, PORTAL_KIND_REFUSED

        checked = self.cleaned_data["file"]
        if checked and checked.kind not in PORTAL_DOCUMENT_KINDS:
            raise forms.ValidationError(PORTAL_KIND_REFUSED, code="kind")
        return checked
