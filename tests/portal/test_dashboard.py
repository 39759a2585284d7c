"""The SEND officers' dashboard: due this week, overdue, and the share submitted on time per
health partner per month."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from portal.delegation import services
from portal.delegation.dashboard import on_time_rows
from portal.models import Task

from .conftest import COMPLETE, make_task

TODAY = date(2026, 11, 25)  # a Wednesday
LONDON = ZoneInfo("Europe/London")


def submit_on(task, clinician, day):
    services.save_answers(task, by=clinician, answers=COMPLETE)
    with time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)):
        services.submit_task(task, by=clinician)


def test_the_share_submitted_on_time_per_health_partner_and_month(
    ehcna, send_officer, group, clinician
):
    on_time = make_task(ehcna, send_officer, group, clinician, required_by=date(2026, 10, 20))
    late = make_task(ehcna, send_officer, group, clinician, required_by=date(2026, 10, 21))
    make_task(ehcna, send_officer, group, clinician, required_by=date(2026, 10, 22))  # never
    retracted = make_task(ehcna, send_officer, group, clinician, required_by=date(2026, 10, 23))
    services.retract_task(retracted, by=send_officer, reason="Sent in error")
    submit_on(on_time, clinician, date(2026, 10, 20))
    submit_on(late, clinician, date(2026, 10, 22))

    (row,) = on_time_rows(Task.objects.all(), TODAY)

    assert row["partner"] == group.organisation.name
    assert row["month"] == date(2026, 10, 1)
    assert (row["due"], row["on_time"], row["share"]) == (3, 1, 33)


def test_the_dashboard_lists_due_this_week_and_overdue(
    client, ehcna, send_officer, group, clinician, django_assert_max_num_queries
):
    for days, name in [(4, "Sunday Child"), (5, "Next Week Child"), (-1, "Late Child")]:
        due = TODAY + timedelta(days=days)
        make_task(ehcna, send_officer, group, clinician, required_by=due, child_name=name)

    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=LONDON)):
        client.force_login(send_officer)
        with django_assert_max_num_queries(15):
            page = client.get(reverse("portal:send_dashboard"))

    due, overdue, on_time = page.text.split('class="govuk-table__caption')[1:4]
    assert "Sunday Child" in due and "Next Week Child" not in due
    assert "Late Child" in overdue and "Sunday Child" not in overdue
    assert "Share on time" in on_time and "0%" in on_time
    assert "<svg" in page.text


def test_other_people_cannot_open_the_dashboard(client, clinician, tray_admin):
    for person in (clinician, tray_admin):
        client.force_login(person)
        assert client.get(reverse("portal:send_dashboard")).status_code == 404


def test_the_on_time_table_downloads_as_csv(client, send_officer):
    client.force_login(send_officer)

    response = client.get(reverse("portal:send_dashboard") + "?export=on-time&format=csv")

    assert response["Content-Type"].startswith("text/csv")
    assert b"Health partner,Month due,Tasks due" in b"".join(response.streaming_content)
