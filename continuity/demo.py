"""Demo business continuity: last week's upgrade, when Thrive was read-only for a morning, and
the downtime records people kept, some entered into Thrive since and some still waiting. Made
through the same service functions people use. Loaded once."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Case, Status
from thrive.models import Service, User

from . import readonly, records
from .models import Downtime, NatureOfWork

REASON = "Thrive is being upgraded. Record your work in your Downtime tracker."


def load_demo_continuity() -> None:
    if Downtime.objects.filter(reason=REASON).exists():
        return
    admin = User.objects.get(username="admin01")
    started = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    started -= timedelta(days=7)
    downtime = readonly.start_read_only(
        by=admin,
        reason=REASON,
        expected_back=started + timedelta(hours=4),
        portal_contacts="SEND team: 01632 960000 (9am to 5pm)\nOut of hours: 01632 960999",
    )
    Downtime.objects.filter(pk=downtime.pk).update(started_at=started)

    wkr01, wkr02 = User.objects.get(username="wkr01"), User.objects.get(username="wkr02")
    ehps01 = User.objects.get(username="ehps01")
    open_cases = list(Case.objects.filter(worker=wkr01, status=Status.OPEN).order_by("pk")[:2])
    at = started + timedelta(minutes=40)
    entered = []
    for number, case in enumerate(open_cases):
        record = records.add_record(
            by=wkr01,
            thrive_id=case.thrive_id,
            child_surname=case.child_last_name,
            child_date_of_birth=case.child_date_of_birth,
            restricted=False,
            recorded_at=at + timedelta(minutes=50 * number),
            nature_of_work=NatureOfWork.CONTACT if number == 0 else NatureOfWork.CASE_NOTE,
            details="Home visit with mum. Agreed a morning routine chart; review in two weeks."
            if number == 0
            else "School rang: attendance 80% this half term. Meeting booked for Friday.",
        )
        entered.append(record)
    records.add_record(
        by=wkr01,
        thrive_id="NEW",
        child_surname="Okafor",
        child_date_of_birth=timezone.localdate() - timedelta(days=9 * 365),
        restricted=True,
        recorded_at=at + timedelta(hours=2),
        nature_of_work=NatureOfWork.OTHER,
        details="Disclosure at a drop-in session; advice given to the family. Restricted.",
    )
    records.add_record(
        by=wkr01,
        thrive_id="NEW",
        child_surname="Marsh",
        restricted=False,
        recorded_at=at + timedelta(hours=2, minutes=30),
        nature_of_work=NatureOfWork.NEW_REFERRAL,
        details="A family from Canterbury asked for help with sleep and routines; they live "
        "outside our district. Passed to Young Lives Canterbury to contact.",
        sent_to=Service.objects.get(name="Young Lives Canterbury"),
    )
    if wkr02_case := Case.objects.filter(worker=wkr02, status=Status.OPEN).first():
        records.add_record(
            by=wkr02,
            thrive_id=wkr02_case.thrive_id,
            child_surname=wkr02_case.child_last_name,
            restricted=False,
            recorded_at=at + timedelta(hours=1),
            nature_of_work=NatureOfWork.ASSESSMENT,
            details="Family plan reviewed with dad: two actions met, one carried forward.",
        )
    records.add_record(
        by=ehps01,
        thrive_id="NEW",
        child_surname="Finch",
        child_date_of_birth=timezone.localdate() - timedelta(days=6 * 365),
        restricted=False,
        recorded_at=at + timedelta(hours=1, minutes=15),
        nature_of_work=NatureOfWork.NEW_REFERRAL,
        details="Referral from the school nurse: parenting support for a family of three. "
        "To refer to Family Matters Ashford once Thrive is back.",
    )
    readonly.end_read_only(by=admin)
    Downtime.objects.filter(pk=downtime.pk).update(ended_at=started + timedelta(hours=3))
    records.mark_entered(entered[0], by=wkr01)
