"""The forgotten (or expired) password journey: username → security questions → a one-time
code emailed to the account's address → a new password.

It never reveals whether an account exists. A username that is unknown, suspended or without
security questions gets three plausible questions derived from the name (the same every
time), its answers are always wrong, they take as long to check, and wrong tries lock it
just as they would a real account (counted in the cache instead of the database).

The journey's state lives in the session under RESET_KEY."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache as django_cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from thrive import audit
from thrive.models import User, normalise_username

from . import services
from .models import ResetCode, SelfServiceLock
from .services import LockStatus, count_failure, lock_status

RESET_KEY = "selfservice_reset"
JOURNEY_SECONDS = 30 * 60
MAX_CODES = 3


class Stage:
    QUESTIONS = "questions"
    CODE = "code"
    PASSWORD = "password"


@dataclass
class Journey:
    username: str
    user_id: int | None
    stage: str
    started: float
    codes_sent: int = 0

    @cached_property
    def user(self) -> User | None:
        if self.user_id is None:
            return None
        return User.objects.filter(pk=self.user_id, is_active=True).first()


def current_journey(request) -> Journey | None:
    data = request.session.get(RESET_KEY)
    if not data:
        return None
    journey = Journey(**data)
    if time.time() - journey.started > JOURNEY_SECONDS:
        request.session.pop(RESET_KEY, None)
        return None
    return journey


def _save(request, journey: Journey) -> None:
    request.session[RESET_KEY] = asdict(journey)


def end_journey(request) -> None:
    request.session.pop(RESET_KEY, None)


def start(request, username: str) -> Journey:
    """Begin the journey for a typed username (KLZ\\ and @klz.org.uk tolerated)."""
    username = normalise_username(username)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is not None and not services.has_self_service(user):
        user = None
    journey = Journey(
        username=username,
        user_id=user.pk if user else None,
        stage=Stage.QUESTIONS,
        started=time.time(),
    )
    _save(request, journey)
    audit.record(
        request,
        "password_reset_started",
        user,
        user=user,
        object_type="thrive.user",
        note="" if user else "no self-service account",
    )
    return journey


def _stand_in_questions(username: str) -> list[str]:
    """Three different questions chosen from the suggested list by a keyed hash of the name:
    the same every time for the same name, unguessable without the secret key."""
    pool = list(services.SUGGESTED_QUESTIONS)
    digest = salted_hmac("selfservice.stand-in-questions", username, algorithm="sha256").digest()
    chosen = []
    for byte in digest:
        if len(chosen) == services.QUESTION_COUNT:
            break
        chosen.append(pool.pop(byte % len(pool)))
    return chosen


def questions(journey: Journey) -> list[str]:
    user = journey.user
    if user is None:
        return _stand_in_questions(journey.username)
    return list(user.security_questions.order_by("position").values_list("question", flat=True))


# --- The lock, for real accounts and stand-ins alike ---------------------------------------


def _stand_in_key(username: str) -> str:
    return (
        "selfservice-stand-in-lock:"
        + salted_hmac("selfservice.lock", username, algorithm="sha256").hexdigest()
    )


def _stand_in_lock(username: str) -> SelfServiceLock:
    data = django_cache.get(_stand_in_key(username)) or {}
    return SelfServiceLock(**data)


def status(journey: Journey) -> LockStatus:
    user = journey.user
    if user is None:
        return lock_status(_stand_in_lock(journey.username))
    return services.user_lock_status(user)


def _fail(request, journey: Journey, what: str) -> LockStatus:
    user = journey.user
    if user is not None:
        return services.register_failure(user, request=request, what=what)
    lock = _stand_in_lock(journey.username)
    count_failure(lock)
    django_cache.set(
        _stand_in_key(journey.username),
        {
            "failures": lock.failures,
            "lockouts": lock.lockouts,
            "locked_until": lock.locked_until,
            "needs_administrator": lock.needs_administrator,
        },
        timeout=24 * 60 * 60,
    )
    audit.record(
        request, "selfservice_failed", object_type="thrive.user", note=f"{what}; no account"
    )
    return lock_status(lock)


@cache
def _dummy_answer_hash() -> str:
    return make_password("stand-in answer")


def check_answers(request, journey: Journey, answers: list[str]) -> bool | LockStatus:
    """True if all three answers are right (the journey moves on); otherwise the lock status
    after counting the failure."""
    current = status(journey)
    if current.locked:
        return current
    user = journey.user
    if user is None:
        for answer in answers:  # the same work as checking real answers
            check_password(answer, _dummy_answer_hash())
        return _fail(request, journey, "answers")
    if not services.answers_match(user, answers):
        return _fail(request, journey, "answers")
    services.clear_failures(user)
    audit.record(request, "password_reset_answers_accepted", user, user=user)
    if settings.SELFSERVICE_EMAIL_CODE:
        journey.stage = Stage.CODE
        send_code(request, journey)
    else:
        journey.stage = Stage.PASSWORD
    _save(request, journey)
    return True


# --- The emailed code --------------------------------------------------------------------


def _code_digest(user: User, code: str) -> str:
    return salted_hmac(
        "selfservice.reset-code", f"{user.pk}:{code}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def send_code(request, journey: Journey) -> bool:
    """Email a new 6-digit code (earlier ones stop working). False once MAX_CODES were sent."""
    user = journey.user
    if user is None or journey.codes_sent >= MAX_CODES:
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    user.reset_codes.filter(used_at__isnull=True).update(used_at=now)
    ResetCode.objects.create(
        user=user,
        digest=_code_digest(user, code),
        expires_at=now + timedelta(minutes=settings.SELFSERVICE_CODE_MINUTES),
    )
    journey.codes_sent += 1
    _save(request, journey)
    audit.record(request, "password_reset_code_sent", user, user=user)
    services.templated_email(
        user,
        "Your Thrive password reset code",
        "reset_code",
        {"code": code, "minutes": settings.SELFSERVICE_CODE_MINUTES},
        secret=True,
    )
    return True


def code_expires_at(journey: Journey) -> datetime | None:
    user = journey.user
    latest = user.reset_codes.filter(used_at__isnull=True).first() if user else None
    return latest.expires_at if latest else None


@transaction.atomic
def check_code(request, journey: Journey, code: str) -> bool | LockStatus:
    """True if the code is the latest one sent and still in time (it is used up); otherwise
    the lock status after counting the failure."""
    current = status(journey)
    if current.locked:
        return current
    user = journey.user
    if user is None:
        return _fail(request, journey, "code")
    latest = (
        user.reset_codes.select_for_update()
        .filter(used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if latest is None or not hmac.compare_digest(latest.digest, _code_digest(user, code)):
        return _fail(request, journey, "code")
    latest.used_at = timezone.now()
    latest.save(update_fields=["used_at"])
    services.clear_failures(user)
    journey.stage = Stage.PASSWORD
    _save(request, journey)
    return True


def finish(request, journey: Journey, raw_password: str) -> User:
    """Set the new (validated) password and end the journey."""
    user = journey.user
    services.set_password(user, raw_password=raw_password, request=request, action="password_reset")
    end_journey(request)
    return user
