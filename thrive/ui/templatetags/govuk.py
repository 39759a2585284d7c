"""Render Django forms as GOV.UK Frontend components (govuk-frontend 6).

A builtin template library (settings TEMPLATES OPTIONS builtins), so no {% load %} is needed:

    {% govuk_error_summary form [other_form ...] [title="There is a problem"] %}
    {% govuk_field form.field [label_size="s|m|l|xl"] [is_page_heading=True] [classes="..."]
                              [hint="..."] [autocomplete="..."] %}
    {% govuk_button "Save" [name=...] [value=...] [classes=...] [href=...] [type="submit"]
                           [prevent_double_click=True] %}
    {{ value|uk_date }}      -> 10-Aug-2021
    {{ value|uk_datetime }}  -> 10-Aug-2021 14:05 (Europe/London)

The markup follows node_modules/govuk-frontend/dist/govuk/components/*/template.njk. A field's
label, hint, error message and attributes, the text input and the select are written here in
Python (they are the filter form above every list, where an {% include %} a part cost more
than the rest of the page); the other components live in templates/components/govuk_*.html,
given those parts. Labels, hints, values and error messages are escaped unless they are
already SafeStrings (for example a help_text built with format_html).
"""

import datetime as dt
import html
from zoneinfo import ZoneInfo

from django import forms, template
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe

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
    if kind == "select" and _plain_options(widget):
        # The base context only: ChoiceWidget's adds a dict per option (optgroups), which for
        # a Name of Worker list of hundreds was most of the field's time; _build_select makes
        # the options from the choices directly.
        context = forms.Widget.get_context(widget, field.html_name, field.value(), extra_attrs)
        context = context["widget"]
        if widget.allow_multiple_selected:
            context["attrs"]["multiple"] = True
    else:
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
    component = builder(ctx, field, context, attrs, autocomplete=autocomplete)
    ctx.setdefault("attrs", _attr_list(attrs))
    if component in _WRITTEN:  # the filter forms' fields, on every list: written here
        return _WRITTEN[component](ctx)
    ctx["label_html"] = mark_safe(_label_html(ctx))  # noqa: S308 (escaped there)
    ctx["hint_html"] = mark_safe(_hint_html(ctx))  # noqa: S308
    ctx["error_html"] = mark_safe(_error_html(ctx))  # noqa: S308
    ctx["attrs_html"] = mark_safe(_attrs_html(ctx["attrs"]))  # noqa: S308
    return render_to_string(f"components/govuk_{component}.html", ctx)


# --- Markup written in Python -------------------------------------------------------------------
# The parts every field has (label, hint, error message, extra attributes) and the two
# components of the filter forms above every list (text input, select), as the GOV.UK
# templates lay them out: an {% include %} per part cost more than the rest of a list's page.
# The other components are templates (templates/components/govuk_*.html) given these parts.


def _text(value) -> str:
    """`value` as {{ value }} writes it: escaped unless already safe."""
    return str(conditional_escape(value))


def _formatted(value) -> str:
    """`value` as {{ value|stringformat:"s" }} writes it."""
    text = "%s" % (value,)  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs_html(attrs) -> str:
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs
    )


def _label_html(ctx) -> str:
    if not ctx["label"]:
        return ""
    text = _text(ctx["label"]) + (" (optional)" if ctx["optional"] else "")
    label_class, fid = _text(ctx["label_class"]), _text(ctx["id"])
    if ctx["is_page_heading"]:
        return (
            f'<h1 class="govuk-label-wrapper">\n    <label class="{label_class}" for="{fid}">'
            f"\n      {text}\n    </label>\n  </h1>"
        )
    return f'<label class="{label_class}" for="{fid}">\n    {text}\n  </label>'


def _hint_html(ctx) -> str:
    if not ctx["hint"]:
        return ""
    return (
        f'<div id="{_text(ctx["hint_id"])}" class="govuk-hint">\n    {_text(ctx["hint"])}\n  </div>'
    )


def _error_html(ctx) -> str:
    if not ctx["errors"]:
        return ""
    errors = "<br>".join(_text(error) for error in ctx["errors"])
    return (
        f'<p id="{_text(ctx["error_id"])}" class="govuk-error-message">\n'
        f'    <span class="govuk-visually-hidden">Error:</span> {errors}\n  </p>'
    )


def _group_html(ctx, control: str) -> SafeString:
    """The form group around a field's control: label, hint and error message above it."""
    error_class = " govuk-form-group--error" if ctx["errors"] else ""
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<div class="govuk-form-group{error_class}">\n  {_label_html(ctx)}\n'
        f"  {_hint_html(ctx)}\n  {_error_html(ctx)}\n  {control}\n</div>\n"
    )


