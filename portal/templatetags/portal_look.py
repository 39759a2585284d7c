"""The portal's menu: Tasks for everyone, the work tray and its people for work tray admins."""

from django import template
from django.urls import reverse

from thrive.models import Role

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_navigation(context) -> list[dict]:
    request = context["request"]
    user = request.user
    items = [{"text": "Tasks", "href": reverse("portal:landing")}]
    if user.has_role(Role.TRAY_ADMIN):
        items.append({"text": "Work tray", "href": reverse("portal:work_tray")})
    if user.has_role(Role.TRAY_ADMIN, Role.SEND_OFFICER):
        items.append({"text": "Work groups", "href": reverse("portal:work_groups")})
    for item in items:
        item["active"] = request.path == item["href"] or (
            item["href"] != reverse("portal:landing") and request.path.startswith(item["href"])
        )
    return items


@register.filter
def has_any_role(user, roles: str) -> bool:
    """`user|has_any_role:"clinician,tray_admin"`."""
    return user.has_role(*roles.split(","))
