"""The fault suite's targets (docs/resilience-faults.md): one Row per fault, what it missed,
and the suite's exit status, which is non-zero when any fault missed any target."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Row:
    fault: str
    requests: int = 0
    errors: int = 0  # 5xx and no answer, outside what the fault excuses
    excused: int = 0  # in-flight requests of a killed app server
    refused: int = 0  # writes refused with 503 while read-only
    lost_writes: int = 0
    emails: tuple[int, int, int] = (0, 0, 0)
    lost_audit: int = 0
    recovery: float | None = None
    signed_out: int = 0
    scheduled_once: bool | None = None
    died: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # the first few, for the notes
    fault_at: float | None = None  # when the fault was injected (monotonic)
    notes: str = ""

    def count_answers(self, requests, excused=lambda entry: False) -> None:
        """Sort the window's failed requests (5xx, or no answer): excused (in flight on an app
        server as it was killed), refused (a write answered 503 while the primary is down,
        as read-only mode must), or errors, which miss the target."""
        self.requests = len(requests)
        for entry in requests:
            if entry.status is not None and entry.status < 500:
                continue
            if excused(entry):
                self.excused += 1
            elif entry.status == 503 and entry.kind == "write" and self.fault.startswith("primary"):
                self.refused += 1
            else:
                self.errors += 1
                if len(self.failures) < 4:
                    at = entry.started - (self.fault_at or entry.started)
                    self.failures.append(
                        f"{entry.method} {entry.path.split('?')[0]} "
                        f"{entry.status or entry.error} at {at:+.1f}s"
                    )

    def missed(self) -> list[str]:
        missed = []
        if self.errors:
            missed.append(f"{self.errors} 5xx")
        if self.lost_writes:
            missed.append(f"{self.lost_writes} acknowledged writes lost")
        expected, delivered, duplicated = self.emails
        if delivered < expected:
            missed.append(f"{expected - delivered} emails lost")
        if duplicated:
            missed.append(f"{duplicated} emails duplicated")
        if self.lost_audit:
            missed.append(f"{self.lost_audit} audit events lost")
        if self.recovery is None:
            missed.append("did not recover by itself")
        if self.signed_out:
            missed.append(f"{self.signed_out} people signed out")
        if self.died:
            missed.append(f"{', '.join(self.died)} exited and needed a restart")
        if self.scheduled_once is False:
            missed.append("scheduled jobs ran twice")
        return missed


def exit_status(rows: list[Row]) -> int:
    """1 when any fault missed a target (or no fault ran at all), else 0."""
    return 1 if not rows or any(row.missed() for row in rows) else 0


def beat_sends(log: str, entry: str) -> list[datetime]:
    """When a beat (logging JSON lines, LOG_FORMAT=json) sent the scheduled job `entry`."""
    found = []
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if event.get("event", "").startswith(f"Scheduler: Sending due task {entry} "):
            found.append(datetime.fromisoformat(event["timestamp"]))
    return found


def once_per_period(sends: list[datetime], period: float) -> bool:
    """Whether the job was sent, and never twice within one period (two beats both active)."""
    sends = sorted(sends)
    gaps = [(b - a).total_seconds() for a, b in zip(sends, sends[1:], strict=False)]
    return bool(sends) and all(gap > period * 0.9 for gap in gaps)
