"""`make faults`: build the topology, drive the load, inject each fault in turn, print the
table and exit non-zero on any target missed. docs/resilience-faults.md explains each row.

FAULT_SECONDS (default 60) is how long Redis and the primary stay down; FAULT_ONLY=redis,primary
runs some of the faults; FAULT_KEEP=1 keeps the temporary directory (logs) afterwards."""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import requests

from .load import Clinician, Ledger, Manager, Officer, Worker, client
from .targets import Row, beat_sends, exit_status, once_per_period
from .topology import Topology, missing_tools, port_open, wait_until

FAULT_SECONDS = int(os.environ.get("FAULT_SECONDS", "60"))
WARM_SECONDS = 5
AFTER_SECONDS = 5  # load kept up after recovery, to see that it holds
RECOVERY_LIMIT = 120  # a part not recovered by then has not recovered by itself
SETTLE_LIMIT = 150  # emails and audit events: the outbox sweep runs every minute
# send-outbox, the most frequent scheduled job (OUTBOX_SWEEP_SECONDS in the app servers).
BEAT_PERIOD = int(os.environ.get("FAULT_SWEEP_SECONDS", "60"))


class Suite:
    def __init__(self, topology: Topology):
        self.t = topology
        self.ledger = Ledger()
        self.running = threading.Event()
        self.people = []
        self.ready_path = "/accounts/login/"

    # --- setting up -----------------------------------------------------------------------
    def sign_in_people(self):
        from django.db.models import Q

        from cases.models import Case, Status
        from portal.models import Task
        from thrive.models import User

        base, ca = self.t.site_url, self.t.ca_file
        common = {"base": base, "ca": ca, "ledger": self.ledger, "running": self.running}
        people = [
            Officer(username="ehps01", seed=1, **common),
            Manager(username="mgr01", seed=2, **common),
        ]
        for n, username in enumerate(["wkr01", "wkr02"]):
            worker = Worker(username=username, seed=10 + n, **common)
            worker.cases = list(
                Case.objects.filter(worker__username=username, status=Status.OPEN)
                .filter(Q(archived_at__isnull=True))
                .values_list("thrive_id", flat=True)
            )
            if worker.cases:
                people.append(worker)
        for n, username in enumerate(["clin01", "clin02"]):
            user = User.objects.get(username=username)
            clinician = Clinician(username=username, seed=20 + n, **common)
            clinician.sink, clinician.email = self.t.smtp, user.email
            # The tasks this clinician fills in: assigned to them and open.
            clinician.tasks = [t.pk for t in Task.objects.filter(clinician=user) if t.is_open]
            if clinician.tasks:
                people.append(clinician)
        for person in people:
            person.sign_in()
            person.start()
        self.people = people
        self.http = client(ca)
        probe = self.http.get(base + "/health/ready/", timeout=10)
        if probe.status_code != 404:
            self.ready_path = "/health/ready/"
        print(f"  {len(people)} people signed in: " + ", ".join(p.username for p in people))

    def stop_people(self):
        self.running.clear()
        for person in self.people:
            person.stopping = True
        for person in self.people:
            person.join(TIMEOUT_JOIN)

    # --- measuring ------------------------------------------------------------------------
    def ready(self) -> bool:
        try:
            response = self.http.get(self.t.site_url + self.ready_path, timeout=5)
        except requests.RequestException:
            return False
        return response.status_code == 200

    def recovered_at(self, since: float, extra=lambda: True) -> float | None:
        """When Thrive, after `since`, answered ready and acknowledged a person's write."""
        deadline = since + RECOVERY_LIMIT
        while time.monotonic() < deadline:
            if (
                self.ready()
                and extra()
                and any(
                    w.at >= since for w in self.ledger.writes if w.what != "portal save attempt"
                )
            ):
                return time.monotonic() - since
            time.sleep(0.5)
        return None

    def window(self, row: Row, run_fault):
        """Load, fault, recovery, then settle and check. `run_fault` sets the row's recovery
        time and notes, and may return which failed requests the fault excuses."""
        from . import checks

        mark_pk = checks.outbox_mark()
        mark_sink = len(self.t.smtp.received())
        n_requests, n_writes, n_views = (
            len(self.ledger.requests),
            len(self.ledger.writes),
            len(self.ledger.views),
        )
        self.running.set()
        time.sleep(WARM_SECONDS)
        excused = run_fault(row) or (lambda entry: False)
        time.sleep(AFTER_SECONDS)
        self.running.clear()
        time.sleep(1)
        deadline = time.monotonic() + 65  # let requests in progress end (the client waits 60 s)
        while any(p.busy for p in self.people) and time.monotonic() < deadline:
            time.sleep(0.2)
        requests_ = self.ledger.requests[n_requests:]
        writes = self.ledger.writes[n_writes:]
        views = self.ledger.views[n_views:]
        row.count_answers(requests_, excused)
        row.signed_out = sum(1 for _, at in self.ledger.signed_out if at >= requests_[0].started)
        # Recovery without restarts: every part the fault did not kill is still running. One
        # that exited is named (the row is missed) and started again, so that the settle below
        # shows whether anything beyond its absence was lost.
        for name, process in list(self.t.processes.items()):
            if not process.alive():
                row.died.append(name)
                print(
                    f"    {name} exited during the fault; restarting it for the next one",
                    flush=True,
                )
                self.t.restart(name)
        # Settle: emails and audit events written late must all arrive, each once.
        deadline = time.monotonic() + SETTLE_LIMIT
        while True:
            mail = checks.emails(mark_pk, self.t.smtp.received()[mark_sink:])
            lost_views = checks.lost_views(views)
            settled = mail["delivered"] >= mail["expected"] and not lost_views
            if settled or time.monotonic() > deadline:
                break
            time.sleep(2)
        time.sleep(3)  # a late duplicate would show now
        mail = checks.emails(mark_pk, self.t.smtp.received()[mark_sink:])
        row.emails = (mail["expected"], mail["delivered"], mail["duplicated"])
        row.lost_audit = len(checks.lost_views(views))
        lost = checks.lost_writes(writes)
        row.lost_writes = len(lost)
        if lost:
            row.notes += " lost: " + "; ".join(lost[:3])
        if duplicates := checks.duplicate_views(views):
            row.notes += f" {duplicates} views audited twice"
        unexpected = Counter(
            f"{r.what} {r.status}"
            for r in requests_
            if r.error.startswith("unexpected") and r.status is not None and r.status < 500
        )
        if unexpected:
            row.notes += (
                " Unexpected answers: "
                + ", ".join(f"{k} x{n}" for k, n in unexpected.most_common(4))
                + "."
            )
        acknowledged = sum(1 for w in writes if w.what != "portal save attempt")
        row.notes = f"{acknowledged} writes acknowledged, {len(views)} audited views. " + row.notes
        if row.failures:
            row.notes += " 5xx: " + "; ".join(row.failures) + "."

    # --- the faults -----------------------------------------------------------------------
    def redis_down(self, row: Row):
        row.fault_at = time.monotonic()
        self.t.processes["redis"].stop()
        time.sleep(FAULT_SECONDS)
        self.t.start_redis()
        row.recovery = self.recovered_at(time.monotonic())

    def primary_down(self, row: Row):
        # SIGQUIT: PostgreSQL's immediate shutdown, as if its host had failed.
        row.fault_at = time.monotonic()
        self.t.processes["postgres-primary"].stop(signal.SIGQUIT)
        time.sleep(FAULT_SECONDS)
        self.t.start_primary()
        row.recovery = self.recovered_at(time.monotonic(), self.t.replica_streaming)

    def app_killed(self, row: Row):
        app = self.t.processes["app1"]
        killed = row.fault_at = time.monotonic()
        app.send(signal.SIGKILL)
        app.popen.wait(10)
        # Its workers, killed with it, hold the listening socket until the last one is gone:
        # a request the proxy connects before then reaches it as it dies.
        port = self.t.ports.app(1)
        wait_until("app1 to stop accepting", lambda: not port_open(port), timeout=10, every=0.01)
        dead = time.monotonic()  # requests sent before this may have reached it as it died

        def excused(r) -> bool:  # in flight on it when it was killed
            return r.started <= dead and r.ended >= killed

        time.sleep(min(FAULT_SECONDS, 15))
        restarted = time.monotonic()
        self.t.start_app(1)
        wait_until("app1 back in the proxy", lambda: self.t.proxy_server_up("app1"), 90)
        row.recovery = time.monotonic() - restarted
        row.notes = "{n} requests in flight on it excused. "
        return excused

    def worker_killed(self, row: Row):
        from . import checks

        sink = self.t.smtp
        sink.aborted = 0
        sink.hold = 3.0
        if not sink.holding.wait(90):
            sink.hold = 0
            raise RuntimeError("no email was sent within 90s: cannot kill a worker mid-send")
        victim = self._worker_of(sink.holding_peer)
        killed = row.fault_at = time.monotonic()
        self.t.processes[victim].send(signal.SIGKILL)
        self.t.processes[victim].popen.wait(10)
        sink.hold = 0
        killed_at = datetime.now().astimezone()

        def delivered():  # the email in flight, and every one queued before the kill
            return checks.pending_before(killed_at) == 0

        wait_until("the other worker catching up", delivered, SETTLE_LIMIT, every=1)
        row.recovery = time.monotonic() - killed
        name = victim
        self.t.start_worker(int(name[-1]))
        row.notes = (
            f"{name} killed while sending; the sink saw {sink.aborted} transfer(s) abandoned. "
        )

    def _worker_of(self, port: int) -> str:
        """The worker process (group) holding the sink's connection from `port`."""
        import subprocess

        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for pid in re.findall(r"pid=(\d+)", out):
            try:
                group = os.getpgid(int(pid))
            except ProcessLookupError:
                continue
            for name, process in self.t.processes.items():
                if name.startswith("worker") and process.pid == group:
                    return name
        raise RuntimeError(f"no Celery worker holds the SMTP connection from port {port}")

    def beat_twice(self, row: Row):
        started = datetime.now(UTC)
        self.t.start_beat(2)
        time.sleep(max(FAULT_SECONDS, BEAT_PERIOD + 15))
        self.t.processes.pop("beat2").stop()
        ended = datetime.now(UTC)
        sends = [
            at
            for name in ("beat1", "beat2")
            for at in beat_sends(self.t.log_text(name), "send-outbox")
            if started <= at <= ended
        ]
        row.scheduled_once = once_per_period(sends, BEAT_PERIOD)
        row.recovery = 0.0
        row.notes = f"send-outbox sent {len(sends)} times in {(ended - started).seconds}s. "


