"""Writing the audit trail. Every view of a child's record, every change, export, print and
download calls `record`; the trail is written by the application so it works on SQLite as well
as PostgreSQL (where a trigger also forbids changing or deleting rows)."""

from __future__ import annotations

import uuid

from django.db import models

from .database import AUDIT_IDS, primary_available
from .models import AuditEvent


def record(
    request,
    action: str,
    obj: models.Model | None = None,
    *,
    user=None,
    organisation=None,
    note: str = "",
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event: who (the request's user unless `user` is given), when, what and from
    where. `note` is a short description and must never hold a record's contents."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        organisation = organisation or _organisation_of(obj)
    if organisation is not None:
        organisation_id = organisation.pk
    else:  # the person's own, by its key: no query for the organisation itself
        organisation_id = user.organisation_id if user is not None else None
    event = AuditEvent(
        user=user,
        username=user.username if user else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        organisation_id=organisation_id,
        request_id=getattr(request, "request_id", "") if request else "",
        ip_address=client_address(request) if request else None,
        note=note[:200],
    )
    if request is not None:
        event.event_id = _event_ids(request).next_id(action, object_type, object_id)
    if not primary_available():
        _spool(event)  # written to the trail once the primary is back (thrive/spool.py)
        return event
    event.save(force_insert=True)
    return event


def entered_from(source: str) -> str:
    """An audit note for work first written elsewhere (a downtime record), or nothing."""
    return f"entered from {source}" if source else ""


def with_source(note: str, source: str) -> str:
    """An audit note led by where the work was first written, if it was elsewhere."""
    return (f"{entered_from(source)}: {note}" if source else note)[:200]


class _EventIds:
    """A request's audit event ids, in the order it records them. A request read again from
    the replica (thrive.database.PrimaryWatchMiddleware) records the same events again: each
    gets the id its first try had, so the trail holds it once (the spool's drain skips an id
    the primary already has). An event that differs from the first try's gets an id of its
    own."""

    def __init__(self):
        self.ids: list[tuple[tuple, uuid.UUID]] = []
        self.position = 0

    def next_id(self, *event) -> uuid.UUID:
        if self.position < len(self.ids) and self.ids[self.position][0] == event:
            event_id = self.ids[self.position][1]
        else:
            event_id = uuid.uuid4()
            self.ids.append((event, event_id))
            self.position = len(self.ids) - 1
        self.position += 1
        return event_id

    def read_again(self) -> None:
        self.position = 0


def _event_ids(request) -> _EventIds:
    ids = getattr(request, AUDIT_IDS, None)
    if ids is None:
        ids = _EventIds()
        setattr(request, AUDIT_IDS, ids)
    return ids


def _spool(event: AuditEvent) -> None:
    from . import spool

    spool.audit_event(
        event_id=str(event.event_id) if event.event_id else None,
        at=event.at.isoformat(),
        user_id=event.user_id,
        username=event.username,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        organisation_id=event.organisation_id,
        request_id=event.request_id,
        ip_address=event.ip_address,
        note=event.note,
    )


def _organisation_of(obj):
    for attr in ("organisation", "provider"):
        value = getattr(obj, attr, None)
        if value is not None:
            return value
    return None


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw."""
    from django.conf import settings

    trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if trusted:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR") or None
