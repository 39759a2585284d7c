"""Demo business continuity: last week's upgrade, when Thrive was read-only for a morning, and
the downtime records people kept, some entered into Thrive since and some still waiting. Made
through the same service functions people use. Loaded once."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Case, NoteKind, Status
from documents.uploads import check_upload
from thrive.models import Service, User

from . import applying, decisions, kinds, readonly, records
from .models import Downtime, NatureOfWork, RecordKind

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
    structured = _structured_records(wkr01, wkr02, at, open_cases)
    _decision_record(User.objects.get(username="mgr01"), wkr01, at + timedelta(minutes=70))
    readonly.end_read_only(by=admin)
    Downtime.objects.filter(pk=downtime.pk).update(ended_at=started + timedelta(hours=3))
    records.mark_entered(entered[0], by=wkr01)
    # Since Thrive came back: some applied with one button, some still waiting.
    for record in structured["applied"]:
        applying.apply_record(record, by=record.created_by)


def _decision_record(manager, worker, at) -> None:
    """mgr01 accepted a referral on the phone with the EHPS officer and named the worker:
    a decision record waiting to be applied."""
    case = (
        Case.objects.filter(service__memberships__user=manager, status=Status.AWAITING_DECISION)
        .order_by("pk")
        .first()
    )
    if case is None:
        return
    values = {
        "version": case.version,
        "fields": {
            "response_date": at.date().isoformat(),
            "progressing": "yes",
            "decline_reason": "",
            "waiting_list": False,
            "predicted_start_date": None,
            "worker": worker.pk,
            "date_worker_appointed": at.date().isoformat(),
        },
        "base": decisions.case_values(case),
    }
    records.add_record(
        by=manager,
        restricted=False,
        recorded_at=at,
        **kinds.record_fields(RecordKind.DECISION, values, case=case),
    )


def _demo_photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (30, 110, 80))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("Bedroom after the home visit.png", buffer.getvalue(), "image/png")


def _structured_records(wkr01, wkr02, at, open_cases) -> dict:
    """A record of every kind: a contact, a change to case information, a photo to attach,
    and new families (a service's, to send to the Early Help team)."""

    def add(author, kind, values, *, case=None, minutes, attachment=None):
        return records.add_record(
            by=author,
            restricted=False,
            recorded_at=at + timedelta(minutes=minutes),
            attachment=attachment,
            **kinds.record_fields(kind, values, case=case),
        )

    first, second = (open_cases + open_cases)[:2] if open_cases else (None, None)
    applied, waiting = [], []
    if first is not None:
        applied.append(
            add(
                wkr01,
                RecordKind.NOTE,
                {
                    "kind": NoteKind.HOME_VISIT,
                    "happened_at": (at + timedelta(minutes=5)).isoformat(),
                    "who": "Mum and the children",
                    "text": "Home visit: bedtime routine chart up in the kitchen; mum says "
                    "mornings are calmer. Next visit in two weeks.",
                },
                case=first,
                minutes=15,
            )
        )
        applied.append(
            add(
                wkr01,
                RecordKind.ATTACHMENT,
                {"title": "Photo of the bedroom after the home visit"},
                case=first,
                minutes=20,
                attachment=check_upload(_demo_photo()),
            )
        )
        base = {name: kinds.as_json(getattr(second, name)) for name in kinds.CHANGE_FIELDS}
        waiting.append(
            add(
                wkr01,
                RecordKind.CASE_CHANGE,
                {
                    "version": second.version,
                    "fields": {
                        **base,
                        "first_contact_notifier": (at.date() - timedelta(days=1)).isoformat(),
                    },
                    "key_reasons": None,
                    "base": base,
                    "base_key_reasons": None,
                },
                case=second,
                minutes=25,
            )
        )
    family = {
        "family_names": "Achterberg",
        "child_first_name": "Noor",
        "child_last_name": "Achterberg",
        "child_date_of_birth": (at.date() - timedelta(days=7 * 365)).isoformat(),
        "other_children": "Sem, 4",
        "address": "14 Station Road, Ashford",
        "postcode": "TN23 1PP",
        "notifier": "Walked into the family hub",
        "reason_for_referral": "Mum asked for help with her son's sleep and school mornings.",
        "date_referred": at.date().isoformat(),
    }
    waiting.append(
        add(wkr02, RecordKind.NEW_FAMILY, {"service": None, "fields": family}, minutes=50)
    )
    return {"applied": applied, "waiting": waiting}
