"""Real servers for fault tests, on loopback ports the kernel hands out (tests/ports.py),
started and stopped by pid. Never the shared PostgreSQL (5432) or Redis (6379)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.ports import free_port

CLOSED_PORT = free_port()  # nothing listens here: "Redis is down"


def wait_until(condition, timeout=20.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A redis-server of our own: start, stop (terminate by pid), pause (SIGSTOP: a Redis
    that accepts connections and never answers) and resume."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/3"

    def start(self) -> RedisServer:
        assert not port_open(self.port), f"port {self.port} is already in use"
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), what=f"redis-server on {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        self.process.send_signal(19)  # SIGSTOP

    def resume(self) -> None:
        self.process.send_signal(18)  # SIGCONT


@contextmanager
def redis_server(port: int):
    server = RedisServer(port).start()
    try:
        yield server
    finally:
        if server.process:
            server.resume()
        server.stop()


HAVE_REDIS_SERVER = shutil.which("redis-server") is not None


PG_VERSION = (
    next(iter(sorted(os.listdir("/usr/lib/postgresql"), reverse=True)), None)
    if os.path.isdir("/usr/lib/postgresql")
    else None
)
HAVE_POSTGRES_SERVER = (
    bool(PG_VERSION and shutil.which("pg_createcluster") and shutil.which("pg_basebackup"))
    and os.geteuid() == 0
)


def _run(*command, user=None):
    if user:
        command = ("runuser", "-u", user, "--", *command)
    return subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603


class StreamingReplica:
    """A PostgreSQL primary and a streaming replica of it (pg_basebackup -R), as two clusters
    of the machine's PostgreSQL on ports of their own. Dropped again by `drop`."""

    def __init__(self, primary_port: int, replica_port: int, prefix: str = "thrive_resilience"):
        self.primary = (f"{prefix}_primary", primary_port)
        self.replica = (f"{prefix}_replica", replica_port)

    def url(self, which, database="thrive_resilience"):
        return f"postgres://postgres@127.0.0.1:{which[1]}/{database}"

    def _create(self, which):
        name, port = which
        self._drop(which)
        _run("pg_createcluster", PG_VERSION, name, "-p", str(port), "--", "--auth=trust")
        conf = Path(f"/etc/postgresql/{PG_VERSION}/{name}")
        (conf / "pg_hba.conf").write_text(
            "local all all trust\nlocal replication all trust\n"
            "host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n"
        )
        with (conf / "postgresql.conf").open("a") as f:
            f.write("listen_addresses = '127.0.0.1'\nfsync = off\n")
        return name, port

    def start(self, which):
        _run("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, which[0], "start")
        wait_until(lambda: port_open(which[1]), what=f"PostgreSQL on {which[1]}")

    def stop(self, which):
        _run(
            "pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, which[0], "stop", "-m", "fast"
        )
        wait_until(lambda: not port_open(which[1]), what=f"PostgreSQL on {which[1]} to stop")

    def build(self):
        self._create(self.primary)
        self.start(self.primary)
        self._create(self.replica)
        data = Path(f"/var/lib/postgresql/{PG_VERSION}/{self.replica[0]}")
        for child in data.iterdir():  # keep the directory: only postgres may write in its parent
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        _run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary[1]),
            "-U",
            "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            user="postgres",
        )
        self.start(self.replica)
        return self

    def psql(self, which, sql, database="postgres"):
        return _run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(which[1]),
            "-U",
            "postgres",
            "-d",
            database,
            "-Atc",
            sql,
        ).stdout.strip()

    def _drop(self, which):
        subprocess.run(  # noqa: S603
            ["pg_dropcluster", "--stop", PG_VERSION, which[0]], capture_output=True, check=False
        )

    def drop(self):
        self._drop(self.replica)
        self._drop(self.primary)
