"""Every free-text field has a maximum that fits its use, enforced by the form (with the GOV.UK
message, and the character count on long fields) and by the model and its column."""

import importlib
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, connection, models, transaction
from django.urls import reverse

from cases.models import Case
from thrive.models import District, Role
from thrive.ui.govuk_forms import GovukTimeField

from ..factories import ServiceFactory, make_case, person

ROOT = Path(__file__).resolve().parents[2]
APPS = ["thrive", "cases", "documents", "portal", "selfservice", "continuity"]
ONE_MEGABYTE = "x" * 1_000_000
# Text the system writes, not people: the policy's wording (loaded from aup_v1.txt by a
# migration), an email's body (written from templates) and a session's encoded data (Django's).
SYSTEM_TEXT = {
    "thrive.AcceptableUsePolicy.body",
    "thrive.OutboxEmail.body",
    "thrive.UserSession.session_data",
}


def _project_forms():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*forms*.py")):
            importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls for cls in subclasses(forms.BaseForm) if cls.__module__.split(".")[0] in APPS}


def test_every_free_text_form_field_has_a_maximum():
    unlimited = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, GovukTimeField)  # parsed into a time, not kept as text
        and not field.widget.is_hidden
        and field.max_length is None
    ]

    assert not unlimited


def test_every_free_text_column_has_a_maximum():
    unlimited = [
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]

    assert set(unlimited) <= SYSTEM_TEXT


@pytest.fixture
def officer(db):
    return person(Role.EHPS_OFFICER, district=District.ASHFORD)


def referral(service, **fields):
    return {
        "service": service.pk,
        "family_names": "Broster",
        "child_first_name": "Jake",
        "child_last_name": "Broster",
        "child_date_of_birth_day": 1,
        "child_date_of_birth_month": 5,
        "child_date_of_birth_year": 2016,
        "address": "2 Bank Street",
        "postcode": "tn231aa",
        "notifier": "School",
        "reason_for_referral": "Behaviour at school",
        "date_referred_day": 2,
        "date_referred_month": 11,
        "date_referred_year": 2026,
        **fields,
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("reason_for_referral", "Reason for referral must be 4,000 characters or fewer"),
        ("address", "Address must be 500 characters or fewer"),
        ("other_children", "Other children must be 1,000 characters or fewer"),
    ],
)
def test_a_megabyte_of_text_is_refused_at_the_field_with_its_maximum(
    client, officer, field, message
):
    service = ServiceFactory(district=District.ASHFORD)
    client.force_login(officer)

    page = client.post(reverse("cases:refer"), referral(service, **{field: ONE_MEGABYTE}))

    assert page.status_code == 200
    assert message in page.text
    assert not Case.objects.exists()


def test_text_up_to_the_maximum_is_kept(client, officer):
    service = ServiceFactory(district=District.ASHFORD)
    client.force_login(officer)

    client.post(reverse("cases:refer"), referral(service, reason_for_referral="y" * 4000))

    assert len(Case.objects.get().reason_for_referral) == 4000


def test_long_fields_show_the_govuk_character_count(client, officer):
    ServiceFactory(district=District.ASHFORD)
    client.force_login(officer)

    page = client.get(reverse("cases:refer")).text

    assert 'data-module="govuk-character-count" data-maxlength="4000"' in page
    assert "You can enter up to 4000 characters" in page
    assert ' maxlength="4000"' not in page  # the count warns; it does not cut text off


def test_the_model_refuses_text_past_the_maximum(db):
    case = make_case(ServiceFactory())
    case.reason_for_referral = "y" * 4001

    with pytest.raises(ValidationError) as refused:
        case.full_clean()

    assert "reason_for_referral" in refused.value.message_dict


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not size columns")
def test_the_column_refuses_text_past_the_maximum(db):
    case = make_case(ServiceFactory(), date_referred=date(2026, 11, 2))

    with pytest.raises(DataError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(address="y" * 501)
