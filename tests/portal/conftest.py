import importlib
from datetime import date

import pytest
from django.apps import apps

from portal.delegation import services
from portal.models import FormDefinition
from thrive.models import Organisation, Role

from ..factories import OrganisationFactory, WorkGroupFactory, person

EHCNA = "EHCNA Information Gathering"


def load_definitions():
    """The shipped form types (a transactional test's flush may have removed them)."""
    migration = importlib.import_module("portal.migrations.0002_form_definitions")
    migration.add_definitions(apps, None)


@pytest.fixture
def ehcna(db):
    load_definitions()
    return FormDefinition.objects.get(name=EHCNA, active=True)


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Kent County Council", kind=Organisation.Kind.COUNCIL)


@pytest.fixture
def group(db):
    return WorkGroupFactory(name="Children's Therapies")


@pytest.fixture
def send_officer(council):
    return person(Role.SEND_OFFICER, organisation=council, full_name="Sam Ellis")


@pytest.fixture
def tray_admin(group):
    return person(Role.TRAY_ADMIN, work_group=group, full_name="Tara Young")


@pytest.fixture
def clinician(group):
    return person(Role.CLINICIAN, work_group=group, full_name="Chloe Lin")


@pytest.fixture
def colleague(group):
    return person(Role.CLINICIAN, work_group=group, full_name="Colin Ives")


@pytest.fixture
def group_manager(group):
    manager = person(Role.CLINICIAN, work_group=group, full_name="Clara Morgan")
    group.manager = manager
    group.save()
    return manager


def make_task(form, by, group, clinician=None, **fields):
    values = {
        "child_name": "Diane Bluebell",
        "child_date_of_birth": date(2013, 2, 10),
        "child_address": "23 Test Street, Testertown, TS1 1ST",
        "comments": "Please complete the report",
        "department": "SEND North",
        "telephone": "01475 221192",
        **fields,
    }
    return services.create_task(by=by, form=form, work_group=group, clinician=clinician, **values)


@pytest.fixture
def tray_task(ehcna, send_officer, group, tray_admin):
    return make_task(ehcna, send_officer, group)


@pytest.fixture
def task(ehcna, send_officer, group, clinician):
    return make_task(ehcna, send_officer, group, clinician)


COMPLETE = {
    "full_name": "Diane Bluebell",
    "date_of_birth": "2013-02-10",
    "known_to_service": "yes",
    "background": "Known since 2019.",
    "health_needs": "Hypermobility.",
    "outcomes": "Writes independently.",
    "health_provision": [{"provision": "Provision 1", "who": "Mary"}],
    "author_name": "Chloe Lin",
    "author_role": "Occupational therapist",
    "completed_on": "2026-11-20",
}
