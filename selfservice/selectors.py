"""Reads for the administrators' reports and the managers' page."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from thrive.models import Role, User

from .models import AccountRequest, SelfServiceLock, managed_services, managed_work_groups
from .services import without_self_service


def people_without_self_service(viewer: User):
    """Active people who have not set up their security questions, longest waiting first.
    Administrators see everyone; a manager sees the people of the services and work groups
    they manage."""
    people = User.objects.filter(is_active=True)
    if not viewer.has_role(Role.SYSTEM_ADMIN):
        people = people.filter(
            Q(memberships__service__in=managed_services(viewer))
            | Q(memberships__work_group__in=managed_work_groups(viewer))
        ).distinct()
    return (
        without_self_service(people)
        .select_related("organisation", "setup_reminder")
        .order_by("date_joined", "pk")
    )


def setup_overdue_since(now=None):
    """Accounts issued before this moment should have set up self-service by now."""
    return (now or timezone.now()) - timedelta(days=settings.SELFSERVICE_SETUP_DAYS)


def passwords_expiring(within_days: int = 7, now=None):
    """Active people whose password expires within `within_days` (not yet expired)."""
    now = now or timezone.now()
    expiry = timedelta(days=settings.PASSWORD_EXPIRY_DAYS)
    return (
        User.objects.filter(
            is_active=True,
            password_changed_at__gt=now - expiry,
            password_changed_at__lte=now - expiry + timedelta(days=within_days),
        )
        .exclude(password__startswith="!")
        .select_related("organisation")
        .order_by("password_changed_at", "pk")
    )


def locked_accounts(now=None):
    """Self-service locks in force: those waiting for an administrator first."""
    now = now or timezone.now()
    return (
        SelfServiceLock.objects.filter(Q(needs_administrator=True) | Q(locked_until__gt=now))
        .select_related("user__organisation")
        .order_by("-needs_administrator", "-locked_at")
    )


def request_queue(status: str = "open", today=None):
    """The administrators' queue: open requests, overdue (oldest due date) first."""
    requests = AccountRequest.objects.select_related(
        "service", "work_group", "requested_by", "person"
    )
    if status == "open":
        requests = requests.open().order_by("due_on", "submitted_at")
    elif status == "decided":
        requests = requests.exclude(status=AccountRequest.Status.SUBMITTED).order_by("-decided_at")
    return requests
