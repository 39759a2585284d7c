"""The WOPI endpoints the editor's server calls. They take no session and no CSRF token:
the access token in the query string is the only credential, and on every call Thrive checks
again that its person may still edit the document (someone taken off the case meanwhile gets
404, as WOPI expects for "unknown file or not allowed"; a bad or expired token gets 401)."""

from __future__ import annotations

import base64
import tempfile
from datetime import UTC

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from documents import services
from documents.models import Document
from documents.uploads import UploadRefused, check_upload
from thrive import audit

from . import locks, proofs, tokens

CHUNK = 64 * 1024


class Refusal(Exception):
    def __init__(self, status: int, reason: str = ""):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _answer(status: int, *, lock: str | None = None, reason: str = "") -> HttpResponse:
    response = HttpResponse(status=status)
    if lock is not None:
        response["X-WOPI-Lock"] = lock
    if reason:
        response["X-WOPI-ServerError"] = reason
        if lock is not None:
            response["X-WOPI-LockFailureReason"] = reason
    return _private(response)


def _authorise(request, pk: int):
    """The document and the person the token names, if they may still edit it."""
    try:
        user = tokens.person_for(request.GET.get("access_token", ""), document_id=pk)
    except tokens.InvalidToken:
        raise Refusal(401) from None
    document = (
        Document.objects.visible_to(user)
        .live()
        .select_related("case", "service__provider", "current_version", "created_by")
        .filter(pk=pk)
        .first()
    )
    if document is None or not services.may_add_version(user, document):
        raise Refusal(404)
    return document, user


def _check_proof(request) -> None:
    try:
        proofs.check_request(request)
    except proofs.ProofRefused as refusal:
        raise Refusal(500, str(refusal)) from None  # what WOPI expects for a bad proof


def _wopi(view):
    """CSRF-exempt (the editor's server holds no CSRF cookie), signed by the editor when it
    signs, token-authorised, private."""

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    def wrapped(request, pk):
        try:
            _check_proof(request)
            document, user = _authorise(request, pk)
            return _private(view(request, document, user))
        except Refusal as refusal:
            return _answer(refusal.status, reason=refusal.reason)
        except locks.LockMismatch as mismatch:
            return _answer(409, lock=mismatch.current, reason=str(mismatch))

    # continuity.middleware asks this, not its HTML page, for the refusal in read-only mode.
    wrapped.read_only_answer = _read_only_answer
    return wrapped


# The editor's POSTs still answered in read-only mode: GET_LOCK only reads. CheckFileInfo and
# GetFile are GETs, which read-only mode lets through (CheckFileInfo then says ReadOnly).
READS = {"GET_LOCK"}
READ_ONLY_REASON = "Thrive is read-only just now and cannot save changes; try again later"


def _read_only_answer(request, downtime) -> HttpResponse | None:
    """In read-only mode (manual or automatic), a refusal the editor understands: 503 with
    X-WOPI-ServerError, never Thrive's HTML page. The editor keeps the changes and says the
    document could not be saved; a lock it cannot renew expires as usual."""
    if request.headers.get("X-WOPI-Override", "").upper() in READS:
        return None
    return _answer(503, reason=READ_ONLY_REASON)


def _read_only(request) -> bool:
    """Whether read-only mode is in force (continuity.middleware looks it up)."""
    return getattr(request, "downtime", None) is not None


def _absolute(path: str) -> str:
    return f"{settings.WOPI_HOST_URL.rstrip('/')}{path}"


@_wopi
def file(request, document, user):
    """CheckFileInfo (GET) and the lock operations (POST with X-WOPI-Override)."""
    if request.method == "GET":
        return check_file_info(document, user, read_only=_read_only(request))
    override = request.headers.get("X-WOPI-Override", "").upper()
    lock_id = request.headers.get("X-WOPI-Lock", "")
    if override == "LOCK":
        old = request.headers.get("X-WOPI-OldLock")
        _require_lock_id(lock_id)
        locks.lock(document, by=user, lock_id=lock_id, old_lock_id=old)
        return HttpResponse(status=200)
    if override == "REFRESH_LOCK":
        _require_lock_id(lock_id)
        locks.refresh(document, lock_id=lock_id)
        return HttpResponse(status=200)
    if override == "UNLOCK":
        _require_lock_id(lock_id)
        locks.unlock(document, by=user, lock_id=lock_id, request=request)
        return HttpResponse(status=200)
    if override == "GET_LOCK":
        response = HttpResponse(status=200)
        response["X-WOPI-Lock"] = locks.current_lock_id(document)
        return response
    # PUT_RELATIVE (Save As), RENAME_FILE, DELETE and the rest: a document's name and place
    # are Thrive's to decide (Edit Properties), never the editor's.
    raise Refusal(501, "Not supported by Thrive")


