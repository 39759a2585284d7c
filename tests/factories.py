import factory
from django.conf import settings

from thrive.models import (
    AcceptableUsePolicy,
    District,
    Membership,
    Organisation,
    PolicyAcceptance,
    Role,
    Service,
    User,
    WorkGroup,
)

PASSWORD = "Correct-Horse-42!"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PROVIDER


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    provider = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    district = District.ASHFORD


class WorkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkGroup

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.HEALTH_PARTNER)
    name = factory.Sequence(lambda n: f"Work group {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:03d}")
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def accept_current_policy(user):
    policy = AcceptableUsePolicy.current()
    if policy:
        PolicyAcceptance.objects.get_or_create(
            user=user, policy=policy, defaults={"name_given": user.full_name}
        )
    return user


def person(role, *, service=None, work_group=None, district="", accepted=True, **fields):
    """A person holding `role` in the given scope, who has accepted the AUP by default."""
    if role in (Role.SERVICE_MANAGER, Role.SERVICE_WORKER):
        service = service or ServiceFactory()
        fields.setdefault("organisation", service.provider)
    elif role in (Role.TRAY_ADMIN, Role.CLINICIAN):
        work_group = work_group or WorkGroupFactory()
        fields.setdefault("organisation", work_group.organisation)
    elif role == Role.EHPS_OFFICER:
        district = district or District.ASHFORD
    user = UserFactory(**fields)
    Membership.objects.create(
        user=user, role=role, service=service, work_group=work_group, district=district
    )
    if accepted:
        accept_current_policy(user)
    return user


__all__ = ["PASSWORD", "person", "session_queries", "settings"]


def session_queries() -> int:
    """The queries a signed-in request spends reading its session: none with the cached_db
    engine (Redis, as in CI and production), one with the database engine (no Redis)."""
    from django.conf import settings as django_settings

    return 0 if django_settings.SESSION_ENGINE.endswith("cached_db") else 1


def make_case(service, *, referred_by=None, **fields):
    """A case referred to `service`, awaiting a decision unless `fields` say otherwise."""
    from datetime import date

    from cases.models import Case

    referred_by = referred_by or person(Role.EHPS_OFFICER, district=service.district)
    values = {
        "family_names": "Marshall",
        "child_first_name": "Claire",
        "child_last_name": "Marshall",
        "child_date_of_birth": date(2015, 3, 27),
        "address": "1 High Street, Ashford",
        "postcode": "TN23 1AA",
        "notifier": "School",
        "reason_for_referral": "Attendance",
        "date_referred": date(2026, 11, 2),
        **fields,
    }
    case = Case.objects.create(
        service=service,
        district=service.district,
        referred_by=referred_by,
        modified_by=referred_by,
        **values,
    )
    if "thrive_id" not in fields:
        case.thrive_id = f"KT{case.pk:06d}"
        case.save(update_fields=["thrive_id"])
    return case


def make_note(case, *, by=None, **fields):
    """A case note on `case`, written an hour ago by its referrer unless `fields` say otherwise."""
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import CaseNote, NoteKind

    by = by or case.referred_by
    values = {
        "kind": NoteKind.PHONE_CALL,
        "happened_at": timezone.now() - timedelta(hours=1),
        "who": "Mum",
        "text": "Phoned mum about the morning routine.",
        **fields,
    }
    return CaseNote.objects.create(case=case, created_by=by, modified_by=by, **values)


def failed_email(**fields):
    """An outbox email the outbox gave up on, as the Operations page lists them."""
    from thrive.models import OutboxEmail

    defaults = {
        "to": ["jo.bloggs@example.org"],
        "subject": "Case KT000123 allocated",
        "body": "body text never shown",
        "status": OutboxEmail.Status.FAILED,
        "attempts": 8,
        "last_error": "SMTP 421 try later",
    }
    return OutboxEmail.objects.create(**(defaults | fields))
