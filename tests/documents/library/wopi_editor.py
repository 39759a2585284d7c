"""A stand-in for an editor's server in the WOPI tests: its discovery XML on a loopback port,
and the WOPI calls it makes with the access token and nothing else (no session, no CSRF
token), signed with its proof keys when it has them, as Microsoft 365 and Collabora sign."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.wopi import proofs, tokens

HOST_URL = "https://thrive.example.org"


def discovery_xml(port: int, proof_key: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<wopi-discovery><net-zone name="external-http">
  <app name="writer">
    <action default="true" ext="docx" name="edit"
      urlsrc="http://127.0.0.1:{port}/browser/dist/cool.html?&lt;ui=UI_LLCC&amp;&gt;"/>
    <action ext="docx" name="view" urlsrc="http://127.0.0.1:{port}/view?"/>
  </app>
  <app name="calc">
    <action ext="xlsx" name="edit" urlsrc="http://127.0.0.1:{port}/calc?lang=en&amp;"/>
  </app>
  <app name="draw"><action ext="pdf" name="edit" urlsrc="http://127.0.0.1:{port}/pdf?"/></app>
</net-zone>{proof_key}</wopi-discovery>""".encode()


def _b64(number: int) -> str:
    return base64.b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big")).decode()


def proof_key_element(current: rsa.RSAPrivateKey, old: rsa.RSAPrivateKey | None = None) -> str:
    """discovery's <proof-key>, with the modulus and exponent of each key (and a stand-in for
    the .NET blobs in value/oldvalue, which Thrive does not read)."""
    numbers = current.public_key().public_numbers()
    attributes = {"value": "blob", "modulus": _b64(numbers.n), "exponent": _b64(numbers.e)}
    if old is not None:
        old_numbers = old.public_key().public_numbers()
        attributes |= {
            "oldvalue": "blob",
            "oldmodulus": _b64(old_numbers.n),
            "oldexponent": _b64(old_numbers.e),
        }
    return "<proof-key " + " ".join(f'{k}="{v}"' for k, v in attributes.items()) + "/>"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(key: rsa.RSAPrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


class StandInDiscovery:
    """Serves `xml` (which a test may change, as an editor rotating its keys does) at
    /hosting/discovery on a loopback port."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.xml = discovery_xml(port)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                found = self.path == "/hosting/discovery"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                if found:
                    self.wfile.write(owner.xml)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, current, old=None):
        self.xml = discovery_xml(self.port, proof_key_element(current, old))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Editor:
    """What an editor's server does: WOPI calls with the access token, signed with `key`
    (X-WOPI-Proof) and `old_key` (X-WOPI-ProofOld) when it has them."""

    def __init__(self, document, token: str, *, key=None, old_key=None):
        self.client = Client()  # no session, no CSRF token
        self.file = reverse("wopi:file", args=[document.pk])
        self.token = token
        self.key = key
        self.old_key = old_key
        self.signed_at = None  # the moment to sign at; now if None
        self.signed_url = None  # the address to sign instead of the one called (tampering)

    def _headers(self, address: str, headers: dict) -> dict:
        if self.key is None:
            return headers
        timestamp = proofs.ticks(self.signed_at or timezone.now())
        data = proofs.expected_proof(
            access_token=self.token, url=self.signed_url or address, timestamp=timestamp
        )
        signed = {"X-WOPI-TimeStamp": str(timestamp), "X-WOPI-Proof": sign(self.key, data)}
        if self.old_key is not None:
            signed["X-WOPI-ProofOld"] = sign(self.old_key, data)
        return {**signed, **headers}

    def _address(self, url: str) -> str:
        return f"{url}?{urlencode({'access_token': self.token})}"

    def _get(self, url):
        address = self._address(url)
        return self.client.get(address, headers=self._headers(HOST_URL + address, {}))

    def _post(self, url, override, data=b"", **headers):
        address = self._address(url)
        headers = self._headers(HOST_URL + address, {"X-WOPI-Override": override, **headers})
        return self.client.post(
            address, data=data, content_type="application/octet-stream", headers=headers
        )

    def check_file_info(self):
        return self._get(self.file)

    def get_file(self):
        return self._get(f"{self.file}/contents")

    def lock(self, lock_id, old=None):
        headers = {"X-WOPI-Lock": lock_id}
        if old is not None:
            headers["X-WOPI-OldLock"] = old
        return self._post(self.file, "LOCK", **headers)

    def refresh(self, lock_id):
        return self._post(self.file, "REFRESH_LOCK", **{"X-WOPI-Lock": lock_id})

    def unlock(self, lock_id):
        return self._post(self.file, "UNLOCK", **{"X-WOPI-Lock": lock_id})

    def get_lock(self):
        return self._post(self.file, "GET_LOCK")

    def put(self, content, lock_id):
        return self._post(f"{self.file}/contents", "PUT", content, **{"X-WOPI-Lock": lock_id})


def editor_for(document, user, **keys) -> Editor:
    return Editor(document, tokens.issue(document_id=document.pk, user=user).token, **keys)
