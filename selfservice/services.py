"""State changes of password self-service: setting passwords (with history, sessions ended and
a notice), security questions, the lockout and invitations. Each writes and audits in one
transaction; emails go through the outbox.

The forgotten-password journey is in reset.py, account requests in account_requests.py, the
daily expiry notices and set-up reminders in notices.py."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from thrive import audit
from thrive.models import User
from thrive.outbox import queue_email
from thrive.ui.templatetags.govuk import uk_date, uk_datetime

from .models import (
    Invitation,
    PasswordHistory,
    SecurityQuestion,
    SelfServiceLock,
)
from .validators import history_digest

# The session keys set at sign-in (see signals.py) and read by the middleware and the banner.
SESSION_NOTICES = "selfservice"
SESSION_PASSWORD_EXPIRED = "selfservice_password_expired"

QUESTION_COUNT = 3
SUGGESTED_QUESTIONS = [
    "What was the name of your first pet?",
    "What was the name of your first school?",
    "In which town or city were you born?",
    "What was the make of your first car?",
    "What is the name of the street you grew up in?",
    "What was your childhood nickname?",
    "What is the middle name of your oldest sibling?",
    "What was the first concert you went to?",
    "What was the name of your favourite teacher?",
    "In which town or city did your parents meet?",
]


def site_link(url_name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(url_name, kwargs=kwargs or None)


def templated_email(
    user_or_address, subject: str, template: str, context: dict, *, secret: bool = False
) -> None:
    """Queue an email written from templates/selfservice/email/<template>.txt. Emails carry
    no personal data: no names, usernames or case details."""
    to = user_or_address if isinstance(user_or_address, (str, list)) else user_or_address.email
    if not to:
        return
    body = render_to_string(f"selfservice/email/{template}.txt", context).strip() + "\n"
    queue_email(to=to, subject=subject, body=body, secret=secret)


# --- Passwords ----------------------------------------------------------------------------


def password_expires_at(user: User) -> datetime | None:
    if user.password_changed_at is None or not user.has_usable_password():
        return None
    return user.password_changed_at + timedelta(days=settings.PASSWORD_EXPIRY_DAYS)


def expiry_applies(user: User) -> bool:
    """Demo sign-ins share a published password: in DEBUG it never expires (as the second
    factor is not enforced for them), so the demo keeps working."""
    return not (settings.DEBUG and user.is_demo)


def password_expired(user: User, now: datetime | None = None) -> bool:
    expires = password_expires_at(user)
    return expires is not None and expiry_applies(user) and (now or timezone.now()) >= expires


def has_self_service(user: User) -> bool:
    """Self-service is set up when the person has their three security questions."""
    return user.security_questions.count() >= QUESTION_COUNT


def sign_in_notices(user: User, now: datetime | None = None) -> dict:
    """What the person must or should do, worked out once at sign-in and kept in the session:
    an expired password (a gate), an expiry within the notice period or missing security
    questions (a banner)."""
    now = now or timezone.now()
    expires = password_expires_at(user) if expiry_applies(user) else None
    notices = {"needs_questions": not has_self_service(user)}
    horizon = timedelta(days=max(settings.PASSWORD_EXPIRY_NOTICE_DAYS))
    if expires is not None and now < expires <= now + horizon:
        notices["expires_on"] = uk_date(timezone.localtime(expires).date())
    return {"notices": notices, "expired": expires is not None and now >= expires}


def record_password_history(user: User, raw_password: str) -> PasswordHistory:
    """Keep a hash of the new password and forget those beyond PASSWORD_HISTORY_COUNT. All of a
    person's entries share a salt (see PasswordHistory)."""
    latest = user.password_history.first()
    salt = latest.digest.split("$")[2] if latest else None
    entry = PasswordHistory.objects.create(
        user=user, digest=history_digest(raw_password, salt=salt)
    )
    keep = user.password_history.values_list("pk", flat=True)[: settings.PASSWORD_HISTORY_COUNT]
    user.password_history.exclude(pk__in=list(keep)).delete()
    return entry


