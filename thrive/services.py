"""State changes of the core, each a small function that writes and audits in one
transaction."""

from django.db import IntegrityError, transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, lockout
from .models import AcceptableUsePolicy, PolicyAcceptance, User


@transaction.atomic
def accept_policy(
    user: User, *, policy: AcceptableUsePolicy, name_given: str, request=None
) -> PolicyAcceptance:
    """Record that `user` accepted `policy`, with the name they typed. Accepting twice is
    harmless: the first acceptance stands."""
    existing = PolicyAcceptance.objects.filter(user=user, policy=policy).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            acceptance = PolicyAcceptance.objects.create(
                user=user, policy=policy, name_given=name_given.strip()
            )
    except IntegrityError:  # a double submit from another tab won the race
        return PolicyAcceptance.objects.get(user=user, policy=policy)
    audit.record(request, "aup_accepted", policy, user=user, note=f"version {policy.version}")
    return acceptance


def second_factor_passed(request, device) -> None:
    """The session has passed its second factor: mark it verified and give it a new key, as
    signing in does after the password, so a session id learnt before this step (from a
    shared PC, a log, a fixation attempt) is worth nothing after it. Every path that verifies
    a second factor (an authenticator app, an emailed code) comes through here."""
    otp_login(request, device)
    request.session.cycle_key()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first visit and reused so that
    reloading the page does not change the QR code under the person's feet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_totp_device(user: User, *, token: str, request) -> bool:
    """Confirm the pending authenticator with a code from it, and verify this session."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        audit.record(request, "second_factor_failed", user, user=user)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    second_factor_passed(request, device)
    audit.record(request, "second_factor_added", user, user=user)
    return True


def verify_second_factor(user: User, *, token: str, request) -> bool:
    """Check a code against the person's authenticators. A wrong code counts towards the
    account's sign-in lock (thrive/lockout.py), as a wrong password does; on top of that
    django-otp throttles repeated failures per device."""
    attempt = lockout.begin(user.username)
    if attempt is None:
        audit.record(request, "second_factor_failed", user, user=user, note="account locked")
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        verified, _ = device.verify_is_allowed()
        if verified and device.verify_token(token):
            attempt.succeeded()
            second_factor_passed(request, device)
            audit.record(request, "second_factor_verified", user, user=user)
            return True
    audit.record(request, "second_factor_failed", user, user=user)
    return False
