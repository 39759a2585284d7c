"""The editor's discovery XML (WOPI_EDITOR_URL + /hosting/discovery): which file extensions
it edits and at which address (the action's urlsrc). Read once an hour per process group (the
cache), and when the editor cannot be reached Thrive offers no Edit button for a minute
before it asks again, so a document page never waits on a dead editor for long."""

from __future__ import annotations

import logging
import re
import urllib.request
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

CACHE_SECONDS = 60 * 60
RETRY_SECONDS = 60
TIMEOUT_SECONDS = 3
MAX_BYTES = 2 * 1024 * 1024
# Only Word documents and spreadsheets are edited in the browser: PDFs and pictures are
# previewed, and replaced by Upload new version.
EDITABLE_KINDS = {"word", "excel"}
# urlsrc's optional parameters, e.g. <ui=UI_LLCC&>: Thrive fills none of them.
_PLACEHOLDER = re.compile(r"<[^<>]*>")


def editor_url() -> str:
    return settings.WOPI_EDITOR_URL.rstrip("/")


def editor_origin() -> str:
    parts = urlsplit(editor_url())
    return f"{parts.scheme}://{parts.netloc}"


def parse(xml: bytes) -> dict[str, str]:
    """Extension (without the dot) -> urlsrc of its "edit" action, placeholders removed."""
    root = ElementTree.fromstring(xml)  # noqa: S314 - from the editor Thrive is configured with
    actions = {}
    for action in root.iter("action"):
        extension = (action.get("ext") or "").lower()
        urlsrc = action.get("urlsrc") or ""
        if action.get("name") == "edit" and extension and urlsrc:
            actions.setdefault(extension, _PLACEHOLDER.sub("", urlsrc))
    return actions


def _fetch() -> dict[str, str]:
    url = f"{editor_url()}/hosting/discovery"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return parse(response.read(MAX_BYTES))
    except (OSError, ElementTree.ParseError) as error:
        log.warning("The editor's discovery at %s could not be read: %s", url, error)
        return {}


def edit_actions() -> dict[str, str]:
    """The editor's edit actions by extension; empty with no editor configured."""
    if not settings.WOPI_EDITOR_URL:
        return {}
    key = f"wopi-discovery:{editor_url()}"
    actions = cache.get(key)
    if actions is None:
        actions = _fetch()
        cache.set(key, actions, CACHE_SECONDS if actions else RETRY_SECONDS)
    return actions


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
