"""The isolation harness: every URL that takes an object id, tried by every role against an
object of another tenant, must answer 404.

Each area registers its object URLs in OBJECT_URLS: the URL name, how to find the kwargs of
a foreign object in the other tenant's world, and the roles that may legitimately see other
tenants' objects of that kind (for example system administrators, who administer the whole
deployment). A URL pattern with parameters that is in neither OBJECT_URLS nor NOT_OBJECT_URLS
fails the suite, so a new view cannot skip the check."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from thrive.models import District, Organisation, Role

from .continuity.factories import make_record
from .documents.library.factories import make_document
from .factories import (
    OrganisationFactory,
    ServiceFactory,
    WorkGroupFactory,
    failed_email,
    make_case,
    make_note,
    person,
)
from .portal.factories import make_portal_document, make_portal_task
from .selfservice.factories import request_in


@dataclass
class World:
    """One tenant's slice of the deployment: a provider's service in a district, a health
    partner's work group, and a person in every role."""

    service: object
    work_group: object
    people: dict = field(default_factory=dict)
    case: object = None
    document: object = None
    task: object = None
    record: object = None


def build_world(district: str, label: str) -> World:
    provider = OrganisationFactory(name=f"Provider {label}")
    service = ServiceFactory(provider=provider, name=f"Service {label}", district=district)
    health = OrganisationFactory(
        name=f"Health partner {label}", kind=Organisation.Kind.HEALTH_PARTNER
    )
    group = WorkGroupFactory(organisation=health, name=f"Work group {label}")
    world = World(service=service, work_group=group)
    for role in Role:
        world.people[role] = person(
            role,
            service=service if role in (Role.SERVICE_MANAGER, Role.SERVICE_WORKER) else None,
            work_group=group if role in (Role.TRAY_ADMIN, Role.CLINICIAN) else None,
            district=district if role == Role.EHPS_OFFICER else "",
            username=f"{role.value}-{label}".lower(),
        )
    world.case = make_case(
        service,
        referred_by=world.people[Role.EHPS_OFFICER],
        worker=None,
        status="awaiting_decision",
    )
    world.document = make_document(world.case)
    world.task = make_portal_task(world)
    world.record = make_record(world.people[Role.SERVICE_WORKER])
    return world


def home_and_other_worlds() -> tuple[World, World]:
    return build_world(District.ASHFORD, "home"), build_world(District.CANTERBURY, "other")


@dataclass(frozen=True)
class ObjectUrl:
    kwargs: Callable[[World], dict]
    sees_other_tenants: frozenset = frozenset()


OBJECT_URLS: dict[str, ObjectUrl] = {
    "service_detail": ObjectUrl(
        lambda other: {"pk": other.service.pk},
        sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
    ),
    "work_group_detail": ObjectUrl(
        lambda other: {"pk": other.work_group.pk},
        # SEND officers delegate tasks to any health partner's work tray.
        sees_other_tenants=frozenset({Role.SYSTEM_ADMIN, Role.SEND_OFFICER}),
    ),
    "person_detail": ObjectUrl(
        lambda other: {"pk": other.people[Role.SERVICE_WORKER].pk},
        sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
    ),
}


def _case(other):
    return {"thrive_id": other.case.thrive_id}


# Nobody sees another tenant's case: not managers or workers of other services, not EHPS
# officers of other districts, and not administrators, who never see case records.
OBJECT_URLS.update(
    {
        f"cases:{name}": ObjectUrl(_case)
        for name in ["detail", "edit", "decide", "allocate", "close", "archive", "unarchive"]
    }
)

# Case notes: only on a case the person may see, and a note only through its own case.
OBJECT_URLS["cases:note_add"] = ObjectUrl(_case)
OBJECT_URLS["cases:note_correct"] = ObjectUrl(
    lambda other: {"thrive_id": other.case.thrive_id, "pk": make_note(other.case).pk}
)

