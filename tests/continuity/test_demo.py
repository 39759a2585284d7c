import io

import pytest
from django.core.management import call_command

from continuity.models import Downtime, DowntimeRecord
from continuity.readonly import downtime_in_force
from thrive.models import User


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())


def _visible(username):
    return DowntimeRecord.objects.visible_to(User.objects.get(username=username))


def test_demo_has_last_weeks_upgrade_ended_with_its_records(demo):
    downtime = Downtime.objects.get()
    assert downtime.ended_at is not None and downtime_in_force() is None
    assert downtime.records.count() == 6
    assert downtime.records.filter(entered_at__isnull=False).count() == 1


def test_demo_records_show_each_part_of_re_entry(demo):
    assert _visible("wkr01").count() == 4
    # mgr01 sees the service's records but not wkr01's restricted one.
    assert _visible("mgr01").waiting().count() == 3
    assert not _visible("mgr01").filter(restricted=True).exists()
    # The TEMPLATE REFERRAL reaches Young Lives Canterbury's manager.
    assert _visible("mgr02").get().sent_to.name == "Young Lives Canterbury"
    assert _visible("ehps01").get().thrive_id == "NEW"


def test_demo_continuity_is_loaded_once(demo):
    call_command("demo_data", stdout=io.StringIO())

    assert Downtime.objects.count() == 1
    assert DowntimeRecord.objects.count() == 6
