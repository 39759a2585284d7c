"""The offline tracker: records sealed in the browser to the server's public key are read by
the server alone, added once however often they are sent, checked by the tracker's own form
(what it refuses is kept for the author to correct), and stay their author's."""

import base64
import json
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.urls import reverse

from continuity import offline, readonly
from continuity.models import DowntimeRecord, NatureOfWork
from thrive.models import Role

from ..factories import person

pytestmark = pytest.mark.usefixtures("frozen_clock")


def seal(payload: dict, key: uuid.UUID, public_key_b64: str | None = None) -> dict:
    """What offline-tracker.mjs does with WebCrypto, done with the same primitives."""
    server = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), base64.b64decode(public_key_b64 or offline.public_key_b64())
    )
    mine = ec.generate_private_key(ec.SECP256R1())
    shared = mine.exchange(ec.ECDH(), server)
    aes = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=offline.INFO).derive(shared)
    iv = b"\x01" * 12
    ct = AESGCM(aes).encrypt(iv, json.dumps(payload).encode(), str(key).encode())
    epk = mine.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {k: base64.b64encode(v).decode() for k, v in {"epk": epk, "iv": iv, "ct": ct}.items()}


def typed(case=None, **overrides):
    return {
        "thrive_id": case.thrive_id if case else "NEW",
        "child_surname": "Smith",
        "child_date_of_birth": "2019-06-10",
        "restricted": False,
        "recorded_date": "2026-11-23",
        "recorded_time": "10:30",
        "nature_of_work": "case_note",
        "details": "Phoned mum from the car park: no signal in the building.",
        **overrides,
    }


def send(client, user, fields, key=None, kind=None):
    """A record as the offline tracker sends it: sealed, with its key (and kind)."""
    key = key or uuid.uuid4()
    payload = {"user": user.pk, "fields": fields, **({"kind": kind} if kind else {})}
    body = {"key": str(key), "sealed": seal(payload, key)}
    return client.post(
        reverse("continuity:offline_receive"), json.dumps(body), content_type="application/json"
    )


def test_a_sealed_record_appears_in_the_tracker_as_if_typed_there(client, team, case):
    client.force_login(team.worker)

    response = send(client, team.worker, typed(case))

    assert response.status_code == 201
    record = DowntimeRecord.objects.get()
    assert response.json() == {
        "record": record.pk,
        "url": reverse("continuity:record", args=[record.pk]),
        "problems": [],
    }
    assert record.case == case and record.created_by == team.worker
    assert record.nature_of_work == NatureOfWork.CASE_NOTE
    assert record.details.startswith("Phoned mum")
    assert record.service == team.service


def test_a_record_sent_twice_is_added_once(client, team, case):
    client.force_login(team.worker)
    key = uuid.uuid4()

    first = send(client, team.worker, typed(case), key=key)
    again = send(client, team.worker, typed(case), key=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["record"] == again.json()["record"]
    assert DowntimeRecord.objects.count() == 1


def test_what_the_form_refuses_is_kept_for_the_author_to_correct(client, team):
    client.force_login(team.worker)

    response = send(client, team.worker, typed(thrive_id="KT999999", recorded_time="25:00"))

    assert response.status_code == 201 and response.json()["problems"]
    record = DowntimeRecord.objects.get()
    assert record.thrive_id == "NEW"
    assert "The Thrive ID typed was “KT999999”" in record.details
    assert "Phoned mum from the car park" in record.details


def test_a_record_kept_by_someone_else_is_not_taken_as_yours(client, team, case):
    client.force_login(team.colleague)

    response = send(client, team.worker, typed(case))  # sealed for the worker

    assert response.status_code == 409
    assert not DowntimeRecord.objects.exists()


def test_a_record_changed_on_the_way_cannot_be_read(client, team):
    client.force_login(team.worker)
    key = uuid.uuid4()
    sealed = seal({"user": team.worker.pk, "fields": typed()}, key)
    sealed["ct"] = base64.b64encode(b"\x00" * 40).decode()

    response = client.post(
        reverse("continuity:offline_receive"),
        json.dumps({"key": str(key), "sealed": sealed}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not DowntimeRecord.objects.exists()


def test_a_record_sealed_under_another_key_cannot_be_moved_to_a_new_one(client, team):
    client.force_login(team.worker)
    sealed = seal({"user": team.worker.pk, "fields": typed()}, uuid.uuid4())

    response = client.post(
        reverse("continuity:offline_receive"),
        json.dumps({"key": str(uuid.uuid4()), "sealed": sealed}),
        content_type="application/json",
    )

    assert response.status_code == 422


def test_a_restricted_record_stays_its_authors(client, team, case):
    client.force_login(team.worker)

    send(client, team.worker, typed(case, restricted=True))

    record = DowntimeRecord.objects.get()
    assert record.restricted
    assert not DowntimeRecord.objects.visible_to(team.manager).exists()


def test_records_are_taken_in_read_only_mode(client, team, case):
    readonly.start_read_only(by=person(Role.SYSTEM_ADMIN), reason="Upgrade")
    client.force_login(team.worker)

    assert send(client, team.worker, typed(case)).status_code == 201


def test_nobody_signed_out_sends_records(client, team):
    assert send(client, team.worker, typed()).status_code == 403
    assert client.get(reverse("continuity:offline_status")).json() == {"signed_in": False}


def test_the_status_says_who_is_signed_in_with_a_token_and_is_never_cached(client, team):
    client.force_login(team.worker)

    response = client.get(reverse("continuity:offline_status"))

    assert response.json()["user"] == team.worker.pk and response.json()["csrf"]
    assert "no-store" in response["Cache-Control"]


def test_the_offline_page_carries_the_public_key_and_no_script_without_a_nonce(client, team):
    client.force_login(team.worker)

    page = client.get(reverse("continuity:offline"))

    assert offline.public_key_b64() in page.text
    scripts = [part.split(">")[0] for part in page.text.split("<script")[1:]]
    assert scripts and all("src=" in s or "nonce=" in s for s in scripts)
    assert client.get(reverse("continuity:offline_sw"))["Content-Type"] == "text/javascript"


def test_the_key_comes_from_the_environment_when_set(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.OFFLINE_RECORDS_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    offline.private_key.cache_clear()
    try:
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        assert offline.public_key_b64() == base64.b64encode(public).decode()
    finally:
        offline.private_key.cache_clear()
