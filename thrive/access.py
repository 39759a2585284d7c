"""Access checks for views. Anything a person may not see answers 404, never 403, so the
existence of another service's records is never revealed."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def role_required(*roles, login_url=None):
    """Only people holding one of `roles` may use the view; others get 404. Anyone not signed
    in is sent to `login_url` (the staff sign-in page unless given)."""

    def decorator(view):
        @wraps(view)
        @login_required(login_url=login_url)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
