"""Rule 5: passwords expire after PASSWORD_EXPIRY_DAYS; notices 14, 7, 3 and 1 days before;
signing in with an expired password leads straight to choosing a new one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from selfservice import notices, services
from selfservice.models import ExpiryNotice
from thrive.models import AuditEvent, OutboxEmail, Role

from ..factories import PASSWORD, person
from .factories import outbox, sign_in

LONDON = ZoneInfo("Europe/London")
SET_AT = datetime(2026, 3, 1, 9, 0, tzinfo=LONDON)  # expires 31-Mar-2026


@pytest.fixture
def expired(jo):
    jo.password_changed_at = timezone.now() - timedelta(days=31)
    jo.save()
    return jo


def test_signing_in_with_an_expired_password_leads_to_choosing_a_new_one(client, expired):
    sign_in(client, "bloggj01")

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('selfservice:change_password')}?next=%2F"
    page = client.get(response["Location"])
    assert "Your password has expired" in page.text


@pytest.mark.parametrize(
    "url",
    [
        "/services/1/",
        "/selfservice/",
        "/selfservice/security-questions/",
        "/administration/people/",
    ],
)
def test_nothing_else_is_usable_until_it_is_changed(client, expired, url):
    sign_in(client, "bloggj01")

    assert client.get(url)["Location"].startswith(reverse("selfservice:change_password"))


@pytest.mark.parametrize(
    "url", [reverse("selfservice:rules"), reverse("selfservice:help"), reverse("aup")]
)
def test_the_rules_help_and_policy_stay_readable(client, expired, url):
    sign_in(client, "bloggj01")

    assert client.get(url).status_code == 200


def test_signing_out_still_works(client, expired):
    sign_in(client, "bloggj01")

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


def test_after_the_change_the_person_carries_on(client, expired):
    sign_in(client, "bloggj01")

    response = client.post(
        reverse("selfservice:change_password"),
        {
            "current_password": PASSWORD,
            "new_password": "Copper-Kite-77",
            "confirm_password": "Copper-Kite-77",
            "next": "/",
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_password_not_yet_expired_lets_people_in_with_a_reminder(client, jo):
    jo.password_changed_at = timezone.now() - timedelta(days=25)
    jo.save()
    sign_in(client, "bloggj01")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Your password expires on" in response.text


def test_demo_sign_ins_never_expire_in_debug(client, expired, settings):
    settings.DEBUG = True
    expired.is_demo = True
    expired.save()
    sign_in(client, "bloggj01")

    assert client.get(reverse("home")).status_code == 200


# --- Expiry notices, with a frozen clock ------------------------------------------------------


@pytest.fixture
def noticed(db, service):
    with time_machine.travel(SET_AT, tick=False):
        return person(Role.SERVICE_WORKER, service=service)


def run_on(day, hour=7):
    with time_machine.travel(datetime(2026, 3, day, hour, 0, tzinfo=LONDON), tick=False):
        return notices.send_expiry_notices()


@pytest.mark.parametrize(
    ("day", "subject_days"),
    [(16, None), (17, 14), (23, None), (24, 7), (28, 3), (30, 1), (31, None)],
)
def test_notices_go_14_7_3_and_1_days_before(noticed, day, subject_days):
    """Run every day from the 1st: only the notice days send anything."""
    for earlier in range(2, day):
        run_on(earlier)
    before = OutboxEmail.objects.count()

    run_on(day)

    sent = list(OutboxEmail.objects.all()[before:])
    if subject_days is None:
        assert sent == []
    else:
        [email] = sent
        assert f"expires in {subject_days} day" in email.body
        assert "31-Mar-2026" in email.body


def test_each_notice_is_sent_once(noticed):
    for day in range(2, 31):
        run_on(day)
        run_on(day, hour=19)

    assert sorted(ExpiryNotice.objects.values_list("days_before", flat=True)) == [1, 3, 7, 14]
    assert len(outbox("expires soon")) == 4
    assert AuditEvent.objects.filter(action="password_expiry_notice_sent").count() == 4


def test_a_missed_day_sends_only_the_most_urgent_notice(noticed):
    assert run_on(29) == 1  # 2 days left: the 3-day notice
    assert run_on(30) == 1  # the 1-day notice
    assert run_on(30) == 0
    assert sorted(ExpiryNotice.objects.values_list("days_before", flat=True)) == [1, 3]


def test_a_new_password_starts_the_notices_again(noticed):
    run_on(30)
    with time_machine.travel(datetime(2026, 3, 30, 12, 0, tzinfo=LONDON), tick=False):
        services.set_password(noticed, raw_password="Copper-Kite-77", request=None, action="t")

    with time_machine.travel(datetime(2026, 4, 15, 7, 0, tzinfo=LONDON), tick=False):
        assert notices.send_expiry_notices() == 1  # 14 days before 29-Apr


def test_no_notices_for_suspended_people_or_those_without_email(noticed, service):
    with time_machine.travel(SET_AT, tick=False):
        person(Role.SERVICE_WORKER, service=service, email="")
        person(Role.SERVICE_WORKER, service=service, is_active=False)

    assert run_on(17) == 1


def test_the_celery_task_sends_the_notices(noticed):
    from selfservice.tasks import send_password_expiry_notices

    with time_machine.travel(datetime(2026, 3, 17, 7, 0, tzinfo=LONDON), tick=False):
        assert send_password_expiry_notices.delay().get() == 1


def test_the_notice_schedule_is_in_celery_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "selfservice.tasks.send_password_expiry_notices" in tasks
    assert "selfservice.tasks.send_setup_reminders" in tasks
