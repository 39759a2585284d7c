from allauth.account.fields import PasswordField
from allauth.account.forms import LoginForm
from django import forms

from .models import AuditEvent, User, normalise_username

# Far above the longest password the AUP allows: only hostile input is longer.
PASSWORD_INPUT_MAX_LENGTH = 1000


class SignInForm(LoginForm):
    """Username and password. Accepts the forms people type from the old guidance
    (`KLZ\\bloggj01`, `bloggj01@klz.org.uk`) and any case."""

    password = PasswordField(
        label="Password",
        autocomplete="current-password",
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        error_messages={
            "max_length": f"Password must be {PASSWORD_INPUT_MAX_LENGTH:,} characters or fewer"
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username"
        self.fields["login"].help_text = "Your Thrive username, for example bloggj01"
        self.fields["login"].widget = forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["login"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields.pop("remember", None)

    def clean_login(self):
        return normalise_username(self.cleaned_data["login"])


class AcceptPolicyForm(forms.Form):
    name_given = forms.CharField(
        label="Your full name",
        help_text="Type your name to confirm you have read, understood and will comply with "
        "this Acceptable Use Policy",
        max_length=200,
        error_messages={"required": "Enter your full name to accept the policy"},
    )
    agree = forms.BooleanField(
        label="I have read, understood and will comply with this Acceptable Use Policy",
        error_messages={"required": "Confirm that you have read and will comply with the policy"},
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        return token


class AuditFilterForm(forms.Form):
    mark_optional = False

    user = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Person", empty_label="Anyone"
    )
    object_type = forms.ChoiceField(required=False, label="Record type")
    object_id = forms.CharField(required=False, label="Record id", max_length=64)
    date_from = forms.DateField(required=False, label="From", help_text="For example 01/11/2026")
    date_to = forms.DateField(required=False, label="To", help_text="For example 30/11/2026")

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.visible_to(viewer)
        types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [("", "Any")] + [(t, t) for t in types if t]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    def filter(self, events):
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(user=data["user"])
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("object_id"):
            events = events.filter(object_id=data["object_id"].strip())
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"])
        return events
