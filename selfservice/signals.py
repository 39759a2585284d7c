"""At sign-in, work out once what the person must do about their password and security
questions, and keep it in the session for the gate (middleware.py) and the banner."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from .services import SESSION_NOTICES, SESSION_PASSWORD_EXPIRED, sign_in_notices


@receiver(user_logged_in)
def note_password_state_at_sign_in(sender, request, user, **kwargs):
    state = sign_in_notices(user)
    from portal.people.accounts import remember_portal_person

    if remember_portal_person(request, user):
        # Health partner people reset a forgotten password with an emailed code, not with
        # security questions, so they are not asked to set any.
        state["notices"]["needs_questions"] = False
    request.session[SESSION_NOTICES] = state["notices"]
    if state["expired"]:
        request.session[SESSION_PASSWORD_EXPIRED] = True
    else:
        request.session.pop(SESSION_PASSWORD_EXPIRED, None)
