"""GOV.UK form rendering: {% govuk_field %}, {% govuk_error_summary %}, {% govuk_button %},
the uk_date filters and GovukDateField. None of these tests touch the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from pytest_django.asserts import assertHTMLEqual, assertInHTML

from thrive.ui.govuk_forms import GovukDateField, GovukDateWidget

UTC = dt.UTC
EVIL = '<script>alert("x")</script>'


def render(source, **context):
    return Template(source).render(Context(context))


def field_html(form, name, **kwargs):
    args = "".join(f" {key}={key}" for key in kwargs)
    return render(f"{{% govuk_field form.{name}{args} %}}", form=form, **kwargs)


def assert_not_in_html(needle, haystack):
    assertInHTML(needle, haystack, count=0)


# --- Forms used below -------------------------------------------------------------------------


class PersonForm(forms.Form):
    name = forms.CharField(
        label="Full name", help_text="As it appears on their passport", max_length=100
    )
    nickname = forms.CharField(label="Nickname", required=False)
    email = forms.EmailField(label="Email address", required=False)
    website = forms.URLField(label="Website", required=False)
    children = forms.IntegerField(label="Number of children", required=False)
    weight = forms.DecimalField(label="Weight in kilograms", required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    colour = forms.ChoiceField(
        label="Favourite colour",
        choices=[("", "Choose a colour"), ("red", "Red"), ("green", "Green")],
    )
    contact = forms.ChoiceField(
        label="How should we contact them?",
        help_text="Select one option",
        choices=[("email", "Email"), ("phone", "Phone"), ("post", "Post")],
        widget=forms.RadioSelect,
    )
    needs = forms.MultipleChoiceField(
        label="Support needs",
        choices=[("ramp", "Ramp"), ("hearing", "Hearing loop")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(
        label="I confirm the details are correct", help_text="You can change them later"
    )
    photo = forms.FileField(label="Upload a photo", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


class DobForm(forms.Form):
    date_of_birth = GovukDateField(
        label="Date of birth", help_text="For example, 27 3 2007", allow_future=False
    )


class OptionalDateForm(forms.Form):
    review_date = GovukDateField(
        label="When is the review?",
        error_label="Review date",
        required=False,
        min_value=dt.date(2020, 1, 1),
        max_value=lambda: dt.date(2030, 12, 31),
    )


def dob_form(day="", month="", year=""):
    form = DobForm(
        data={"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    )
    form.is_valid()
    return form


# --- Text inputs ------------------------------------------------------------------------------


def test_text_input_unbound_with_hint_and_widget_attrs():
    html = field_html(PersonForm(), "name")
    assertHTMLEqual(
        html,
        """
        <div class="govuk-form-group">
          <label class="govuk-label" for="id_name">Full name</label>
          <div id="id_name-hint" class="govuk-hint">As it appears on their passport</div>
          <input class="govuk-input" id="id_name" name="name" type="text" maxlength="100"
                 aria-describedby="id_name-hint">
        </div>
        """,
    )
    assert "required" not in html  # GOV.UK forms rely on server-side validation


def test_text_input_with_error_marks_group_input_and_describedby():
    form = PersonForm(data={})
    form.is_valid()
    html = field_html(form, "name")
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assertInHTML(
        '<p id="id_name-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> This field is required.</p>',
        html,
    )
    assertInHTML(
        '<input class="govuk-input govuk-input--error" id="id_name" name="name" type="text" '
        'maxlength="100" aria-describedby="id_name-hint id_name-error">',
        html,
    )


def test_several_errors_share_one_message_and_each_gets_a_summary_line():
    class CodeForm(forms.Form):
        code = forms.CharField(label="Code")

        def clean_code(self):
            raise forms.ValidationError(["Code is too short", "Code must be numbers"])

    form = CodeForm(data={"code": "ab"})
    form.is_valid()
    assertInHTML(
        '<p id="id_code-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Code is too short<br>'
        "Code must be numbers</p>",
        field_html(form, "code"),
    )
    summary = render("{% govuk_error_summary form %}", form=form)
    assertInHTML('<a href="#id_code">Code is too short</a>', summary)
    assertInHTML('<a href="#id_code">Code must be numbers</a>', summary)


def test_empty_label_renders_no_label():
    class SearchForm(forms.Form):
        q = forms.CharField(label="")

    assert "<label" not in field_html(SearchForm(), "q")


def test_malicious_value_label_hint_and_error_are_escaped():
    class EvilForm(forms.Form):
        name = forms.CharField(label=EVIL, help_text=EVIL)

        def clean_name(self):
            raise forms.ValidationError(f"{self.cleaned_data['name']} is not allowed")

    form = EvilForm(data={"name": EVIL})
    form.is_valid()
    html = field_html(form, "name") + render("{% govuk_error_summary form %}", form=form)
    assert "<script>" not in html
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; is not allowed" in html


def test_safe_help_text_is_kept_as_html():
    class HintForm(forms.Form):
        name = forms.CharField(help_text=mark_safe("Read <a href='/guide'>the guide</a>"))

    assertInHTML('<a href="/guide">the guide</a>', field_html(HintForm(), "name"))


def test_optional_fields_say_so_in_the_label():
    form = PersonForm()
    assert "Nickname (optional)" in field_html(form, "nickname")
    assert "(optional)" not in field_html(form, "name")
    # Not for checkboxes: a checkbox you need not tick is optional by nature.
    assert "(optional)" not in field_html(form, "needs")


def test_label_size_page_heading_classes_hint_and_autocomplete_arguments():
    html = field_html(
        PersonForm(),
        "nickname",
        label_size="l",
        is_page_heading=True,
        classes="govuk-input--width-10",
        hint="What their friends call them",
        autocomplete="nickname",
    )
    assertInHTML(
        '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" '
        'for="id_nickname">Nickname (optional)</label></h1>',
        html,
    )
    assertInHTML(
        '<div id="id_nickname-hint" class="govuk-hint">What their friends call them</div>', html
    )
    assertInHTML(
        '<input class="govuk-input govuk-input--width-10" id="id_nickname" name="nickname" '
        'type="text" autocomplete="nickname" aria-describedby="id_nickname-hint">',
        html,
    )


def test_empty_hint_argument_hides_help_text():
    html = field_html(PersonForm(), "name", hint="")
    assert "govuk-hint" not in html
    assert "aria-describedby" not in html


def test_input_types():
    form = PersonForm(initial={"children": 2, "weight": Decimal("70.5")})
    assertInHTML(
        '<input class="govuk-input" id="id_email" name="email" type="email" maxlength="320" '
        'spellcheck="false">',
        field_html(form, "email"),
    )
    assertInHTML(
        '<input class="govuk-input" id="id_website" name="website" type="url" spellcheck="false">',
        field_html(form, "website"),
    )
    # GOV.UK: never type="number"; inputmode numeric for whole numbers only.
    assertInHTML(
        '<input class="govuk-input" id="id_children" name="children" type="text" value="2" '
        'inputmode="numeric" spellcheck="false">',
        field_html(form, "children"),
    )
    assertInHTML(
        '<input class="govuk-input" id="id_weight" name="weight" type="text" value="70.5" '
        'spellcheck="false">',
        field_html(form, "weight"),
    )


def test_plain_date_field_is_a_single_text_input():
    class FilterForm(forms.Form):
        date_from = forms.DateField(required=False, label="From")

    html = field_html(FilterForm(initial={"date_from": dt.date(2026, 11, 1)}), "date_from")
    assertInHTML(
        '<input class="govuk-input govuk-input--width-10" id="id_date_from" name="date_from" '
        'type="text" value="01/11/2026">',
        html,
    )


def test_disabled_field():
    class LockedForm(forms.Form):
        name = forms.CharField(disabled=True, initial="Ann")

    assertInHTML(
        '<input class="govuk-input" id="id_name" name="name" type="text" value="Ann" disabled>',
        field_html(LockedForm(), "name"),
    )


def test_form_prefix_and_auto_id():
    form = PersonForm(prefix="carer")
    assert 'id="id_carer-name" name="carer-name"' in field_html(form, "name")


# --- Password, textarea, select, file, hidden ------------------------------------------------


def test_password_input_component():
    form = PersonForm(data={"password": "secret"})
    form.is_valid()
    html = field_html(form, "password")
    assert (
        'class="govuk-form-group govuk-password-input" data-module="govuk-password-input"' in html
    )
    assertInHTML(
        '<input class="govuk-input govuk-password-input__input govuk-js-password-input-input" '
        'id="id_password" name="password" type="password" spellcheck="false" '
        'autocomplete="current-password" autocapitalize="none">',
        html,
    )
    assertInHTML(
        '<button type="button" class="govuk-button govuk-button--secondary '
        'govuk-password-input__toggle govuk-js-password-input-toggle" data-module="govuk-button" '
        'aria-controls="id_password" aria-label="Show password" hidden>Show</button>',
        html,
    )
    assert "secret" not in html
    assert 'autocomplete="new-password"' in field_html(
        form, "password", autocomplete="new-password"
    )


def test_password_input_error():
    form = PersonForm(data={})
    form.is_valid()
    html = field_html(form, "password")
    assert "govuk-form-group govuk-form-group--error govuk-password-input" in html
    assert "govuk-js-password-input-input govuk-input--error" in html
    assert 'aria-describedby="id_password-error"' in html


def test_textarea():
    form = PersonForm(data={"notes": f"Line one\n{EVIL}"})
    form.is_valid()
    html = field_html(form, "notes", classes="govuk-!-width-two-thirds")
    assert 'class="govuk-textarea govuk-!-width-two-thirds" id="id_notes" name="notes"' in html
    assert ">\nLine one\n&lt;script&gt;" in html
    assert "Notes (optional)" in html


def test_textarea_error_class():
    class NotesForm(forms.Form):
        notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    form = NotesForm(data={})
    form.is_valid()
    html = field_html(form, "notes")
    assert 'class="govuk-textarea govuk-textarea--error"' in html
    assert 'rows="3"' in html
    assert 'aria-describedby="id_notes-error"' in html


def test_select():
    form = PersonForm(data={"colour": "green"})
    form.is_valid()
    html = field_html(form, "colour")
    assertInHTML(
        """
        <select class="govuk-select" id="id_colour" name="colour">
          <option value="">Choose a colour</option>
          <option value="red">Red</option>
          <option value="green" selected>Green</option>
        </select>
        """,
        html,
    )


def test_select_options_escape_labels_and_values_and_keep_their_attributes_and_groups():
    class OptionAttrsSelect(forms.Select):
        def create_option(self, name, value, *args, **kwargs):
            option = super().create_option(name, value, *args, **kwargs)
            if value == "b&b":
                option["attrs"].update({"data-note": 'say "hi"', "disabled": True})
            return option

    class GroupedForm(forms.Form):
        place = forms.ChoiceField(
            choices=[("Kent", [("b&b", EVIL), ("inn", "Inn")]), ("Elsewhere", [("x", "X")])],
            widget=OptionAttrsSelect,
        )

    html = field_html(GroupedForm(initial={"place": "inn"}), "place")

    assertInHTML(
        f"""
        <select class="govuk-select" id="id_place" name="place">
          <optgroup label="Kent">
            <option value="b&amp;b" data-note="say &quot;hi&quot;" disabled>{escape(EVIL)}</option>
            <option value="inn" selected>Inn</option>
          </optgroup>
          <optgroup label="Elsewhere"><option value="x">X</option></optgroup>
        </select>
        """,
        html,
    )
    assert "<script>" not in html


def test_select_invalid_choice_is_an_escaped_error():
    form = PersonForm(data={"colour": EVIL})
    form.is_valid()
    html = field_html(form, "colour")
    assert 'class="govuk-select govuk-select--error"' in html
    assert 'aria-describedby="id_colour-error"' in html
    assert "<script>" not in html
    assert "Select a valid choice. &lt;script&gt;" in html


def test_file_upload():
    html = field_html(PersonForm(), "photo")
    assertInHTML('<input class="govuk-file-upload" id="id_photo" name="photo" type="file">', html)

    class UploadForm(forms.Form):
        document = forms.FileField(label="Upload a document", help_text="PDF only")

    form = UploadForm(data={}, files={})
    form.is_valid()
    html = field_html(form, "document")
    assertInHTML(
        '<input class="govuk-file-upload govuk-file-upload--error" id="id_document" '
        'name="document" type="file" aria-describedby="id_document-hint id_document-error">',
        html,
    )
    assert "govuk-form-group--error" in html


def test_hidden_input_is_just_the_input():
    html = field_html(PersonForm(initial={"token": "abc"}), "token")
    assertHTMLEqual(html, '<input type="hidden" name="token" value="abc" id="id_token">')


# --- Radios and checkboxes --------------------------------------------------------------------


def test_radios_in_a_fieldset_with_legend():
    form = PersonForm(initial={"contact": "phone"})
    html = field_html(form, "contact", label_size="m")
    assertHTMLEqual(
        html,
        """
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset" aria-describedby="id_contact-hint">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
              How should we contact them?
            </legend>
            <div id="id_contact-hint" class="govuk-hint">Select one option</div>
            <div class="govuk-radios" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="id_contact" name="contact" type="radio"
                       value="email">
                <label class="govuk-label govuk-radios__label" for="id_contact">Email</label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="id_contact-2" name="contact" type="radio"
                       value="phone" checked>
                <label class="govuk-label govuk-radios__label" for="id_contact-2">Phone</label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="id_contact-3" name="contact" type="radio"
                       value="post">
                <label class="govuk-label govuk-radios__label" for="id_contact-3">Post</label>
              </div>
            </div>
          </fieldset>
        </div>
        """,
    )


def test_radios_error_page_heading_and_inline_classes():
    form = PersonForm(data={})
    form.is_valid()
    html = field_html(form, "contact", is_page_heading=True, classes="govuk-radios--inline")
    assert "govuk-form-group govuk-form-group--error" in html
    assert 'aria-describedby="id_contact-hint id_contact-error"' in html
    assertInHTML('<h1 class="govuk-fieldset__heading">How should we contact them?</h1>', html)
    assert 'class="govuk-radios govuk-radios--inline" data-module="govuk-radios"' in html


def test_optional_radios_say_so_in_the_legend():
    class ChoiceForm(forms.Form):
        answer = forms.ChoiceField(
            label="Answer", choices=[("y", "Yes")], widget=forms.RadioSelect, required=False
        )

    assertInHTML(
        '<legend class="govuk-fieldset__legend">Answer (optional)</legend>',
        field_html(ChoiceForm(), "answer"),
    )


def test_checkboxes_in_a_fieldset():
    form = PersonForm(data={"needs": ["hearing"]})
    form.is_valid()
    html = field_html(form, "needs")
    assertInHTML('<legend class="govuk-fieldset__legend">Support needs</legend>', html)
    assert 'class="govuk-checkboxes" data-module="govuk-checkboxes"' in html
    assertInHTML(
        '<input class="govuk-checkboxes__input" id="id_needs" name="needs" type="checkbox" '
        'value="ramp">',
        html,
    )
    assertInHTML(
        '<input class="govuk-checkboxes__input" id="id_needs-2" name="needs" type="checkbox" '
        'value="hearing" checked>',
        html,
    )


def test_single_checkbox():
    form = PersonForm(data={})
    form.is_valid()
    html = field_html(form, "agree")
    assert "govuk-fieldset" not in html
    assert "govuk-form-group govuk-form-group--error" in html
    assertInHTML(
        '<input class="govuk-checkboxes__input" id="id_agree" name="agree" type="checkbox" '
        'value="true" aria-describedby="id_agree-hint id_agree-error">',
        html,
    )
    assertInHTML(
        '<label class="govuk-label govuk-checkboxes__label" for="id_agree">'
        "I confirm the details are correct</label>",
        html,
    )
    assertInHTML(
        '<div id="id_agree-hint" class="govuk-hint govuk-checkboxes__hint">'
        "You can change them later</div>",
        html,
    )
    assert "(optional)" not in html

    ticked = PersonForm(data={"agree": "true"})
    ticked.is_valid()
    assert ticked.cleaned_data["agree"] is True
    assert " checked" in field_html(ticked, "agree")


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "error_parts"),
    [
        ("", "", "", "Enter date of birth", {"day", "month", "year"}),
        ("3", "", "2001", "Date of birth must include a month", {"month"}),
        ("", "3", "", "Date of birth must include a day and year", {"day", "year"}),
        ("31", "2", "2001", "Date of birth must be a real date", {"day", "month", "year"}),
        ("3", "13", "2001", "Date of birth must be a real date", {"month"}),
        ("32", "1", "2001", "Date of birth must be a real date", {"day"}),
        ("x", "1", "2001", "Date of birth must be a real date", {"day"}),
        ("3", "1", "01", "Year must include 4 numbers", {"year"}),
        ("3", "1", "2999", "Date of birth must be today or in the past", {"day", "month", "year"}),
    ],
)
def test_date_field_messages_and_highlighted_boxes(day, month, year, message, error_parts):
    form = dob_form(day, month, year)
    assert form.errors["date_of_birth"] == [message]
    html = field_html(form, "date_of_birth")
    assertInHTML(
        '<p id="id_date_of_birth-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {message}</p>',
        html,
    )
    for part in ("day", "month", "year"):
        width = 4 if part == "year" else 2
        classes = "govuk-input govuk-date-input__input" + (
            " govuk-input--error" if part in error_parts else ""
        )
        assert f'class="{classes} govuk-input--width-{width}" id="id_date_of_birth-{part}"' in html
    summary = render("{% govuk_error_summary form %}", form=form)
    first = next(p for p in ("day", "month", "year") if p in error_parts)
    assertInHTML(f'<a href="#id_date_of_birth-{first}">{message}</a>', summary)


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("3", "8", "2001", dt.date(2001, 8, 3)),
        (" 03 ", "08", "2001", dt.date(2001, 8, 3)),
        ("3", "Aug", "2001", dt.date(2001, 8, 3)),
        ("29", "february", "2000", dt.date(2000, 2, 29)),
    ],
)
def test_date_field_valid_values(day, month, year, expected):
    form = dob_form(day, month, year)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == expected


def test_date_field_markup():
    form = DobForm(initial={"date_of_birth": dt.date(2007, 3, 27)})
    html = field_html(
        form, "date_of_birth", label_size="l", is_page_heading=True, autocomplete="bday"
    )
    assertHTMLEqual(
        html,
        """
        <div class="govuk-form-group">
          <fieldset class="govuk-fieldset" role="group" aria-describedby="id_date_of_birth-hint">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
              <h1 class="govuk-fieldset__heading">Date of birth</h1>
            </legend>
            <div id="id_date_of_birth-hint" class="govuk-hint">For example, 27 3 2007</div>
            <div class="govuk-date-input" id="id_date_of_birth">
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_date_of_birth-day">
                    Day
                  </label>
                  <input class="govuk-input govuk-date-input__input govuk-input--width-2"
                         id="id_date_of_birth-day" name="date_of_birth_day" type="text"
                         value="27" inputmode="numeric" autocomplete="bday-day">
                </div>
              </div>
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_date_of_birth-month">
                    Month
                  </label>
                  <input class="govuk-input govuk-date-input__input govuk-input--width-2"
                         id="id_date_of_birth-month" name="date_of_birth_month" type="text"
                         value="3" inputmode="numeric" autocomplete="bday-month">
                </div>
              </div>
              <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                  <label class="govuk-label govuk-date-input__label" for="id_date_of_birth-year">
                    Year
                  </label>
                  <input class="govuk-input govuk-date-input__input govuk-input--width-4"
                         id="id_date_of_birth-year" name="date_of_birth_year" type="text"
                         value="2007" inputmode="numeric" autocomplete="bday-year">
                </div>
              </div>
            </div>
          </fieldset>
        </div>
        """,
    )


def test_date_field_keeps_what_was_typed_escaped():
    form = dob_form("3", EVIL, "2001")
    html = field_html(form, "date_of_birth")
    assert "<script>" not in html
    assert 'value="&lt;script&gt;' in html
    assert 'value="3"' in html
    assert 'aria-describedby="id_date_of_birth-hint id_date_of_birth-error"' in html


def test_optional_date_field_limits_and_error_label():
    def make(day, month, year):
        form = OptionalDateForm(
            data={"review_date_day": day, "review_date_month": month, "review_date_year": year}
        )
        form.is_valid()
        return form

    empty = make("", "", "")
    assert empty.is_valid()
    assert empty.cleaned_data["review_date"] is None
    assert "When is the review? (optional)" in field_html(empty, "review_date")
    assert make("1", "1", "2019").errors["review_date"] == [
        "Review date must be the same as or after 1 January 2020"
    ]
    assert make("1", "1", "2031").errors["review_date"] == [
        "Review date must be the same as or before 31 December 2030"
    ]
    assert make("", "4", "2025").errors["review_date"] == ["Review date must include a day"]


def test_date_error_without_parts_highlights_every_box():
    form = dob_form("3", "8", "2001")
    form.add_error("date_of_birth", "Date of birth must be before the referral date")
    html = field_html(form, "date_of_birth")
    assert html.count("govuk-input--error") == 3
    summary = render("{% govuk_error_summary form %}", form=form)
    assert 'href="#id_date_of_birth-day"' in summary


def test_date_widget_ids_and_decompress():
    widget = GovukDateWidget()
    assert widget.id_for_label("id_dob") == "id_dob-day"
    assert widget.decompress(dt.date(2021, 8, 10)) == [10, 8, 2021]
    assert widget.decompress("2021-08-10") == [10, 8, 2021]
    assert widget.decompress(None) == [None, None, None]
    assert widget.value_from_datadict(
        {"dob_day": "1", "dob_month": "2", "dob_year": "2003"}, {}, "dob"
    ) == ["1", "2", "2003"]


def test_date_field_has_changed():
    field = GovukDateField(label="Date")
    assert not field.has_changed(dt.date(2020, 1, 2), ["2", "1", "2020"])
    assert field.has_changed(dt.date(2020, 1, 2), ["3", "1", "2020"])
    assert field.has_changed(None, ["3", "", ""])


# --- Error summary ----------------------------------------------------------------------------


class DecisionForm(forms.Form):
    reason = forms.CharField(label="Reason")
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )
    secret = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The case is closed <b>already</b>")


def test_error_summary_empty_when_no_errors():
    assert render("{% govuk_error_summary form %}", form=DecisionForm()) == ""
    assert render("{% govuk_error_summary form %}", form=None) == ""
    valid = PersonForm(
        data={"name": "Ann", "password": "x", "colour": "red", "contact": "post", "agree": "on"}
    )
    assert valid.is_valid(), valid.errors
    assert render("{% govuk_error_summary form %}", form=valid) == ""


def test_error_summary_lists_errors_with_links():
    form = DecisionForm(data={})
    form.is_valid()
    html = render("{% govuk_error_summary form %}", form=form)
    assertHTMLEqual(
        html,
        """
        <div class="govuk-error-summary" data-module="govuk-error-summary">
          <div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body">
              <ul class="govuk-list govuk-error-summary__list">
                <li>The case is closed &lt;b&gt;already&lt;/b&gt;</li>
                <li><a href="#id_reason">This field is required.</a></li>
                <li><a href="#id_outcome">This field is required.</a></li>
                <li>This field is required.</li>
              </ul>
            </div>
          </div>
        </div>
        """,
    )


def test_error_summary_for_several_forms_and_a_custom_title():
    first = DobForm(data={}, prefix="child")
    first.is_valid()
    second = PersonForm(data={"colour": "red"})
    second.is_valid()
    html = render(
        '{% govuk_error_summary first None second title="Check your answers" %}',
        first=first,
        second=second,
    )
    assert "Check your answers" in html
    assertInHTML('<a href="#id_child-date_of_birth-day">Enter date of birth</a>', html)
    assertInHTML('<a href="#id_contact">This field is required.</a>', html)
    assert html.index("id_child-date_of_birth-day") < html.index("id_name")


def test_error_summary_for_a_formset():
    formset_class = forms.formset_factory(DobForm, extra=1, min_num=1, validate_min=True)
    formset = formset_class(
        data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-date_of_birth_day": "4"}
    )
    formset.is_valid()
    html = render("{% govuk_error_summary formset %}", formset=formset)
    assertInHTML(
        '<a href="#id_form-0-date_of_birth-month">Date of birth must include a month and year</a>',
        html,
    )


# --- Buttons ----------------------------------------------------------------------------------


def test_button_defaults():
    assertHTMLEqual(
        render('{% govuk_button "Save and continue" %}'),
        '<button type="submit" data-prevent-double-click="true" class="govuk-button" '
        'data-module="govuk-button">Save and continue</button>',
    )


def test_button_options():
    assertHTMLEqual(
        render(
            '{% govuk_button "Delete" name="action" value=action classes="govuk-button--warning" '
            "prevent_double_click=False %}",
            action="delete",
        ),
        '<button type="submit" name="action" value="delete" '
        'class="govuk-button govuk-button--warning" data-module="govuk-button">Delete</button>',
    )
    assert 'type="button"' in render('{% govuk_button "Add" type="button" %}')


def test_button_link():
    assertHTMLEqual(
        render(
            '{% govuk_button "Cancel" href=url classes="govuk-button--secondary" %}',
            url="/cases/?a=1&b=2",
        ),
        '<a href="/cases/?a=1&amp;b=2" role="button" draggable="false" '
        'class="govuk-button govuk-button--secondary" data-module="govuk-button">Cancel</a>',
    )


def test_button_text_is_escaped():
    html = render("{% govuk_button text %}", text=EVIL)
    assert "<script>" not in html


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "date_text", "datetime_text"),
    [
        (None, "", ""),
        ("", "", ""),
        (dt.date(2021, 8, 10), "10-Aug-2021", "10-Aug-2021"),
        (dt.date(2021, 1, 5), "05-Jan-2021", "05-Jan-2021"),
        # British Summer Time: 13:05 UTC is 14:05 in London.
        (dt.datetime(2021, 8, 10, 13, 5, tzinfo=UTC), "10-Aug-2021", "10-Aug-2021 14:05"),
        # ...and late evening UTC is already tomorrow in London.
        (dt.datetime(2021, 8, 10, 23, 30, tzinfo=UTC), "11-Aug-2021", "11-Aug-2021 00:30"),
        # Greenwich Mean Time in winter.
        (dt.datetime(2021, 12, 10, 13, 5, tzinfo=UTC), "10-Dec-2021", "10-Dec-2021 13:05"),
        # Naive datetimes are taken as London time already.
        (dt.datetime(2021, 8, 10, 9, 0), "10-Aug-2021", "10-Aug-2021 09:00"),
    ],
)
def test_uk_date_filters(value, date_text, datetime_text):
    assert render("{{ value|uk_date }}", value=value) == date_text
    assert render("{{ value|uk_datetime }}", value=value) == datetime_text


def test_uk_date_with_default():
    assert render('{{ value|uk_date|default:"Not recorded" }}', value=None) == "Not recorded"


# --- Misuse -----------------------------------------------------------------------------------


def test_misuse_is_loud():
    with pytest.raises(TemplateSyntaxError):
        render("{% govuk_field form.missing %}", form=PersonForm())
    with pytest.raises(TemplateSyntaxError):
        field_html(PersonForm(), "name", label_size="huge")


@pytest.mark.parametrize(
    ("typed", "time"),
    [("17:30", dt.time(17, 30)), (" 9.05 ", dt.time(9, 5)), ("00:00", dt.time(0, 0))],
)
def test_a_time_is_typed_on_the_24_hour_clock(typed, time):
    from thrive.ui.govuk_forms import GovukTimeField

    assert GovukTimeField().clean(typed) == time


@pytest.mark.parametrize("typed", ["24:00", "17:60", "5pm", "1730", "17:3"])
def test_anything_else_is_not_a_time(typed):
    from thrive.ui.govuk_forms import GovukTimeField

    with pytest.raises(forms.ValidationError, match="Enter a time on the 24-hour clock"):
        GovukTimeField().clean(typed)


def test_an_optional_time_may_be_left_empty():
    from thrive.ui.govuk_forms import GovukTimeField

    assert GovukTimeField(required=False).clean("") is None
