"""Automatic Replies: set under the person's name; shown to SEND officers and tray admins next
to the choice of person while active."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.delegation import replies, services
from portal.models import AutomaticReply
from thrive.models import AuditEvent, Role

from ..factories import person


def dates(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


@pytest.fixture
def on_leave(clinician, colleague):
    today = timezone.localdate()
    return replies.set_automatic_reply(
        by=clinician,
        message="On leave until Monday.",
        starts=today - timedelta(days=1),
        ends=today + timedelta(days=3),
        redirect_to=colleague,
    )


def test_the_landing_page_links_to_automatic_replies(client, clinician):
    client.force_login(clinician)

    page = client.get(reverse("portal:landing"))

    assert reverse("portal:automatic_replies") in page.text


def test_a_clinician_sets_an_automatic_reply(client, clinician, colleague):
    client.force_login(clinician)
    today = timezone.localdate()

    response = client.post(
        reverse("portal:automatic_replies"),
        {
            "message": "On leave.",
            **dates("starts", today),
            **dates("ends", today + timedelta(days=5)),
            "redirect_to": colleague.pk,
        },
    )

    assert response.status_code == 302
    reply = AutomaticReply.objects.get(user=clinician)
    assert reply.redirect_to == colleague and reply.is_active()
    assert AuditEvent.objects.filter(action="portal_automatic_reply_set").exists()
    assert "<strong>on</strong>" in client.get(reverse("portal:automatic_replies")).text


def test_the_end_date_cannot_be_before_the_start(client, clinician):
    client.force_login(clinician)
    today = timezone.localdate()

    page = client.post(
        reverse("portal:automatic_replies"),
        {"message": "x", **dates("starts", today), **dates("ends", today - timedelta(days=1))},
    )

    assert "<title>Error:" in page.text
    assert not AutomaticReply.objects.exists()


def test_tasks_go_instead_only_to_a_member_of_the_same_work_group(clinician):
    outsider = person(Role.CLINICIAN)

    with pytest.raises(services.TaskActionRefused):
        replies.set_automatic_reply(
            by=clinician,
            message="x",
            starts=date(2026, 1, 1),
            ends=date(2026, 1, 2),
            redirect_to=outsider,
        )


def test_turning_it_off_removes_it(client, clinician, on_leave):
    client.force_login(clinician)

    client.post(reverse("portal:automatic_replies"), {"action": "off"})

    assert not AutomaticReply.objects.exists()


def test_the_tray_admin_sees_the_reply_before_delegating(client, tray_admin, tray_task, on_leave):
    client.force_login(tray_admin)

    page = client.get(reverse("portal:delegate", args=[tray_task.pk]))

    assert "On leave until Monday." in page.text
    assert "Send tasks instead to Colin Ives" in page.text


def test_the_send_officer_sees_the_reply_when_creating_a_task(client, send_officer, on_leave):
    client.force_login(send_officer)

    page = client.get(reverse("portal:send_create"))

    assert "Automatic reply from Chloe Lin" in page.text


def test_a_reply_that_is_not_on_today_is_not_shown(client, tray_admin, tray_task, clinician):
    today = timezone.localdate()
    replies.set_automatic_reply(
        by=clinician,
        message="Next month.",
        starts=today + timedelta(days=20),
        ends=today + timedelta(days=30),
    )
    client.force_login(tray_admin)

    page = client.get(reverse("portal:delegate", args=[tray_task.pk]))

    assert "Next month." not in page.text
