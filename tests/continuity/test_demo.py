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
    assert downtime.records.count() == 11
    assert downtime.records.filter(entered_at__isnull=False).count() == 3


def test_demo_records_show_each_part_of_re_entry(demo):
    assert _visible("wkr01").count() == 7
    # mgr01 sees the service's records but not wkr01's restricted one.
    assert _visible("mgr01").waiting().count() == 6
    assert not _visible("mgr01").filter(restricted=True).exists()
    # The TEMPLATE REFERRAL reaches Young Lives Canterbury's manager.
    assert _visible("mgr02").get().sent_to.name == "Young Lives Canterbury"
    assert _visible("ehps01").get().thrive_id == "NEW"


def test_demo_continuity_is_loaded_once(demo):
    call_command("demo_data", stdout=io.StringIO())

    assert Downtime.objects.count() == 1
    assert DowntimeRecord.objects.count() == 11


def test_demo_shows_records_of_every_kind_applied_and_waiting(demo):
    from cases.models import CaseNote
    from continuity.models import RecordKind
    from documents.models import Document

    kinds = set(DowntimeRecord.objects.values_list("kind", flat=True))
    assert kinds == set(RecordKind.values)
    applied = DowntimeRecord.objects.filter(applied=True)
    assert {r.kind for r in applied} == {RecordKind.NOTE, RecordKind.ATTACHMENT}
    waiting = DowntimeRecord.objects.waiting()
    assert {RecordKind.CASE_CHANGE, RecordKind.DECISION, RecordKind.NEW_FAMILY} <= {
        r.kind for r in waiting
    }
    note = CaseNote.objects.get(entered_from__startswith="downtime record")
    assert note.case == applied.get(kind=RecordKind.NOTE).case
    photo = applied.get(kind=RecordKind.ATTACHMENT).attachment.document
    assert Document.objects.filter(pk=photo.pk, case=note.case).exists()


def test_demo_decision_waits_for_mgr01_and_applies_with_one_button(demo):
    from cases.models import Case
    from continuity import applying
    from continuity.models import RecordKind

    record = DowntimeRecord.objects.get(kind=RecordKind.DECISION)
    manager = User.objects.get(username="mgr01")
    assert record.entered_at is None and record.created_by == manager

    applying.apply_record(record, by=manager)

    case = Case.objects.get(pk=record.case_id)
    assert case.status == "open" and case.worker.username == "wkr01"
