import csv
import io

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from thrive import audit
from thrive.models import AuditEvent, AuditTrailIsAppendOnly, Role

from ..factories import person


@pytest.fixture
def event(db, worker):
    return audit.record(None, "viewed", worker, user=worker, note="test")


def test_an_event_records_who_what_and_tenant(event, worker):
    assert event.username == worker.username
    assert event.object_type == "thrive.user"
    assert event.object_id == str(worker.pk)
    assert event.organisation == worker.organisation


def test_events_cannot_be_changed_or_deleted_through_the_application(event):
    event.note = "changed"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().update(note="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_or_delete_audit_rows(event):
    for sql in ("UPDATE thrive_auditevent SET note = 'x'", "DELETE FROM thrive_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_deleting_a_person_keeps_their_audit_rows(event, worker):
    worker.delete()

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.username == worker.username


def test_only_administrators_see_the_audit(client, worker):
    client.force_login(worker)

    assert client.get(reverse("audit")).status_code == 404


@pytest.fixture
def admin_client(verified_client, admin_user):
    return verified_client(admin_user)


def test_administrators_filter_by_person_record_and_dates(admin_client, worker, manager):
    audit.record(None, "viewed", manager, user=worker)
    audit.record(None, "viewed", worker, user=manager)

    page = admin_client.get(
        reverse("audit"),
        {"user": worker.pk, "object_type": "thrive.user", "object_id": manager.pk},
    )

    events = list(page.context["page"])
    assert [(e.username, e.object_id) for e in events] == [(worker.username, str(manager.pk))]


def test_date_range_the_wrong_way_round_is_refused_at_the_field(admin_client):
    page = admin_client.get(reverse("audit"), {"date_from": "30/11/2026", "date_to": "01/11/2026"})

    assert "must be the same as or after" in page.text
    assert list(page.context["page"]) == []


def test_audit_exports_as_csv_and_the_export_is_audited(admin_client, admin_user, worker):
    audit.record(None, "viewed", worker, user=worker, note="=HYPERLINK(evil)")

    response = admin_client.get(reverse("audit"), {"user": worker.pk, "format": "csv"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert response["Content-Disposition"] == 'attachment; filename="thrive-audit.csv"'
    assert rows[0][:3] == ["When (UTC)", "Username", "Action"]
    assert rows[1][1:3] == [worker.username, "viewed"]
    assert rows[1][8] == "'=HYPERLINK(evil)"
    assert AuditEvent.objects.filter(action="exported", user=admin_user).exists()


def test_audit_page_runs_a_fixed_number_of_queries(
    admin_client, worker, django_assert_max_num_queries
):
    for _ in range(60):
        audit.record(None, "viewed", worker, user=worker)

    with django_assert_max_num_queries(15):
        admin_client.get(reverse("audit"))


def test_viewing_a_persons_record_is_audited(admin_client, admin_user, worker):
    admin_client.get(reverse("person_detail", args=[worker.pk]))

    assert AuditEvent.objects.filter(
        action="viewed", user=admin_user, object_id=str(worker.pk)
    ).exists()


def test_client_address_comes_from_trusted_proxies_only(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert audit.client_address(request) == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert audit.client_address(request) == "203.0.113.9"


def test_requests_carry_an_id_in_the_response(client, db):
    response = client.get(reverse("account_login"))

    assert len(response["X-Request-ID"]) == 32
    assert client.get("/", HTTP_X_REQUEST_ID="trace-1234-abcd")["X-Request-ID"] == "trace-1234-abcd"
    assert client.get("/", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"] != "bad id!"


def test_people_list_shows_lapsed_dbs_checks(admin_client, service):
    from datetime import date

    lapsed = person(Role.SERVICE_WORKER, service=service, dbs_check_date=date(2020, 1, 1))
    current = person(Role.SERVICE_WORKER, service=service, dbs_check_date=date.today())

    page = admin_client.get(reverse("people"), {"dbs": "lapsed"})

    shown = set(page.context["page"].object_list)
    assert lapsed in shown
    assert current not in shown
