"""The real topology on one machine, every part on a loopback port of its own: a PostgreSQL
primary and a streaming replica (initdb + pg_basebackup -R in a temporary directory, run by
their own postmaster processes), Redis, two gunicorn app servers behind HAProxy (TLS at the
proxy, as deployed), two Celery workers, Celery beat, and an SMTP sink in this process.

Every process is started here, remembered by its pid and stopped by that pid (`stop_all`),
whatever happens: nothing is left running and nothing is written outside the temporary
directory (the cluster is not registered in /etc/postgresql)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("FAULT_PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass(frozen=True)
class Ports:
    """The suite's loopback ports, `base` + 1 to + 12: from FAULT_PORT_BASE if set, else the
    first block from 17000 on (in steps of 100) where none is in use. Below the kernel's
    ephemeral range (32768 on), which the tests' free_port() and every outgoing connection
    take theirs from: nothing else on the machine takes one while a part is stopped."""

    base: int
    SPAN = 13

    @classmethod
    def choose(cls, start: int = 17000) -> Ports:
        if os.environ.get("FAULT_PORT_BASE"):
            return cls(int(os.environ["FAULT_PORT_BASE"]))
        limit = ephemeral_ports_start()
        for base in range(start, limit - cls.SPAN, 100):
            if all(port_free(base + n) for n in range(cls.SPAN)):
                return cls(base)
        raise StartFailed(f"no block of {cls.SPAN} free loopback ports below {limit}")

    @property
    def primary(self):
        return self.base + 1

    @property
    def replica(self):
        return self.base + 2

    @property
    def redis(self):
        return self.base + 3

    @property
    def smtp(self):
        return self.base + 4

    @property
    def proxy(self):
        return self.base + 10

    @property
    def proxy_stats(self):
        return self.base + 9

    def app(self, n: int) -> int:
        return self.base + 10 + n


class StartFailed(RuntimeError):
    pass


def missing_tools() -> list[str]:
    """The Debian packages whose programs the suite runs and cannot find."""
    needed = {
        "postgresql": [str(PG_BIN / "initdb"), str(PG_BIN / "postgres")],
        "redis-server": ["redis-server", "redis-cli"],
        "haproxy": ["haproxy"],
        "openssl": ["openssl"],
        "iproute2": ["ss"],
    }
    return [
        package
        for package, programs in needed.items()
        if not all(shutil.which(p) or os.access(p, os.X_OK) for p in programs)
    ]


def wait_until(what: str, check, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(every)
    raise StartFailed(f"{what} did not come up within {timeout:.0f}s")


def ephemeral_ports_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def port_free(port: int) -> bool:
    """Whether a server could listen on the loopback port now."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    group: bool  # started in a session of its own: signals go to its whole process group

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def send(self, sig: int) -> None:
        if not self.alive():
            return
        try:
            if self.group:
                os.killpg(self.pid, sig)
            else:
                os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        self.send(sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.popen.wait(10)
        if self.group:  # children that outlived their parent (a killed prefork master)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)


@dataclass
class Topology:
    ports: Ports = field(default_factory=Ports.choose)
    app_workers: int = int(os.environ.get("FAULT_GUNICORN_WORKERS", "2"))
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="thrive-faults-")))
    processes: dict[str, Process] = field(default_factory=dict)
    smtp: SmtpSink | None = None
    keep: bool = os.environ.get("FAULT_KEEP", "") == "1"

    def __post_init__(self):
        self.root.chmod(0o755)
        self.secret_key = secrets.token_urlsafe(50)
        self.as_postgres = os.geteuid() == 0  # initdb and postgres refuse to run as root
        (self.root / "logs").mkdir()
        (self.root / "media").mkdir()
        (self.root / "pgsock").mkdir()
        if self.as_postgres:
            shutil.chown(self.root / "pgsock", "postgres", "postgres")

    # --- environment ------------------------------------------------------------------------
    @property
    def site_url(self) -> str:
        return f"https://127.0.0.1:{self.ports.proxy}"

    def database_url(self, port: int | None = None) -> str:
        return f"postgres://postgres@127.0.0.1:{port or self.ports.primary}/thrive"

    def app_env(self, node: str = "suite") -> dict[str, str]:
        """Production settings (DEBUG off), every part pointing at this topology. `node` is
        the host a process stands for: each has a local disk of its own (the audit spool)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE", "REDIS", "EMAIL", "STORAGE", "CELERY"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="thrive.settings",
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=self.site_url,
            SITE_URL=self.site_url,
            DATABASE_URL=self.database_url(),
            DATABASE_REPLICA_URL=self.database_url(self.ports.replica),
            REDIS_URL=f"redis://127.0.0.1:{self.ports.redis}/0",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.ports.smtp),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="10",
            DEFAULT_FROM_EMAIL="Thrive <thrive@faults.invalid>",
            MEDIA_ROOT=str(self.root / "media"),
            TRUSTED_PROXY_COUNT="1",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            PYTHONPATH=str(ROOT),
            AUDIT_SPOOL_DIR=str(self.root / "hosts" / node / "spool"),
            OUTBOX_SWEEP_SECONDS=os.environ.get("FAULT_SWEEP_SECONDS", "60"),
        )
        return env

    # --- processes --------------------------------------------------------------------------
    def _popen(self, name: str, argv: list[str], *, env=None, postgres=False, group=True):
        log = self.root / "logs" / f"{name}.log"
        out = open(log, "ab")  # noqa: SIM115 - the child keeps it
        extra = {}
        if postgres and self.as_postgres:
            extra = {"user": "postgres", "group": "postgres"}
        popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the suite only, which stops each part
            **extra,
        )
        out.close()
        self.processes[name] = Process(name, popen, log, group)
        return self.processes[name]

    def _run(self, argv: list[str], *, env=None, postgres=False, check=True):
        extra = {"user": "postgres", "group": "postgres"} if postgres and self.as_postgres else {}
        result = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False, **extra
        )
        if check and result.returncode != 0:
            raise StartFailed(f"{' '.join(argv[:3])} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def _pg_dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700)
        if self.as_postgres:
            shutil.chown(path, "postgres", "postgres")
        return path

    def _postgres_argv(self, datadir: Path, port: int) -> list[str]:
        return [
            str(PG_BIN / "postgres"),
            "-D",
            str(datadir),
            "-c",
            f"port={port}",
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.root / 'pgsock'}",
            "-c",
            "wal_level=replica",
            "-c",
            "max_wal_senders=5",
            "-c",
            "hot_standby=on",
            "-c",
            "max_connections=80",
            "-c",
            "shared_buffers=32MB",
            "-c",
            "wal_keep_size=256MB",
            "-c",
            "log_min_messages=warning",
            # Each fault kills processes, never the machine: what PostgreSQL has written is
            # in the kernel's cache and survives, so flushing to disk only slows the suite.
            "-c",
            "fsync=off",
        ]

    def start_primary(self):
        datadir = self.root / "pg-primary"
        if not datadir.exists():
            datadir = self._pg_dir("pg-primary")
            self._run(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(datadir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
                postgres=True,
            )
        self._popen(
            "postgres-primary",
            self._postgres_argv(datadir, self.ports.primary),
            postgres=True,
            group=False,
        )
        wait_until("PostgreSQL primary", lambda: self._pg_ready(self.ports.primary))

    def create_database(self):
        self._psql(self.ports.primary, "CREATE DATABASE thrive")

    def start_replica(self):
        datadir = self.root / "pg-replica"
        if not datadir.exists():
            self._pg_dir("pg-replica")
            self._run(
                [
                    str(PG_BIN / "pg_basebackup"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.ports.primary),
                    "-U",
                    "postgres",
                    "-D",
                    str(datadir),
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                ],
                postgres=True,
            )
        self._popen(
            "postgres-replica",
            self._postgres_argv(datadir, self.ports.replica),
            postgres=True,
            group=False,
        )
        wait_until("PostgreSQL replica", lambda: self._pg_ready(self.ports.replica))
        wait_until("streaming replication", self.replica_streaming)

    def _pg_ready(self, port: int) -> bool:
        return (
            self._run(
                [str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)], check=False
            ).returncode
            == 0
        )

    def _psql(self, port: int, sql: str, db: str = "postgres") -> str:
        return self._run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                db,
                "-Atqc",
                sql,
            ]
        ).stdout.strip()

    def replica_streaming(self) -> bool:
        return (
            self._psql(
                self.ports.primary,
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
            )
            == "1"
        )

    def replica_caught_up(self) -> bool:
        return (
            self._psql(
                self.ports.primary,
                "SELECT count(*) FROM pg_stat_replication WHERE replay_lsn = pg_current_wal_lsn()",
            )
            == "1"
        )

    def start_redis(self):
        self._popen(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.ports.redis),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            group=False,
        )
        wait_until("Redis", lambda: self._redis_ping())

    def _redis_ping(self) -> bool:
        out = self._run(["redis-cli", "-p", str(self.ports.redis), "ping"], check=False)
        return out.stdout.strip() == "PONG"

    def manage(self, *args: str) -> str:
        return self._run([sys.executable, "manage.py", *args], env=self.app_env()).stdout

    def load_people(self):
        env = self.app_env() | {"DEBUG": "true"}  # the demo data refuses to load otherwise
        self._run([sys.executable, "-m", "tests.faults.setup_data", *LOAD_PEOPLE], env=env)

    def start_smtp(self):
        self.smtp = SmtpSink(port=self.ports.smtp)
        self.smtp.start()

    def start_app(self, n: int):
        self._popen(
            f"app{n}",
            [
                str(VENV_BIN / "gunicorn"),
                "thrive.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.ports.app(n)}",
                "--workers",
                str(self.app_workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                "--preload",
                "--access-logfile",
                "-",
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(L)ss %({x-request-id}o)s',
            ],
            env=self.app_env(f"app{n}"),
        )
        wait_until(f"app server {n}", lambda: port_open(self.ports.app(n)), timeout=90)
        self.warm(self.ports.app(n))

    def warm(self, port: int, limit: float = 180):
        """Until each worker answers quickly: a cold worker's first page imports much of
        Thrive, which on a busy machine outlasts the proxy's health check."""
        deadline, quick = time.monotonic() + limit, 0
        while quick < 2 * self.app_workers:
            if time.monotonic() > deadline:
                raise StartFailed(f"the app server on port {port} stayed slow for {limit:.0f}s")
            started = time.monotonic()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                    ok = answer.status == 200
            except OSError:
                ok = False
                time.sleep(0.5)
            quick = quick + 1 if ok and time.monotonic() - started < 2 else 0

    def start_proxy(self):
        cert = self.root / "proxy.pem"
        if not cert.exists():
            key = self.root / "proxy.key"
            crt = self.root / "proxy.crt"
            self._run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,digitalSignature,keyCertSign",
                    "-keyout",
                    str(key),
                    "-out",
                    str(crt),
                ]
            )
            cert.write_text(crt.read_text() + key.read_text())
        config = self.root / "haproxy.cfg"
        servers = "\n".join(
            f"    server app{n} 127.0.0.1:{self.ports.app(n)} check inter 1s fall 3 rise 2"
            for n in (1, 2)
        )
        config.write_text(
            HAPROXY_CONFIG.format(
                proxy=self.ports.proxy, stats=self.ports.proxy_stats, cert=cert, servers=servers
            )
        )
        self._run(["haproxy", "-c", "-q", "-f", str(config)])
        self._popen("haproxy", ["haproxy", "-db", "-f", str(config)], group=False)
        wait_until("HAProxy", lambda: port_open(self.ports.proxy))

    @property
    def ca_file(self) -> str:
        return str(self.root / "proxy.crt")

    def start_worker(self, n: int):
        self._popen(
            f"worker{n}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "thrive",
                "worker",
                "-n",
                f"faults{n}@%h",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            env=self.app_env(f"worker{n}"),
        )

    def start_beat(self, n: int = 1):
        self._popen(
            f"beat{n}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "thrive",
                "beat",
                "-l",
                "info",
                "-s",
                str(self.root / f"beat{n}-schedule"),
                "--pidfile",
                "",
            ],
            # The sends at INFO, as JSON lines the suite reads (targets.beat_sends).
            env=self.app_env(f"beat{n}") | {"LOG_LEVEL": "INFO", "LOG_FORMAT": "json"},
        )

    def up(self, log=print):
        steps = [
            ("PostgreSQL primary", self.start_primary),
            ("database", self.create_database),
            ("PostgreSQL replica (pg_basebackup -R)", self.start_replica),
            ("Redis", self.start_redis),
            ("SMTP sink", self.start_smtp),
            ("migrations (one-off step)", lambda: self.manage("migrate", "--noinput")),
            ("demo data", self.load_people),
            ("app servers", lambda: [self.start_app(1), self.start_app(2)]),
            ("HAProxy", self.start_proxy),
            ("Celery workers and beat", self.start_celery),
        ]
        for name, step in steps:
            started = time.monotonic()
            step()
            log(f"  {name}: up in {time.monotonic() - started:.1f}s")
        wait_until(
            "both app servers in the proxy",
            lambda: self.proxy_server_up("app1") and self.proxy_server_up("app2"),
            120,
        )
        wait_until("replica catching up", self.replica_caught_up, timeout=60)

    def proxy_server_up(self, name: str) -> bool:
        """What HAProxy's own health checks say of an app server."""
        with urllib.request.urlopen(  # noqa: S310 - our own loopback address
            f"http://127.0.0.1:{self.ports.proxy_stats}/stats;csv", timeout=5
        ) as answer:
            for line in answer.read().decode().splitlines():
                cells = line.split(",")
                if len(cells) > 17 and cells[0] == "app" and cells[1] == name:
                    return cells[17].startswith("UP")
        return False

    def restart(self, name: str):
        if name.startswith("app"):
            self.start_app(int(name[3:]))
        elif name.startswith("worker"):
            self.start_worker(int(name[6:]))
        elif name.startswith("beat"):
            self.start_beat(int(name[4:]))
        elif name == "redis":
            self.start_redis()
        elif name == "postgres-primary":
            self.start_primary()
        elif name == "postgres-replica":
            self.start_replica()
        elif name == "haproxy":
            self.start_proxy()

    def start_celery(self):
        self.start_worker(1)
        self.start_worker(2)
        self.start_beat(1)

    def stop_all(self):
        if self.smtp:
            self.smtp.stop()
        order = [
            "haproxy",
            *[n for n in self.processes if n.startswith(("app", "worker", "beat"))],
            "redis",
            "postgres-replica",
            "postgres-primary",
        ]
        for name in dict.fromkeys(order + list(self.processes)):
            process = self.processes.get(name)
            if process is not None:
                # SIGINT is PostgreSQL's fast shutdown; the others stop on SIGTERM.
                sig = signal.SIGINT if name.startswith("postgres") else signal.SIGTERM
                process.stop(sig)
        if self.keep:
            print(f"Kept {self.root} (FAULT_KEEP=1)")
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self, name: str) -> str:
        path = self.root / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.root / "logs" / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


HAPROXY_CONFIG = """\
global
    maxconn 512
    log stderr format short local0 info

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    timeout check 10s
    # A connection refused by a dead server is tried again elsewhere: the request never
    # reached it, so this is safe for every method. A read whose server died before
    # answering (nothing came back) is tried again elsewhere too; a write is not, since it
    # may have been saved.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response

frontend thrive
    bind 127.0.0.1:{proxy} ssl crt {cert}
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    option httplog
    option dontlog-normal
    http-request disable-l7-retry unless METH_GET
    default_backend app

backend app
    balance roundrobin
    option httpchk
    # Readiness fails only when this server reaches no database at all (thrive/health.py).
    http-check send meth GET uri /health/ready/ ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
{servers}

frontend stats
    bind 127.0.0.1:{stats}
    stats enable
    stats uri /stats
"""

LOAD_PEOPLE = ["ehps01", "mgr01", "wkr01", "wkr02", "clin01", "clin02"]