def _require_lock_id(lock_id: str) -> None:
    if not lock_id or len(lock_id) > 1024:
        raise Refusal(400, "X-WOPI-Lock is required")


def check_file_info(document, user, *, read_only: bool = False) -> JsonResponse:
    """The document's facts and what the person may do; in read-only mode the editor opens it
    for reading only (UserCanWrite false, ReadOnly true)."""
    version = document.current_version
    site = _absolute("")
    return JsonResponse(
        {
            "BaseFileName": document.name,
            "OwnerId": str(document.created_by_id or ""),
            "Size": document.size,
            "UserId": str(user.pk),
            "UserFriendlyName": user.full_name,
            "Version": f"{version.pk}-{document.sha256[:16]}",
            "SHA256": base64.b64encode(bytes.fromhex(document.sha256)).decode(),
            "LastModifiedTime": document.modified_at.astimezone(UTC).isoformat(),
            "UserCanWrite": not read_only,
            "ReadOnly": read_only,
            "SupportsLocks": True,
            "SupportsGetLock": True,
            "SupportsExtendedLockLength": True,
            "SupportsUpdate": True,
            "UserCanNotWriteRelative": True,
            "SupportsRename": False,
            "UserCanRename": False,
            "SupportsDeleteFile": False,
            "PostMessageOrigin": site,
            "CloseUrl": _absolute(reverse("documents:detail", args=[document.pk])),
        }
    )


@_wopi
def contents(request, document, user):
    """GetFile (GET) and PutFile (POST with X-WOPI-Override: PUT)."""
    if request.method == "GET":
        return get_file(request, document, user)
    if request.headers.get("X-WOPI-Override", "").upper() != "PUT":
        raise Refusal(501, "Not supported by Thrive")
    return put_file(request, document, user)


def get_file(request, document, user) -> FileResponse:
    version = document.current_version
    try:
        stored = default_storage.open(version.file, "rb")
    except FileNotFoundError:
        raise Refusal(404) from None
    response = FileResponse(stored, content_type="application/octet-stream")
    response["X-WOPI-ItemVersion"] = f"{version.pk}-{document.sha256[:16]}"
    audit.record(
        request,
        "document_downloaded",
        document,
        user=user,
        organisation=document.service.provider,
        note=f"version {version.number}, by the browser editor",
    )
    return response


def _body(request) -> tempfile.SpooledTemporaryFile:
    """The saved file, a chunk at a time, refused (413) once it passes the upload limit."""
    declared = int(request.headers.get("Content-Length") or 0)
    if declared > settings.UPLOAD_MAX_BYTES:
        raise Refusal(413, "The file is too large")
    body = tempfile.SpooledTemporaryFile(max_size=CHUNK * 16)  # noqa: SIM115 - returned
    size = 0
    while chunk := request.read(CHUNK):
        size += len(chunk)
        if size > settings.UPLOAD_MAX_BYTES:
            body.close()
            raise Refusal(413, "The file is too large")
        body.write(chunk)
    body.seek(0)
    return body


def _header_text(message: str) -> str:
    """A refusal's reason as a header can carry it (ASCII, one line)."""
    plain = message.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return plain.encode("ascii", "replace").decode().replace("\n", " ")[:300]


def put_file(request, document, user) -> HttpResponse:
    """A save: a new version through the same checks as an upload. Without the editor's
    lock (or with another's) it is refused with 409 and the lock the document holds."""
    lock_id = request.headers.get("X-WOPI-Lock", "")
    current = locks.current_lock_id(document)
    if current != lock_id or not current:
        # Unlocked: WOPI allows a save without a lock only to an empty file, never the case.
        return _answer(409, lock=current, reason="Not locked by this editor")
    with _body(request) as body:
        try:
            checked = check_upload(File(body, name=document.name))
        except UploadRefused as refusal:
            status = 413 if refusal.code == "too_large" else 400
            return _answer(status, reason=_header_text(refusal.message))
        if checked.sha256 == document.sha256:
            response = HttpResponse(status=200)  # saved unchanged: no new version
        else:
            try:
                services.add_version(
                    document, by=user, checked=checked, request=request, editor_lock=lock_id
                )
            except services.DocumentOpenForEditing:
                return _answer(409, lock=locks.current_lock_id(document), reason="Locked")
            except services.DocumentActionRefused as refusal:
                return _answer(400, reason=_header_text(str(refusal)))
            response = HttpResponse(status=200)
    document.refresh_from_db()
    response["X-WOPI-ItemVersion"] = f"{document.current_version_id}-{document.sha256[:16]}"
    return response
