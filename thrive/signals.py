"""Audit of signing in and out, and forgetting the signed-in person's cached row when they or
their roles change (cross-cutting concerns, so signals are the right tool)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import audit
from .auth import forget_person
from .models import Membership, User, normalise_username


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_changed_person(sender, instance, **kwargs):
    forget_person(instance.pk)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def forget_person_with_changed_roles(sender, instance, **kwargs):
    forget_person(instance.user_id)


@receiver(user_logged_in)
def audit_sign_in(sender, request, user, **kwargs):
    audit.record(request, "signed_in", user, user=user)


@receiver(user_logged_out)
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(request, "signed_out", user, user=user)


@receiver(user_login_failed)
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = normalise_username(credentials.get("username", ""))
    user = User.objects.filter(username=username).first()
    audit.record(
        request,
        "sign_in_failed",
        user,
        user=user,
        object_type="thrive.user",
        object_id=str(user.pk) if user else "",
        note="" if user else "unknown username",
    )
