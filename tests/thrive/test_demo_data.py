import io

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from thrive.models import Membership, Role, Service, User, WorkGroup

SIGN_INS = {
    "ehps01": Role.EHPS_OFFICER,
    "mgr01": Role.SERVICE_MANAGER,
    "wkr01": Role.SERVICE_WORKER,
    "wkr02": Role.SERVICE_WORKER,
    "mgr02": Role.SERVICE_MANAGER,
    "send01": Role.SEND_OFFICER,
    "tray01": Role.TRAY_ADMIN,
    "clin01": Role.CLINICIAN,
    "clin02": Role.CLINICIAN,
    "clinmgr01": Role.CLINICIAN,
    "admin01": Role.SYSTEM_ADMIN,
}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())


@pytest.mark.parametrize(("username", "role"), SIGN_INS.items())
def test_every_demo_sign_in_exists_with_its_role_and_password(demo, username, role):
    user = User.objects.get(username=username)

    assert user.has_role(role)
    assert user.check_password(django_settings.DEMO_PASSWORD)


def test_demo_data_is_idempotent(demo):
    counts = (User.objects.count(), Membership.objects.count(), Service.objects.count())

    call_command("demo_data", stdout=io.StringIO())

    assert (User.objects.count(), Membership.objects.count(), Service.objects.count()) == counts


def test_three_services_in_different_districts_and_a_work_group_with_manager(demo):
    assert Service.objects.values("district").distinct().count() == 3
    group = WorkGroup.objects.get()
    assert group.manager.username == "clinmgr01"
    mgr01, mgr02 = User.objects.get(username="mgr01"), User.objects.get(username="mgr02")
    assert not set(Service.objects.visible_to(mgr01)) & set(Service.objects.visible_to(mgr02))


def test_demo_data_is_refused_when_debug_is_false(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refused when DEBUG=false"):
        call_command("demo_data")
    assert not User.objects.exists()


def test_demo_data_emails_nobody(demo):
    from django.core import mail

    from thrive.models import OutboxEmail

    assert mail.outbox == []
    assert not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists()


def test_no_demo_case_is_closed_or_worked_on_after_today(demo):
    from django.utils import timezone

    from cases.models import Case

    today = timezone.localdate()
    # Every recorded date but the predicted start, which may rightly lie ahead.
    past_dates = [
        "date_referred",
        "response_date",
        "date_worker_appointed",
        "first_contact_family",
        "first_contact_notifier",
        "assessment_date",
        "closure_date",
    ]
    for name in past_dates:
        assert not Case.objects.filter(**{f"{name}__gt": today}).exists(), name
    assert Case.objects.filter(closure_date__isnull=False).exists()
