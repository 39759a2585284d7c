"""The case note form: the date and time of the work checked as the Downtime tracker checks
its own (a date that is a real date, a time on the 24-hour clock, not in the future)."""

from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from thrive.ui.govuk_forms import london_datetime, past_date_and_time

from .models import CaseNote, NoteKind
from .notes import NOTE_IN_FUTURE

LONDON = ZoneInfo("Europe/London")
NOTE_TEXT_MAX = 10_000
WHO_MAX = 200


class CaseNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of contact or note",
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of contact or note"},
    )
    happened_date, happened_time = past_date_and_time(
        "Date of the work", "Time of the work", what="of the work"
    )
    who = forms.CharField(
        label="Who was involved",
        required=False,
        max_length=WHO_MAX,
        help_text="For example, mum and Claire; the school’s family liaison officer",
        error_messages={"max_length": f"Who was involved must be {WHO_MAX} characters or fewer"},
    )
    text = forms.CharField(
        label="What happened",
        max_length=NOTE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter what happened",
            "max_length": f"What happened must be {NOTE_TEXT_MAX:,} characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, note: CaseNote | None = None, **kwargs):
        self.note = note
        super().__init__(*args, **kwargs)
        if self.is_bound:
            return
        if note is None:
            now = timezone.localtime(timezone.now(), LONDON)
            self.initial.setdefault("happened_date", now.date())
            self.initial.setdefault("happened_time", f"{now:%H:%M}")
        else:
            happened = timezone.localtime(note.happened_at, LONDON)
            self.initial.update(
                kind=note.kind,
                happened_date=happened.date(),
                happened_time=f"{happened:%H:%M}",
                who=note.who,
                text=note.text,
                version=note.version,
            )

    def clean(self):
        data = super().clean()
        day, time = data.get("happened_date"), data.get("happened_time")
        if day and time:
            data["happened_at"] = london_datetime(day, time)
            if data["happened_at"] > timezone.now():
                self.add_error("happened_time", NOTE_IN_FUTURE)
        return data

    def note_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "happened_at", "who", "text")}
