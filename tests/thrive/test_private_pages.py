"""Nothing sent to a signed-in person may be kept by the browser or a cache between
(thrive.middleware.PrivatePagesMiddleware): every page, list, report, case, task, export and
download says `Cache-Control: private, no-store`. Every URL pattern is tried (the isolation
harness, tests/isolation.py, lists them), each by the first role that gets its page, and every
CSV and XLSX export a page offers is downloaded too."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from thrive.models import District, Role

from ..isolation import build_world, own_kwargs, url_names

PRIVATE = "private, no-store"
EXPORT_LINK = re.compile(r'href="\?([^"]*format=(?:csv|xlsx))"')
# Who is most likely to have each page: people of a service first, administrators last.
ROLES = [
    Role.SERVICE_MANAGER,
    Role.SERVICE_WORKER,
    Role.EHPS_OFFICER,
    Role.SEND_OFFICER,
    Role.TRAY_ADMIN,
    Role.CLINICIAN,
    *[role for role in Role if role not in {Role.SYSTEM_ADMIN}],
    Role.SYSTEM_ADMIN,
]
# The pages with children's data that must be reached (not only refused) to count as tested:
# every list, report, case, task and download. Every other URL is still tried, and whatever it
# answers a signed-in person (a redirect, a refusal) must say the same.
PAGES = {
    "home",
    "people",
    "person_detail",
    "audit",
    "cases:my_cases",
    "cases:managers_area",
    "cases:requiring_action",
    "cases:archive_list",
    "cases:ehps_area",
    "cases:reports",
    "cases:report",
    "cases:detail",
    "cases:edit",
    "cases:decide",
    "documents:detail",
    "documents:download",
    "documents:preview",
    "documents:case_documents",
    "documents:bin",
    "portal:landing",
    "portal:work_tray",
    "portal:send_tasks",
    "portal:send_dashboard",
    "portal:task",
    "portal:documents",
    "portal:print_pdf",
    "continuity:tracker",
    "continuity:re_entry",
    "continuity:record",
    "selfservice:queue",
    "selfservice:requests",
    "selfservice:report_expiring",
    "selfservice:report_locked",
    "selfservice:report_without_self_service",
}


@pytest.fixture
def world(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    world = build_world(District.ASHFORD, "home")
    version = world.document.current_version
    default_storage.save(version.file, ContentFile(b"%PDF-1.4 document"))
    return world


def _pages(world, url_name):
    return [reverse(url_name, kwargs=kwargs) for kwargs in own_kwargs(url_name, world)]


def _export_queries(response) -> list[str]:
    if "html" not in response.get("Content-Type", ""):
        return []
    return [query.replace("&amp;", "&") for query in EXPORT_LINK.findall(response.text)]


def test_the_pages_that_must_be_reached_are_url_names():
    assert url_names() >= PAGES


@pytest.mark.parametrize("url_name", sorted(url_names()))
def test_every_answer_to_a_signed_in_person_says_private_no_store(verified_client, world, url_name):
    for url in _pages(world, url_name):
        reached = None
        for role in dict.fromkeys(ROLES):
            client = verified_client(world.people[role])
            response = client.get(url)
            assert response["Cache-Control"] == PRIVATE, (url, role, response.status_code)
            if response.status_code == 200:
                reached = response
                break
        if url_name in PAGES:
            assert reached is not None, f"no role reached {url}"
        for query in _export_queries(reached) if reached else []:
            export = client.get(f"{url}?{query}")
            assert export.status_code == 200, (url, query)
            assert export["Cache-Control"] == PRIVATE, (url, query)
