"""A subject access request: a system administrator chooses a child and downloads everything
held about them, built in the background, for a limited time, audited throughout."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from thrive.models import AuditEvent, District, Role, SubjectAccessRequest

from ..continuity.factories import make_record
from ..documents.library.factories import make_document
from ..factories import ServiceFactory, make_case, person
from ..isolation import build_world
from ..portal.factories import make_portal_task

CLAIRE = {
    "first_name": "Claire",
    "last_name": "Marshall",
    "date_of_birth_day": "27",
    "date_of_birth_month": "3",
    "date_of_birth_year": "2015",
}


@pytest.fixture
def admin(verified_client, admin_user):
    return verified_client(admin_user)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def held(db):
    """Claire Marshall's records in one tenant's world, and a case in another district."""
    world = build_world(District.ASHFORD, "home")
    case = world.case
    document = make_document(case)
    default_storage.save(document.versions.get().file, ContentFile(b"%PDF-1.4 the letter"))
    task = make_portal_task(world)
    task.child_name, task.child_date_of_birth = "Claire Marshall", date(2015, 3, 27)
    task.save()
    record = make_record(
        world.people[Role.SERVICE_WORKER],
        case=case,
        child_surname="Marshall",
        child_date_of_birth=date(2015, 3, 27),
    )
    elsewhere = make_case(ServiceFactory(district=District.CANTERBURY))  # same name and DOB
    someone_else = make_case(world.service, child_first_name="Ben", child_last_name="Stone")
    return {
        "cases": [case, elsewhere],
        "documents": [world.document, document],
        "tasks": [task],
        "records": [record],
        "not": someone_else,
    }


def confirm_all(found):
    data = {**CLAIRE, "confirm": "1"}
    for group in found:
        data[group["source"].kind] = [c.pk for c in group["candidates"]]
    return data


def test_the_administrator_sees_every_record_that_may_be_about_the_child(admin, held):
    response = admin.post(reverse("subject_access"), CLAIRE)

    found = {g["source"].kind: {c.pk for c in g["candidates"]} for g in response.context["found"]}
    assert found["cases"] == {case.pk for case in held["cases"]}
    assert found["documents"] == {document.pk for document in held["documents"]}
    assert found["tasks"] == {held["tasks"][0].pk}
    assert found["records"] == {held["records"][0].pk}
    assert held["not"].pk not in found["cases"]


def test_the_download_holds_the_case_its_document_the_task_the_record_and_the_audit(
    admin, held, admin_user, django_capture_on_commit_callbacks, client
):
    case = held["cases"][0]
    manager = person(Role.SERVICE_MANAGER, service=case.service)
    client.force_login(manager)
    client.get(reverse("cases:detail", args=[case.thrive_id]))  # a view to find in the audit
    admin.force_login(admin_user)
    admin = _reverify(admin, admin_user)
    found = admin.post(reverse("subject_access"), CLAIRE).context["found"]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("subject_access"), confirm_all(found))

    made = SubjectAccessRequest.objects.get()
    assert response["Location"] == reverse("subject_access_detail", args=[made.pk])
    assert made.status == "ready" and made.done == made.total == 6
    download = admin.get(reverse("subject_access_download", args=[made.pk]))
    assert download["Cache-Control"] == "private, no-store"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = bundle.namelist()
    assert {"index.html", "everything.json", "audit.csv"} <= set(names)
    everything = json.loads(bundle.read("everything.json"))
    kinds = [record["kind"] for record in everything["records"]]
    assert (
        sorted(kinds)
        == sorted(
            ["case", "case", "document", "portal-task", "downtime-record", "downtime-record"][:6]
        )
        or kinds.count("case") == 2
    )
    case_record = next(r for r in everything["records"] if r["reference"] == case.thrive_id)
    assert case_record["data"]["Main child first name"] == "Claire"
    assert any(
        e["action"] == "viewed" and e["who"] == manager.username for e in case_record["audit"]
    )
    assert any(name.endswith(".pdf") and "portal-task" in name for name in names)
    document = held["documents"][1]
    letter = f"files/document/{document.pk}/v1-{document.versions.get().original_name}"
    assert bundle.read(letter) == b"%PDF-1.4 the letter"
    assert "Claire Marshall" in bundle.read("index.html").decode()
    assert AuditEvent.objects.filter(action="subject_access_requested").exists()
    assert AuditEvent.objects.filter(action="subject_access_downloaded", user=admin_user).exists()


def _reverify(client, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.filter(user=user).first().persistent_id
    session.save()
    return client


def test_only_what_was_confirmed_goes_in(admin, held, django_capture_on_commit_callbacks):
    data = {**CLAIRE, "confirm": "1", "cases": [held["cases"][0].pk, held["not"].pk]}

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("subject_access"), data)

    made = SubjectAccessRequest.objects.get()
    assert made.selection == {"cases": [held["cases"][0].pk]}  # the other child is dropped


def test_nothing_chosen_is_refused(admin, held):
    response = admin.post(reverse("subject_access"), {**CLAIRE, "confirm": "1"})

    assert "Choose at least one record that is about this child" in response.text
    assert not SubjectAccessRequest.objects.exists()


def test_the_download_expires(admin, held, admin_user, django_capture_on_commit_callbacks):
    from thrive.tasks import expire_subject_access_bundles

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("subject_access"), {**CLAIRE, "confirm": "1", "cases": [held["cases"][0].pk]}
        )
    made = SubjectAccessRequest.objects.get()

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert expire_subject_access_bundles() == 1
        made.refresh_from_db()
        assert made.status == "expired" and made.file == ""
    assert admin.get(reverse("subject_access_download", args=[made.pk])).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_only_system_administrators_make_requests(client, role, db):
    client.force_login(person(role))

    assert client.get(reverse("subject_access")).status_code == 404


def test_another_administrators_request_is_not_found(
    admin, verified_client, held, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("subject_access"), {**CLAIRE, "confirm": "1", "cases": [held["cases"][0].pk]}
        )
    made = SubjectAccessRequest.objects.get()
    other = verified_client(person(Role.SYSTEM_ADMIN))

    assert other.get(reverse("subject_access_detail", args=[made.pk])).status_code == 404
    assert other.get(reverse("subject_access_download", args=[made.pk])).status_code == 404
