"""WOPI proof keys: requests signed by the editor (X-WOPI-Proof, X-WOPI-ProofOld,
X-WOPI-TimeStamp) with the keys its discovery publishes, checked as Microsoft's WOPI
documentation says, with Microsoft's own test data and with key pairs made here."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import DocumentLock
from documents.wopi import proofs
from documents.wopi.discovery import ProofKey
from tests.ports import free_port
from tests.processes import run_python

from .conftest import checked
from .wopi_editor import HOST_URL, StandInDiscovery, editor_for, new_key

VECTORS = json.loads((Path(__file__).parent / "microsoft_proof_key_vectors.json").read_text())


@pytest.fixture(scope="module")
def keys():
    """The editor's key pairs: the one it signs with now, the one before, and a stranger's."""
    return {"current": new_key(), "old": new_key(), "stranger": new_key()}


@pytest.fixture
def stand_in(settings, keys):
    """An editor whose discovery publishes its current proof key."""
    stand_in = StandInDiscovery(free_port())
    stand_in.publish(keys["current"])
    settings.WOPI_EDITOR_URL = stand_in.url
    settings.WOPI_HOST_URL = HOST_URL
    yield stand_in
    stand_in.close()


@pytest.fixture
def document(case, worker):
    return services.upload_document(by=worker, case=case, checked=checked("Visit notes.docx"))


def refused_as_unsigned(response) -> bool:
    return response.status_code == 500 and "X-WOPI-Proof" in response["X-WOPI-ServerError"]


# --- Microsoft's test data ---------------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS["cases"], ids=lambda vector: vector["name"])
def test_microsofts_published_proofs_verify_as_microsoft_says(vector):
    published = VECTORS["discovery"]
    keys = ProofKey(
        modulus=published["modulus"],
        exponent=published["exponent"],
        old_modulus=published["oldmodulus"],
        old_exponent=published["oldexponent"],
    )

    verified = proofs.signed(
        keys,
        access_token=vector["access_token"],
        url=vector["url"],
        timestamp=vector["timestamp"],
        proof=vector["proof"],
        proof_old=vector["proof_old"],
    )

    assert verified is vector["valid"]


def test_a_timestamp_is_dotnet_ticks():
    # 635655897610773532 is 20:16:01.0773532 on 25 April 2015, UTC (Microsoft's first case).
    signed_at = proofs.moment(635655897610773532)

    assert signed_at.isoformat() == "2015-04-25T20:16:01.077353+00:00"
    assert proofs.ticks(signed_at) == 635655897610773530


# --- An editor that signs ----------------------------------------------------------------------


def test_every_operation_signed_by_the_editor_is_accepted(stand_in, keys, document, worker):
    editor = editor_for(document, worker, key=keys["current"])

    assert editor.check_file_info().status_code == 200
    assert editor.get_file().status_code == 200
    assert editor.lock("session-1").status_code == 200
    assert editor.put(b"not a docx", "session-1").status_code == 400  # signed, then checked
    assert editor.get_lock()["X-WOPI-Lock"] == "session-1"
    assert editor.unlock("session-1").status_code == 200


def test_an_unsigned_request_is_refused_once_the_editor_publishes_a_key(stand_in, document, worker):
    response = editor_for(document, worker).check_file_info()

    assert refused_as_unsigned(response)
    assert "BaseFileName" not in response.content.decode()


def test_a_request_signed_by_another_key_is_refused(stand_in, keys, document, worker):
    editor = editor_for(document, worker, key=keys["stranger"])

    assert refused_as_unsigned(editor.lock("session-1"))
    assert not DocumentLock.objects.exists()


def test_a_signature_for_another_address_is_refused(stand_in, keys, document, worker):
    """A proof is for one URL: the same signature sent to another document's address, or with
    another query, does not verify."""
    editor = editor_for(document, worker, key=keys["current"])
    other = reverse("wopi:file", args=[document.pk + 1])
    editor.signed_url = f"{HOST_URL}{other}?access_token={editor.token}"

    assert refused_as_unsigned(editor.check_file_info())


def test_a_token_swapped_into_a_signed_request_is_refused(stand_in, keys, document, worker):
    editor = editor_for(document, worker, key=keys["current"])
    signed_for = editor.token
    editor.token = editor_for(document, worker).token
    editor.signed_url = f"{HOST_URL}{editor.file}?access_token={signed_for}"

    assert refused_as_unsigned(editor.check_file_info())


@pytest.mark.parametrize(("minutes_ago", "status"), [(19, 200), (21, 500)])
def test_a_request_signed_more_than_20_minutes_ago_is_refused(
    stand_in, keys, document, worker, nine_am, minutes_ago, status
):
    editor = editor_for(document, worker, key=keys["current"])
    editor.signed_at = timezone.now() - timedelta(minutes=minutes_ago)

    response = editor.check_file_info()

    assert response.status_code == status
    if status == 500:
        assert "20 minutes" in response["X-WOPI-ServerError"]


def test_a_request_signed_in_the_future_is_refused(stand_in, keys, document, worker, nine_am):
    editor = editor_for(document, worker, key=keys["current"])
    editor.signed_at = timezone.now() + timedelta(minutes=21)

    assert editor.check_file_info().status_code == 500


@pytest.mark.parametrize("timestamp", ["", "yesterday", "99999999999999999999999"])
def test_a_missing_or_garbled_timestamp_is_refused(stand_in, keys, document, worker, timestamp):
    editor = editor_for(document, worker, key=keys["current"])
    response = editor.client.get(
        f"{editor.file}?access_token={editor.token}",
        headers={"X-WOPI-TimeStamp": timestamp, "X-WOPI-Proof": "AAAA"},
    )

    assert response.status_code == 500
    assert "X-WOPI-TimeStamp" in response["X-WOPI-ServerError"]


# --- Keys rotating -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs_with", "old_signs_with"),
    [
        ("current", None),  # X-WOPI-Proof with the current key
        ("stranger", "current"),  # X-WOPI-ProofOld with the current key
        ("old", "stranger"),  # X-WOPI-Proof with the old key: the editor has not rotated yet
    ],
)
def test_the_three_combinations_wopi_allows_while_keys_rotate(
    stand_in, keys, document, worker, signs_with, old_signs_with
):
    stand_in.publish(keys["current"], old=keys["old"])
    editor = editor_for(
        document,
        worker,
        key=keys[signs_with],
        old_key=keys[old_signs_with] if old_signs_with else None,
    )

    assert editor.check_file_info().status_code == 200


def test_the_old_proof_with_the_old_key_is_not_enough(stand_in, keys, document, worker):
    stand_in.publish(keys["current"], old=keys["old"])
    editor = editor_for(document, worker, key=keys["stranger"], old_key=keys["old"])

    assert refused_as_unsigned(editor.check_file_info())


def test_after_the_editor_rotates_its_keys_thrive_reads_them_again(
    stand_in, keys, document, worker, nine_am
):
    editor = editor_for(document, worker, key=keys["current"])
    assert editor.check_file_info().status_code == 200  # Thrive has read the first key
    # The editor rotates twice: Thrive's key is neither its current nor its old one.
    rotated = editor_for(document, worker, key=keys["stranger"], old_key=keys["old"])
    stand_in.publish(keys["stranger"], old=keys["old"])

    # Within a minute of reading the discovery Thrive does not read it again...
    assert refused_as_unsigned(rotated.check_file_info())
    nine_am.shift(timedelta(minutes=2))
    # ...after that, a proof its keys do not verify makes it read the new keys.
    assert rotated.check_file_info().status_code == 200


def test_a_token_signed_as_it_appears_in_the_address_is_accepted(stand_in, keys, document, worker):
    """Editors differ in whether they sign the token URL-decoded or as sent."""
    editor = editor_for(document, worker, key=keys["current"])
    as_sent = editor._address(editor.file).partition("access_token=")[2]
    assert as_sent != editor.token  # the signer's colons are sent as %3A
    signed_token = editor.token
    editor.token = as_sent
    try:
        response = editor.client.get(
            f"{editor.file}?access_token={as_sent}",
            headers=editor._headers(f"{HOST_URL}{editor.file}?access_token={as_sent}", {}),
        )
    finally:
        editor.token = signed_token

    assert response.status_code == 200


# --- The setting -------------------------------------------------------------------------------


def test_required_refuses_an_editor_that_publishes_no_key(
    client, settings, stand_in, document, worker
):
    settings.WOPI_PROOF_KEYS = "required"
    stand_in.xml = stand_in.xml.replace(b"<proof-key", b"<no-proof-key")

    response = editor_for(document, worker).check_file_info()

    assert response.status_code == 500
    assert "requires proof keys" in response["X-WOPI-ServerError"]
    client.force_login(worker)
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Edit in the browser" not in page


def test_auto_accepts_an_editor_that_publishes_no_key(settings, stand_in, document, worker):
    stand_in.xml = stand_in.xml.replace(b"<proof-key", b"<no-proof-key")

    assert editor_for(document, worker).check_file_info().status_code == 200


def test_a_key_once_published_is_still_required_while_the_discovery_cannot_be_read(
    stand_in, keys, document, worker, nine_am
):
    assert editor_for(document, worker, key=keys["current"]).check_file_info().status_code == 200
    stand_in.close()
    nine_am.shift(timedelta(hours=2))  # the cached discovery has expired

    assert refused_as_unsigned(editor_for(document, worker).check_file_info())
    signed = editor_for(document, worker, key=keys["current"])
    assert signed.check_file_info().status_code == 200


def test_any_other_setting_stops_thrive_from_starting():
    program = "from thrive import settings"

    with pytest.raises(AssertionError, match='WOPI_PROOF_KEYS must be "auto" or "required"'):
        run_python(program, {"WOPI_PROOF_KEYS": "sometimes"})
    assert (
        run_python(
            program + "; print(settings.WOPI_PROOF_KEYS)", {"WOPI_PROOF_KEYS": "Required"}
        ).strip()
        == "required"
    )
