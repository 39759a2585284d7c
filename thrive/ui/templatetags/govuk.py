"""Render Django forms as GOV.UK Frontend components (govuk-frontend 6).

A builtin template library (settings TEMPLATES OPTIONS builtins), so no {% load %} is needed:

    {% govuk_error_summary form [other_form ...] [title="There is a problem"] %}
    {% govuk_field form.field [label_size="s|m|l|xl"] [is_page_heading=True] [classes="..."]
                              [hint="..."] [autocomplete="..."] %}
    {% govuk_button "Save" [name=...] [value=...] [classes=...] [href=...] [type="submit"]
                           [prevent_double_click=True] %}
    {{ value|uk_date }}      -> 10-Aug-2021
    {{ value|uk_datetime }}  -> 10-Aug-2021 14:05 (Europe/London)

The markup follows node_modules/govuk-frontend/dist/govuk/components/*/template.njk and lives in
templates/components/govuk_*.html, rendered with autoescaping: labels, hints, values and error
messages are escaped unless they are already SafeStrings (for example a help_text built with
format_html).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms, template
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from thrive.ui.govuk_forms import DATE_PARTS, GovukDateWidget

register = template.Library()

LONDON = ZoneInfo("Europe/London")
LABEL_SIZES = ("s", "m", "l", "xl")
MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip

# Attributes the component templates write themselves: never copied from the widget.
_MANAGED_ATTRS = frozenset(
    {
        "id",
        "name",
        "type",
        "value",
        "class",
        "aria-describedby",
        "aria-invalid",
        "required",
        "checked",
        "selected",
    }
)


# --- Fields -------------------------------------------------------------------------------------


def widget_kind(widget):
    """Which GOV.UK component renders this widget."""
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect subclass: test first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, widgets.Input):
        return "input"
    return "other"


def field_id(bound_field):
    """The id of the field's input (of its first radio or checkbox, of its date's wrapper)."""
    return bound_field.field.widget.attrs.get("id") or bound_field.auto_id or bound_field.html_name


def date_error_parts(bound_field):
    """The boxes of a date field to highlight: those named by the errors' params["parts"]
    (see GovukDateField), or all three for an error that does not say."""
    parts = set()
    for error in bound_field.errors.data:
        params = getattr(error, "params", None) or {}
        parts.update(params.get("parts", DATE_PARTS))
    return [part for part in DATE_PARTS if part in parts]


def error_anchor(bound_field):
    """The id the error summary links to (None for hidden fields): the input itself, the first
    radio or checkbox, or the first box of a date with an error (the day if none says)."""
    kind = widget_kind(bound_field.field.widget)
    if kind == "hidden":
        return None
    if kind == "date":
        parts = date_error_parts(bound_field) or DATE_PARTS
        return f"{field_id(bound_field)}-{parts[0]}"
    return field_id(bound_field)


def _attr_list(attrs):
    return [
        (name, value)
        for name, value in attrs.items()
        if name not in _MANAGED_ATTRS and value is not None and value is not False
    ]


def _join_classes(*classes):
    return " ".join(c for c in classes if c)


def _bool_arg(value):
    if isinstance(value, str):
        return value.lower() not in ("", "0", "false", "no")
    return bool(value)


@register.simple_tag
def govuk_field(
    field, label_size=None, is_page_heading=False, classes="", hint=None, autocomplete=None
):
    """Render a bound field as the GOV.UK component that matches its widget."""
    if not isinstance(field, BoundField):
        raise template.TemplateSyntaxError(
            f"govuk_field needs a bound form field such as form.name, not {field!r}"
        )
    if label_size and label_size not in LABEL_SIZES:
        raise template.TemplateSyntaxError(
            f"govuk_field label_size must be one of {', '.join(LABEL_SIZES)}, not {label_size!r}"
        )
    widget = field.field.widget
    kind = widget_kind(widget)
    if kind == "hidden":
        return str(field)

    if field.field.localize:
        widget.is_localized = True
    fid = field_id(field)
    hint_text = field.help_text if hint is None else hint
    errors = list(field.errors)
    extra_attrs = {"disabled": True} if field.field.disabled else {}
    if autocomplete and kind != "date":
        extra_attrs["autocomplete"] = autocomplete
    context = widget.get_context(field.html_name, field.value(), extra_attrs)["widget"]
    attrs = dict(context["attrs"])

    described_by = [attrs.get("aria-describedby"), hint_text and f"{fid}-hint"]
    described_by.append(errors and f"{fid}-error")
    is_page_heading = _bool_arg(is_page_heading)
    ctx = {
        "id": fid,
        "name": field.html_name,
        "label": field.label,
        # Filter forms (mark_optional = False) are all optional: saying so on each is noise.
        "optional": not field.field.required
        and kind not in ("checkbox", "checkboxes")
        and getattr(field.form, "mark_optional", True),
        "label_class": _join_classes("govuk-label", label_size and f"govuk-label--{label_size}"),
        "legend_class": _join_classes(
            "govuk-fieldset__legend", label_size and f"govuk-fieldset__legend--{label_size}"
        ),
        "is_page_heading": is_page_heading,
        "hint": hint_text,
        "hint_id": f"{fid}-hint",
        "errors": errors,
        "error_id": f"{fid}-error",
        "described_by": _join_classes(*described_by),
        "classes": _join_classes(attrs.get("class"), classes),
        "value": context.get("value"),
    }
    builder = _BUILDERS.get(kind, _build_other)
    template_name = builder(ctx, field, context, attrs, autocomplete=autocomplete)
    ctx.setdefault("attrs", _attr_list(attrs))
    return render_to_string(f"components/govuk_{template_name}.html", ctx)


def _build_input(ctx, field, context, attrs, **kwargs):
    widget = field.field.widget
    input_type = context.get("type") or "text"
    if isinstance(widget, forms.NumberInput):
        # GOV.UK: type="text", inputmode="numeric" for whole numbers, nothing for decimals.
        input_type = "text"
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        # DecimalField and FloatField are IntegerField subclasses.
        whole = not isinstance(field.field, (forms.DecimalField, forms.FloatField))
        if isinstance(field.field, forms.IntegerField) and whole:
            attrs.setdefault("inputmode", "numeric")
        attrs.setdefault("spellcheck", "false")
    elif input_type in ("email", "url"):
        attrs.setdefault("spellcheck", "false")
    if isinstance(widget, forms.DateInput) and not ctx["classes"]:
        ctx["classes"] = "govuk-input--width-10"
    ctx["type"] = input_type
    return "input"


def _build_password(ctx, field, context, attrs, **kwargs):
    attrs.pop("spellcheck", None)
    attrs.setdefault("autocomplete", "current-password")
    attrs.setdefault("autocapitalize", "none")
    return "password_input"


def _build_textarea(ctx, field, context, attrs, **kwargs):
    return "textarea"


def _options(context):
    for _group, options, _index in context["optgroups"]:
        yield from options


def _option_html(option) -> SafeString:
    """One <option>, built here rather than by an {% include %} per option: a Name of Worker
    filter lists a few hundred people, and the includes were a fifth of the page's time."""
    extra = format_html_join(
        "",
        "{}",
        (
            [format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)]
            for name, value in _attr_list(option["attrs"])
        ),
    )
    return format_html(
        '<option value="{}"{}{}>{}</option>',
        str(option["value"]),
        " selected" if option["selected"] else "",
        extra,
        option["label"],
    )


