"""Demo portal tasks in every state, made through the same service functions people use, so
each has a real history. Loaded once: a second run finds them and does nothing."""

import importlib
from datetime import date, timedelta

from django.apps import apps
from django.utils import timezone

from thrive.models import User, WorkGroup

from .delegation import services
from .models import FormDefinition, Task

EHCNA = "EHCNA Information Gathering"
OT = "OT advice for a statutory Education Health and Care assessment"

COMPLETE_EHCNA = {
    "known_to_service": "yes",
    "background": "Known to the children's therapy service since 2019 after a referral from "
    "the GP for delayed motor skills.",
    "health_needs": "Hypermobility affecting handwriting stamina and balance.",
    "outcomes": "By the end of key stage 2, writes a paragraph independently.",
    "health_provision": [
        {"provision": "Occupational therapy review each term", "who": "Children's OT"},
        {"provision": "Daily fine motor programme (15 minutes)", "who": "Teaching assistant"},
    ],
    "reports": [{"report": "OT assessment report", "date": "2026-09-14"}],
    "author_name": "Dr Chloe Lin",
    "author_role": "Occupational therapist",
    "completed_on": "2026-11-02",
}

# (child, form type, holder: None for the work tray, state to reach, days until due)
PLAN = [
    ("Diane Bluebell", EHCNA, None, "assigned", 30),
    ("Frodo Bagginski", OT, None, "assigned", 38),
    ("Amira Khan", EHCNA, "clin01", "assigned", 25),
    ("Oliver Price", EHCNA, "clin01", "in_progress", 12),
    ("Ruby Shaw", OT, "clin01", "in_progress", -3),
    ("Leo Fitzgerald", EHCNA, "clin01", "submitted", 20),
    ("Maisie Turner", EHCNA, "clin01", "retracted", 15),
    ("Noah Evans", OT, "clin01", "declined", 28),
    ("Isla Morgan", "Consultation report", "clin02", "assigned", 33),
    ("Jacob Hill", "Annual review report", "clin02", "in_progress", 9),
    ("Poppy Ward", EHCNA, "clin01", "awaiting_countersignature", 6),
    ("Harry Cole", EHCNA, "clin01", "countersigned", 18),
]


def load_demo_portal() -> None:
    importlib.import_module("portal.migrations.0002_form_definitions").add_definitions(apps, None)
    _demo_automatic_reply()
    _demo_registered_newcomer()
    if Task.objects.filter(sent_by__username="send01").exists():
        return
    send01 = User.objects.get(username="send01")
    tray01 = User.objects.get(username="tray01")
    group = WorkGroup.objects.get(memberships__user=tray01)
    forms = {f.name: f for f in FormDefinition.objects.filter(active=True)}
    today = timezone.localdate()
    for number, (child, form, holder, state, due_in) in enumerate(PLAN):
        task = services.create_task(
            by=send01,
            form=forms[form],
            child_name=child,
            child_date_of_birth=date(2012 + number % 6, 1 + number % 12, 3 + number),
            child_address=f"{10 + number} Test Street, Ashford, TN23 {number}AA",
            work_group=group,
            required_by=today + timedelta(days=due_in),
            comments="Please complete the report",
            department="SEND North Team",
            telephone="03000 415 000",
            sender_address="SEND North Team, Invicta House, Maidstone ME14 1XQ",
        )
        if holder is None:
            continue
        clinician = User.objects.get(username=holder)
        services.delegate_task(task, by=tray01, clinician=clinician)
        _reach(task, state, clinician, send01)


def _reach(task, state, clinician, send01):
    if state == "assigned":
        return
    if state == "declined":
        services.decline_task(task, by=clinician, reason="Not known to the therapy service.")
        return
    if state == "retracted":
        services.retract_task(task, by=send01, reason="The request was sent in error.")
        return
    answers = COMPLETE_EHCNA if task.form.name == EHCNA else {"outcomes": "Draft outcomes."}
    services.save_answers(task, by=clinician, answers=answers)
    if state == "submitted":
        services.submit_task(task, by=clinician)
    elif state in ("awaiting_countersignature", "countersigned"):
        manager = User.objects.get(username="clinmgr01")
        services.reassign_task(task, by=clinician, to=manager)
        if state == "countersigned":
            from .delegation.countersign import countersign_task

            countersign_task(task, by=manager)
            services.submit_task(task, by=manager)


def _demo_automatic_reply() -> None:
    """clin02 is on leave this fortnight: tasks go to clin01 instead."""
    from .delegation.replies import redirect_candidates, set_automatic_reply
    from .models import AutomaticReply

    clin02 = User.objects.filter(username="clin02").first()
    if clin02 is None or AutomaticReply.objects.filter(user=clin02).exists():
        return
    today = timezone.localdate()
    set_automatic_reply(
        by=clin02,
        message="I am on annual leave. Please send new tasks to Dr Chloe Lin.",
        starts=today - timedelta(days=2),
        ends=today + timedelta(days=12),
        redirect_to=redirect_candidates(clin02).filter(username="clin01").first(),
    )


def _demo_registered_newcomer() -> None:
    """Someone who registered for Children and Families Online Services and waits for tray01
    to add them to the work group (Work groups → Children's Therapies)."""
    from .models import PortalProfile

    if User.objects.filter(username="ellisn01").exists():
        return
    tray01 = User.objects.get(username="tray01")
    newcomer = User.objects.create_user(
        "ellisn01",
        password=None,
        full_name="Nyree Ellison",
        email="ellisn01@demo.thrive.invalid",
        job_title="Paediatric physiotherapist",
        organisation=tray01.organisation,
        is_demo=True,
    )
    PortalProfile.objects.create(
        user=newcomer,
        forename="Nyree",
        surname="Ellison",
        street="Orchard Way",
        house_number="12",
        town="Maidstone",
        county="Kent",
        postcode="ME14 1XQ",
        email_confirmed_at=timezone.now(),
    )
