"""Demo cases in every state, made through the same service functions people use, so each
has a real timeline. Loaded once: a second run finds them and does nothing."""

import random
from datetime import timedelta

from django.utils import timezone
from faker import Faker

from thrive.models import Service, User

from . import services
from .models import Case, KeyReason, Outcome, Progressing

# (status to reach, worker username or None, archived)
SERVICE_ONE_PLAN = [
    ("awaiting_decision", None, False),
    ("awaiting_decision", None, False),
    ("awaiting_decision", None, False),
    ("pending", None, False),
    ("pending", None, False),
    ("declined", None, False),
    ("declined", None, True),
    ("awaiting_worker", None, False),
    ("awaiting_worker", None, False),
    ("open", "wkr01", False),
    ("open", "wkr01", False),
    ("open", "wkr01", False),
    ("open", "wkr02", False),
    ("closed", "wkr01", False),
    ("closed", "wkr01", True),
    ("closed", "wkr02", True),
]
SERVICE_TWO_PLAN = [
    ("awaiting_decision", None, False),
    ("awaiting_worker", None, False),
    ("open", "wkr03", False),
    ("closed", "wkr03", True),
]


def load_demo_cases() -> None:
    if Case.objects.filter(referred_by__username="ehps01").exists():
        return
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    rng = random.Random(2026)  # noqa: S311 (repeatable demo data, not security)
    _follow_plan(
        Service.objects.get(name="Family Matters Ashford"),
        "ehps01",
        "mgr01",
        SERVICE_ONE_PLAN,
        fake,
        rng,
    )
    _follow_plan(
        Service.objects.get(name="Young Lives Canterbury"),
        "ehps02",
        "mgr02",
        SERVICE_TWO_PLAN,
        fake,
        rng,
    )


def _follow_plan(service, officer_name, manager_name, plan, fake, rng):
    officer = User.objects.get(username=officer_name)
    manager = User.objects.get(username=manager_name)
    today = timezone.localdate()
    reasons = list(KeyReason.objects.all())
    outcome = Outcome.objects.first()
    for index, (target, worker_name, archived) in enumerate(plan):
        family = fake.last_name()
        referred = today - timedelta(days=120 - index * 6)
        case = services.refer_case(
            by=officer,
            service=service,
            family_names=family,
            child_first_name=fake.first_name(),
            child_last_name=family,
            child_date_of_birth=today - timedelta(days=rng.randint(2 * 365, 15 * 365)),
            other_children="",
            address=fake.street_address(),
            postcode=fake.postcode(),
            notifier=rng.choice(["School", "Health visitor", "GP", "Parent", "Police"]),
            reason_for_referral="Family asked for help with routines and school attendance.",
            date_referred=referred,
        )
        if target == "awaiting_decision":
            continue
        decision = {
            "pending": Progressing.PENDING,
            "declined": Progressing.NO,
        }.get(target, Progressing.YES)
        case = services.record_decision(
            case,
            by=manager,
            version=case.version,
            response_date=referred + timedelta(days=rng.randint(1, 10)),
            progressing=decision,
            decline_reason="Needs are better met by the school nursing service."
            if decision == Progressing.NO
            else "",
            waiting_list=rng.random() < 0.4 if decision == Progressing.YES else None,
            predicted_start_date=referred + timedelta(days=21)
            if decision == Progressing.YES
            else None,
        )
        if worker_name:
            case = services.allocate_worker(
                case,
                by=manager,
                version=case.version,
                worker=User.objects.get(username=worker_name),
                date_appointed=referred + timedelta(days=14),
            )
            case = services.update_case(
                case,
                by=case.worker,
                version=case.version,
                fields={
                    "first_contact_family": referred + timedelta(days=rng.randint(15, 25)),
                    "first_contact_notifier": referred + timedelta(days=rng.randint(15, 25)),
                    "assessment_date": referred + timedelta(days=30),
                },
                key_reasons=rng.sample(reasons, 2),
            )
        if target == "closed":
            case = services.close_case(
                case,
                by=case.worker,
                version=case.version,
                # The most recent referrals closed today: a closure date is never ahead.
                closure_date=min(referred + timedelta(days=90), today),
                outcome=outcome,
                closure_summary="Routines agreed and attendance back above 95%. Family "
                "know how to ask for help again.",
            )
        if archived:
            services.archive_case(
                case, by=officer if target == "declined" else manager, version=case.version
            )
