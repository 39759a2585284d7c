"""Every change to a case: one small function per transition. Each checks the person's right
and the case's state, writes with an optimistic-lock check, audits, and queues any email,
all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from thrive import audit
from thrive.models import Membership, Role, Service, User
from thrive.outbox import queue_email

from .models import (
    SEARCH_KEY_FIELDS,
    SEARCHED_FIELDS,
    Case,
    KeyReason,
    Outcome,
    Progressing,
    Status,
    search_keys,
)


class CaseActionRefused(Exception):
    """The action is not possible for this person or in the case's present state."""


class StaleCase(Exception):
    """Someone else saved the case since the form was opened."""

    def __init__(self, case: Case):
        super().__init__("The case was changed by someone else")
        self.current = case


# Who may do what, from which state: the one table the views and services both read.
@dataclass(frozen=True)
class Action:
    roles: frozenset
    states: frozenset
    archived: bool = False


ACTIONS = {
    "decide": Action(
        frozenset({Role.SERVICE_MANAGER}),
        frozenset({Status.AWAITING_DECISION, Status.PENDING}),
    ),
    "allocate": Action(
        frozenset({Role.SERVICE_MANAGER}), frozenset({Status.AWAITING_WORKER, Status.OPEN})
    ),
    "edit": Action(
        frozenset({Role.SERVICE_MANAGER, Role.SERVICE_WORKER, Role.EHPS_OFFICER}),
        frozenset(Status),
    ),
    "close": Action(
        frozenset({Role.SERVICE_MANAGER, Role.SERVICE_WORKER}), frozenset({Status.OPEN})
    ),
    "archive": Action(
        frozenset({Role.SERVICE_MANAGER}), frozenset({Status.CLOSED, Status.DECLINED})
    ),
    "archive_declined": Action(frozenset({Role.EHPS_OFFICER}), frozenset({Status.DECLINED})),
    "unarchive": Action(
        frozenset({Role.SERVICE_MANAGER}),
        frozenset({Status.CLOSED, Status.DECLINED}),
        archived=True,
    ),
}

REFUSALS = {
    "decide": "Only the service’s manager can record a decision, and only while the case "
    "awaits a decision or is pending.",
    "allocate": "Only the service’s manager can allocate a worker, and only to an accepted case.",
    "edit": "Archived cases cannot be edited. Ask a manager to undo the archive first.",
    "close": "Only an open case with a worker can be closed.",
    "archive": "Only closed or declined cases can be archived.",
    "archive_declined": "Only declined cases can be archived by the EHPS team.",
    "unarchive": "Only an archived case can have its archive undone, by the service’s manager.",
}


def roles_on_case(user: User, case: Case) -> set:
    """The roles `user` holds with respect to this particular case."""
    roles = set()
    memberships = {(m.role, m.service_id) for m in user.memberships.all()}
    if (Role.SERVICE_MANAGER, case.service_id) in memberships:
        roles.add(Role.SERVICE_MANAGER)
    if (Role.SERVICE_WORKER, case.service_id) in memberships and case.worker_id == user.pk:
        roles.add(Role.SERVICE_WORKER)
    if case.district in user.districts():
        roles.add(Role.EHPS_OFFICER)
    return roles


def may(user: User, action: str, case: Case, roles: set | None = None) -> bool:
    rule = ACTIONS[action]
    roles = roles_on_case(user, case) if roles is None else roles
    if action == "edit" and Role.EHPS_OFFICER in roles and not roles - {Role.EHPS_OFFICER}:
        # EHPS complete the demographics; once the service accepts, the service owns the case.
        allowed_states = {Status.AWAITING_DECISION, Status.PENDING}
        return case.status in allowed_states and not case.is_archived
    return (
        bool(rule.roles & roles)
        and case.status in rule.states
        and case.is_archived == rule.archived
    )


def available_actions(user: User, case: Case) -> set[str]:
    roles = roles_on_case(user, case)
    return {action for action in ACTIONS if may(user, action, case, roles)}


def _check(user: User, action: str, case: Case) -> None:
    if not may(user, action, case):
        raise CaseActionRefused(REFUSALS[action])


