"""What must reach the primary but cannot while it is down: audit events (every view of a
child's record is audited) and ended sessions. Each is appended to a file of this process's own
in AUDIT_SPOOL_DIR, one JSON line, flushed and fsync'd before the page is answered, so a crash
loses nothing. When the primary answers again `drain` writes them: audit events by their event
id (each exactly once, however many processes drain or a drain is repeated), then deletes the
ended sessions. Put AUDIT_SPOOL_DIR on the server's persistent disk.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import uuid
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def _directory() -> Path:
    path = Path(settings.AUDIT_SPOOL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _own_file() -> Path:
    return _directory() / f"{socket.gethostname()}-{os.getpid()}.jsonl"


def append(entry: dict) -> None:
    """Append one entry durably. A drain may rename the file at any moment: the lock and the
    inode check make sure the line lands in a file the drain will read."""
    line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
    path = _own_file()
    while True:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current != os.fstat(fd).st_ino:
                continue  # drained meanwhile: write to a new file
            os.write(fd, line)
            os.fsync(fd)
            return
        finally:
            os.close(fd)


def audit_event(*, event_id: str | None = None, **fields) -> None:
    append({"kind": "audit", "event_id": event_id or str(uuid.uuid4()), **fields})


def session_ended(session_key: str) -> None:
    append({"kind": "session_ended", "session_key": session_key})


def drain() -> int:
    """Write every spooled entry of this server (any process's) to the primary; returns how
    many audit events were written. Safe to run concurrently and to repeat."""
    written = 0
    for path in sorted(_directory().glob("*.jsonl*")):
        claimed = path.with_name(f"{path.name.split('.jsonl')[0]}.jsonl.draining-{uuid.uuid4()}")
        try:
            path.rename(claimed)
        except FileNotFoundError:
            continue  # another process claimed it
        try:
            written += _apply(claimed)
        except Exception:
            log.exception(
                "Could not write the spool %s yet; it is kept for the next drain", claimed
            )
            continue
    if written:
        log.warning("Wrote %s audit events recorded while the database primary was down", written)
    return written


def _apply(path: Path) -> int:
    from importlib import import_module

    from django.conf import settings

    from .models import AuditEvent

    Session = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()

    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for a write already under way
        with os.fdopen(os.dup(fd), "rb") as spool:
            entries = [json.loads(line) for line in spool if line.strip()]
        events = [_event(entry) for entry in entries if entry["kind"] == "audit"]
        AuditEvent.objects.bulk_create(events, ignore_conflicts=True)
        ended = [entry["session_key"] for entry in entries if entry["kind"] == "session_ended"]
        Session.objects.filter(session_key__in=ended).delete()
        path.unlink()
        return len(events)
    finally:
        os.close(fd)


def _event(entry: dict):
    from django.utils.dateparse import parse_datetime

    from .models import AuditEvent

    return AuditEvent(
        event_id=entry["event_id"],
        at=parse_datetime(entry["at"]),
        user_id=entry["user_id"],
        username=entry["username"],
        action=entry["action"],
        object_type=entry["object_type"],
        object_id=entry["object_id"],
        organisation_id=entry["organisation_id"],
        request_id=entry["request_id"],
        ip_address=entry["ip_address"],
        note=entry["note"],
    )


def check_spool_directory(app_configs=None, **kwargs):
    """With a replica configured the spool must be writable, or views audited while the primary
    is down could not be recorded (and would be answered 503)."""
    from django.core.checks import Warning

    from .database import replica_configured

    if not replica_configured():
        return []
    try:
        directory = _directory()
        probe = directory / f".check-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return [
            Warning(
                f"AUDIT_SPOOL_DIR ({settings.AUDIT_SPOOL_DIR}) is not writable: {error}",
                hint="Point AUDIT_SPOOL_DIR at a writable directory on persistent disk.",
                id="thrive.W003",
            )
        ]
    return []
