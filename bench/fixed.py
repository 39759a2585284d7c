"""The fixed cost of a request, in-process: Django's WSGI handler called directly (no server,
no test client) for a bare Django view (bench/bare.py: no middleware, no apps) and for
Thrive's middleware answering a signed-in "hello" (bench/urls.py), each in a process of its
own. Wall-clock time per request, and — with valgrind installed (Debian's `valgrind`) — the
CPU instructions per request counted by callgrind, which do not depend on what else the
machine is doing: the ratio of the two counts is the fixed cost's ratio on any machine.

    python -m bench.fixed            both, printed side by side (make bench runs it)
    python -m bench.fixed hello 500  one kind, N requests (what the parent runs)

Instructions are those of the Python process; PostgreSQL's own work for the session and the
person is its SQL time, which `make bench` times separately (EXPLAIN ANALYZE)."""

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_FIXED_REQUESTS", "2000"))
CALLGRIND_REQUESTS = int(os.environ.get("BENCH_CALLGRIND_REQUESTS", "50"))


def _environ(path: str, cookie: str = "", cookie_name: str = "") -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        environ["HTTP_COOKIE"] = f"{cookie_name}={cookie}"
    return environ


def _application(kind: str):
    """The WSGI application and the request environ for one kind of request."""
    if kind == "bare":
        from .bare import application

        return application, _environ("/")
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from .pages import manager
    from .served import _session_cookie

    cookie = _session_cookie(manager())
    return get_wsgi_application(), _environ("/bench/hello/", cookie, settings.SESSION_COOKIE_NAME)


def _run(application, environ, count: int) -> None:
    status = []

    def start_response(answer, headers, exc_info=None):
        status.append(answer)

    for _ in range(count):
        body = application(dict(environ), start_response)
        b"".join(body)
        body.close()
        assert status.pop().startswith("200")


def child(kind: str, count: int) -> None:
    """Run `count` requests of one kind after warming up; print the µs per request. Under
    callgrind, the counters are zeroed before the requests and dumped after them."""
    application, environ = _application(kind)
    _run(application, environ, 20)
    under_callgrind = os.environ.get("BENCH_UNDER_CALLGRIND") == "1"
    if under_callgrind:
        for option in ("--instr=on", "--zero"):  # started uninstrumented: fast to here
            subprocess.run(  # noqa: S603
                ["callgrind_control", option, str(os.getpid())],  # noqa: S607
                check=True,
                capture_output=True,
            )
    started = time.perf_counter()
    _run(application, environ, count)
    elapsed = time.perf_counter() - started
    if under_callgrind:
        subprocess.run(  # noqa: S603
            ["callgrind_control", "--dump", str(os.getpid())],  # noqa: S607
            check=True,
            capture_output=True,
        )
    print(f"FIXED {elapsed / count * 1e6:.1f}")


def _child_run(kind: str, count: int, env: dict, prefix: list[str] = ()) -> float:
    command = [*prefix, sys.executable, "-m", "bench.fixed", kind, str(count)]
    run = subprocess.run(  # noqa: S603 (our own command line)
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    line = next(line for line in run.stdout.splitlines() if line.startswith("FIXED "))
    return float(line.split()[1])


def instructions(kind: str, env: dict) -> float | None:
    """Instructions a request of this kind costs, counted by callgrind (None without it)."""
    if not shutil.which("valgrind") or os.environ.get("BENCH_CALLGRIND") != "1":
        return None
    with tempfile.TemporaryDirectory() as out:
        prefix = [
            "valgrind",
            "--tool=callgrind",
            "--cache-sim=no",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}/callgrind.%p",
        ]
        _child_run(kind, CALLGRIND_REQUESTS, {**env, "BENCH_UNDER_CALLGRIND": "1"}, prefix)
        # The dump asked for after the requests holds just them (counters zeroed before).
        dumps = sorted(Path(out).glob("callgrind.*.*"))
        if not dumps:
            return None
        for line in dumps[0].read_text().splitlines():
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1]) / CALLGRIND_REQUESTS
    return None


FIXED_COST_TARGET = 5  # the signed-in "hello" within 5x a bare Django view


def fixed_costs(out=print) -> dict:
    """The bare view and the signed-in "hello", in-process, wall-clock and instructions."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = {}
    for kind in ("bare", "hello"):
        result[kind] = {
            "us": min(_child_run(kind, REQUESTS, env) for _ in range(3)),
            "instructions": instructions(kind, env),
        }
    bare, hello = result["bare"], result["hello"]
    line = (
        f"Fixed cost in-process (WSGI handler, best of 3 × {REQUESTS:,} requests): bare Django"
        f' {bare["us"]:.0f} µs, signed-in "hello" {hello["us"]:.0f} µs,'
        f" ratio {hello['us'] / bare['us']:.1f}"
    )
    if bare["instructions"] and hello["instructions"]:
        ratio = hello["instructions"] / bare["instructions"]
        result["instruction_ratio"] = ratio
        line += (
            f"; instructions (callgrind) {bare['instructions'] / 1e3:,.0f}k and"
            f" {hello['instructions'] / 1e3:,.0f}k a request, ratio {ratio:.1f}"
        )
    ratio = result.get("instruction_ratio") or hello["us"] / bare["us"]
    verdict = "ok" if ratio <= FIXED_COST_TARGET else "MISSED"
    out(f"{line}. Target <= {FIXED_COST_TARGET}x: {verdict}.")
    return result


if __name__ == "__main__":
    if len(sys.argv) >= 3:
        child(sys.argv[1], int(sys.argv[2]))
    else:
        fixed_costs()
