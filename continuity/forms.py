import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from thrive.ui.govuk_forms import GovukDateField, GovukTimeField

from .models import Downtime

LONDON = ZoneInfo("Europe/London")


class StartReadOnlyForm(forms.ModelForm):
    """What everyone is told while Thrive is read-only. 'Expected back' is optional (an
    unplanned restore may have no end in sight) but, when given, needs both date and time."""

    expected_back_date = GovukDateField(
        label="Expected back: date",
        required=False,
        allow_past=False,
        help_text="For example, 24 11 2026",
    )
    expected_back_time = GovukTimeField(label="Expected back: time", required=False)

    class Meta:
        model = Downtime
        fields = ["reason", "close_portal", "portal_contacts"]
        widgets = {"portal_contacts": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        day, time = data.get("expected_back_date"), data.get("expected_back_time")
        if day and not time and "expected_back_time" not in self.errors:
            self.add_error("expected_back_time", "Enter the time Thrive is expected back")
        elif time and not day and "expected_back_date" not in self.errors:
            self.add_error("expected_back_date", "Enter the date Thrive is expected back")
        elif day and time:
            when = dt.datetime.combine(day, time, tzinfo=LONDON)
            if when <= timezone.now():
                self.add_error("expected_back_time", "Expected back must be in the future")
            data["expected_back"] = when
        if data.get("close_portal") and not (data.get("portal_contacts") or "").strip():
            self.add_error(
                "portal_contacts",
                "Enter the contact numbers for telephone referrals, for the portal holding page",
            )
        return data
