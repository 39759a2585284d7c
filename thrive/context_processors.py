from django.conf import settings
from django.urls import reverse

from .models import Role


def navigation_for(user) -> list[dict]:
    """The header navigation: only the areas this person can use."""
    items = [{"text": "Home", "href": reverse("home")}]
    if user.has_role(Role.SYSTEM_ADMIN):
        items += [
            {"text": "People", "href": reverse("people")},
            {"text": "Audit", "href": reverse("audit")},
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
