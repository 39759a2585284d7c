"""WOPI proof keys: the editor signs every WOPI request it makes (X-WOPI-Proof, and
X-WOPI-ProofOld with its previous key) so that Thrive knows the request comes from the
editor it is configured with and not from whoever else holds an access token.

What is signed, as Microsoft's WOPI documentation sets it out ("Verifying that requests
originate from Office for the web by using proof keys"): the access token, the request's full
URL in upper case and the X-WOPI-TimeStamp (.NET ticks, a 64-bit integer), each preceded by
its length as 4 big-endian bytes; signed RSA-SHA256 with PKCS#1 v1.5 padding. A request is
the editor's when the proof verifies with the current key, the old proof with the current
key, or the proof with the old key (keys rotate while hosts still hold the old discovery),
and when its timestamp is no more than 20 minutes old. Microsoft 365 for the web signs every
request; Collabora Online and ONLYOFFICE Docs do when they are given a key."""

from __future__ import annotations

import binascii
import functools
import struct
from base64 import b64decode
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.utils import timezone

from . import discovery
from .discovery import ProofKey

MAX_AGE = timedelta(minutes=20)
# .NET ticks (100 ns) from 0001-01-01 to 1970-01-01 UTC.
TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000
TICKS_PER_SECOND = 10_000_000


class ProofRefused(Exception):
    """The request is not signed by the editor, or was signed too long ago."""


def ticks(moment: datetime) -> int:
    """A moment as X-WOPI-TimeStamp gives it: 100-nanosecond ticks since 0001-01-01 UTC."""
    since_epoch = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return TICKS_AT_UNIX_EPOCH + (since_epoch // timedelta(microseconds=1)) * 10


def moment(timestamp: int) -> datetime:
    microseconds = (timestamp - TICKS_AT_UNIX_EPOCH) // 10
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=microseconds)


def expected_proof(*, access_token: str, url: str, timestamp: int) -> bytes:
    """The bytes the editor signs for a request."""
    parts = (access_token.encode(), url.encode().upper(), struct.pack(">q", timestamp))
    return b"".join(struct.pack(">I", len(part)) + part for part in parts)


@functools.lru_cache(maxsize=8)
def public_key(modulus: str, exponent: str) -> rsa.RSAPublicKey:
    """An RSA public key from discovery's base64 (big-endian) modulus and exponent."""
    n = int.from_bytes(b64decode(modulus), "big")
    e = int.from_bytes(b64decode(exponent), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


def _signed_by(key: rsa.RSAPublicKey | None, proof: str, data: bytes) -> bool:
    if key is None or not proof:
        return False
    try:
        key.verify(b64decode(proof, validate=True), data, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def signed(
    keys: ProofKey, *, access_token: str, url: str, timestamp: int, proof: str, proof_old: str
) -> bool:
    """Whether the proofs sign this request with the editor's keys (the three combinations
    WOPI allows while keys rotate). The timestamp's age is not checked here."""
    data = expected_proof(access_token=access_token, url=url, timestamp=timestamp)
    current = public_key(keys.modulus, keys.exponent)
    old = public_key(keys.old_modulus, keys.old_exponent) if keys.old_modulus else None
    return (
        _signed_by(current, proof, data)
        or _signed_by(current, proof_old, data)
        or _signed_by(old, proof, data)
    )


def timestamp_of(header: str) -> int:
    """X-WOPI-TimeStamp, refused when missing, not a number, or more than 20 minutes from now
    (older, as WOPI says; or newer, which only a clock gone wrong or a forgery gives)."""
    try:
        timestamp = int(header)
        signed_at = moment(timestamp)
    except (ValueError, OverflowError):
        raise ProofRefused("X-WOPI-TimeStamp is missing or not a number") from None
    if abs(timezone.now() - signed_at) > MAX_AGE:
        raise ProofRefused("X-WOPI-TimeStamp is more than 20 minutes old")
    return timestamp


def check(
    keys: ProofKey,
    *,
    access_tokens: tuple[str, ...],
    url: str,
    timestamp: int,
    proof: str,
    proof_old: str,
) -> bool:
    """Whether the request is signed for any of the forms of its access token (as received,
    and URL-decoded: WOPI clients differ in which they sign)."""
    try:
        return any(
            signed(
                keys,
                access_token=token,
                url=url,
                timestamp=timestamp,
                proof=proof,
                proof_old=proof_old,
            )
            for token in dict.fromkeys(access_tokens)
        )
    except ValueError:  # a discovery key that is no RSA key
        return False


def _raw_access_token(request) -> str:
    """The access_token parameter exactly as it arrived, before URL-decoding."""
    for pair in request.META.get("QUERY_STRING", "").split("&"):
        name, _, value = pair.partition("=")
        if name == "access_token":
            return value
    return ""


def check_request(request) -> None:
    """Refuse (ProofRefused) a WOPI request the editor has not signed with the proof key its
    discovery publishes: checked whenever it publishes one, and always with
    WOPI_PROOF_KEYS=required."""
    keys = discovery.current().proof_key
    if keys is None and settings.WOPI_PROOF_KEYS != "required":
        return
    if keys is None:
        raise ProofRefused("Thrive requires proof keys and the editor's discovery has none")
    if not request.headers.get("X-WOPI-Proof"):
        raise ProofRefused("The request is not signed by the editor (no X-WOPI-Proof)")
    proof = {
        "access_tokens": (request.GET.get("access_token", ""), _raw_access_token(request)),
        # The address the editor called: Thrive's public one, whatever a proxy made of it.
        "url": settings.WOPI_HOST_URL.rstrip("/") + request.get_full_path(),
        "timestamp": timestamp_of(request.headers.get("X-WOPI-TimeStamp", "")),
        "proof": request.headers["X-WOPI-Proof"],
        "proof_old": request.headers.get("X-WOPI-ProofOld", ""),
    }
    if check(keys, **proof):
        return
    rotated = discovery.reread_for_new_keys().proof_key
    if rotated is not None and rotated != keys and check(rotated, **proof):
        return
    raise ProofRefused("The request is not signed by the editor (X-WOPI-Proof)")
