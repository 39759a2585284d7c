"""The editor's discovery XML (WOPI_EDITOR_URL + /hosting/discovery): which file extensions
it edits and at which address (the action's urlsrc), and the public keys it signs its
requests with (the proof-key element, proofs.py). Read once an hour per process group (the
cache), and when the editor cannot be reached Thrive offers no Edit button for a minute
before it asks again, so a document page never waits on a dead editor for long."""

from __future__ import annotations

import logging
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60
RETRY_SECONDS = 60
# The proof keys an editor last published are kept this long, so that an editor that once
# signed its requests is not taken at its word while its discovery cannot be read.
PROOF_KEY_MEMORY_SECONDS = 7 * 24 * 60 * 60
TIMEOUT_SECONDS = 3
MAX_BYTES = 2 * 1024 * 1024
# Only Word documents and spreadsheets are edited in the browser: PDFs and pictures are
# previewed, and replaced by Upload new version.
EDITABLE_KINDS = {"word", "excel"}
# urlsrc's optional parameters, e.g. <ui=UI_LLCC&>: Thrive fills none of them.
_PLACEHOLDER = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class ProofKey:
    """The editor's current and old RSA public keys, as base64 modulus and exponent (the
    attributes for hosts not on .NET; `value`/`oldvalue`, .NET's CSP blobs, are not read)."""

    modulus: str
    exponent: str
    old_modulus: str = ""
    old_exponent: str = ""


@dataclass(frozen=True)
class Discovery:
    actions: dict[str, str] = field(default_factory=dict)
    proof_key: ProofKey | None = None
    read_at: datetime | None = None


def editor_url() -> str:
    return settings.WOPI_EDITOR_URL.rstrip("/")


def editor_origin() -> str:
    parts = urlsplit(editor_url())
    return f"{parts.scheme}://{parts.netloc}"


def _proof_key(root) -> ProofKey | None:
    element = root.find(".//proof-key")
    if element is None or not element.get("modulus") or not element.get("exponent"):
        return None
    return ProofKey(
        modulus=element.get("modulus"),
        exponent=element.get("exponent"),
        old_modulus=element.get("oldmodulus") or "",
        old_exponent=element.get("oldexponent") or "",
    )


def parse(xml: bytes) -> Discovery:
    """The edit action of each extension (without the dot; urlsrc, placeholders removed) and
    the proof keys, if the editor publishes any."""
    root = ElementTree.fromstring(xml)  # noqa: S314 - from the editor Thrive is configured with
    actions = {}
    for action in root.iter("action"):
        extension = (action.get("ext") or "").lower()
        urlsrc = action.get("urlsrc") or ""
        if action.get("name") == "edit" and extension and urlsrc:
            actions.setdefault(extension, _PLACEHOLDER.sub("", urlsrc))
    return Discovery(actions=actions, proof_key=_proof_key(root), read_at=timezone.now())


def _fetch() -> Discovery | None:
    url = f"{editor_url()}/hosting/discovery"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return parse(response.read(MAX_BYTES))
    except (OSError, ElementTree.ParseError) as error:
        log.warning("The editor's discovery at %s could not be read: %s", url, error)
        return None


def _keys():
    return f"wopi-discovery:v2:{editor_url()}", f"wopi-proof-key:{editor_url()}"


def _read() -> Discovery:
    """Read the discovery now and cache it; unreadable, no actions and the last proof key."""
    key, proof_key_key = _keys()
    found = _fetch()
    if found is None:
        found = Discovery(proof_key=cache.get(proof_key_key), read_at=timezone.now())
        cache.set(key, found, RETRY_SECONDS)
        return found
    cache.set(key, found, CACHE_SECONDS)
    if found.proof_key is None:
        cache.delete(proof_key_key)
    else:
        cache.set(proof_key_key, found.proof_key, PROOF_KEY_MEMORY_SECONDS)
    return found


def current() -> Discovery:
    """The editor's discovery; empty with no editor configured."""
    if not settings.WOPI_EDITOR_URL:
        return Discovery()
    found = cache.get(_keys()[0])
    return found if found is not None else _read()


def reread_for_new_keys() -> Discovery:
    """After a proof that no published key verifies: the editor may have rotated its keys
    since Thrive read them, so read the discovery again, at most once a minute."""
    found = current()
    if found.read_at and timezone.now() - found.read_at < timedelta(seconds=RETRY_SECONDS):
        return found
    return _read()


def edit_actions() -> dict[str, str]:
    """The editor's edit actions by extension; empty with no editor configured."""
    return current().actions


def action_url(document, *, wopi_src: str) -> str | None:
    """Where the editor opens this document, or None when it cannot edit it."""
    if document.kind not in EDITABLE_KINDS:
        return None
    extension = document.name.rpartition(".")[2].lower()
    urlsrc = edit_actions().get(extension)
    if not urlsrc:
        return None
    joiner = "" if urlsrc.endswith(("?", "&")) else "&" if "?" in urlsrc else "?"
    return f"{urlsrc}{joiner}WOPISrc={quote(wopi_src, safe='')}"
