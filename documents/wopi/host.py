"""The host page, "Edit in the browser": Thrive's page around the editor. It issues the
access token and posts it into an iframe of the editor's action URL, so the token never
appears in an address the browser keeps."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP

from documents import services
from thrive import audit

from . import discovery, tokens


def editor_address(document) -> str | None:
    """The editor's address for this document, or None with no editor or none for its type."""
    if not settings.WOPI_EDITOR_URL:
        return None
    if settings.WOPI_PROOF_KEYS == "required" and discovery.current().proof_key is None:
        return None  # every call it made would be refused
    wopi_src = f"{settings.WOPI_HOST_URL.rstrip('/')}" + reverse("wopi:file", args=[document.pk])
    return discovery.action_url(document, wopi_src=wopi_src)


def may_edit_in_browser(user, document) -> bool:
    return services.may_add_version(user, document) and editor_address(document) is not None


def _csp_with_editor() -> dict:
    """The site's policy, with the editor allowed in a frame and as the form's target."""
    origin = discovery.editor_origin()
    policy = {name: list(values) for name, values in settings.SECURE_CSP.items()}
    policy["frame-src"] = [origin]
    policy["form-action"] = [CSP.SELF, origin]
    return policy


def edit_in_browser(request, document):
    """Open the editor, or say who has the document open. Called by documents.views with a
    document the person may see."""
    if not services.may_add_version(request.user, document):
        raise Http404
    address = editor_address(document)
    if address is None:
        raise Http404
    lock = services.open_for_editing(document)
    if lock is not None and lock.held_by_id != request.user.pk:
        return render(
            request, "documents/edit_in_browser.html", {"document": document, "lock": lock}
        )
    token = tokens.issue(document_id=document.pk, user=request.user)
    audit.record(
        request,
        "document_editing_opened",
        document,
        organisation=document.service.provider,
        note="browser editor, token issued",
    )
    response = render(
        request,
        "documents/edit_in_browser.html",
        {"document": document, "action_url": address, "token": token},
    )
    response._csp_config = _csp_with_editor()
    return response