TIMEOUT_JOIN = 40

FAULTS = [
    ("redis", "Redis stopped {s}s", Suite.redis_down),
    ("primary", "primary stopped {s}s", Suite.primary_down),
    ("app", "app server killed (-9)", Suite.app_killed),
    ("worker", "Celery worker killed mid-send", Suite.worker_killed),
    ("beat", "beat started twice", Suite.beat_twice),
]


def print_table(rows: list[Row]):
    head = (
        f"{'fault':<32}{'requests':>9}{'5xx':>6}{'503 refused':>12}{'writes lost':>12}"
        f"{'emails exp/dlv/dup':>20}{'audit lost':>11}{'recover s':>10}  verdict"
    )
    print()
    print(head)
    print("-" * len(head))
    for row in rows:
        expected, delivered, duplicated = row.emails
        recovery = "never" if row.recovery is None else f"{row.recovery:.1f}"
        missed = row.missed()
        print(
            f"{row.fault:<32}{row.requests:>9}{row.errors:>6}{row.refused:>12}"
            f"{row.lost_writes:>12}{f'{expected}/{delivered}/{duplicated}':>20}"
            f"{row.lost_audit:>11}{recovery:>10}  {'ok' if not missed else 'MISSED'}"
        )
    print()
    for row in rows:
        missed = row.missed()
        print(
            f"- {row.fault}: {row.notes.format(n=row.excused)}"
            + (f" MISSED: {', '.join(missed)}." if missed else "")
        )


