"""Demo data for password self-service: security questions for the demo sign-ins (not wkr01,
whose first sign-in the core's browser test walks), two account requests (one overdue), a
locked account and a password expiring this week. Safe to run again."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from thrive.models import Role, Service, User

from .account_requests import working_days_after
from .models import AccountRequest, SecurityQuestion, SelfServiceLock

WITHOUT_SELF_SERVICE = {"wkr01"}
# Documented in the README so the forgotten-password journey can be tried.
DEMO_QUESTIONS = [
    ("What was the name of your first pet?", "Biscuit"),
    ("In which town or city were you born?", "Canterbury"),
    ("What was your childhood nickname?", "Sunny"),
]


def load_demo_selfservice() -> None:
    people = User.objects.filter(is_demo=True).exclude(username__in=WITHOUT_SELF_SERVICE)
    for user in people.exclude(security_questions__isnull=False):
        SecurityQuestion.objects.bulk_create(
            SecurityQuestion(
                user=user, position=number, question=question, answer=make_password(answer)
            )
            for number, (question, answer) in enumerate(DEMO_QUESTIONS, start=1)
        )

    now = timezone.now()
    # wkr04's password expires in four days; wkr03 is locked out of self-service.
    User.objects.filter(username="wkr04").update(password_changed_at=now - timedelta(days=26))
    wkr03 = User.objects.get(username="wkr03")
    SelfServiceLock.objects.update_or_create(
        user=wkr03,
        defaults={"needs_administrator": True, "lockouts": 2, "locked_at": now},
    )

    mgr01, mgr02 = User.objects.get(username="mgr01"), User.objects.get(username="mgr02")
    ashford = Service.objects.get(name="Family Matters Ashford")
    canterbury = Service.objects.get(name="Young Lives Canterbury")
    long_ago = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=14), time(10, 30))
    )
    _request(
        lookup={
            "requested_by": mgr01,
            "kind": AccountRequest.Kind.NEW_ACCOUNT,
            "service": ashford,
            "full_name": "Nina Patel",
        },
        submitted_at=long_ago,
        email="patel01@demo.thrive.invalid",
        job_title="Family support worker",
        role=Role.SERVICE_WORKER,
        dbs_check_date=date(2026, 1, 12),
    )
    _request(
        lookup={
            "requested_by": mgr02,
            "kind": AccountRequest.Kind.PASSWORD_RESET,
            "service": canterbury,
            "person": wkr03,
        },
        submitted_at=now,
        details="Locked out of self-service after forgetting the answers.",
    )


def _request(*, lookup: dict, submitted_at, **fields) -> None:
    if AccountRequest.objects.filter(**lookup).exists():
        return
    account_request = AccountRequest.objects.create(
        **lookup,
        **fields,
        submitted_at=submitted_at,
        due_on=working_days_after(timezone.localdate(submitted_at), 5),
    )
    account_request.reference = f"REQ-{submitted_at.year}-{account_request.pk:06d}"
    account_request.save(update_fields=["reference"])
