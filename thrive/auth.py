"""Authentication backends that load the signed-in person and their memberships' scopes in one
query on every request (the user and the roles were two), with Django's and allauth's
sign-in behaviour unchanged."""

import time

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import CharField, F, StringAgg, Value
from django.db.models.functions import Cast, Coalesce, Concat

from .models import User
from .precompiled import PrecompiledQuery

# One membership as text: role|service id|work group id|district (ids blank when none).
_SCOPE = Concat(
    F("memberships__role"),
    Value("|"),
    Coalesce(Cast("memberships__service_id", CharField()), Value("")),
    Value("|"),
    Coalesce(Cast("memberships__work_group_id", CharField()), Value("")),
    Value("|"),
    Coalesce(F("memberships__district"), Value("")),
    output_field=CharField(),
)


def _person_with_scopes(user_id):
    return (
        User.objects.filter(pk=user_id)
        .annotate(scope_text=StringAgg(_SCOPE, delimiter=Value(";"), default=Value("")))
        .order_by()[:1]
    )


# Compiled once per process: the ORM spent longer compiling this query than it takes to run.
_PERSON = PrecompiledQuery(User, _person_with_scopes)


# The rows of people signed in here recently: user id -> (good until, database alias, row).
_recent: dict[int, tuple[float, str, tuple]] = {}


def user_with_scopes(user_id) -> User | None:
    """The person, with User.scopes already loaded (no memberships query later).

    Each process keeps the row it read for SIGNED_IN_PERSON_CACHE_SECONDS (default 2): a
    person's next requests within that time skip the query. Every request still reads its
    session, so signing out, suspension and a password change (which end the sessions) take
    effect at once; a change of roles or details made in this process does too (the row is
    dropped when the person or a membership is saved or deleted), and one made in another
    process within those seconds."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    seconds = settings.SIGNED_IN_PERSON_CACHE_SECONDS
    now = time.time()
    kept = _recent.get(user_id) if seconds > 0 else None
    if kept is not None and kept[0] > now:
        found = kept[1:]
    else:
        found = _PERSON.row(user_id)
        if found is None:
            return None
        if seconds > 0:
            if len(_recent) > 10_000:  # people who signed in once long ago: start again
                _recent.clear()
            _recent[user_id] = (now + seconds, *found)
    user = _PERSON.instance(*found)
    user._scopes = tuple(_parse(part) for part in user.scope_text.split(";") if part)
    return user


def forget_person(user_id) -> None:
    """The person's details or roles changed: the next request reads them afresh."""
    _recent.pop(user_id, None)


def _parse(text: str) -> tuple[str, int | None, int | None, str]:
    role, service, work_group, district = text.split("|")
    return (
        role,
        int(service) if service else None,
        int(work_group) if work_group else None,
        district,
    )


class ScopesLoaded:
    def get_user(self, user_id):
        user = user_with_scopes(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(ScopesLoaded, DjangoModelBackend):
    pass


class AuthenticationBackend(ScopesLoaded, AllauthBackend):
    pass