# Account requests: only the requesting service's managers (and administrators) see them;
# a manager or tray admin may only make requests for their own service or work group.
OBJECT_URLS.update(
    {
        "selfservice:request_detail": ObjectUrl(
            lambda other: {"pk": request_in(other).pk},
            sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
        ),
        "selfservice:request_submitted": ObjectUrl(
            lambda other: {"pk": request_in(other).pk},
            sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
        ),
        "selfservice:request_decide": ObjectUrl(
            lambda other: {"pk": request_in(other).pk},
            sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
        ),
        "selfservice:request_new_service": ObjectUrl(
            lambda other: {"service_pk": other.service.pk, "kind": "new-account"}
        ),
        "selfservice:request_new_work_group": ObjectUrl(
            lambda other: {"work_group_pk": other.work_group.pk, "kind": "new-account"}
        ),
        "selfservice:unlock": ObjectUrl(
            lambda other: {"user_pk": other.people[Role.SERVICE_WORKER].pk},
            sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
        ),
    }
)

# Documents: nobody sees another tenant's documents (administrators never see case records).
OBJECT_URLS.update(
    {
        f"documents:{name}": ObjectUrl(lambda other: {"pk": other.document.pk})
        for name in [
            "detail",
            "download",
            "preview",
            "new_version",
            "edit",
            "delete",
            "restore",
            "edit_in_browser",
        ]
    }
)
OBJECT_URLS["documents:download_version"] = ObjectUrl(
    lambda other: {"pk": other.document.pk, "number": 1}
)
OBJECT_URLS["documents:upload_to_case"] = ObjectUrl(_case)
OBJECT_URLS["documents:case_documents"] = ObjectUrl(_case)
# Only system administrators reach a bin entry to delete it for good; everyone else gets 404.
OBJECT_URLS["documents:purge"] = ObjectUrl(
    lambda other: {"pk": other.document.pk}, sees_other_tenants=frozenset({Role.SYSTEM_ADMIN})
)

# Portal tasks: nobody sees another health partner's or another SEND officer's tasks.
OBJECT_URLS.update(
    {
        f"portal:{name}": ObjectUrl(lambda other: {"pk": other.task.pk})
        for name in ["task", "reassign", "decline", "delegate", "send_task", "retract", "take_over"]
    }
)
OBJECT_URLS["portal:documents"] = ObjectUrl(lambda other: {"pk": other.task.pk})
OBJECT_URLS["portal:print_pdf"] = ObjectUrl(lambda other: {"pk": other.task.pk})
OBJECT_URLS.update(
    {
        f"portal:{name}": ObjectUrl(
            lambda other: {"pk": other.task.pk, "document_pk": make_portal_document(other.task).pk}
        )
        for name in ["download_document", "remove_document"]
    }
)

# Who is in a work group: its work tray admins manage it, and SEND officers (council-wide,
# they delegate to every tray) may add registered people to any group.
OBJECT_URLS["portal:work_group_people"] = ObjectUrl(
    lambda other: {"pk": other.work_group.pk},
    sees_other_tenants=frozenset({Role.SEND_OFFICER}),
)
OBJECT_URLS["portal:remove_member"] = ObjectUrl(
    lambda other: {
        "pk": other.work_group.pk,
        "membership_pk": other.people[Role.CLINICIAN].memberships.get().pk,
    },
    sees_other_tenants=frozenset({Role.SEND_OFFICER}),
)

# Downtime records: their author, and the managers of the author's service (or of the service
# a TEMPLATE REFERRAL was sent to) see them; nobody in another tenant, administrators included.
OBJECT_URLS.update(
    {
        f"continuity:{name}": ObjectUrl(lambda other: {"pk": other.record.pk})
        for name in [
            "record",
            "record_change",
            "record_change_kind",
            "record_apply",
            "record_entered",
            "record_not_entered",
        ]
    }
)

# The Operations page's email retry: the outbox is the deployment's, administered by system
# administrators only; everyone else gets 404.
OBJECT_URLS["operations_retry_email"] = ObjectUrl(
    lambda other: {"pk": failed_email(to=[other.people[Role.SERVICE_MANAGER].email]).pk},
    sees_other_tenants=frozenset({Role.SYSTEM_ADMIN}),
)


def _export_job(other):
    from thrive.models import ExportJob

    job = ExportJob.objects.create(
        user=other.people[Role.SERVICE_MANAGER],
        title="Managers area",
        path="/cases/managers-area/",
        query="export=managers-area&format=csv",
        format="csv",
        filename="managers-area.csv",
        rows_total=60_000,
    )
    return {"pk": job.pk}