def _build_select(ctx, field, context, attrs, **kwargs):
    ctx["groups"] = [
        {"label": group, "options": [_option_html(option) for option in options]}
        for group, options, _index in context["optgroups"]
    ]
    return "select"


def _build_choices(ctx, field, context, attrs, **kwargs):
    """Radios or checkboxes: the first option has the field's id, then <id>-2, <id>-3..."""
    fid = ctx["id"]
    items = []
    for number, option in enumerate(_options(context), start=1):
        items.append(
            {
                "id": fid if number == 1 else f"{fid}-{number}",
                "value": option["value"],
                "label": option["label"],
                "checked": option["selected"],
                "attrs": _attr_list(option["attrs"]),
            }
        )
    ctx["items"] = items
    return "radios" if widget_kind(field.field.widget) == "radios" else "checkboxes"


def _build_checkbox(ctx, field, context, attrs, **kwargs):
    ctx["checked"] = bool(attrs.get("checked"))
    if ctx["value"] is None:
        ctx["value"] = "true"
    return "checkbox"


def _build_file(ctx, field, context, attrs, **kwargs):
    ctx["value"] = None
    return "file_upload"


def _build_date(ctx, field, context, attrs, autocomplete=None, **kwargs):
    error_parts = date_error_parts(field)
    items = []
    for part, subwidget in zip(DATE_PARTS, context["subwidgets"], strict=True):
        sub_attrs = dict(subwidget["attrs"])
        sub_attrs.setdefault("inputmode", "numeric")
        if autocomplete:
            sub_attrs["autocomplete"] = (
                f"{autocomplete}-{part}" if autocomplete == "bday" else autocomplete
            )
        items.append(
            {
                "id": f"{ctx['id']}-{part}",
                "name": subwidget["name"],
                "label": part.capitalize(),
                "value": subwidget["value"],
                "width": 4 if part == "year" else 2,
                "error": part in error_parts,
                "attrs": _attr_list(sub_attrs),
            }
        )
    ctx["items"] = items
    return "date_input"


