"""Scheduled self-service work (Celery beat, daily; see tasks.py): password expiry notices,
reminders to managers about people without self-service, and clearing out old codes. Each
is idempotent: running it twice sends nothing twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from thrive import audit
from thrive.models import Membership, Role, User, WorkGroup
from thrive.ui.templatetags.govuk import uk_date

from .models import ExpiryNotice, Invitation, ResetCode, SetupReminder
from .services import expiry_applies, site_link, templated_email, without_self_service


def send_expiry_notices(now: datetime | None = None) -> int:
    """Email people whose password expires in 14, 7, 3 or 1 days (PASSWORD_EXPIRY_NOTICE_DAYS).
    Each notice goes once per password; if a day was missed only the most urgent due notice
    is sent. Safe to run any number of times a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = sorted(settings.PASSWORD_EXPIRY_NOTICE_DAYS)
    expiry = timedelta(days=settings.PASSWORD_EXPIRY_DAYS)
    candidates = (
        User.objects.filter(
            is_active=True,
            password_changed_at__gt=now - expiry,
            password_changed_at__lte=now - expiry + timedelta(days=max(days) + 2),
        )
        .exclude(password__startswith="!")
        .exclude(email="")
    )
    sent = 0
    for user in candidates.iterator():
        if not expiry_applies(user):
            continue
        expires_on = timezone.localdate(user.password_changed_at + expiry)
        left = (expires_on - today).days
        due = [d for d in days if left <= d]
        if not due:
            continue
        sent += _send_expiry_notice(user, days_before=min(due), expires_on=expires_on, left=left)
    return sent


@transaction.atomic
def _send_expiry_notice(user: User, *, days_before: int, expires_on: date, left: int) -> int:
    already = ExpiryNotice.objects.filter(
        user=user, password_changed_at=user.password_changed_at, days_before__lte=days_before
    )
    if already.exists():
        return 0
    try:
        with transaction.atomic():
            ExpiryNotice.objects.create(
                user=user, password_changed_at=user.password_changed_at, days_before=days_before
            )
    except IntegrityError:  # another worker sent it
        return 0
    audit.record(None, "password_expiry_notice_sent", user, note=f"{days_before} days")
    templated_email(
        user,
        "Your Thrive password expires soon" if left > 0 else "Your Thrive password expires today",
        "expiry_notice",
        {
            "left": left,
            "expires_on": uk_date(expires_on),
            "change_url": site_link("selfservice:change_password"),
            "forgotten_url": site_link("selfservice:forgotten"),
        },
    )
    return 1


def managers_of(user: User) -> list[User]:
    """Who is told about this person: the managers of their services, the managers of their
    work groups (or, if a group has none, its work tray admins)."""
    memberships = Membership.objects.filter(user=user)
    service_ids = memberships.filter(service__isnull=False).values("service")
    group_ids = list(
        memberships.filter(work_group__isnull=False).values_list("work_group", flat=True)
    )
    managers = set(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.SERVICE_MANAGER,
            memberships__service__in=service_ids,
        )
    )
    for group in WorkGroup.objects.filter(pk__in=group_ids).select_related("manager"):
        if group.manager and group.manager.is_active:
            managers.add(group.manager)
        else:
            managers |= set(
                User.objects.filter(
                    is_active=True,
                    memberships__role=Role.TRAY_ADMIN,
                    memberships__work_group=group,
                )
            )
    managers.discard(user)
    return sorted((m for m in managers if m.email), key=lambda m: m.pk)


def send_setup_reminders(now: datetime | None = None) -> int:
    """Tell managers (once per person) about people who have not set up self-service within
    SELFSERVICE_SETUP_DAYS of their account being issued. People with nobody to tell are on
    the administrators' list."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SELFSERVICE_SETUP_DAYS)
    late = without_self_service(
        User.objects.filter(is_active=True, date_joined__lte=cutoff, setup_reminder__isnull=True)
    )
    sent = 0
    for user in late.iterator():
        managers = managers_of(user)
        if managers:
            sent += _send_setup_reminder(user, managers)
    return sent


@transaction.atomic
def _send_setup_reminder(user: User, managers: list[User]) -> int:
    _reminder, created = SetupReminder.objects.get_or_create(user=user)
    if not created:
        return 0
    audit.record(None, "selfservice_setup_reminder_sent", user, note=f"{len(managers)} managers")
    templated_email(
        [manager.email for manager in managers],
        "Someone in your team has not set up Thrive self-service",
        "setup_reminder",
        {"days": settings.SELFSERVICE_SETUP_DAYS, "list_url": site_link("selfservice:requests")},
    )
    return 1


def purge_expired_codes(now: datetime | None = None) -> int:
    """One-time codes and invitations are useless once expired: remove them after a day."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    codes, _ = ResetCode.objects.filter(expires_at__lt=cutoff).delete()
    invitations, _ = Invitation.objects.filter(expires_at__lt=cutoff - timedelta(days=30)).delete()
    return codes + invitations
