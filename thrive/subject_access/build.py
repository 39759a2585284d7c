"""Building a subject access download: a zip holding an index page anyone can open in a
browser, a machine-readable copy (`everything.json`), the audit of who viewed or changed each
record (`audit.csv`), and every file held (documents and their versions, supporting
documents, form PDFs)."""

from __future__ import annotations

import csv
import io
import json
import secrets
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from thrive.models import AuditEvent, SubjectAccessRequest

from . import Held, source


def _audit_for(held: Held) -> list[dict]:
    if not held.audit_of:
        return []
    condition = Q(pk__in=[])
    for object_type, object_id in held.audit_of:
        condition |= Q(object_type=object_type, object_id=object_id)
    return [
        {
            "at": timezone.localtime(event.at).isoformat(timespec="seconds"),
            "who": event.username,
            "action": event.action,
            "record": f"{event.object_type} {event.object_id}",
            "from": event.ip_address or "",
            "note": event.note,
        }
        for event in AuditEvent.objects.filter(condition).order_by("at", "pk")
    ]


def _items(request: SubjectAccessRequest):
    for kind, pks in sorted(request.selection.items()):
        if source(kind) is None:
            continue
        for pk in pks:
            yield kind, int(pk)


def build(request: SubjectAccessRequest) -> SubjectAccessRequest:
    """Gather every confirmed record into one zip in storage, counting progress as it goes.
    Safe to run again: a request that is already built is left as it is."""
    if request.status != SubjectAccessRequest.Status.BUILDING:
        return request
    items = list(_items(request))
    SubjectAccessRequest.objects.filter(pk=request.pk).update(total=len(items), done=0)
    records, audit_rows = [], []
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as bundle:
            for done, (kind, pk) in enumerate(items, start=1):
                held = source(kind).collect(pk)
                if held is not None:
                    audit = _audit_for(held)
                    audit_rows += audit
                    names, missing = [], []
                    for name, read in held.files:
                        path = f"files/{held.kind}/{held.reference}/{name}"
                        try:
                            bundle.writestr(path, read())
                        except OSError:  # a row whose stored file has gone: say so
                            missing.append(name)
                        else:
                            names.append(path)
                    records.append(
                        {
                            "kind": held.kind,
                            "reference": held.reference,
                            "title": held.title,
                            "data": held.data,
                            "files": names,
                            "files_missing_from_storage": missing,
                            "audit": audit,
                        }
                    )
                SubjectAccessRequest.objects.filter(pk=request.pk).update(done=done)
            everything = {
                "child": {
                    "first_name": request.child_first_name,
                    "last_name": request.child_last_name,
                    "date_of_birth": request.child_date_of_birth,
                },
                "built_at": timezone.now(),
                "built_for": request.requested_by.full_name,
                "records": records,
            }
            bundle.writestr(
                "everything.json", json.dumps(everything, cls=DjangoJSONEncoder, indent=2)
            )
            bundle.writestr("audit.csv", _audit_csv(audit_rows))
            for record in records:
                record_rows = [(label, _text(value)) for label, value in record["data"].items()]
                record["rows"] = record_rows
            bundle.writestr(
                "index.html",
                render_to_string(
                    "thrive/subject_access/bundle_index.html",
                    {"request": request, "everything": everything},
                ),
            )
        spool.seek(0)
        name = default_storage.save(
            f"subject-access/{request.pk}-{secrets.token_hex(16)}.zip", File(spool)
        )
    now = timezone.now()
    SubjectAccessRequest.objects.filter(pk=request.pk).update(
        status=SubjectAccessRequest.Status.READY,
        file=name,
        size=default_storage.size(name),
        ready_at=now,
        expires_at=now + timedelta(days=settings.SUBJECT_ACCESS_DAYS),
    )
    request.refresh_from_db()
    return request


def _text(value) -> str:
    """A value of a record's data as text for the index page."""
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(_text(item) for item in value)
    return "" if value is None else str(value)


def _audit_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["at", "who", "action", "record", "from", "note"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def expire_old() -> int:
    """Downloads past their time are deleted from storage; the request row stays (audited)."""
    expired = 0
    for request in SubjectAccessRequest.objects.filter(
        status=SubjectAccessRequest.Status.READY, expires_at__lte=timezone.now()
    ):
        if request.file:
            default_storage.delete(request.file)
        SubjectAccessRequest.objects.filter(pk=request.pk).update(
            status=SubjectAccessRequest.Status.EXPIRED, file=""
        )
        expired += 1
    return expired