def _control_attrs(ctx, name: str, error_class: str) -> str:
    """class, id and name (the component's own class, the field's classes, the error's)."""
    classes = f" {_text(ctx['classes'])}" if ctx["classes"] else ""
    error = f" {error_class}" if ctx["errors"] else ""
    return f'class="{name}{classes}{error}" id="{_text(ctx["id"])}" name="{_text(ctx["name"])}"'


def _described_by(ctx) -> str:
    return f' aria-describedby="{_text(ctx["described_by"])}"' if ctx["described_by"] else ""


def _input_html(ctx) -> SafeString:
    value = "" if ctx["value"] is None else f' value="{_formatted(ctx["value"])}"'
    control = (
        f"<input {_control_attrs(ctx, 'govuk-input', 'govuk-input--error')}"
        f' type="{_text(ctx["type"])}"{value}{_described_by(ctx)}{_attrs_html(ctx["attrs"])}>'
    )
    return _group_html(ctx, control)


def _select_html(ctx) -> SafeString:
    options = []
    for group in ctx["groups"]:
        if group["label"]:
            options.append(f'<optgroup label="{_text(group["label"])}">\n    ')
        options.extend(f"{option}\n    " for option in group["options"])
        if group["label"]:
            options.append("</optgroup>\n    ")
    control = (
        f"<select {_control_attrs(ctx, 'govuk-select', 'govuk-select--error')}"
        f"{_described_by(ctx)}{_attrs_html(ctx['attrs'])}>\n    {''.join(options)}\n"
        "  </select>"
    )
    return _group_html(ctx, control)


_WRITTEN = {"input": _input_html, "select": _select_html}


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
    attrs.pop("maxlength", None)  # a browser must never cut a password short: the form says
    attrs.setdefault("autocomplete", "current-password")
    attrs.setdefault("autocapitalize", "none")
    return "password_input"


def _build_textarea(ctx, field, context, attrs, **kwargs):
    # A limited textarea is a GOV.UK character count: it says how many characters are left
    # rather than cutting the text off, as the HTML maxlength attribute would.
    limit = attrs.pop("maxlength", None)
    if limit:
        ctx["maxlength"] = limit
        ctx["described_by"] = _join_classes(f"{ctx['id']}-info", ctx["described_by"])
    return "textarea"


def _options(context):
    for _group, options, _index in context["optgroups"]:
        yield from options


def _plain_options(widget) -> bool:
    """True unless the widget makes its options itself (per-option attributes, say)."""
    made_by = type(widget)
    return (
        made_by.create_option is widgets.ChoiceWidget.create_option
        and made_by.optgroups is widgets.ChoiceWidget.optgroups
    )


def _widget_option_html(option) -> SafeString:
    """One <option> made by the widget (create_option), with the attributes it gave it."""
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


def _option_html(value: str, label, selected: bool) -> str:
    """One <option>, its value and label escaped: built here rather than by an {% include %}
    (or a format_html) per option, as a Name of Worker filter lists a few hundred people."""
    chosen = " selected" if selected else ""
    label = html.escape(label) if type(label) is str else conditional_escape(label)
    return f'<option value="{html.escape(value)}"{chosen}>{label}</option>'


def _build_select(ctx, field, context, attrs, **kwargs):
    """The options in their groups (an optgroup for grouped choices), selected as Django's
    ChoiceWidget does: the first match only, unless several may be chosen."""
    if "optgroups" in context:  # options made by the widget itself
        ctx["groups"] = [
            {"label": group, "options": [_widget_option_html(option) for option in options]}
            for group, options, _index in context["optgroups"]
        ]
        return "select"
    widget = field.field.widget
    chosen = set(context["value"])
    several = widget.allow_multiple_selected
    groups, loose, found = [], None, False
    for value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            group, items, loose = {"label": value, "options": []}, label, None
            groups.append(group)
        else:
            if loose is None:
                loose = {"label": None, "options": []}
                groups.append(loose)
            group, items = loose, [(value, label)]
        for item_value, item_label in items:
            selected = (several or not found) and str(item_value) in chosen
            found |= selected
            text = "" if item_value is None else str(item_value)
            group["options"].append(_option_html(text, item_label, selected))
    for group in groups:  # one string a group, laid out as the template lays out options
        group["options"] = [mark_safe("\n    ".join(group["options"]))]  # noqa: S308
    ctx["groups"] = groups
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
                "attrs_html": mark_safe(_attrs_html(_attr_list(option["attrs"]))),  # noqa: S308
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
                "attrs_html": mark_safe(_attrs_html(_attr_list(sub_attrs))),  # noqa: S308
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
        if not bound_field.errors:
            continue
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
