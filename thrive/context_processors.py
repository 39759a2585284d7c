import functools

from django.conf import settings
from django.urls import get_script_prefix
from django.urls import reverse as _reverse

from continuity.records import RECORDING_ROLES

from .models import Role


@functools.cache
def _reverse_under(prefix: str, name: str, args: tuple) -> str:
    return _reverse(name, args=args)


def reverse(name: str, args=()) -> str:
    """reverse(), remembered: the header's links are the same on every page, and reversing
    them all cost a noticeable part of each request. Keyed by the script prefix the URLs
    start with, in case that ever differs between requests."""
    return _reverse_under(get_script_prefix(), name, tuple(args))


def navigation_for(user) -> list[dict]:
    """The header navigation: only the areas this person can use."""
    items = [{"text": "Home", "href": reverse("home")}]
    if user.has_role(Role.SERVICE_WORKER):
        items.append({"text": "My Cases", "href": reverse("cases:my_cases")})
    if user.has_role(Role.SERVICE_MANAGER):
        items += [
            {"text": "Managers area", "href": reverse("cases:managers_area")},
            {"text": "Cases Requiring Action", "href": reverse("cases:requiring_action")},
        ]
    if user.has_role(Role.EHPS_OFFICER):
        items += [
            {"text": "EHPS area", "href": reverse("cases:ehps_area")},
            {"text": "Refer a family", "href": reverse("cases:refer")},
        ]
    if user.has_role(Role.SERVICE_MANAGER, Role.EHPS_OFFICER):
        items += [
            {"text": "Reports", "href": reverse("cases:reports")},
            {"text": "Archive", "href": reverse("cases:archive_list")},
        ]
    if user.has_role(Role.SERVICE_MANAGER, Role.SERVICE_WORKER):
        items.append({"text": "Upload Document", "href": reverse("documents:upload")})
    if user.has_role(Role.SEND_OFFICER):
        items.append({"text": "Portal tasks", "href": reverse("portal:send_tasks")})
    if user.has_role(Role.TRAY_ADMIN):
        items.append({"text": "Work tray", "href": reverse("portal:work_tray")})
    if user.has_role(Role.CLINICIAN):
        items.append({"text": "Delegation Portal", "href": reverse("portal:landing")})
    if user.has_role(Role.SERVICE_MANAGER, Role.TRAY_ADMIN):
        items.append({"text": "Account requests", "href": reverse("selfservice:requests")})
    if user.has_role(*RECORDING_ROLES):
        items.append({"text": "Downtime tracker", "href": reverse("continuity:tracker")})
    if user.has_role(Role.SYSTEM_ADMIN):
        items += [
            {"text": "People", "href": reverse("people")},
            {"text": "Accounts", "href": reverse("selfservice:administration")},
            {"text": "Audit", "href": reverse("audit")},
            {"text": "Read-only mode", "href": reverse("continuity:read_only")},
            {"text": "Case lists", "href": reverse("cases:reference_list", args=["key-reasons"])},
            {"text": "Deleted documents", "href": reverse("documents:administrators_bin")},
            {"text": "Form types", "href": reverse("portal:form_types")},
        ]
    return items


def thrive(request):
    user = getattr(request, "user", None)
    context = {"phase": settings.THRIVE_PHASE}
    if user is not None and user.is_authenticated:
        current = request.path
        nav = navigation_for(user)
        for item in nav:
            item["current"] = item["href"] == current
            item["active"] = item["href"] != "/" and current.startswith(item["href"])
        context.update(
            navigation=nav,
            session_idle_timeout=settings.SESSION_IDLE_TIMEOUT,
            session_timeout_warning=settings.SESSION_TIMEOUT_WARNING,
        )
    return context
