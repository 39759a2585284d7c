"""Health partner people's accounts: registering, signing in with an emailed code, updating
their details, resetting a forgotten password, and joining a work group.

A health partner person is anyone whose organisation is a health partner, or who registered
through Children and Families Online Services (they have a PortalProfile). They sign in with
their email address and password, then a code emailed to them (portal/people/codes.py), or a code
from an authenticator app if they added one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from selfservice.account_requests import suggest_username
from selfservice.services import record_password_history, set_password, site_link
from selfservice.validators import history_digest
from thrive import audit
from thrive.models import Membership, Organisation, Role, User, WorkGroup
from thrive.outbox import queue_email
from thrive.services import second_factor_passed

from ..models import EmailCodeDevice, PortalProfile
from . import codes

SESSION_PORTAL_PERSON = "portal_person"
MODEL_BACKEND = "thrive.auth.ModelBackend"


# --- Who is a health partner person --------------------------------------------------------


def health_partner_ids() -> frozenset[int]:
    """Health partner organisations' ids, cached for a minute (read on every request of a
    person who has not passed a second factor)."""
    ids = cache.get("portal:health-partner-ids")
    if ids is None:
        ids = list(
            Organisation.objects.filter(kind=Organisation.Kind.HEALTH_PARTNER).values_list(
                "pk", flat=True
            )
        )
        cache.set("portal:health-partner-ids", ids, 60)
    return frozenset(ids)


@receiver([post_save, post_delete], sender=Organisation)
def _forget_health_partner_ids(**kwargs):
    cache.delete("portal:health-partner-ids")


def is_portal_person(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.organisation_id and user.organisation_id in health_partner_ids():
        return True
    return PortalProfile.objects.filter(user_id=user.pk).exists()


def portal_people():
    return User.objects.filter(
        Q(organisation__kind=Organisation.Kind.HEALTH_PARTNER) | Q(portal_profile__isnull=False)
    )


def remember_portal_person(request, user) -> bool:
    """Worked out once at sign-in and kept in the session for the gates and the look."""
    request.session[SESSION_PORTAL_PERSON] = person = is_portal_person(user)
    return person


def session_is_portal_person(request) -> bool:
    if SESSION_PORTAL_PERSON not in request.session:
        return remember_portal_person(request, request.user)
    return request.session[SESSION_PORTAL_PERSON]


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Registering -----------------------------------------------------------------------------


@dataclass
class Registration:
    """What the registration journey keeps in the session between its steps."""

    email: str
    user_id: int | None  # None when the address already had an account (nothing was made)
    tries: int = 0


SESSION_REGISTRATION = "portal_registration"


@transaction.atomic
def register(*, details: dict, email: str, password: str, request) -> Registration:
    """Make an account that cannot be used until the emailed code comes back. An address that
    already has an account gets an email saying so instead, and the page looks the same, so
    registering never reveals who has an account."""
    email = email.strip()
    existing = User.objects.filter(email__iexact=email).exclude(
        is_active=False, portal_profile__email_confirmed_at__isnull=True
    )
    if existing.exists():
        # The same slow work as making an account (its password hash and its history entry),
        # so the answer takes as long: timing must not tell who has an account. The email
        # goes through the outbox, in the background, as the confirmation code does.
        make_password(password)
        history_digest(password)
        queue_email(
            to=email,
            subject="You already have a Children and Families Online Services account",
            body=render_to_string(
                "portal/email/already_registered.txt",
                {
                    "sign_in_url": site_link("portal:sign_in"),
                    "reset_url": site_link("portal:forgotten"),
                },
            ),
        )
        audit.record(request, "portal_registration_refused", note="address already registered")
        return Registration(email=email, user_id=None)
    # An earlier registration with this address that was never confirmed gives way.
    User.objects.filter(
        email__iexact=email, is_active=False, portal_profile__email_confirmed_at__isnull=True
    ).delete()
    full_name = f"{details['forename']} {details['surname']}"
    user = User.objects.create_user(
        suggest_username(full_name),
        password=password,
        full_name=full_name,
        email=email,
        job_title=details.get("role", ""),
        organisation=details.get("organisation"),
        is_active=False,
    )
    record_password_history(user, password)
    PortalProfile.objects.create(user=user, **profile_fields(details))
    device = codes.device_for(user)
    codes.send_code(device, purpose="confirm")
    audit.record(request, "portal_registered", user, user=user)
    return Registration(email=email, user_id=user.pk)


PROFILE_FIELDS = [
    "forename",
    "surname",
    "professional",
    "property_name",
    "house_number",
    "street",
    "area",
    "town",
    "county",
    "postcode",
]


def profile_fields(details: dict) -> dict:
    return {name: details[name] for name in PROFILE_FIELDS if name in details}


def pending_user(registration: Registration) -> User | None:
    if registration.user_id is None:
        return None
    return User.objects.filter(
        pk=registration.user_id, is_active=False, portal_profile__email_confirmed_at__isnull=True
    ).first()


@transaction.atomic
def confirm_registration(user: User, *, code: str, request) -> bool:
    """The emailed code came back: the account works, and the person is signed in (the code
    was their second factor)."""
    device = codes.device_for(user)
    if not codes.check_code(device, code):
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    PortalProfile.objects.filter(user=user).update(email_confirmed_at=timezone.now())
    audit.record(request, "portal_email_confirmed", user, user=user)
    login(request, user, backend=MODEL_BACKEND)
    second_factor_passed(request, device)
    remember_portal_person(request, user)
    return True


def resend_registration_code(registration: Registration) -> bool:
    user = pending_user(registration)
    if user is None:
        return True  # nothing to send, but say the same as for a real registration
    return codes.send_code(codes.device_for(user), purpose="confirm")


@transaction.atomic
def purge_unconfirmed(now=None) -> int:
    """Registrations whose address was never confirmed hold nothing worth keeping."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PORTAL_UNCONFIRMED_HOURS)
    stale = User.objects.filter(
        is_active=False,
        portal_profile__email_confirmed_at__isnull=True,
        portal_profile__registered_at__lt=cutoff,
    )
    ids = list(stale.values_list("pk", flat=True))
    User.objects.filter(pk__in=ids).delete()
    return len(ids)


