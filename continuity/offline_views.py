"""The offline tracker: a page and a service worker that keep working in the browser when
Thrive cannot be reached, and the two small JSON endpoints it talks to once it can."""

import json
import uuid
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases.models import Progressing
from cases.note_forms import NOTE_TEXT_MAX
from thrive.access import role_required
from thrive.models import Role

from . import offline, offline_kinds, records
from .models import NatureOfWork, RecordKind
from .readonly import allowed_in_read_only
from .record_forms import DETAILS_MAX
from .record_views import RECORDING_ROLES

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "js" / "offline-sw.js"


@role_required(*RECORDING_ROLES)
def offline_tracker(request):
    """Kept by the service worker, so it opens when Thrive cannot be reached. It holds no
    records: they are in the browser, encrypted, until they are sent."""
    manager = request.user.has_role(Role.SERVICE_MANAGER)
    return render(
        request,
        "continuity/offline/tracker.html",
        {
            "public_key": offline.public_key_b64(),
            "assets_json": offline.offline_assets(),
            "natures": NatureOfWork.choices,
            "details_max": DETAILS_MAX,
            "kinds": [
                (kind.value, kind.label)
                for kind in (*offline_kinds.OFFLINE_KINDS, RecordKind.FREE_TEXT)
                if kind != RecordKind.DECISION or manager
            ],
            "manager": manager,
            "workers": offline_kinds.workers_for(request.user) if manager else [],
            "progressing": Progressing.choices,
            "note_kinds": offline_kinds.note_kinds(),
            "note_max": NOTE_TEXT_MAX,
            "change_choices": offline_kinds.change_choices(),
            "date_changes": " ".join(offline_kinds.OFFLINE_DATE_FIELDS),
        },
    )


@require_GET
def service_worker(request):
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# Chromium's installability criteria ask for a square PNG icon of at least 144 pixels; the
# 192 and 512 pixel sizes are what launchers and splash screens use.
ICON_SIZES = (192, 512)


@require_GET
def manifest(request):
    """The web app manifest that makes the offline tracker an installable app: its start
    page and scope are the offline tracker, which the service worker controls."""
    start = reverse("continuity:offline")
    body = {
        "name": "Thrive Downtime tracker",
        "short_name": "Downtime tracker",
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0c",
        "description": "Keep downtime records when Thrive cannot be reached.",
        "id": start,
        "icons": [
            {
                "src": static(f"images/thrive-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ]
        + [{"src": static("images/thrive.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(body, content_type="application/manifest+json")


@never_cache
@require_GET
def status(request):
    """Whether the person is signed in (and who), with a fresh CSRF token for sending."""
    user = request.user
    if not (user.is_authenticated and records.may_keep_records(user)):
        return JsonResponse({"signed_in": False})
    return JsonResponse({"signed_in": True, "user": user.pk, "csrf": get_token(request)})


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@allowed_in_read_only
@never_cache
@require_POST
def receive(request):
    """One sealed record from the offline tracker. 201 when added, 200 when it had been
    received before (the browser may then forget it either way)."""
    user = request.user
    if not (user.is_authenticated and records.may_keep_records(user)):
        return _json_error("Sign in to Thrive to send your offline records.", 403)
    if len(request.body) > offline.MAX_SEALED_CHARS:
        return _json_error("This record is too large.", 413)
    try:
        body = json.loads(request.body)
        client_key = uuid.UUID(str(body["key"]))
        sealed = body["sealed"]
    except (ValueError, KeyError, TypeError):
        return _json_error("Not a record from the offline tracker.", 400)
    try:
        record, added, problems = offline.receive(
            by=user, client_key=client_key, sealed=sealed, request=request
        )
    except offline.Unreadable:
        return _json_error("This record cannot be read by this Thrive.", 422)
    except offline.NotYours:
        return _json_error("This record was kept by someone else: they must send it.", 409)
    return JsonResponse(
        {
            "record": record.pk,
            "url": reverse("continuity:record", args=[record.pk]),
            "problems": problems,
        },
        status=201 if added else 200,
    )
