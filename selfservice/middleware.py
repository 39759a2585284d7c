"""The expired-password gate. Whether the password has expired is worked out at sign-in
(signals.py) and kept in the session, so ordinary requests cost no query."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from thrive.middleware import GATE_EXEMPT_URL_NAMES

from .services import SESSION_PASSWORD_EXPIRED

# Self-service pages a person with an expired password may still use.
OPEN_VIEWS = {
    "selfservice:change_password",
    "selfservice:password_changed",
    "selfservice:rules",
    "selfservice:help",
    "selfservice:forgotten",
    "selfservice:forgotten_questions",
    "selfservice:forgotten_code",
    "selfservice:forgotten_new_password",
    "selfservice:forgotten_done",
    "portal:change_password",
}


class PasswordExpiryMiddleware:
    """Someone who signed in with an expired password sets a new one before anything else
    (after the second factor and the Acceptable Use Policy, whose gates run first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if not request.session.get(SESSION_PASSWORD_EXPIRED):
            return None
        match = request.resolver_match
        if match is not None and (
            match.url_name in GATE_EXEMPT_URL_NAMES or match.view_name in OPEN_VIEWS
        ):
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('selfservice:change_password')}?{query}")