# --- Signing in --------------------------------------------------------------------------------


def find_by_email(email: str) -> User | None:
    """The one active health partner person with this address, if there is exactly one."""
    matches = list(
        portal_people().filter(email__iexact=(email or "").strip(), is_active=True).distinct()[:2]
    )
    return matches[0] if len(matches) == 1 else None


def send_sign_in_code(user: User, *, request) -> bool:
    sent = codes.send_code(codes.device_for(user), purpose="sign_in")
    if sent:
        audit.record(request, "portal_code_sent", user, user=user)
    return sent


def verify_email_code(user: User, *, code: str, request) -> bool:
    device = codes.device_for(user)
    if codes.check_code(device, code):
        second_factor_passed(request, device)
        audit.record(request, "second_factor_verified", user, user=user, note="email code")
        return True
    audit.record(request, "second_factor_failed", user, user=user, note="email code")
    return False


# --- Forgotten password ----------------------------------------------------------------------


def start_reset(email: str, *, request) -> int | None:
    """Email a reset code if the address is a health partner person's; say nothing either
    way. Returns the person's id (kept in the session) or None."""
    user = find_by_email(email)
    if user is None:
        audit.record(request, "portal_reset_unknown_address")
        return None
    if codes.send_code(codes.device_for(user), purpose="reset"):
        audit.record(request, "password_reset_code_sent", user, user=user)
    return user.pk


def check_reset_code(user: User, code: str) -> bool:
    return codes.check_code(codes.device_for(user), code)


def reset_password(user: User, *, raw_password: str, request) -> None:
    set_password(user, raw_password=raw_password, request=request, action="password_reset")


# --- Update account ----------------------------------------------------------------------------


