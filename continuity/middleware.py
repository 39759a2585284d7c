"""Read-only mode, enforced for every request in one place."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from thrive.middleware import GATE_EXEMPT_URL_NAMES

from .readonly import AUTOMATIC_RETRY_AFTER_SECONDS, downtime_in_force

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Changes still accepted in read-only mode: signing in and out, the gates in front of
# everything (second factor, AUP, an expired password), and ending read-only mode itself.
# Views of their own say so with @allowed_in_read_only (the downtime records).
WRITABLE_VIEW_NAMES = {
    "continuity:read_only",
    "portal:sign_in",
    "portal:sign_in_code",
    "selfservice:change_password",
    "selfservice:forgotten",
    "selfservice:forgotten_questions",
    "selfservice:forgotten_code",
    "selfservice:forgotten_new_password",
    "portal:change_password",
    "portal:forgotten",
    "portal:forgotten_code",
    "portal:forgotten_password",
}

# Staff who keep using Thrive's own pages on the portal while it is closed to health partners.
PORTAL_HOLDING_EXEMPT = {"account_logout", "session_status", "session_keep_alive"}


class ReadOnlyModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.downtime = downtime_in_force()
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        downtime = request.downtime
        if downtime is None:
            return None
        match = request.resolver_match
        if downtime.close_portal and _health_partner_visit(request, match):
            if match.view_name == "continuity:portal_holding" or (
                match.url_name in PORTAL_HOLDING_EXEMPT
            ):
                return None
            return holding_page(request, downtime)
        if request.method in SAFE_METHODS or _writable(view_func, match, downtime):
            return None
        if hasattr(view_func, "read_only_answer"):
            return _answered_by_the_view(view_func, request, downtime)
        return _refused(request, downtime)


def _answered_by_the_view(view_func, request, downtime):
    """A view whose callers are programs, not people (the WOPI editor's server), carries
    `read_only_answer(request, downtime)`: the refusal in the caller's own terms instead of
    the HTML page, or None to let the request through (a POST that only reads)."""
    response = view_func.read_only_answer(request, downtime)
    if response is not None and response.status_code == 503:
        for header, value in _retry_after(downtime).items():
            response.setdefault(header, value)
    return response


# With the primary down nothing can be saved, downtime records and signing in included: only
# what the session alone holds (thrive/sessions/) is still accepted.
WRITABLE_WITHOUT_PRIMARY = {"account_logout", "session_keep_alive", "session_status"}


def _writable(view_func, match, downtime) -> bool:
    if getattr(downtime, "automatic", False):
        return match.url_name in WRITABLE_WITHOUT_PRIMARY
    return (
        getattr(view_func, "allowed_in_read_only", False)
        or match.url_name in GATE_EXEMPT_URL_NAMES
        or match.view_name in WRITABLE_VIEW_NAMES
    )


def _health_partner_visit(request, match) -> bool:
    """Anyone on the portal's pages who is not signed in, and health partner people anywhere."""
    if not request.user.is_authenticated:
        return match.namespace == "portal" or match.view_name == "continuity:portal_holding"
    from portal.people.accounts import session_is_portal_person

    return session_is_portal_person(request)


def _retry_after(downtime) -> dict:
    if getattr(downtime, "automatic", False):
        return {"Retry-After": str(AUTOMATIC_RETRY_AFTER_SECONDS)}
    if downtime.expected_back and downtime.expected_back > timezone.now():
        seconds = int((downtime.expected_back - timezone.now()).total_seconds())
        return {"Retry-After": str(max(seconds, 60))}
    return {}


def _refused(request, downtime) -> HttpResponse:
    match = request.resolver_match
    signing_in = match.url_name == "account_login" or match.view_name == "portal:sign_in"
    html = render_to_string(
        "continuity/refused.html",
        {"downtime": downtime, "method": request.method, "signing_in": signing_in},
        request,
    )
    return HttpResponse(html, status=503, headers=_retry_after(downtime))


def holding_page(request, downtime) -> HttpResponse:
    html = render_to_string("continuity/portal_holding.html", {"downtime": downtime}, request)
    return HttpResponse(html, status=503, headers=_retry_after(downtime))
