"""Downtime records for tests (the continuity tests and the isolation harness)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from thrive.models import District, Organisation, Role

from ..factories import OrganisationFactory, ServiceFactory, make_case, person


def make_record(author, *, case=None, **fields):
    """A line of `author`'s Downtime tracker, waiting to be entered, for their service (as
    `continuity.records.add_record` would set it) unless `fields` say otherwise."""
    from continuity.models import DowntimeRecord, NatureOfWork
    from continuity.records import author_service_id

    values = {
        "thrive_id": case.thrive_id if case else "NEW",
        "case": case,
        "child_surname": "Smith",
        "child_date_of_birth": date(2019, 6, 10),
        "recorded_at": timezone.now() - timedelta(hours=1),
        "nature_of_work": NatureOfWork.CONTACT,
        "details": "Phoned mum; agreed a home visit on Friday.",
        "service_id": author_service_id(author),
        **fields,
    }
    return DowntimeRecord.objects.create(created_by=author, **values)


@dataclass
class Team:
    """A commissioned service with its people, another service, and council staff."""

    service: object
    manager: object
    worker: object
    colleague: object  # another worker of the same service
    other_service: object
    other_manager: object
    other_worker: object
    officer: object  # an EHPS officer of the district
    council: object


def make_team() -> Team:
    council = OrganisationFactory(name="Kent County Council", kind=Organisation.Kind.COUNCIL)
    service = ServiceFactory(name="Family Matters Ashford", district=District.ASHFORD)
    other = ServiceFactory(name="Young Lives Canterbury", district=District.CANTERBURY)
    return Team(
        service=service,
        manager=person(Role.SERVICE_MANAGER, service=service, full_name="Mia Manager"),
        worker=person(Role.SERVICE_WORKER, service=service, full_name="Will Kerr"),
        colleague=person(Role.SERVICE_WORKER, service=service, full_name="Wendy Roberts"),
        other_service=other,
        other_manager=person(Role.SERVICE_MANAGER, service=other, full_name="Otto Manager"),
        other_worker=person(Role.SERVICE_WORKER, service=other, full_name="Olive Worker"),
        officer=person(
            Role.EHPS_OFFICER,
            district=District.ASHFORD,
            organisation=council,
            full_name="Eve Officer",
        ),
        council=council,
    )


def allocated_case(team, worker=None):
    """An open case of the team's service, allocated to `worker` (the team's worker)."""
    return make_case(
        team.service,
        referred_by=team.officer,
        status="open",
        progressing="yes",
        worker=worker or team.worker,
    )


def make_structured(author, kind, values, *, case=None, **fields):
    """A structured record as the kind's form would keep it, added by `author`."""
    from continuity import kinds, records

    return records.add_record(
        by=author,
        restricted=fields.pop("restricted", False),
        recorded_at=fields.pop("recorded_at", timezone.now() - timedelta(hours=2)),
        **kinds.record_fields(kind, values, case=case),
        **fields,
    )


def note_values(**overrides):
    return {
        "kind": "home_visit",
        "happened_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "who": "Mum",
        "text": "Agreed a morning routine chart.",
        **overrides,
    }


def change_values(case, **changes):
    """A case_change record's values: the case's Edit form as it opened, with `changes`."""
    from continuity import kinds

    base = {name: kinds.as_json(getattr(case, name)) for name in kinds.CHANGE_FIELDS}
    return {
        "version": case.version,
        "fields": {**base, **changes},
        "key_reasons": None,
        "base": base,
        "base_key_reasons": None,
    }


def family_values(service=None, **overrides):
    return {
        "service": service.pk if service else None,
        "fields": {
            "family_names": "Finch",
            "child_first_name": "Robin",
            "child_last_name": "Finch",
            "child_date_of_birth": "2020-05-04",
            "other_children": "",
            "address": "2 Mill Lane, Ashford",
            "postcode": "TN23 4BB",
            "notifier": "School nurse",
            "reason_for_referral": "Parenting support",
            "date_referred": timezone.localdate().isoformat(),
            **overrides,
        },
    }