@transaction.atomic
def update_details(user: User, *, details: dict, request) -> None:
    profile, _ = PortalProfile.objects.get_or_create(
        user=user,
        defaults={
            "forename": details["forename"],
            "surname": details["surname"],
            "email_confirmed_at": timezone.now(),
        },
    )
    for name, value in profile_fields(details).items():
        setattr(profile, name, value)
    profile.save()
    user.full_name = f"{profile.forename} {profile.surname}"
    user.job_title = details.get("role", user.job_title)
    fields = ["full_name", "job_title"]
    if "organisation" in details and may_change_organisation(user):
        user.organisation = details["organisation"]
        fields.append("organisation")
    user.save(update_fields=fields)
    audit.record(request, "portal_details_updated", user, user=user)


def may_change_organisation(user: User) -> bool:
    """Only before joining a work group: after that, the organisation is the group's."""
    return not user.memberships.filter(work_group__isnull=False).exists()


def start_email_change(user: User, *, new_email: str, request) -> bool:
    """Send a code to the new address; the change happens when it comes back."""
    device = codes.device_for(user)
    sent = codes.send_code(device, purpose="confirm", to=new_email.strip())
    if sent:
        audit.record(request, "portal_email_change_started", user, user=user)
    return sent


@transaction.atomic
def confirm_email_change(user: User, *, code: str, request) -> bool:
    device = codes.device_for(user)
    new_email = device.send_to
    if not new_email or not codes.check_code(device, code):
        return False
    old_email = user.email
    user.email = new_email
    user.save(update_fields=["email"])
    EmailCodeDevice.objects.filter(pk=device.pk).update(send_to="")
    audit.record(request, "portal_email_changed", user, user=user)
    if old_email:
        queue_email(
            to=old_email,
            subject="Your Children and Families Online Services email address was changed",
            body=render_to_string("portal/email/email_changed.txt", {"when": timezone.localtime()}),
        )
    return True


def email_taken(email: str, *, by: User | None = None) -> bool:
    others = User.objects.filter(email__iexact=email.strip(), is_active=True)
    if by is not None:
        others = others.exclude(pk=by.pk)
    return others.exists()


# --- Work groups ---------------------------------------------------------------------------


class MembershipRefused(Exception):
    pass


def may_manage_people(user: User, group: WorkGroup) -> bool:
    """A work tray admin of the group, or a SEND officer."""
    return (
        user.has_role(Role.SEND_OFFICER)
        or Membership.objects.filter(user=user, role=Role.TRAY_ADMIN, work_group=group).exists()
    )


def waiting_to_join(group: WorkGroup):
    """Registered professionals of the group's organisation who are in no work group yet."""
    return (
        User.objects.filter(
            is_active=True,
            organisation=group.organisation,
            portal_profile__professional=True,
            portal_profile__email_confirmed_at__isnull=False,
        )
        .exclude(memberships__work_group__isnull=False)
        .select_related("portal_profile")
        .order_by("full_name")
    )


def addable_people(group: WorkGroup):
    """Anyone of the group's organisation not yet in this group (newcomers first in the UI)."""
    return (
        User.objects.filter(is_active=True, organisation=group.organisation)
        .exclude(memberships__work_group=group)
        .order_by("full_name")
    )


@transaction.atomic
def add_to_work_group(
    person: User, group: WorkGroup, *, role: str, by: User, request
) -> Membership:
    if role not in (Role.CLINICIAN, Role.TRAY_ADMIN):
        raise MembershipRefused("Choose clinician or work tray admin")
    if not addable_people(group).filter(pk=person.pk).exists():
        raise MembershipRefused(f"{person.full_name} cannot be added to {group.name}")
    membership = Membership.objects.create(user=person, role=role, work_group=group)
    audit.record(request, "work_group_member_added", person, note=f"{group.pk}: {role}")
    queue_email(
        to=person.email,
        subject="You have been added to a work group",
        body=render_to_string(
            "portal/email/added_to_work_group.txt",
            {"role": membership.get_role_display(), "url": site_link("portal:landing")},
        ),
    )
    return membership


@transaction.atomic
def remove_from_work_group(membership: Membership, *, by: User, request) -> None:
    if membership.user_id == by.pk:
        raise MembershipRefused("You cannot remove yourself from a work group")
    person = membership.user
    note = f"{membership.work_group_id}: {membership.role}"
    membership.delete()
    audit.record(request, "work_group_member_removed", person, note=note)