def main() -> int:
    only = [f for f in os.environ.get("FAULT_ONLY", "").split(",") if f]

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    if missing := missing_tools():
        print(f"The fault suite needs: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    topology = Topology()
    print(f"Fault suite: topology in {topology.root} on ports {topology.ports.base}+")
    suite = None
    try:
        topology.up()
        os.environ.update(topology.app_env())
        # The checks read the primary only: no replica router, no Redis.
        for name in ("DATABASE_REPLICA_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        import django

        django.setup()
        suite = Suite(topology)
        suite.sign_in_people()
        rows = []
        for key, label, fault in FAULTS:
            if only and key not in only:
                continue
            row = Row(label.format(s=FAULT_SECONDS))
            print(f"  {row.fault} ...", flush=True)
            suite.window(row, lambda r, fault=fault: fault(suite, r))
            rows.append(row)
            print(
                f"    {row.requests} requests, {row.errors} 5xx, recovered in {row.recovery}s",
                flush=True,
            )
        print_table(rows)
        print(f"\n{sum(1 for r in rows if not r.missed())} of {len(rows)} faults met every target.")
        return exit_status(rows)
    except Exception:
        for name in ("app1", "app2", "worker1", "worker2", "beat1", "haproxy"):
            tail = topology.log_tail(name, 15)
            if tail:
                print(f"--- {name} (last lines) ---\n{tail}", file=sys.stderr)
        raise
    finally:
        if suite is not None:
            suite.stop_people()
        topology.stop_all()


if __name__ == "__main__":
    sys.exit(main())
