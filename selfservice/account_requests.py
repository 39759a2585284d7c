"""The "Thrive User Registration and User Changes Form": a service manager or work tray admin
asks for an account, a change, a suspension, a deletion or a password reset for someone in
their own service or work group; a system administrator approves or rejects it.

Deleting an account deactivates and anonymises it rather than removing the row: cases,
documents and tasks refer to people with protected foreign keys, and the audit trail keeps
the username written at the time of each event, so nothing about who did what is lost."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import holidays
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from thrive import audit
from thrive.models import Membership, Role, Service, User, WorkGroup, normalise_username
from thrive.ui.templatetags.govuk import uk_date

from . import services
from .models import AccountRequest, Invitation

Kind = AccountRequest.Kind
Status = AccountRequest.Status

# URL slugs for the kinds of request.
KIND_SLUGS = {
    "new-account": Kind.NEW_ACCOUNT,
    "change": Kind.CHANGE,
    "suspension": Kind.SUSPENSION,
    "deletion": Kind.DELETION,
    "password-reset": Kind.PASSWORD_RESET,
}
SLUG_FOR_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}


def bank_holidays(years) -> holidays.HolidayBase:
    """England and Wales share their bank holidays."""
    return holidays.country_holidays("GB", subdiv="ENG", years=years)


def working_days_after(start: date, days: int) -> date:
    """The date `days` working days after `start` (weekends and England and Wales bank
    holidays do not count; a request made on a weekend starts counting on Monday)."""
    closed = bank_holidays(range(start.year, start.year + 2))
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return day


def roles_for(scope) -> list[Role]:
    """The roles a person can hold in a service or a work group."""
    if isinstance(scope, Service):
        return [Role.SERVICE_MANAGER, Role.SERVICE_WORKER]
    return [Role.TRAY_ADMIN, Role.CLINICIAN]


def people_in(scope, *, active_only=True):
    """The people with a role in a service or work group."""
    field = "memberships__service" if isinstance(scope, Service) else "memberships__work_group"
    people = User.objects.filter(**{field: scope}).distinct()
    return people.filter(is_active=True) if active_only else people


def _admin_addresses() -> list[str]:
    return list(
        User.objects.filter(is_active=True, memberships__role=Role.SYSTEM_ADMIN)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def submit_request(
    *, by: User, kind: str, scope: Service | WorkGroup, request, **details
) -> AccountRequest:
    """Record a request, give it a reference number (REQ-<year>-<number>) and a due date five
    working days on, and email the requester and the administrators."""
    now = timezone.now()
    account_request = AccountRequest.objects.create(
        kind=kind,
        requested_by=by,
        service=scope if isinstance(scope, Service) else None,
        work_group=scope if isinstance(scope, WorkGroup) else None,
        submitted_at=now,
        due_on=working_days_after(timezone.localdate(now), settings.ACCOUNT_REQUEST_WORKING_DAYS),
        **details,
    )
    account_request.reference = f"REQ-{timezone.localdate(now).year}-{account_request.pk:06d}"
    account_request.save(update_fields=["reference"])
    audit.record(
        request,
        "account_request_submitted",
        account_request,
        note=f"{account_request.reference} {kind}",
    )
    context = {
        "reference": account_request.reference,
        "kind": account_request.get_kind_display(),
        "due_on": uk_date(account_request.due_on),
    }
    services.templated_email(
        by,
        f"Thrive request {account_request.reference} received",
        "request_received",
        {
            **context,
            "url": services.site_link("selfservice:request_detail", pk=account_request.pk),
        },
    )
    services.templated_email(
        _admin_addresses(),
        f"New Thrive account request {account_request.reference}",
        "request_for_administrators",
        {**context, "url": services.site_link("selfservice:request_decide", pk=account_request.pk)},
    )
    return account_request


def suggest_username(full_name: str) -> str:
    """The usual Thrive username: up to five letters of the surname, the first initial and a
    number, for example bloggj01."""
    plain = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", plain)
    if not words:
        words = ["user"]
    base = words[-1][:5] + (words[0][0] if len(words) > 1 else "")
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    for number in range(1, 1000):
        candidate = f"{base}{number:02d}"
        if candidate not in taken:
            return candidate
    raise ValueError("no free username")


class AlreadyDecided(Exception):
    """Another administrator decided the request first."""


class RequestCannotBeApproved(Exception):
    """The request no longer makes sense (for example its person was deleted)."""


def _lock(account_request: AccountRequest) -> AccountRequest:
    locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    if not locked.is_open:
        raise AlreadyDecided
    return locked


def _decided(account_request, *, by, status, reason, request):
    account_request.status = status
    account_request.decided_by = by
    account_request.decided_at = timezone.now()
    account_request.decision_reason = reason
    account_request.save()
    audit.record(
        request,
        f"account_request_{status}",
        account_request,
        note=account_request.reference,
    )
    if account_request.requested_by:
        services.templated_email(
            account_request.requested_by,
            f"Thrive request {account_request.reference} "
            f"{account_request.get_status_display().lower()}",
            "request_decided",
            {
                "reference": account_request.reference,
                "status": account_request.get_status_display().lower(),
                "url": services.site_link("selfservice:request_detail", pk=account_request.pk),
            },
        )


@transaction.atomic
def reject_request(account_request: AccountRequest, *, by: User, reason: str, request) -> None:
    """Refuse a request with a reason the requester sees."""
    account_request = _lock(account_request)
    _decided(account_request, by=by, status=Status.REJECTED, reason=reason, request=request)


@transaction.atomic
def approve_request(
    account_request: AccountRequest,
    *,
    by: User,
    request,
    username: str = "",
    move_to: Service | WorkGroup | None = None,
    reason: str = "",
) -> AccountRequest:
    """Carry out a request and record the approval: create the account and invite its owner,
    change it, suspend it, delete (anonymise) it, or send a password reset link."""
    account_request = _lock(account_request)
    person = account_request.person
    if account_request.kind != Kind.NEW_ACCOUNT and (person is None or not _still_here(person)):
        raise RequestCannotBeApproved
    if account_request.kind == Kind.NEW_ACCOUNT:
        account_request.person = create_account(
            account_request, username=username, by=by, request=request
        )
    elif account_request.kind == Kind.CHANGE:
        change_account(account_request, move_to=move_to, by=by, request=request)
    elif account_request.kind == Kind.SUSPENSION:
        suspend_account(person, by=by, request=request)
    elif account_request.kind == Kind.DELETION:
        delete_account(person, by=by, request=request)
    elif account_request.kind == Kind.PASSWORD_RESET:
        services.unlock(person, by=by, request=request)
        services.issue_invitation(
            person, purpose=Invitation.Purpose.PASSWORD_RESET, request=request, by=by
        )
    _decided(account_request, by=by, status=Status.APPROVED, reason=reason, request=request)
    return account_request


def _still_here(person: User) -> bool:
    return not person.username.startswith(DELETED_PREFIX)


def create_account(account_request: AccountRequest, *, username: str, by: User, request) -> User:
    """A new account with no usable password, its role in the request's service or work group,
    and an invitation emailed to its owner."""
    user = User.objects.create_user(
        normalise_username(username) or suggest_username(account_request.full_name),
        password=None,
        full_name=account_request.full_name,
        email=account_request.email,
        job_title=account_request.job_title,
        organisation=account_request.organisation,
        dbs_check_date=account_request.dbs_check_date,
    )
    Membership.objects.create(
        user=user,
        role=account_request.role,
        service=account_request.service,
        work_group=account_request.work_group,
    )
    audit.record(request, "account_created", user, user=by, note=account_request.reference)
    services.issue_invitation(user, purpose=Invitation.Purpose.NEW_ACCOUNT, request=request, by=by)
    return user


def change_account(
    account_request: AccountRequest, *, move_to: Service | WorkGroup | None, by: User, request
) -> None:
    """Apply the changes asked for: name, job title, role in the request's service or work
    group, and a move to another one (chosen by the administrator)."""
    person = account_request.person
    changed = []
    if account_request.full_name and account_request.full_name != person.full_name:
        person.full_name = account_request.full_name
        changed.append("name")
    if account_request.job_title and account_request.job_title != person.job_title:
        person.job_title = account_request.job_title
        changed.append("job title")
    scope_filter = (
        {"service": account_request.service}
        if account_request.service_id
        else {"work_group": account_request.work_group}
    )
    memberships = Membership.objects.filter(user=person, **scope_filter)
    if account_request.role and not memberships.filter(role=account_request.role).exists():
        memberships.delete()
        Membership.objects.create(user=person, role=account_request.role, **scope_filter)
        changed.append("role")
    if move_to is not None:
        roles = list(
            Membership.objects.filter(user=person, **scope_filter).values_list("role", flat=True)
        )
        Membership.objects.filter(user=person, **scope_filter).delete()
        new_scope = (
            {"service": move_to} if isinstance(move_to, Service) else {"work_group": move_to}
        )
        for role in roles:
            Membership.objects.get_or_create(user=person, role=role, **new_scope)
        person.organisation = (
            move_to.provider if isinstance(move_to, Service) else move_to.organisation
        )
        changed.append("organisation")
    person.save()
    audit.record(
        request, "account_changed", person, user=by, note=", ".join(changed) or "no change"
    )


def suspend_account(person: User, *, by: User, request) -> None:
    """Stop the person signing in, and end their sessions now."""
    person.is_active = False
    person.save(update_fields=["is_active"])
    services.end_sessions(person)
    audit.record(request, "account_suspended", person, user=by)


DELETED_PREFIX = "deleted-"


def delete_account(person: User, *, by: User, request) -> None:
    """Deactivate and anonymise the account: roles, secrets and personal details go, the row
    stays (see the module docstring), and so does the audit trail."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    services.end_sessions(person)
    person.is_active = False
    person.username = f"{DELETED_PREFIX}{person.pk}"
    person.full_name = "Deleted user"
    person.email = ""
    person.job_title = ""
    person.dbs_check_date = None
    person.set_unusable_password()
    person.save()
    person.memberships.all().delete()
    person.security_questions.all().delete()
    person.password_history.all().delete()
    person.invitations.all().delete()
    person.reset_codes.all().delete()
    TOTPDevice.objects.filter(user=person).delete()
    person.policy_acceptances.update(name_given="Deleted user")
    AccountRequest.objects.filter(person=person).update(full_name="", email="", job_title="")
    audit.record(request, "account_deleted", person, user=by, note="anonymised")
