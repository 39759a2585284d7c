"""Demo organisations and sign-ins. Each app adds its demo cases, documents and tasks through
the loader it registers (thrive.registry.add_demo_loader)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from . import registry
from .models import District, Membership, Organisation, Role, Service, User, WorkGroup

COUNCIL = "Kent Early Help"
HEALTH_PARTNER = "Kent Community Health NHS Trust"
WORK_GROUP = "Children's Therapies"

# (service, provider, district)
SERVICES = [
    ("Family Matters Ashford", "Family Matters Kent", District.ASHFORD),
    ("Young Lives Canterbury", "Young Lives Partnership", District.CANTERBURY),
    ("Swale Family Support", "Swale Family Support CIC", District.SWALE),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    job_title: str
    role: Role
    scope: str = ""  # service name, "work-group", or a district


PEOPLE = [
    DemoPerson("ehps01", "Erin Hughes", "Early Help officer", Role.EHPS_OFFICER, District.ASHFORD),
    DemoPerson(
        "ehps02", "Ewan Price", "Early Help officer", Role.EHPS_OFFICER, District.CANTERBURY
    ),
    DemoPerson("mgr01", "Maya Green", "Service manager", Role.SERVICE_MANAGER, SERVICES[0][0]),
    DemoPerson("wkr01", "Will Kerr", "Family support worker", Role.SERVICE_WORKER, SERVICES[0][0]),
    DemoPerson(
        "wkr02", "Wendy Roberts", "Family support worker", Role.SERVICE_WORKER, SERVICES[0][0]
    ),
    DemoPerson("mgr02", "Martin Grant", "Service manager", Role.SERVICE_MANAGER, SERVICES[1][0]),
    DemoPerson("wkr03", "Wes Rahman", "Family support worker", Role.SERVICE_WORKER, SERVICES[1][0]),
    DemoPerson("mgr03", "Megan Gill", "Service manager", Role.SERVICE_MANAGER, SERVICES[2][0]),
    DemoPerson("wkr04", "Wanda Reid", "Family support worker", Role.SERVICE_WORKER, SERVICES[2][0]),
    DemoPerson("send01", "Sam Ellis", "SEND officer", Role.SEND_OFFICER),
    DemoPerson("tray01", "Tara Young", "Work tray administrator", Role.TRAY_ADMIN, "work-group"),
    DemoPerson("clin01", "Dr Chloe Lin", "Occupational therapist", Role.CLINICIAN, "work-group"),
    DemoPerson("clin02", "Dr Colin Ives", "Paediatrician", Role.CLINICIAN, "work-group"),
    DemoPerson("clinmgr01", "Dr Clara Morgan", "Clinical lead", Role.CLINICIAN, "work-group"),
    DemoPerson("admin01", "Adam Ince", "Thrive system administrator", Role.SYSTEM_ADMIN),
]

# The sign-ins printed by `make run` and written in the README.
SIGN_INS = [
    ("ehps01", "Early Help officer, Ashford"),
    ("mgr01", "Manager, Family Matters Ashford"),
    ("wkr01", "Worker, Family Matters Ashford"),
    ("wkr02", "Second worker, Family Matters Ashford"),
    ("mgr02", "Manager, Young Lives Canterbury"),
    ("send01", "SEND officer"),
    ("tray01", "Work tray admin, Children's Therapies"),
    ("clin01", "Clinician"),
    ("clin02", "Clinician"),
    ("clinmgr01", "Clinicians' manager (counter-signatory)"),
    ("admin01", "System administrator"),
]


class DemoRefused(Exception):
    pass


@transaction.atomic
def load_demo_data() -> None:
    """Create or bring up to date the demo organisations and people. Safe to run again."""
    if not settings.DEBUG:
        raise DemoRefused(
            "Demo sign-ins share a published password, so they are refused when DEBUG=false."
        )
    council, _ = Organisation.objects.update_or_create(
        name=COUNCIL, defaults={"kind": Organisation.Kind.COUNCIL}
    )
    services = {}
    for name, provider_name, district in SERVICES:
        provider, _ = Organisation.objects.update_or_create(
            name=provider_name, defaults={"kind": Organisation.Kind.PROVIDER}
        )
        services[name], _ = Service.objects.update_or_create(
            name=name, defaults={"provider": provider, "district": district}
        )
    health, _ = Organisation.objects.update_or_create(
        name=HEALTH_PARTNER, defaults={"kind": Organisation.Kind.HEALTH_PARTNER}
    )
    group, _ = WorkGroup.objects.get_or_create(organisation=health, name=WORK_GROUP)

    for person in PEOPLE:
        if person.role in (Role.SERVICE_MANAGER, Role.SERVICE_WORKER):
            organisation = services[person.scope].provider
        elif person.scope == "work-group":
            organisation = health
        else:
            organisation = council
        user, created = User.objects.update_or_create(
            username=person.username,
            defaults={
                "full_name": person.full_name,
                "job_title": person.job_title,
                "email": f"{person.username}@demo.thrive.invalid",
                "organisation": organisation,
                "dbs_check_date": date(2025, 9, 1),
                "is_demo": True,
                "is_active": True,
            },
        )
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        scope = {}
        if person.role in (Role.SERVICE_MANAGER, Role.SERVICE_WORKER):
            scope["service"] = services[person.scope]
        elif person.scope == "work-group":
            scope["work_group"] = group
        elif person.role == Role.EHPS_OFFICER:
            scope["district"] = person.scope
        Membership.objects.get_or_create(user=user, role=person.role, **scope)

    manager = User.objects.get(username="clinmgr01")
    if group.manager_id != manager.pk:
        group.manager = manager
        group.save(update_fields=["manager"])
    # One lapsed DBS check so the administrators' list has something to show.
    User.objects.filter(username="wkr02").update(dbs_check_date=date(2022, 6, 30))

    # Each app's demo data, in the order the apps registered them in (thrive.registry).
    for dotted_path in registry.demo_loaders():
        import_string(dotted_path)()