# A large download being prepared is its requester's alone: nobody else sees it, however
# senior (administrators included).
OBJECT_URLS.update(
    {"export_status": ObjectUrl(_export_job), "export_download": ObjectUrl(_export_job)}
)


# Subject access requests: only the system administrator who asked sees one (another
# administrator gets 404 too), so nobody in the home world reaches the other world's.
OBJECT_URLS.update(
    {
        name: ObjectUrl(lambda other: {"pk": make_subject_access_request(other).pk})
        for name in ("subject_access_detail", "subject_access_download")
    }
)


def make_subject_access_request(world):
    from thrive.models import SubjectAccessRequest

    made, _ = SubjectAccessRequest.objects.get_or_create(
        requested_by=world.people[Role.SYSTEM_ADMIN],
        defaults={
            "child_first_name": "Claire",
            "child_last_name": "Marshall",
            "child_date_of_birth": "2015-03-27",
            "selection": {"cases": [world.case.pk]},
        },
    )
    return made


# URL patterns with parameters that name no tenant-owned object, and why.
NOT_OBJECT_URLS: dict[str, str] = {
    "cases:report": "the parameter names a report; its rows come from Case.visible_to",
    "cases:reference_list": "council-wide list (Key Reasons, Outcomes); administrators only",
    "cases:reference_item": "council-wide list entry, not tenant data; administrators only",
}

NOT_OBJECT_URLS["continuity:record_add_kind"] = (
    "the parameter names a kind of record; a case is chosen by Thrive ID among visible cases"
)
NOT_OBJECT_URLS["selfservice:invitation"] = (
    "the parameter is a single-use secret token, not an id; unknown tokens answer 404"
)

for _name in ("wopi:file", "wopi:contents"):
    NOT_OBJECT_URLS[_name] = (
        "the editor's server calls it with an access token, never a session: a token names one "
        "document and one person (tests/documents/test_wopi.py: a token for one document "
        "reaches no other, of this tenant or another, and a signed-in session reaches none)"
    )

for _name in ("portal:form_type", "portal:form_type_change", "portal:form_type_active"):
    NOT_OBJECT_URLS[_name] = "council-wide form definitions; administrators only"


def url_names(
    resolver: URLResolver | None = None, prefix: str = "", *, parameterised: bool = False
) -> set[str]:
    """The names of every URL pattern (at any depth), or only those whose route takes
    parameters."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= url_names(entry, namespace, parameterised=parameterised)
        elif isinstance(entry, URLPattern) and (entry.pattern.regex.groups or not parameterised):
            names.add(f"{prefix}{entry.name}" if entry.name else repr(entry.pattern))
    return names


def parameterised_url_names() -> set[str]:
    return url_names(parameterised=True)


def own_kwargs(url_name: str, world: World) -> list[dict]:
    """The kwargs that reach `world`'s own objects at `url_name` (one set per page, more
    than one for a URL that names a report or list)."""
    if url_name in OBJECT_URLS:
        return [OBJECT_URLS[url_name].kwargs(world)]
    return NOT_OBJECT_KWARGS.get(url_name, lambda world: [{}])(world)


def _reports(world):
    from cases.reports import REPORTS

    return [{"slug": slug} for slug in REPORTS]


def _reference_items(world):
    from cases.models import KeyReason

    return [{"kind": "key-reasons", "pk": KeyReason.objects.first().pk}]


def _form_types(world):
    return [{"pk": world.task.form_id}]


NOT_OBJECT_KWARGS = {
    "cases:report": _reports,
    "cases:reference_list": lambda world: [{"kind": "key-reasons"}, {"kind": "outcomes"}],
    "cases:reference_item": _reference_items,
    "selfservice:invitation": lambda world: [{"token": "not-a-real-invitation"}],
    "portal:form_type": _form_types,
    "portal:form_type_change": _form_types,
    "portal:form_type_active": _form_types,
    "wopi:file": lambda world: [{"pk": world.document.pk}],
    "wopi:contents": lambda world: [{"pk": world.document.pk}],
    "continuity:record_add_kind": lambda world: [
        {"kind": kind} for kind in ("note", "case_change", "decision", "new_family", "attachment")
    ],
}