def end_sessions(user: User, *, except_key: str | None = None) -> int:
    """Sign the person out everywhere (but the session `except_key`). Django would also refuse
    those sessions at their next request, as the password hash changed; deleting them ends
    them at once and covers suspension, where the password does not change."""
    # Through the session engine, not the model: with cached_db the cached copy goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == except_key:
            continue
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def set_password(user: User, *, raw_password: str, request, action: str) -> None:
    """Set a new (already validated) password: record it in the history, end the person's other
    sessions, keep this one signed in if it is theirs, email them, audit.

    `action` names how: password_changed (self-service, signed in), password_reset (forgotten
    password), password_set_by_invitation."""
    user.set_password(raw_password)
    user.save(update_fields=["password", "password_changed_at"])
    record_password_history(user, raw_password)
    SelfServiceLock.objects.filter(user=user).update(
        failures=0, lockouts=0, locked_until=None, needs_administrator=False
    )
    keep = None
    if request is not None and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)
        request.session.pop(SESSION_PASSWORD_EXPIRED, None)
        notices = dict(request.session.get(SESSION_NOTICES, {}))
        notices.pop("expires_on", None)
        request.session[SESSION_NOTICES] = notices
        keep = request.session.session_key
    end_sessions(user, except_key=keep)
    audit.record(request, action, user, user=user)
    templated_email(
        user,
        "Your Thrive password has been changed",
        "password_changed",
        {
            "when": uk_datetime(timezone.now()),
            "forgotten_url": site_link("selfservice:forgotten"),
        },
    )


# --- Security questions -------------------------------------------------------------------


def normalise_answer(answer: str) -> str:
    """Answers are case-sensitive, as the old tool's were; only spaces at the ends and doubled
    spaces are forgiven."""
    return " ".join((answer or "").split())


@transaction.atomic
def set_security_questions(user: User, *, questions: list[tuple[str, str]], request) -> None:
    """Replace the person's security questions; answers are kept only as password hashes."""
    if len(questions) != QUESTION_COUNT:
        raise ValueError(f"exactly {QUESTION_COUNT} questions are needed")
    had = user.security_questions.exists()
    user.security_questions.all().delete()
    SecurityQuestion.objects.bulk_create(
        SecurityQuestion(
            user=user,
            position=number,
            question=question.strip(),
            answer=make_password(normalise_answer(answer)),
        )
        for number, (question, answer) in enumerate(questions, start=1)
    )
    if request is not None and getattr(request, "user", None) == user:
        notices = dict(request.session.get(SESSION_NOTICES, {}))
        notices["needs_questions"] = False
        request.session[SESSION_NOTICES] = notices
    audit.record(
        request,
        "security_questions_changed" if had else "security_questions_set",
        user,
        user=user,
    )


def answers_match(user: User, answers: list[str]) -> bool:
    """All three answers right. Every answer is checked, right or wrong, so the time taken
    says nothing about which was wrong."""
    stored = list(user.security_questions.order_by("position"))
    if len(stored) != QUESTION_COUNT or len(answers) != QUESTION_COUNT:
        return False
    results = [
        check_password(normalise_answer(answer), question.answer)
        for question, answer in zip(stored, answers, strict=True)
    ]
    return all(results)


# --- The lockout --------------------------------------------------------------------------


@dataclass
class LockStatus:
    locked: bool
    needs_administrator: bool = False
    until: datetime | None = None
    tries_left: int = 0


def lock_status(lock: SelfServiceLock | None, now: datetime | None = None) -> LockStatus:
    attempts = settings.SELFSERVICE_LOCKOUT_ATTEMPTS
    if lock is None:
        return LockStatus(locked=False, tries_left=attempts)
    now = now or timezone.now()
    return LockStatus(
        locked=lock.is_locked(now),
        needs_administrator=lock.needs_administrator,
        until=lock.locked_until if lock.locked_until and lock.locked_until > now else None,
        tries_left=max(attempts - lock.failures, 0),
    )


