"""What the database and the mail sink must show after a fault: every acknowledged write,
every audited view, every email once. Runs in the suite's own process with Django pointed at
the primary (never the replica, never Redis)."""

from __future__ import annotations

import json
from collections import Counter

from django.core.files.storage import default_storage
from django.db import close_old_connections


def _fresh():
    close_old_connections()
    from django.db import connection

    connection.close()


def lost_writes(writes) -> list[str]:
    """The acknowledged writes the primary does not have."""
    from cases.models import Case
    from documents.models import Document
    from portal.models import Task
    from thrive.models import AuditEvent

    _fresh()
    lost = []
    last_save: dict[int, str] = {}
    for write in writes:
        c = write.check
        if write.what == "portal save attempt":
            continue
        if write.what == "referral":
            ok = Case.objects.filter(thrive_id=c["case"], child_first_name=c["child"]).exists()
        elif write.what == "decision":
            ok = Case.objects.filter(thrive_id=c["case"], progressing=c["progressing"]).exists()
        elif write.what == "upload":
            document = (
                Document.objects.filter(case__thrive_id=c["case"], title=c["title"])
                .select_related("current_version")
                .first()
            )
            ok = document is not None and default_storage.exists(document.current_version.file)
        elif write.what == "portal save":
            ok = AuditEvent.objects.filter(
                request_id=c["request_id"], action="portal_task_saved"
            ).exists()
            last_save[c["task"]] = c["word"]
        else:
            raise ValueError(write.what)
        if not ok:
            lost.append(f"{write.what} {c}")
    # Each task must still hold its last acknowledged draft (or a later attempt's).
    for pk, word in last_save.items():
        answers = json.dumps(Task.objects.get(pk=pk).answers)
        later = [w.check["word"] for w in writes if w.what == "portal save attempt"]
        if word not in answers and not any(w in answers for w in later):
            lost.append(f"portal save: task {pk} lost its draft {word}")
    return lost


def lost_views(views) -> list[str]:
    """Audited views the server answered whose 'viewed' event is not in the trail."""
    from thrive.models import AuditEvent

    _fresh()
    ids = [v.request_id for v in views]
    found = Counter(
        AuditEvent.objects.filter(request_id__in=ids, action="viewed").values_list(
            "request_id", flat=True
        )
    )
    return [v.request_id for v in views if not found[v.request_id]]


def duplicate_views(views) -> int:
    from thrive.models import AuditEvent

    ids = [v.request_id for v in views]
    found = Counter(
        AuditEvent.objects.filter(request_id__in=ids, action="viewed").values_list(
            "request_id", flat=True
        )
    )
    return sum(n - 1 for n in found.values() if n > 1)


def outbox_mark() -> int:
    from thrive.models import OutboxEmail

    _fresh()
    last = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def emails(since_pk: int, received) -> dict:
    """Emails queued since `since_pk` against those the sink accepted since the same moment."""
    from thrive.models import OutboxEmail

    _fresh()
    rows = OutboxEmail.objects.filter(pk__gt=since_pk).exclude(last_error__startswith="Not sent:")
    # An email is known by its recipients, subject and body; a one-time code's body is
    # removed once sent, so those are known by recipients and subject.
    secret = {(tuple(sorted(r.to)), r.subject) for r in rows if r.secret}
    expected = Counter(
        (tuple(sorted(r.to)), r.subject, "" if r.secret else r.body.strip()) for r in rows
    )
    got = Counter(
        (m.to, m.subject, "" if (m.to, m.subject) in secret else m.body.strip()) for m in received
    )
    delivered = sum(min(n, got[k]) for k, n in expected.items())
    duplicated = sum(max(0, got[k] - n) for k, n in got.items() if k in expected)
    pending = rows.filter(status=OutboxEmail.Status.PENDING).count()
    failed = rows.filter(status=OutboxEmail.Status.FAILED).count()
    return {
        "expected": sum(expected.values()),
        "delivered": delivered,
        "duplicated": duplicated,
        "pending": pending,
        "failed": failed,
    }


def pending_before(moment) -> int:
    """Emails queued before `moment` and not yet sent."""
    from thrive.models import OutboxEmail

    _fresh()
    return OutboxEmail.objects.filter(
        status=OutboxEmail.Status.PENDING, created_at__lte=moment
    ).count()
