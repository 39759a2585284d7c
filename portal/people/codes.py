"""The 6-digit codes emailed to health partner people: at each sign-in, to confirm the address
they registered with or changed to, and to reset a forgotten password.

A code lasts PORTAL_CODE_MINUTES (10), works once, may be tried PORTAL_CODE_TRIES (5) times,
and only a keyed hash of it is kept. Asking for a new code makes the old one stop working;
while one is in play, a new one can be had every PORTAL_CODE_RESEND_SECONDS. The email itself
is an outbox row marked secret, so its body is blanked as soon as it is sent."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from thrive.outbox import queue_email

from ..models import EmailCodeDevice

SUBJECTS = {
    "sign_in": "Your Children and Families Online Services sign-in code",
    "confirm": "Confirm your email address for Children and Families Online Services",
    "reset": "Your Children and Families Online Services password reset code",
}


class CodeState(StrEnum):
    LIVE = "live"
    NONE = "none"  # never sent, or already used
    EXPIRED = "expired"
    USED_UP = "used_up"  # too many wrong tries


def device_for(user) -> EmailCodeDevice:
    device = EmailCodeDevice.objects.filter(user=user).first()
    return device or EmailCodeDevice.objects.create(user=user, name="Email", confirmed=True)


def _digest(device: EmailCodeDevice, code: str) -> str:
    return salted_hmac("portal.email-code", f"{device.pk}:{code}", algorithm="sha256").hexdigest()


def seconds_until_resend(device: EmailCodeDevice, now=None) -> int:
    if device.sent_at is None:
        return 0
    now = now or timezone.now()
    wait = device.sent_at + timedelta(seconds=settings.PORTAL_CODE_RESEND_SECONDS) - now
    return max(0, int(wait.total_seconds()) + (1 if wait.microseconds else 0))


@transaction.atomic
def send_code(device: EmailCodeDevice, *, purpose: str = "sign_in", to: str = "") -> bool:
    """Email a new code (the previous one stops working). False if one was sent too recently.
    `to` sends it somewhere other than the account's address (a new address to confirm)."""
    device = EmailCodeDevice.objects.select_for_update().get(pk=device.pk)
    now = timezone.now()
    # A code that is still live (or was guessed at 5 times) is replaced at most every
    # PORTAL_CODE_RESEND_SECONDS; once used or expired, the next one goes at once.
    in_play = code_state(device, now) in (CodeState.LIVE, CodeState.USED_UP)
    if in_play and seconds_until_resend(device, now):
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    device.digest = _digest(device, code)
    device.valid_until = now + timedelta(minutes=settings.PORTAL_CODE_MINUTES)
    device.failures = 0
    device.sent_at = now
    device.send_to = to
    device.save(update_fields=["digest", "valid_until", "failures", "sent_at", "send_to"])
    body = render_to_string(
        f"portal/email/code_{purpose}.txt",
        {"code": code, "minutes": settings.PORTAL_CODE_MINUTES},
    )
    queue_email(
        to=to or device.user.email, subject=SUBJECTS[purpose], body=body.strip() + "\n", secret=True
    )
    return True


def code_state(device: EmailCodeDevice, now=None) -> CodeState:
    now = now or timezone.now()
    if not device.digest:
        return CodeState.NONE
    if device.failures >= settings.PORTAL_CODE_TRIES:
        return CodeState.USED_UP
    if device.valid_until is None or device.valid_until <= now:
        return CodeState.EXPIRED
    return CodeState.LIVE


def check_code(device: EmailCodeDevice, token: str) -> bool:
    """True once for the right code while it is live; each wrong try counts."""
    token = re.sub(r"\s+", "", token or "")
    with transaction.atomic():
        fresh = EmailCodeDevice.objects.select_for_update().get(pk=device.pk)
        if code_state(fresh) != CodeState.LIVE:
            ok = False
        elif constant_time_compare(fresh.digest, _digest(fresh, token)):
            fresh.digest, fresh.valid_until = "", None
            fresh.save(update_fields=["digest", "valid_until"])
            ok = True
        else:
            fresh.failures += 1
            fresh.save(update_fields=["failures"])
            ok = False
    for field in ("digest", "valid_until", "failures"):
        setattr(device, field, getattr(fresh, field))
    return ok


def refusal(device: EmailCodeDevice) -> str:
    """What to tell someone whose code did not work."""
    state = code_state(device)
    if state == CodeState.USED_UP:
        return "Too many wrong codes. Select “please send me a new code”"
    if state == CodeState.EXPIRED:
        return (
            f"That code has expired: codes last {settings.PORTAL_CODE_MINUTES} minutes. "
            "Select “please send me a new code”"
        )
    if state == CodeState.NONE:
        return "That code has been used. Select “please send me a new code”"
    left = settings.PORTAL_CODE_TRIES - device.failures
    return f"That code is not right. Check the email and try again ({left} tries left)"
