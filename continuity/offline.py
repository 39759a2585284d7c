"""Downtime records kept offline in the browser, when Thrive cannot be reached at all.

The offline tracker page encrypts each record to the server's public key before it is kept
in the browser (IndexedDB), so a lost or shared laptop reveals nothing: the browser makes a
one-off ECDH P-256 key pair, derives an AES-256-GCM key with the server's public key
(HKDF-SHA256, info "thrive downtime record v1"), encrypts the record with the record's
client key as additional data, and forgets the private half. Only the server, holding the
private key, can read it. Each record is sent with its client key, so one sent twice (an
answer lost on the way back) is added once.

Once read, a record is checked by its kind's form (continuity.offline_kinds), or, for free
text, by the Downtime tracker's own form. What the form refuses is
not lost: the record is kept as typed, as NEW where its Thrive ID could not be found, with
what to check written at the top of "What was done"."""

from __future__ import annotations

import base64
import functools
import json
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError
from django.templatetags.static import static
from django.utils import timezone

from thrive.models import User

from . import offline_kinds, records
from .models import DowntimeRecord, NatureOfWork, RecordKind
from .record_forms import DETAILS_MAX, LONDON, DowntimeRecordForm

INFO = b"thrive downtime record v1"
CURVE_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
MAX_SEALED_CHARS = 64 * 1024


class Unreadable(Exception):
    """The sealed record cannot be opened: not for this server, or changed on the way."""


class NotYours(Exception):
    """The record was kept by someone else signed in on the same browser."""


@functools.cache
def private_key() -> ec.EllipticCurvePrivateKey:
    pem = settings.OFFLINE_RECORDS_PRIVATE_KEY
    if pem:
        return serialization.load_pem_private_key(pem.encode(), password=None)
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"thrive offline records", info=b"P-256"
    ).derive(settings.SECRET_KEY.encode())
    return ec.derive_private_key(
        int.from_bytes(seed, "big") % (CURVE_ORDER - 1) + 1, ec.SECP256R1()
    )


def public_key_b64() -> str:
    """The public key as WebCrypto imports it ("raw": the uncompressed point), in base64."""
    point = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return base64.b64encode(point).decode()


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise Unreadable("not base64") from None


def open_sealed(sealed: dict, *, client_key: uuid.UUID) -> dict:
    """The record the browser sealed: {"user": id, "fields": {...}}."""
    try:
        their_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), _b64(sealed["epk"])
        )
        shared = private_key().exchange(ec.ECDH(), their_key)
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(shared)
        plain = AESGCM(key).decrypt(
            _b64(sealed["iv"]), _b64(sealed["ct"]), str(client_key).encode()
        )
        return json.loads(plain)
    except (KeyError, TypeError, ValueError, InvalidTag) as error:
        raise Unreadable(str(error) or error.__class__.__name__) from None


def _form_data(fields: dict) -> dict:
    """The sealed fields as the Downtime tracker's form would have them posted."""
    data = {
        "thrive_id": str(fields.get("thrive_id", "")),
        "child_surname": str(fields.get("child_surname", "")),
        "restricted": "yes" if fields.get("restricted") else "no",
        "nature_of_work": str(fields.get("nature_of_work", "")),
        "details": str(fields.get("details", "")),
        "recorded_time": str(fields.get("recorded_time", "")),
    }
    for name in ("child_date_of_birth", "recorded_date"):
        data.update(offline_kinds.date_parts(name, fields.get(name)))
    return data


def _kept_as_typed(form: DowntimeRecordForm, data: dict) -> dict:
    """The record's fields when the form refuses some: nothing typed is dropped."""
    clean = getattr(form, "cleaned_data", {})
    problems = [f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                else " ".join(errors) for name, errors in form.errors.items()]  # fmt: skip
    typed_id = data["thrive_id"] or "(none)"
    note = "Sent from the offline tracker. Check and correct: " + "; ".join(problems)
    if "thrive_id" in form.errors:
        note += f". The Thrive ID typed was “{typed_id}”."
    now = timezone.localtime(timezone.now(), LONDON).replace(second=0, microsecond=0)
    return {
        "thrive_id": clean.get("thrive_id", records.NEW),
        "child_surname": (clean.get("child_surname") or data["child_surname"] or "Unknown")[:100],
        "child_date_of_birth": clean.get("child_date_of_birth"),
        "restricted": bool(clean.get("restricted", data["restricted"] == "yes")),
        "recorded_at": clean.get("recorded_at") or now,
        "nature_of_work": clean.get("nature_of_work") or NatureOfWork.OTHER,
        "details": f"{note}\n\n{data['details']}"[:DETAILS_MAX],
        "sent_to": None,
    }


def _record_fields(payload: dict, *, by: User) -> tuple[dict, list[str]]:
    """The tracker fields for a sealed record, and what the author must check: a structured
    kind checked by its own form (falling back to free text), or free text."""
    kind, typed = payload.get("kind") or RecordKind.FREE_TEXT, payload.get("fields") or {}
    if kind in offline_kinds.OFFLINE_KINDS:
        try:
            return offline_kinds.checked_record(kind, typed, by=by), []
        except offline_kinds.NotThisKind as refused:
            typed = offline_kinds.fallback_fields(refused)
            problems = refused.problems
    else:
        problems = []
    data = _form_data(typed)
    form = DowntimeRecordForm(data, user=by)
    if form.is_valid():
        return form.record_fields(), problems
    problems += [str(error) for errors in form.errors.values() for error in errors]
    return _kept_as_typed(form, data), problems


def receive(
    *, by: User, client_key: uuid.UUID, sealed: dict, request=None
) -> tuple[DowntimeRecord, bool, list[str]]:
    """Add a record sent from the offline tracker: (record, added now, what to check). A
    record already received under `client_key` is returned as it is."""
    existing = DowntimeRecord.objects.filter(client_key=client_key, created_by=by).first()
    if existing is not None:
        return existing, False, []
    payload = open_sealed(sealed, client_key=client_key)
    if payload.get("user") != by.pk:
        raise NotYours("kept by someone else")
    fields, problems = _record_fields(payload, by=by)
    try:
        record = records.add_record(by=by, request=request, client_key=client_key, **fields)
    except IntegrityError:  # the same record, sent at the same moment from another tab
        return DowntimeRecord.objects.get(client_key=client_key, created_by=by), False, []
    return record, True, problems


def offline_assets() -> str:
    """What the offline tracker page needs in the browser's cache, as JSON."""
    return json.dumps(
        [
            static("build/app.css"),
            static("js/offline-tracker.mjs"),
            static("js/offline-register.mjs"),
            static("images/thrive.svg"),
            static("images/thrive-192.png"),
            static("images/thrive-512.png"),
        ]
    )
