"""Print PDF of a 50-row form, for `make bench` and `make bench-served`: a portal task of the
shipped EHCNA form, answered by its clinician with 50 rows in its Health provision table, made
once in the benchmark database (through the portal's own services) and reused."""

import functools
from datetime import date

from django.db import transaction
from django.urls import reverse

from thrive.models import (
    AcceptableUsePolicy,
    Membership,
    Organisation,
    PolicyAcceptance,
    Role,
    User,
    WorkGroup,
)

ROWS = 50
CHILD = "Bench Fifty-Rows"


def _person(username: str, organisation, role, **scope) -> User:
    user, made = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": username.replace("-", " ").title(),
            "email": f"{username}@bench.invalid",
            "organisation": organisation,
            "password": "!",  # never signs in with a password
        },
    )
    if made:
        Membership.objects.create(user=user, role=role, **scope)
        policy = AcceptableUsePolicy.current()
        if policy:
            PolicyAcceptance.objects.create(user=user, policy=policy, name_given=user.full_name)
    return user


@functools.cache
def clinician() -> User:
    return fifty_row_task().clinician


@functools.cache
def fifty_row_task():
    """The task (made on the first call): every required answer, 50 table rows, submitted."""
    from portal.delegation import services
    from portal.models import FormDefinition, Task

    existing = Task.objects.filter(child_name=CHILD).first()
    if existing:
        return existing
    with transaction.atomic():
        council = Organisation.objects.get(name="Bench Council")
        partner, _ = Organisation.objects.get_or_create(
            name="Bench Health Partner", defaults={"kind": Organisation.Kind.HEALTH_PARTNER}
        )
        group, _ = WorkGroup.objects.get_or_create(
            name="Bench Therapies", defaults={"organisation": partner}
        )
        officer = _person("bench-send-officer", council, Role.SEND_OFFICER)
        who = _person("bench-clinician", partner, Role.CLINICIAN, work_group=group)
        form = FormDefinition.objects.filter(active=True, name__startswith="EHCNA").first()
        task = services.create_task(
            by=officer,
            form=form,
            work_group=group,
            clinician=who,
            child_name=CHILD,
            child_date_of_birth=date(2013, 2, 10),
            child_address="1 Bench Street, Benchtown, BE1 1CH",
            department="SEND North",
            telephone="01475 221192",
        )
        rows = [
            {"provision": f"Provision {n}: weekly session", "who": f"Therapist {n}"}
            for n in range(1, ROWS + 1)
        ]
        services.save_answers(
            task,
            by=who,
            answers={
                "full_name": CHILD,
                "date_of_birth": "2013-02-10",
                "known_to_service": "yes",
                "background": "Known since 2019.",
                "health_needs": "Hypermobility.",
                "outcomes": "Writes independently.",
                "health_provision": rows,
                "author_name": who.full_name,
                "author_role": "Occupational therapist",
                "completed_on": "2026-11-20",
            },
        )
    return task


def pdf_url() -> str:
    return reverse("portal:print_pdf", args=[fifty_row_task().pk])
