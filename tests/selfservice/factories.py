"""Builders for self-service tests (and the isolation harness)."""

from django.utils import timezone

from selfservice.account_requests import working_days_after
from selfservice.models import AccountRequest
from selfservice.services import set_security_questions
from thrive.models import Role

ANSWERS = [
    ("What was the name of your first pet?", "Biscuit"),
    ("In which town or city were you born?", "Canterbury"),
    ("Who was your favourite teacher?", "Mrs O'Hara"),
]


def with_questions(user, questions=ANSWERS):
    set_security_questions(user, questions=list(questions), request=None)
    return user


def account_request(*, service=None, work_group=None, requested_by=None, **fields):
    """A submitted request (a new account unless `fields` say otherwise)."""
    now = timezone.now()
    values = {
        "kind": AccountRequest.Kind.NEW_ACCOUNT,
        "full_name": "Nina Patel",
        "email": "nina@example.org",
        "job_title": "Family support worker",
        "role": Role.SERVICE_WORKER if service else Role.CLINICIAN,
        "submitted_at": now,
        "due_on": working_days_after(timezone.localdate(now), 5),
        **fields,
    }
    made = AccountRequest.objects.create(
        service=service, work_group=work_group, requested_by=requested_by, **values
    )
    made.reference = f"REQ-{now.year}-{made.pk:06d}"
    made.save(update_fields=["reference"])
    return made


def request_in(world):
    """A request made by the world's service manager, for the isolation harness."""
    return account_request(service=world.service, requested_by=world.people[Role.SERVICE_MANAGER])


def sign_in(client, username, password=None):
    """A real sign-in through the allauth form (force_login skips the sign-in checks)."""
    from ..factories import PASSWORD

    return client.post(
        "/accounts/login/",
        {"login": username, "password": password or PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )


def outbox(subject_contains=""):
    """Bodies of the emails queued so far whose subject contains the text."""
    from thrive.models import OutboxEmail

    return [
        email for email in OutboxEmail.objects.order_by("pk") if subject_contains in email.subject
    ]
