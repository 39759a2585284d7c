"""Forms of the Thrive User Registration and User Changes Form (account requests) and of the
administrators' decision."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from thrive.models import Service, User, WorkGroup, add_years, normalise_username
from thrive.ui.govuk_forms import GovukDateField

from .account_requests import Kind, people_in, roles_for, suggest_username
from .models import AccountRequest


def scope_key(scope) -> str:
    return f"{'service' if isinstance(scope, Service) else 'work-group'}-{scope.pk}"


class RequestStartForm(forms.Form):
    kind = forms.ChoiceField(
        label="What do you need?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you need"},
    )
    scope = forms.ChoiceField(
        label="For which service or work group?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the service or work group"},
    )

    def __init__(self, *args, scopes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {scope_key(scope): scope for scope in scopes}
        self.fields["scope"].choices = [(key, str(scope)) for key, scope in self.scopes.items()]
        if len(scopes) == 1:
            self.fields["scope"].widget = forms.HiddenInput()
            self.fields["scope"].initial = next(iter(self.scopes))


def _dbs_oldest_allowed():
    return add_years(timezone.localdate(), -settings.DBS_RENEWAL_YEARS) + timedelta(days=1)


class NewAccountRequestForm(forms.ModelForm):
    class Meta:
        model = AccountRequest
        fields = ["full_name", "email", "job_title", "role", "dbs_check_date", "details"]
        labels = {
            "full_name": "Full name",
            "email": "Work email address",
            "job_title": "Job title",
            "role": "Role in Thrive",
            "details": "Anything else the administrator should know (optional)",
        }
        help_texts = {
            "email": "The invitation to set a password is sent here",
            "details": "Do not include information about children or families",
        }
        error_messages = {
            "full_name": {"required": "Enter the person’s full name"},
            "email": {
                "required": "Enter their work email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
            "job_title": {"required": "Enter their job title"},
            "role": {"required": "Choose their role in Thrive"},
        }
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    dbs_check_date = GovukDateField(
        label="DBS check date",
        help_text=f"The date of their DBS check, for example 27 3 2025. It must be in the last "
        f"{settings.DBS_RENEWAL_YEARS} years",
        allow_future=False,
        min_value=_dbs_oldest_allowed,
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "email", "job_title", "role"):
            self.fields[name].required = True
        self.fields["role"].choices = [(role.value, role.label) for role in roles_for(scope)]
        self.fields["role"].widget = forms.RadioSelect(choices=self.fields["role"].choices)


class ChangeRequestForm(forms.ModelForm):
    class Meta:
        model = AccountRequest
        fields = ["person", "full_name", "job_title", "role", "new_organisation", "details"]
        labels = {
            "person": "Whose account?",
            "full_name": "New name (optional)",
            "job_title": "New job title (optional)",
            "role": "New role (optional)",
            "new_organisation": "Moving to another organisation (optional)",
            "details": "Anything else the administrator should know (optional)",
        }
        help_texts = {
            "new_organisation": "The name of the organisation or service they are moving to",
            "details": "Do not include information about children or families",
        }
        error_messages = {"person": {"required": "Choose whose account to change"}}
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_in(scope)
        self.fields["person"].required = True
        self.fields["person"].empty_label = "Choose a person"
        self.fields["role"].choices = [("", "No change")] + [
            (role.value, role.label) for role in roles_for(scope)
        ]

    def clean(self):
        cleaned = super().clean()
        if not any(
            cleaned.get(name) for name in ("full_name", "job_title", "role", "new_organisation")
        ):
            self.add_error(
                "full_name",
                "Enter at least one change: a new name, job title, role or organisation",
            )
        return cleaned


class PersonRequestForm(forms.ModelForm):
    """Suspension, deletion or password reset of someone in the service or work group."""

    class Meta:
        model = AccountRequest
        fields = ["person", "details"]
        labels = {"person": "Whose account?"}
        error_messages = {"person": {"required": "Choose whose account"}}
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    REASONS = {
        Kind.SUSPENSION: ("Reason for the suspension", True),
        Kind.DELETION: ("Reason for the deletion, for example ‘left the organisation’", True),
        Kind.PASSWORD_RESET: ("Anything else the administrator should know (optional)", False),
    }

    def __init__(self, *args, scope, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_in(scope, active_only=kind != Kind.DELETION)
        self.fields["person"].required = True
        self.fields["person"].empty_label = "Choose a person"
        label, required = self.REASONS[kind]
        self.fields["details"].label = label
        self.fields["details"].required = required
        self.fields["details"].help_text = "Do not include information about children or families"
        self.fields["details"].error_messages["required"] = "Enter the reason"
        if kind == Kind.PASSWORD_RESET:
            self.fields["person"].help_text = (
                "For someone who has not set up self-service, or whose self-service is locked. "
                "They will be emailed a link to set a new password and security questions."
            )


REQUEST_FORMS = {
    Kind.NEW_ACCOUNT: NewAccountRequestForm,
    Kind.CHANGE: ChangeRequestForm,
    Kind.SUSPENSION: PersonRequestForm,
    Kind.DELETION: PersonRequestForm,
    Kind.PASSWORD_RESET: PersonRequestForm,
}


def request_form(kind, *args, scope, **kwargs):
    form_class = REQUEST_FORMS[kind]
    if form_class is PersonRequestForm:
        kwargs["kind"] = kind
    return form_class(*args, scope=scope, **kwargs)


_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or reject the request"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="Needed if you reject the request: the requester will see it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def __init__(self, *args, account_request: AccountRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_request = account_request
        if account_request.kind == Kind.NEW_ACCOUNT:
            self.fields["username"] = forms.CharField(
                label="Username for the new account",
                initial=suggest_username(account_request.full_name),
                help_text="Lower case letters and numbers, for example bloggj01",
                max_length=30,
                error_messages={"required": "Enter a username for the new account"},
                widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
            )
        if account_request.kind == Kind.CHANGE and account_request.new_organisation:
            if account_request.service_id:
                queryset = Service.objects.exclude(pk=account_request.service_id)
            else:
                queryset = WorkGroup.objects.exclude(pk=account_request.work_group_id)
            self.fields["move_to"] = forms.ModelChoiceField(
                label="Move them to",
                queryset=queryset,
                required=False,
                empty_label="Choose where",
                help_text=f"They asked for: {account_request.new_organisation}",
            )

    def clean(self):
        cleaned = super().clean()
        approving = cleaned.get("decision") == "approve"
        if cleaned.get("decision") == "reject":
            self._errors.pop("username", None)  # only needed to approve
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for rejecting the request")
        if approving and "username" in self.fields:
            username = normalise_username(cleaned.get("username", ""))
            if not username:
                self.add_error("username", "Enter a username for the new account")
            elif not _USERNAME.match(username):
                self.add_error(
                    "username",
                    "The username must be 3 to 30 lower case letters, numbers, dots, dashes or "
                    "underscores",
                )
            elif User.objects.filter(username=username).exists():
                self.add_error("username", "That username is already in use – choose another")
            cleaned["username"] = username
        if approving and "move_to" in self.fields and not cleaned.get("move_to"):
            self.add_error("move_to", "Choose where to move them")
        return cleaned
