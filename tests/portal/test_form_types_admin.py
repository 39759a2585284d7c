"""Administrators add or change a form type without code; a task keeps its version."""

import json

import pytest
from django.urls import reverse

from portal.delegation.forms import TaskForm
from portal.models import FormDefinition
from thrive.models import AuditEvent, Role

from ..factories import person
from .conftest import make_task

SIMPLE = {"sections": [{"title": "About", "fields": [{"id": "x", "type": "text", "label": "X"}]}]}


@pytest.fixture
def admin(admin_user, verified_client):
    return verified_client(admin_user)


@pytest.mark.parametrize(
    "role", [Role.SEND_OFFICER, Role.CLINICIAN, Role.TRAY_ADMIN, Role.SERVICE_MANAGER]
)
def test_only_system_administrators_reach_form_types(role, ehcna, verified_client):
    client = verified_client(person(role))
    for url in [
        reverse("portal:form_types"),
        reverse("portal:form_type_add"),
        reverse("portal:form_type", args=[ehcna.pk]),
        reverse("portal:form_type_change", args=[ehcna.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("portal:form_type_active", args=[ehcna.pk])).status_code == 404
    ehcna.refresh_from_db()
    assert ehcna.active


def test_the_list_shows_versions_and_task_counts(admin, task, ehcna):
    page = admin.get(reverse("portal:form_types"))
    assert page.status_code == 200
    assert ehcna.name in page.text
    assert "Tasks using this version" in page.text
    assert {f.pk: f.task_count for f in page.context["page"]}[ehcna.pk] == 1


def test_a_version_is_shown_read_only_with_its_fields_and_json(admin, ehcna):
    page = admin.get(reverse("portal:form_type", args=[ehcna.pk]))
    assert page.status_code == 200
    assert "Details of the child or young person" in page.text
    assert "Full name" in page.text
    assert "&quot;full_name&quot;" in page.text  # the JSON


def test_invalid_json_is_refused_with_the_message(admin, ehcna):
    page = admin.post(reverse("portal:form_type_add"), {"name": "New", "definition": "{nope"})
    assert page.status_code == 200
    assert page.text.count("Enter valid JSON") >= 2  # summary and next to the field
    assert "line 1" in page.text
    assert "<title>Error:" in page.text
    assert not FormDefinition.objects.filter(name="New").exists()


def test_an_invalid_definition_is_refused_with_the_validators_message(admin, ehcna):
    bad = {"sections": [{"title": "One", "fields": [{"id": "x", "type": "colour", "label": "X"}]}]}
    page = admin.post(
        reverse("portal:form_type_change", args=[ehcna.pk]),
        {"definition": json.dumps(bad)},
    )
    assert page.status_code == 200
    assert "Section 1: field &#x27;x&#x27; has unknown type &#x27;colour&#x27;." in page.text
    assert FormDefinition.objects.filter(name=ehcna.name).count() == 1


def test_adding_a_form_type_creates_version_1_offered_for_new_tasks(admin, ehcna):
    page = admin.post(
        reverse("portal:form_type_add"), {"name": "Speech advice", "definition": json.dumps(SIMPLE)}
    )
    form = FormDefinition.objects.get(name="Speech advice")
    assert page.status_code == 302
    assert (form.version, form.active, form.definition) == (1, True, SIMPLE)
    assert form in TaskForm().fields["form"].queryset
    assert AuditEvent.objects.filter(action="form type version added", object_id=str(form.pk))
    again = admin.post(
        reverse("portal:form_type_add"), {"name": "speech advice", "definition": json.dumps(SIMPLE)}
    )
    assert "There is already a form type with this name." in again.text


def test_change_prefills_the_current_json(admin, ehcna):
    page = admin.get(reverse("portal:form_type_change", args=[ehcna.pk]))
    assert page.context["form"].initial["definition"] == json.dumps(
        ehcna.definition, indent=2, ensure_ascii=False
    )


def test_a_change_is_a_new_version_for_new_tasks_and_old_tasks_keep_theirs(
    admin, task, ehcna, clinician, verified_client, send_officer, group
):
    changed = json.loads(json.dumps(ehcna.definition))
    changed["sections"][0]["fields"][0]["label"] = "Child’s full legal name"
    page = admin.post(
        reverse("portal:form_type_change", args=[ehcna.pk]),
        {"name": "Renamed is ignored", "definition": json.dumps(changed)},
    )
    new = FormDefinition.objects.get(name=ehcna.name, version=2)
    assert page.status_code == 302
    assert new.active and new.definition == changed
    ehcna.refresh_from_db()
    assert not ehcna.active and ehcna.definition != changed  # never edited in place
    offered = TaskForm().fields["form"].queryset
    assert new in offered and ehcna not in offered

    task.refresh_from_db()
    assert task.form == ehcna
    later = make_task(new, send_officer, group, clinician)
    client = verified_client(clinician)
    old_page = client.get(reverse("portal:task", args=[task.pk]) + "?section=1")
    new_page = client.get(reverse("portal:task", args=[later.pk]) + "?section=1")
    assert "Full name" in old_page.text and "full legal name" not in old_page.text
    assert "full legal name" in new_page.text


def test_retire_and_reactivate(admin, ehcna, task):
    url = reverse("portal:form_type_active", args=[ehcna.pk])
    assert admin.post(url, {"action": "retire"}).status_code == 302
    assert not FormDefinition.objects.filter(name=ehcna.name, active=True).exists()
    assert not TaskForm().fields["form"].queryset.filter(name=ehcna.name).exists()
    assert "Retired" in admin.get(reverse("portal:form_type", args=[ehcna.pk])).text
    task.refresh_from_db()
    assert task.form == ehcna
    assert AuditEvent.objects.filter(action="form type retired").exists()

    admin.post(url, {"action": "reactivate"})
    ehcna.refresh_from_db()
    assert ehcna.active
    assert AuditEvent.objects.filter(action="form type reactivated").exists()


def test_form_types_is_in_the_administrators_navigation(admin, ehcna):
    assert reverse("portal:form_types") in admin.get(reverse("home")).text
