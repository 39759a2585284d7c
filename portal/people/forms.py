"""Forms for health partner people's accounts (portal/people/accounts.py does the work)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from selfservice.forms import NewPasswordForm, password_field
from thrive.models import Organisation, Role, User
from thrive.postcodes import clean_postcode


def _text(label, *, required=True, max_length=100, message="", **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"required": message or f"Enter your {label.lower()}"},
        **kwargs,
    )


class DetailsForm(forms.Form):
    """Register a new account – step 1, and the details part of Update account."""

    forename = _text("Forename", message="Enter your forename")
    surname = _text("Surname", message="Enter your surname")
    professional = forms.BooleanField(
        label="Is this account being used in a professional capacity?", required=False
    )
    role = _text("Role", required=False, max_length=200, help_text="For example, Paediatric OT")
    organisation = forms.ModelChoiceField(
        label="Organisation",
        required=False,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.HEALTH_PARTNER),
        empty_label="Choose your organisation",
        help_text="If your organisation is not listed, ask the SEND team who contacted you.",
    )
    property_name = _text("Property name", required=False)
    house_number = _text("House no", required=False, max_length=20)
    street = _text("Street", message="Enter your street")
    area = _text("Area", required=False)
    town = _text("Town/City", message="Enter your town or city")
    county = _text("County", required=False)
    postcode = _text("Postcode", max_length=10, message="Enter your postcode")

    def __init__(self, *args, organisation_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation_fixed:
            self.fields["organisation"].disabled = True
            self.fields[
                "organisation"
            ].help_text = (
                "You are in a work group of this organisation. To move, ask your work tray admin."
            )

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("professional"):
            if not cleaned.get("role"):
                self.add_error("role", "Enter your role")
            if not cleaned.get("organisation") and not self.fields["organisation"].disabled:
                self.add_error("organisation", "Choose your organisation")
        else:
            cleaned["role"] = ""
            if not self.fields["organisation"].disabled:
                cleaned["organisation"] = None
        return cleaned

    @classmethod
    def initial_for(cls, user: User) -> dict:
        from .accounts import PROFILE_FIELDS

        profile = getattr(user, "portal_profile", None)
        forename, _, surname = user.full_name.partition(" ")
        initial = {
            "forename": forename,
            "surname": surname,
            "professional": True,
            "role": user.job_title,
            "organisation": user.organisation_id,
        }
        if profile is not None:
            initial |= {name: getattr(profile, name) for name in PROFILE_FIELDS}
        return initial


class CredentialsForm(forms.Form):
    """Register a new account – step 2: email address and password (the AUP rules apply)."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send a code to this address to confirm it. You sign in with it.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = password_field(
        "Password", autocomplete="new-password", required_message="Enter a password"
    )
    confirm_password = password_field(
        "Type your password again",
        autocomplete="new-password",
        required_message="Type your password again",
    )

    def __init__(self, *args, details: dict, **kwargs):
        self.details = details
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("confirm_password")
        if password:
            # Checked against a person with the name being registered (rule 3: no part of it).
            someone = User(full_name=f"{self.details['forename']} {self.details['surname']}")
            try:
                validate_password(password, someone)
            except ValidationError as error:
                self.add_error("password", error)
        if password and confirm and password != confirm and "password" not in self.errors:
            self.add_error(
                "confirm_password", "The passwords do not match – type the same password twice"
            )
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="Please enter the verification code that we sent you.",
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code from the email"},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError("The code is 6 numbers, like 123456")
        return code


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = password_field(
        "Password", autocomplete="current-password", required_message="Enter your password"
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class NewEmailForm(EmailForm):
    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "New email address"
        self.fields["email"].help_text = "We will send a code to it. It changes once you enter it."

    def clean_email(self):
        from .accounts import email_taken

        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise ValidationError("That is your email address already")
        if email_taken(email, by=self.user):
            raise ValidationError("Another account uses that email address")
        return email


class ResetPasswordForm(NewPasswordForm):
    """A forgotten password: the new one, typed twice."""


class AddPersonForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person to add"},
    )
    role = forms.ChoiceField(
        label="Role in the work group",
        choices=[(Role.CLINICIAN.value, "Clinician"), (Role.TRAY_ADMIN.value, "Work tray admin")],
        initial=Role.CLINICIAN.value,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person’s role"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.job_title}, {u.email})"
            if u.job_title
            else f"{u.full_name} ({u.email})"
        )
