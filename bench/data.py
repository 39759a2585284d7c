"""Realistic volumes: 100 services, 2,000 people, 200,000 cases (Faker, en_GB). Generated
once per database; a second run finds them and adds nothing."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from cases.models import Case, Outcome, Progressing, Status
from thrive.models import (
    AcceptableUsePolicy,
    District,
    Membership,
    Organisation,
    PolicyAcceptance,
    Role,
    Service,
    User,
)

SERVICES = 100
PEOPLE = 2_000
CASES = 200_000
BATCH = 5_000

# (status, progressing, archived, share of cases)
MIX = [
    (Status.CLOSED, Progressing.YES, True, 0.55),
    (Status.DECLINED, Progressing.NO, True, 0.08),
    (Status.CLOSED, Progressing.YES, False, 0.08),
    (Status.OPEN, Progressing.YES, False, 0.17),
    (Status.AWAITING_WORKER, Progressing.YES, False, 0.04),
    (Status.AWAITING_DECISION, "", False, 0.04),
    (Status.PENDING, Progressing.PENDING, False, 0.02),
    (Status.DECLINED, Progressing.NO, False, 0.02),
]


def ensure_volumes(out=print) -> None:
    if Case.objects.count() >= CASES:
        out(f"Data already generated: {Case.objects.count():,} cases.")
        return
    rng = random.Random(42)  # noqa: S311 (repeatable benchmark data)
    fake = Faker("en_GB")
    fake.seed_instance(42)
    districts = [d for d, _ in District.choices]
    with transaction.atomic():
        council, _ = Organisation.objects.get_or_create(
            name="Bench Council", defaults={"kind": Organisation.Kind.COUNCIL}
        )
        providers = [
            Organisation.objects.get_or_create(
                name=f"Bench Provider {i:03d}", defaults={"kind": Organisation.Kind.PROVIDER}
            )[0]
            for i in range(SERVICES // 2)
        ]
        services = [
            Service.objects.get_or_create(
                name=f"Bench Service {i:03d}",
                defaults={"provider": providers[i // 2], "district": districts[i % len(districts)]},
            )[0]
            for i in range(SERVICES)
        ]
        people = _people(council, services, districts, fake)
    out(f"{len(services)} services, {User.objects.count():,} people.")
    managers = {m.service_id: m.user for m in Membership.objects.filter(role=Role.SERVICE_MANAGER)}
    workers = {}
    for m in Membership.objects.filter(role=Role.SERVICE_WORKER, service__in=services):
        workers.setdefault(m.service_id, []).append(m.user)
    officers = {m.district: m.user for m in Membership.objects.filter(role=Role.EHPS_OFFICER)}
    outcomes = list(Outcome.objects.all())
    start = Case.objects.count()
    today = timezone.localdate()
    weights = [share for *_, share in MIX]
    for batch_start in range(start, CASES, BATCH):
        batch = []
        for n in range(batch_start, min(batch_start + BATCH, CASES)):
            service = services[n % SERVICES]
            status, progressing, archived, _ = rng.choices(MIX, weights)[0]
            referred = today - timedelta(days=rng.randint(0, 5 * 365))
            worker = (
                rng.choice(workers[service.pk]) if status in (Status.OPEN, Status.CLOSED) else None
            )
            family = fake.last_name()
            decided = referred + timedelta(days=rng.randint(0, 20)) if progressing else None
            batch.append(
                Case(
                    thrive_id=f"KT{n + 1:06d}",
                    service=service,
                    district=service.district,
                    status=status,
                    family_names=family,
                    child_first_name=fake.first_name(),
                    child_last_name=family,
                    child_date_of_birth=referred - timedelta(days=rng.randint(365, 16 * 365)),
                    address=fake.street_address(),
                    postcode=fake.postcode(),
                    notifier="School",
                    reason_for_referral="Generated for the benchmark",
                    date_referred=referred,
                    referred_by=officers[service.district],
                    response_date=decided,
                    progressing=progressing,
                    waiting_list=rng.random() < 0.3 if progressing == Progressing.YES else None,
                    worker=worker,
                    date_worker_appointed=decided + timedelta(days=5) if worker else None,
                    first_contact_family=decided + timedelta(days=rng.randint(5, 30))
                    if worker
                    else None,
                    closure_date=referred + timedelta(days=120)
                    if status == Status.CLOSED
                    else None,
                    outcome=rng.choice(outcomes) if status == Status.CLOSED else None,
                    closure_summary="Closed"
                    if status == Status.CLOSED and rng.random() > 0.01
                    else "",
                    archived_at=timezone.now() - timedelta(days=rng.randint(0, 900))
                    if archived
                    else None,
                    modified_at=timezone.now() - timedelta(minutes=rng.randint(0, 2_000_000)),
                    modified_by=managers[service.pk],
                )
            )
        Case.objects.bulk_create(batch)
        out(f"  {min(batch_start + BATCH, CASES):,} cases")
    del people


def _people(council, services, districts, fake):
    policy = AcceptableUsePolicy.current()
    made = []
    existing = set(User.objects.values_list("username", flat=True))

    def add(username, role, **scope):
        if username in existing:
            return
        user = User(
            username=username,
            full_name=fake.name(),
            email=f"{username}@bench.invalid",
            organisation=scope.get("service").provider if scope.get("service") else council,
            password="!",  # unusable: benchmark people never sign in with a password
            dbs_check_date=date(2025, 1, 1),
        )
        made.append((user, role, scope))

    for district in districts:
        add(f"ehps-{district}", Role.EHPS_OFFICER, district=district)
    for service in services:
        add(f"mgr-{service.pk}", Role.SERVICE_MANAGER, service=service)
    per_service = (PEOPLE - len(services) - len(districts)) // len(services)
    for service in services:
        for i in range(per_service):
            add(f"wkr-{service.pk}-{i}", Role.SERVICE_WORKER, service=service)
    User.objects.bulk_create([u for u, _, _ in made], batch_size=BATCH)
    saved = {
        u.username: u for u in User.objects.filter(username__in=[u.username for u, _, _ in made])
    }
    Membership.objects.bulk_create(
        [Membership(user=saved[u.username], role=role, **scope) for u, role, scope in made],
        batch_size=BATCH,
    )
    if policy:
        PolicyAcceptance.objects.bulk_create(
            [
                PolicyAcceptance(user=u, policy=policy, name_given=u.full_name)
                for u in saved.values()
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    return saved
