"""The HMACs every signed-in request checks (its session's signature and the session's hash of
the password), with the HMAC key derived from the secret once per process rather than on each
call. The digests are exactly Django's (`salted_hmac`, `Signer`) and each is still computed
and compared on every request: only the key derivation (a hash of salt and secret, and
Django's reading of settings around it) is kept."""

import base64
import functools
import hashlib
import hmac

from django.conf import settings
from django.core import signing


@functools.lru_cache(maxsize=64)
def _hmac(key_salt: str, secret: str | bytes, algorithm: str) -> hmac.HMAC:
    """An HMAC keyed as `salted_hmac` keys it (the hash of the salt and the secret), not yet
    fed: each use feeds a copy (OpenSSL's one-shot HMAC looks the algorithm up every time)."""
    secret = secret.encode() if isinstance(secret, str) else secret
    key = hashlib.new(algorithm, key_salt.encode() + secret).digest()
    return hmac.new(key, digestmod=algorithm)


def salted_hmac(key_salt: str, value: str, secret=None, *, algorithm: str) -> bytes:
    """`django.utils.crypto.salted_hmac(...).digest()`, keyed once."""
    mac = _hmac(key_salt, settings.SECRET_KEY if secret is None else secret, algorithm).copy()
    mac.update(value.encode())
    return mac.digest()


class TimestampSigner(signing.TimestampSigner):
    """Django's, with `salted_hmac` above: the same signatures."""

    def signature(self, value, key=None):
        digest = salted_hmac(self.salt + "signer", value, key or self.key, algorithm=self.algorithm)
        return base64.urlsafe_b64encode(digest).strip(b"=").decode()


@functools.lru_cache(maxsize=16)
def _signer(salt: str, key, fallback_keys: tuple) -> TimestampSigner:
    return TimestampSigner(key=key, salt=salt, fallback_keys=list(fallback_keys))


def signer(salt: str) -> TimestampSigner:
    """The signer `signing.loads(..., salt=salt)` makes, made once per secret."""
    return _signer(salt, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))
