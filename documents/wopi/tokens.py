"""WOPI access tokens: signed with the SECRET_KEY (django.core.signing, a salt of their own),
naming one document and one person, valid for WOPI_TOKEN_MINUTES. They are never the session
cookie: the editor's server holds them, not the person's browser session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from thrive.models import User

SALT = "documents.wopi.access-token"


class InvalidToken(Exception):
    """Unsigned, tampered with, expired, for another document, or for a person who can no
    longer sign in."""


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_at: datetime

    @property
    def ttl_milliseconds(self) -> int:
        """WOPI's access_token_ttl: the expiry as milliseconds since the epoch."""
        return int(self.expires_at.timestamp() * 1000)


def _lifetime() -> timedelta:
    return timedelta(minutes=settings.WOPI_TOKEN_MINUTES)


def issue(*, document_id: int, user: User) -> AccessToken:
    """A token for `user` to edit the document; each call makes a different one."""
    token = signing.TimestampSigner(salt=SALT).sign_object(
        {"d": document_id, "u": user.pk, "n": secrets.token_urlsafe(6)}, compress=False
    )
    return AccessToken(token=token, expires_at=timezone.now() + _lifetime())


def person_for(token: str, *, document_id: int) -> User:
    """The person a token was issued to, for this document only."""
    try:
        claims = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=_lifetime())
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidToken from None
    if not isinstance(claims, dict) or claims.get("d") != document_id:
        raise InvalidToken
    user = User.objects.filter(pk=claims.get("u"), is_active=True).first()
    if user is None:
        raise InvalidToken
    return user
