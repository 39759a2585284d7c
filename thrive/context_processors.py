import functools

from django.conf import settings
from django.urls import get_script_prefix
from django.urls import reverse as _reverse

from . import registry


@functools.cache
def _reverse_under(prefix: str, name: str, args: tuple) -> str:
    return _reverse(name, args=args)


def reverse(name: str, args=()) -> str:
    """reverse(), remembered: the header's links are the same on every page, and reversing
    them all cost a noticeable part of each request. Keyed by the script prefix the URLs
    start with, in case that ever differs between requests."""
    return _reverse_under(get_script_prefix(), name, tuple(args))


def navigation_for(user) -> list[dict]:
    """The header navigation: only the areas this person can use (each app registers its own
    entries, thrive.registry)."""
    return [
        {"text": entry.text, "href": reverse(entry.url_name, args=entry.args)}
        for entry in registry.navigation()
        if not entry.roles or user.has_role(*entry.roles)
    ]


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
