from .people.accounts import session_is_portal_person


def look(request):
    """`base_template`: the portal's look for health partner people, Thrive's for everyone
    else. A callable, so it is worked out only by the templates that extend it."""

    def base_template():
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_is_portal_person(request):
            return "portal/base.html"
        return "base.html"

    return {"base_template": base_template}