def _build_other(ctx, field, context, attrs, **kwargs):
    """Any other widget: Django renders it, inside a GOV.UK form group."""
    widget_attrs = {"aria-describedby": ctx["described_by"]} if ctx["described_by"] else {}
    ctx["widget_html"] = field.as_widget(attrs=widget_attrs)
    return "other"


_BUILDERS = {
    "input": _build_input,
    "password": _build_password,
    "textarea": _build_textarea,
    "select": _build_select,
    "radios": _build_choices,
    "checkboxes": _build_choices,
    "checkbox": _build_checkbox,
    "file": _build_file,
    "date": _build_date,
}


# --- Error summary ------------------------------------------------------------------------------


def _error_items(form):
    if hasattr(form, "non_form_errors") and hasattr(form, "forms"):  # a formset
        items = [{"text": error, "href": None} for error in form.non_form_errors()]
        for subform in form.forms:
            items.extend(_error_items(subform))
        return items
    items = [{"text": error, "href": None} for error in form.non_field_errors()]
    for bound_field in form:
        anchor = error_anchor(bound_field)
        items.extend(
            {"text": error, "href": f"#{anchor}" if anchor else None}
            for error in bound_field.errors
        )
    return items


@register.simple_tag
def govuk_error_summary(*forms_, title="There is a problem"):
    """The error summary for one or more forms (or formsets); nothing if there are no errors."""
    items = []
    for form in forms_:
        if form is None or form == "":
            continue
        items.extend(_error_items(form))
    if not items:
        return ""
    return render_to_string("components/govuk_error_summary.html", {"title": title, "items": items})


# --- Button -------------------------------------------------------------------------------------


@register.simple_tag
def govuk_button(
    text,
    name=None,
    value=None,
    classes="",
    href=None,
    prevent_double_click=True,
    type="submit",
):
    """A GOV.UK button, or a link styled as one when href is given."""
    return render_to_string(
        "components/govuk_button.html",
        {
            "text": text,
            "name": name,
            "value": value,
            "classes": classes,
            "href": href,
            "prevent_double_click": _bool_arg(prevent_double_click),
            "type": type or "submit",
        },
    )


# --- Dates --------------------------------------------------------------------------------------


def _london(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value.astimezone(LONDON)
    return value


@register.filter(expects_localtime=False)
def uk_date(value):
    """10-Aug-2021. Aware datetimes are shown in London time; None gives ''."""
    if value is None or value == "":
        return ""
    value = _london(value)
    if isinstance(value, dt.date):
        return f"{value.day:02d}-{MONTH_ABBREVIATIONS[value.month - 1]}-{value.year}"
    return value


@register.filter(expects_localtime=False)
def uk_datetime(value):
    """10-Aug-2021 14:05 in London time (a date on its own gives just the date)."""
    if value is None or value == "":
        return ""
    value = _london(value)
    if isinstance(value, dt.datetime):
        return f"{uk_date(value)} {value:%H:%M}"
    return uk_date(value)