def user_lock_status(user: User) -> LockStatus:
    return lock_status(SelfServiceLock.objects.filter(user=user).first())


def count_failure(lock: SelfServiceLock, now: datetime | None = None) -> bool:
    """Add one wrong try to `lock` (not saved). True if this try locked it."""
    now = now or timezone.now()
    if lock.locked_until and lock.locked_until <= now:
        lock.locked_until = None  # a lock that has run out starts a new round
    lock.failures += 1
    if lock.failures < settings.SELFSERVICE_LOCKOUT_ATTEMPTS:
        return False
    lock.failures = 0
    lock.lockouts += 1
    lock.locked_at = now
    if lock.lockouts > settings.SELFSERVICE_TEMPORARY_LOCKOUTS:
        lock.needs_administrator = True
        lock.locked_until = None
    else:
        lock.locked_until = now + timedelta(minutes=settings.SELFSERVICE_LOCKOUT_MINUTES)
    return True


@transaction.atomic
def register_failure(user: User, *, request, what: str) -> LockStatus:
    """A wrong answer, code or current password: count it, lock when there are too many, and
    audit both. `what` says which (answers, code, current_password)."""
    lock, _ = SelfServiceLock.objects.select_for_update().get_or_create(user=user)
    locked = count_failure(lock)
    lock.save()
    audit.record(request, "selfservice_failed", user, user=user, note=what)
    if locked:
        audit.record(
            request,
            "selfservice_locked",
            user,
            user=user,
            note="until an administrator unlocks" if lock.needs_administrator else "15 minutes",
        )
    return lock_status(lock)


def clear_failures(user: User) -> None:
    """The person proved who they are: wrong tries so far no longer count."""
    SelfServiceLock.objects.filter(user=user, needs_administrator=False).update(
        failures=0, lockouts=0, locked_until=None
    )


@transaction.atomic
def unlock(user: User, *, by: User, request) -> None:
    """An administrator lifts the lock (after the manager's password reset request, or on the
    person's word)."""
    SelfServiceLock.objects.filter(user=user).update(
        failures=0, lockouts=0, locked_until=None, needs_administrator=False, locked_at=None
    )
    audit.record(request, "selfservice_unlocked", user, user=by)


# --- Invitations --------------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_invitation(user: User, *, purpose: str, request, by: User | None = None) -> str:
    """Email a single-use link to set a password and security questions; earlier unused links
    stop working. Returns the token (for tests; it is never stored)."""
    user.invitations.filter(used_at__isnull=True).update(expires_at=timezone.now())
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        user=user,
        purpose=purpose,
        digest=_token_digest(token),
        expires_at=timezone.now() + timedelta(days=settings.SELFSERVICE_INVITATION_DAYS),
    )
    audit.record(request, "invitation_sent", user, user=by, note=purpose)
    templated_email(
        user,
        "Set your Thrive password"
        if purpose == Invitation.Purpose.PASSWORD_RESET
        else "Your Thrive account is ready",
        f"invitation_{purpose}",
        {
            "link": site_link("selfservice:invitation", token=token),
            "days": settings.SELFSERVICE_INVITATION_DAYS,
        },
    )
    return token


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation for a token from a link, or None (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("user").filter(digest=_token_digest(token)).first()
    )
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


@transaction.atomic
def accept_invitation(
    invitation: Invitation, *, raw_password: str, questions: list[tuple[str, str]], request
) -> User:
    """Set the password and security questions from an invitation and use it up. A second
    submission (another tab) finds it used and changes nothing."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable():
        raise InvitationUsed
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    user = locked.user
    set_security_questions(user, questions=questions, request=request)
    set_password(
        user, raw_password=raw_password, request=request, action="password_set_by_invitation"
    )
    return user


class InvitationUsed(Exception):
    """The invitation was used (or expired) while the form was being filled in."""


def without_self_service(queryset):
    """People from `queryset` who have not set up their security questions."""
    return queryset.exclude(Exists(SecurityQuestion.objects.filter(user=OuterRef("pk"))))