def _save(case: Case, *, by: User, expected_version: int | None, fields: dict) -> Case:
    """Write `fields` if nobody else saved the case since `expected_version` was read."""
    now = timezone.now()
    updates = {**fields, "modified_at": now, "modified_by": by, "version": F("version") + 1}
    if SEARCHED_FIELDS.intersection(fields):
        values = {name: fields.get(name, getattr(case, name)) for name in SEARCHED_FIELDS}
        updates.update(
            zip(
                SEARCH_KEY_FIELDS,
                search_keys(
                    values["child_first_name"],
                    values["child_last_name"],
                    values["family_names"],
                    values["postcode"],
                ),
                strict=True,
            )
        )
    query = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    if not query.update(**updates):
        raise StaleCase(Case.objects.select_related("modified_by").get(pk=case.pk))
    case.refresh_from_db()
    return case


def _label(name: str) -> str:
    label = str(Case._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def case_url(case: Case) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{reverse('cases:detail', args=[case.thrive_id])}"


def _managers_of(service: Service) -> list[str]:
    return list(
        Membership.objects.filter(service=service, role=Role.SERVICE_MANAGER, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


@transaction.atomic
def refer_case(
    *, by: User, service: Service, request=None, entered_from: str = "", **demographics
) -> Case:
    """An EHPS officer refers a family to a commissioned service in their district. The
    service's managers are emailed the Thrive ID and a link: never personal data.
    `entered_from` says where the referral was first written (a downtime record)."""
    if not by.has_role(Role.EHPS_OFFICER) or service.district not in by.districts():
        raise CaseActionRefused("You can only refer to commissioned services in your district.")
    case = Case.objects.create(
        service=service,
        district=service.district,
        referred_by=by,
        modified_by=by,
        **demographics,
    )
    case.thrive_id = f"{_prefix()}{case.pk:06d}"
    case.save(update_fields=["thrive_id"])
    audit.record(
        request,
        "case_referred",
        case,
        user=by,
        organisation=service.provider,
        note=audit.entered_from(entered_from),
    )
    recipients = _managers_of(service)
    if recipients:
        queue_email(
            to=recipients,
            subject=f"New case awaiting decision: {case.thrive_id}",
            body=(
                f"A new case, {case.thrive_id}, has been referred to {service.name} and is "
                f"awaiting your decision.\n\nOpen it in Thrive: {case_url(case)}\n"
            ),
        )
    return case


def _prefix() -> str:
    from django.conf import settings

    return settings.THRIVE_ID_PREFIX


@transaction.atomic
def update_case(
    case: Case,
    *,
    by: User,
    version: int,
    fields: dict,
    key_reasons: list[KeyReason] | None = None,
    entered_from: str = "",
    request=None,
) -> Case:
    """Edit case information (demographics and the work record). `entered_from` says where
    the change was first written (a downtime record); the audit leads with it."""
    _check(by, "edit", case)
    changed = [_label(name) for name in sorted(fields) if getattr(case, name) != fields[name]]
    if key_reasons is not None and set(key_reasons) != set(case.key_reasons.all()):
        changed.append("Key reasons for support")
    case = _save(case, by=by, expected_version=version, fields=fields)
    if key_reasons is not None:
        case.key_reasons.set(key_reasons)
    note = audit.with_source(", ".join(changed), entered_from)
    audit.record(request, "case_updated", case, user=by, note=note)
    return case


@transaction.atomic
def record_decision(
    case: Case,
    *,
    by: User,
    version: int,
    response_date: date,
    progressing: str,
    decline_reason: str = "",
    waiting_list: bool | None = None,
    predicted_start_date: date | None = None,
    entered_from: str = "",
    request=None,
) -> Case:
    """The manager's answer to "Is the case progressing within the commissioned service".
    No needs a reason and tells the EHPS officer; Pending keeps it in Cases Pending; Yes
    accepts it, awaiting a worker. `entered_from` says where it was first written."""
    _check(by, "decide", case)
    if progressing == Progressing.NO and not decline_reason.strip():
        raise CaseActionRefused("Enter the reason for declining the case.")
    status = {
        Progressing.YES: Status.AWAITING_WORKER,
        Progressing.NO: Status.DECLINED,
        Progressing.PENDING: Status.PENDING,
    }[progressing]
    fields = {
        "response_date": response_date,
        "progressing": progressing,
        "status": status,
        "decline_reason": decline_reason.strip() if progressing == Progressing.NO else "",
        "waiting_list": waiting_list if progressing == Progressing.YES else None,
        "predicted_start_date": predicted_start_date if progressing == Progressing.YES else None,
    }
    case = _save(case, by=by, expected_version=version, fields=fields)
    audit.record(
        request,
        "case_decision_recorded",
        case,
        user=by,
        note=audit.with_source(f"progressing: {progressing}", entered_from),
    )
    if progressing == Progressing.NO and case.referred_by.email:
        queue_email(
            to=[case.referred_by.email],
            subject=f"Case declined: {case.thrive_id}",
            body=(
                f"{case.service.name} has declined case {case.thrive_id}. The reason is on the "
                f"case record.\n\nOpen it in Thrive: {case_url(case)}\n"
            ),
        )
    return case


def workers_of(service: Service):
    """The people a manager may allocate: the service's own active workers."""
    return User.objects.filter(
        is_active=True,
        memberships__service=service,
        memberships__role=Role.SERVICE_WORKER,
    ).order_by("full_name", "username")


@transaction.atomic
def allocate_worker(
    case: Case,
    *,
    by: User,
    version: int,
    worker: User,
    date_appointed: date,
    entered_from: str = "",
    request=None,
) -> Case:
    """Name the worker. Access follows the allocation: the previous worker loses the case
    from My Cases at once, the new one gains it, and is emailed. `entered_from` says where
    it was first written."""
    _check(by, "allocate", case)
    if not workers_of(case.service).filter(pk=worker.pk).exists():
        raise CaseActionRefused("Choose a worker from this service.")
    previous = case.worker
    case = _save(
        case,
        by=by,
        expected_version=version,
        fields={"worker": worker, "date_worker_appointed": date_appointed, "status": Status.OPEN},
    )
    note = f"worker: {worker.username}" + (f" (was {previous.username})" if previous else "")
    audit.record(
        request, "case_worker_allocated", case, user=by, note=audit.with_source(note, entered_from)
    )
    if worker.email and worker != previous:
        queue_email(
            to=[worker.email],
            subject=f"Case allocated to you: {case.thrive_id}",
            body=f"Case {case.thrive_id} is now in your My Cases.\n\n{case_url(case)}\n",
        )
    return case


@transaction.atomic
def close_case(
    case: Case,
    *,
    by: User,
    version: int,
    closure_date: date,
    outcome: Outcome,
    closure_summary: str,
    request=None,
) -> Case:
    """Close an open case: the date, the outcome of involvement and a closure summary are
    all required."""
    _check(by, "close", case)
    if not (closure_date and outcome and closure_summary.strip()):
        raise CaseActionRefused(
            "Enter the date of case closure, the outcome of involvement and a closure summary."
        )
    if closure_date < case.date_referred:
        raise CaseActionRefused("The date of case closure must be on or after the date referred.")
    case = _save(
        case,
        by=by,
        expected_version=version,
        fields={
            "closure_date": closure_date,
            "outcome": outcome,
            "closure_summary": closure_summary.strip(),
            "status": Status.CLOSED,
        },
    )
    audit.record(request, "case_closed", case, user=by)
    return case


@transaction.atomic
def archive_case(case: Case, *, by: User, version: int, request=None) -> Case:
    """Archive a closed or declined case (the EHPS team may archive declined ones): it leaves
    My Cases and the managers' lists and appears in the Archive."""
    if not (may(by, "archive", case) or may(by, "archive_declined", case)):
        raise CaseActionRefused(REFUSALS["archive"])
    case = _save(
        case,
        by=by,
        expected_version=version,
        fields={"archived_at": timezone.now(), "archived_by": by},
    )
    audit.record(request, "case_archived", case, user=by)
    return case


@transaction.atomic
def unarchive_case(case: Case, *, by: User, version: int, reason: str, request=None) -> Case:
    """Undo an archive, with a reason kept on the case (the audit records the act)."""
    _check(by, "unarchive", case)
    if not reason.strip():
        raise CaseActionRefused("Enter the reason for undoing the archive.")
    case = _save(
        case,
        by=by,
        expected_version=version,
        fields={
            "archived_at": None,
            "archived_by": None,
            "archive_undone_reason": reason.strip(),
        },
    )
    audit.record(request, "case_unarchived", case, user=by)
    return case


@transaction.atomic
def save_reference_item(
    model, *, by: User, name: str, position: int, active: bool, item=None, request=None
):
    """Add or change an entry of an administrators' list (Key Reasons for Support, Outcome of
    Involvement). Entries are retired, never deleted, so old cases keep their answers."""
    if not by.has_role(Role.SYSTEM_ADMIN):
        raise CaseActionRefused("Only system administrators change these lists.")
    item = item or model()
    item.name, item.position, item.active = name, position, active
    item.save()
    audit.record(request, "reference_list_changed", item, user=by)
    return item
