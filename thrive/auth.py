"""Authentication backends that load the signed-in person and their memberships' scopes in one
query on every request (the user and the roles were two), with Django's and allauth's
sign-in behaviour unchanged."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import CharField, F, StringAgg, Value
from django.db.models.functions import Cast, Coalesce, Concat

from .models import User

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


def user_with_scopes(user_id) -> User | None:
    """The person, with User.scopes already loaded (no memberships query later)."""
    user = (
        User.objects.filter(pk=user_id)
        .annotate(scope_text=StringAgg(_SCOPE, delimiter=Value(";"), default=Value("")))
        .first()
    )
    if user is not None:
        user._scopes = tuple(_parse(part) for part in user.scope_text.split(";") if part)
    return user


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
