"""Form fields for GOV.UK patterns that Django has no widget for.

`GovukDateField` is the GOV.UK date input (day, month and year boxes) with the Design System's
error messages. Render it with `{% govuk_field form.field %}`.

    date_of_birth = GovukDateField(
        label="Date of birth", help_text="For example, 27 3 2007", allow_future=False
    )

On a ModelForm, use `Meta.field_classes = {"date_of_birth": GovukDateField}`.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

DATE_PARTS = ("day", "month", "year")

_DIGITS = re.compile(r"[0-9]+")
# English names whatever the process locale (calendar.month_name follows LC_TIME).
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_NUMBERS = {
    name.lower(): number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in (full, full[:3])
}
_MONTH_NUMBERS["sept"] = 9


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes named `<name>_day`, `<name>_month` and `<name>_year`, with ids
    `<id>-day`, `<id>-month` and `<id>-year` (the GOV.UK convention)."""

    def __init__(self, attrs=None):
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str) and value:
            try:
                value = dt.date.fromisoformat(value[:10])
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        if id_:
            for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
                subwidget["attrs"]["id"] = f"{id_}-{part}"
        return context

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else id_


def _lower_first(text):
    """'Date of birth' -> 'date of birth', but leave 'DBS check date' alone."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _format_limit(value):
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, validated as the GOV.UK Design System says.

    Messages use `error_label` (default: the field's label), for example with label
    "Date of birth": "Enter date of birth", "Date of birth must include a month",
    "Year must include 4 numbers", "Date of birth must be a real date",
    "Date of birth must be today or in the past" (allow_future=False),
    "Date of birth must be the same as or after 1 January 1900" (min_value).

    Each ValidationError carries params["parts"]: the boxes to highlight.
    `min_value` and `max_value` may be dates or callables returning dates.
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": "Enter %(lower_label)s",
        "incomplete": "%(label)s must include a %(missing)s",
        "year_length": "Year must include 4 numbers",
        "invalid": "%(label)s must be a real date",
        "not_past": "%(label)s must be today or in the past",
        "not_future": "%(label)s must be today or in the future",
        "min_value": "%(label)s must be the same as or after %(limit)s",
        "max_value": "%(label)s must be the same as or before %(limit)s",
    }

    def __init__(
        self,
        *,
        error_label=None,
        allow_future=True,
        allow_past=True,
        min_value=None,
        max_value=None,
        **kwargs,
    ):
        self.error_label = error_label
        self.allow_future = allow_future
        self.allow_past = allow_past
        self.min_value = min_value
        self.max_value = max_value
        kwargs.pop("require_all_fields", None)
        fields = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def _params(self, parts, **extra):
        label = str(self.error_label or self.label or "Date")
        return {"label": label, "lower_label": _lower_first(label), "parts": tuple(parts), **extra}

    def _error(self, code, parts, **extra):
        return ValidationError(
            self.error_messages[code], code=code, params=self._params(parts, **extra)
        )

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        raw = [("" if v is None else str(v).strip()) for v in list(value)[:3]]
        raw += [""] * (3 - len(raw))
        entered = dict(zip(DATE_PARTS, raw, strict=True))

        if not any(raw):
            if self.required:
                raise self._error("required", DATE_PARTS)
            return None
        missing = [part for part in DATE_PARTS if not entered[part]]
        if missing:
            raise self._error("incomplete", missing, missing=" and ".join(missing))

        day, month, year = entered["day"], entered["month"], entered["year"]
        month_number = int(month) if _DIGITS.fullmatch(month) else _MONTH_NUMBERS.get(month.lower())
        not_numbers = [
            part
            for part, ok in (
                ("day", _DIGITS.fullmatch(day)),
                ("month", month_number is not None),
                ("year", _DIGITS.fullmatch(year)),
            )
            if not ok
        ]
        if not_numbers:
            raise self._error("invalid", not_numbers)
        if len(year) != 4:
            raise self._error("year_length", ["year"])
        try:
            return dt.date(int(year), month_number, int(day))
        except ValueError:
            bad_month = not 1 <= month_number <= 12
            bad_day = not 1 <= int(day) <= 31
            if bad_month and not bad_day:
                parts = ["month"]
            elif bad_day and not bad_month:
                parts = ["day"]
            else:
                parts = DATE_PARTS
            raise self._error("invalid", parts) from None

    def validate(self, value):
        if value is None:
            return
        today = timezone.localdate()
        if not self.allow_future and value > today:
            raise self._error("not_past", DATE_PARTS)
        if not self.allow_past and value < today:
            raise self._error("not_future", DATE_PARTS)
        min_value = self.min_value() if callable(self.min_value) else self.min_value
        if min_value is not None and value < min_value:
            raise self._error("min_value", DATE_PARTS, limit=_format_limit(min_value))
        max_value = self.max_value() if callable(self.max_value) else self.max_value
        if max_value is not None and value > max_value:
            raise self._error("max_value", DATE_PARTS, limit=_format_limit(max_value))

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        self.run_validators(value)
        return value

    def compress(self, data_list):
        return self.to_python(data_list)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


class GovukTimeField(forms.CharField):
    """A time of day typed on the 24-hour clock (`17:30`, `9.05`), as a `datetime.time`."""

    default_error_messages = {"invalid": "Enter a time on the 24-hour clock, like 17:30"}
    pattern = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "24-hour clock, for example 17:30")
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        match = self.pattern.match(text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.time(int(match[1]), int(match[2]))
