"""A stand-in WOPI editor served by the live server beside Thrive (ROOT_URLCONF for the
browser test): its discovery XML, and an editor page whose server side speaks WOPI to the
host's endpoints over HTTP with the access token, as Collabora's or ONLYOFFICE's server does,
signing each call with the proof key its discovery publishes. Each Save puts a new Word
document; Close unlocks."""

import json
import urllib.request
from html import escape
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt

from documents.demo import demo_docx
from documents.wopi import proofs
from tests.documents.library.wopi_editor import new_key, proof_key_element, sign
from thrive.urls import handler500  # noqa: F401
from thrive.urls import urlpatterns as thrive_urlpatterns

LOCK = "stand-in-editor-session"
KEY = new_key()


def discovery(request):
    urlsrc = request.build_absolute_uri("/stand-in-editor/edit?<ui=UI_LLCC&>")
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><wopi-discovery><net-zone name="external-http">'
        f'<app name="writer"><action ext="docx" name="edit" urlsrc="{escape(urlsrc)}"/></app>'
        f"</net-zone>{proof_key_element(KEY)}</wopi-discovery>"
    )
    return HttpResponse(xml, content_type="text/xml")


def _signed(url, token) -> dict:
    timestamp = proofs.ticks(timezone.now())
    proof = proofs.expected_proof(access_token=token, url=url, timestamp=timestamp)
    return {"X-WOPI-TimeStamp": str(timestamp), "X-WOPI-Proof": sign(KEY, proof)}


def _wopi(src, token, *, path="", override=None, data=None):
    url = f"{src}{path}?{urlencode({'access_token': token})}"
    headers = {"X-WOPI-Override": override, "X-WOPI-Lock": LOCK} if override else {}
    request = urllib.request.Request(
        url, data=data, method="POST" if override else "GET", headers=headers | _signed(url, token)
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _page(src, token, message):
    return HttpResponse(
        "<!doctype html><html lang='en'><head><title>Stand-in editor</title></head><body>"
        f"<main><h1>Stand-in editor</h1><p id='status'>{escape(message)}</p>"
        "<form method='post'>"
        f"<input type='hidden' name='access_token' value='{escape(token)}'>"
        f"<input type='hidden' name='src' value='{escape(src)}'>"
        "<button name='do' value='save'>Save</button> "
        "<button name='do' value='close'>Close</button></form></main></body></html>"
    )


@csrf_exempt
@xframe_options_exempt
@csp_override({"default-src": ["'self'"], "frame-ancestors": ["'self'"]})
def edit(request):
    token = request.POST["access_token"]
    src = request.POST.get("src") or request.GET["WOPISrc"]
    action = request.POST.get("do")
    if action is None:  # opened by the host page's form
        info = json.loads(_wopi(src, token))
        _wopi(src, token, path="/contents")
        _wopi(src, token, override="LOCK")
        return _page(src, token, f"Editing {info['BaseFileName']} as {info['UserFriendlyName']}")
    if action == "save":
        before = json.loads(_wopi(src, token))["Version"]
        _wopi(src, token, path="/contents", override="PUT", data=demo_docx(f"Edit of {before}"))
        after = json.loads(_wopi(src, token))["Version"]
        return _page(src, token, f"Saved: {after}")
    _wopi(src, token, override="UNLOCK")
    return _page(src, token, "Closed")


urlpatterns = [
    path("stand-in-editor/hosting/discovery", discovery),
    path("stand-in-editor/edit", edit),
    *thrive_urlpatterns,
]
