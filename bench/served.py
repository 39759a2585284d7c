"""`make bench-served`: Thrive served as deployed — gunicorn, sync workers (WEB_CONCURRENCY,
3 by default), DEBUG off, PostgreSQL, Redis when BENCH_REDIS_URL names one — and driven by wrk
at concurrency 1 and 4, the search box's and the referral form's POSTs among them (bench/search.py),
with the floors in the same run: a bare Django view (no middleware,
no database, its own gunicorn), Thrive's middleware answering a signed-in "hello", and an
empty signed-in page. Prints requests a second, p50, p95 and p99 and each page's ratio to
the signed-in floors.

Sign-in is measured with allauth's rate limits off for the run (ACCOUNT_RATE_LIMITS in
bench/settings.py when BENCH_SERVED=1): the benchmark signs one person in as fast as it can
from one address, which is what the limits are there to stop; what is measured is the cost
of a sign-in (the form, the password hash, the new session)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

SECONDS = int(os.environ.get("BENCH_SERVED_SECONDS", "6"))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "3"))


def _free_port() -> int:
    """A loopback port nobody listens on now (two benchmarks on one machine never collide)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT_BARE = int(os.environ.get("BENCH_PORT") or _free_port())
PORT_THRIVE = int(os.environ["BENCH_PORT"]) + 1 if os.environ.get("BENCH_PORT") else _free_port()
CONCURRENCIES = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,4").split(",")]
SIGN_IN_PASSWORD = "Bench-Sign-In-2026!"  # noqa: S105 (a benchmark account's password)
ROOT = Path(__file__).resolve().parent.parent

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status, summary.errors.connect
      + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
POST_LUA = """
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def main(cases: int, only: str = "") -> int:
    if not shutil.which("wrk"):
        print("bench-served needs wrk: apt-get install wrk (Debian).")
        return 2
    from django.conf import settings

    from .pages import PAGES, manager, worker
    from .search import SEARCH_PAGES

    session_cookie_name = settings.SESSION_COOKIE_NAME

    sessions = {}

    def cookie(user):
        if user.pk not in sessions:
            sessions[user.pk] = _session_cookie(user)
        return sessions[user.pk]

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_SERVED": "1"}
    servers = [
        _gunicorn("bench.bare:application", PORT_BARE, 1, env),
        _gunicorn("bench.wsgi:application", PORT_THRIVE, WORKERS, env),
    ]
    try:
        _wait_for(PORT_BARE, "/")
        _wait_for(PORT_THRIVE, "/bench/hello/")
        signer = _sign_in_account(worker())
        csrf = _csrf_token()
        print()
        redis = "yes" if os.environ.get("REDIS_URL") else "no"
        print(
            f"Served: gunicorn, {WORKERS} sync workers for Thrive (1 for the bare view), wrk "
            f"{SECONDS} s a run, {cases:,} cases, Redis: {redis}; load average"
            f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start."
        )
        print()
        print("| page | c | req/s | p50 ms | p95 ms | p99 ms | p50 / hello | non-2xx |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        targets = [
            ("Bare Django view (no middleware)", PORT_BARE, "/", None, None),
            ('Signed-in "hello" (Thrive middleware)', PORT_THRIVE, "/bench/hello/", manager, None),
            ("Empty signed-in page", PORT_THRIVE, "/bench/empty/", manager, None),
        ]
        targets += [
            (page.name, PORT_THRIVE, page.url(), page.user, _form(page, csrf))
            for page in [*PAGES, *SEARCH_PAGES]
            if not only or only.lower() in page.name.lower()
        ]
        body = f"login={signer.username}&password={SIGN_IN_PASSWORD}&csrfmiddlewaretoken={csrf}"
        targets.append(("Sign-in (POST, Argon2id)", PORT_THRIVE, "/accounts/login/", None, body))
        fixed = {}
        for concurrency in CONCURRENCIES:
            hello = bare = None
            for name, port, url, user, post in targets:
                cookies = [f"{session_cookie_name}={cookie(user())}"] if user else []
                if post:
                    cookies.append(f"{settings.CSRF_COOKIE_NAME}={csrf}")
                headers = [f"Cookie: {'; '.join(cookies)}"] if cookies else []
                if concurrency == CONCURRENCIES[0] and not post:
                    # Every worker answers the page once first (imports, fonts, caches): the
                    # run measures pages served, not each worker's first one.
                    _warm_up(port, url, headers)
                # a sign-in redirects; every other page answers 200
                _answers(302 if post and not user else 200, port, url, headers, post)
                result = _wrk(port, url, concurrency, headers, post)
                if name.startswith("Bare"):
                    bare = result["p50"]
                if name.startswith("Signed-in"):
                    hello = result["p50"]
                    fixed[concurrency] = hello / bare
                ratio = f"{result['p50'] / hello:.1f}" if hello and port == PORT_THRIVE else ""
                print(
                    f"| {name} | {concurrency} | {result['rate']:.0f} | {result['p50']:.1f} |"
                    f" {result['p95']:.1f} | {result['p99']:.1f} | {ratio} |"
                    f" {result['non2xx']} |",
                    flush=True,
                )
        print()
        for concurrency, ratio in fixed.items():
            print(
                f'Concurrency {concurrency}: signed-in "hello" p50 is {ratio:.1f}x the bare'
                " Django view's (target <= 5x)."
            )
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    return 0


def _gunicorn(app, port, workers, env):
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def _wait_for(port, path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # it answers (a redirect to sign in is an answer)
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port}")


def _warm_up(port, url, headers) -> None:
    """WORKERS requests at once, each waited for: each sync worker answers one (a worker's
    first Print PDF loads its fonts, several seconds)."""
    from concurrent.futures import ThreadPoolExecutor

    fields = dict(header.split(": ", 1) for header in headers)

    def fetch(_):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers=fields)
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            response.read()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(fetch, range(WORKERS)))


def _answers(expected: int, port, url, headers, post=None) -> None:
    """The page answers `expected` to what wrk will send (wrk counts only 4xx and 5xx as
    errors, so a redirect to sign in would be timed as if it were the page)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    fields = dict(header.split(": ", 1) for header in headers)
    if post:
        fields["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request("POST" if post else "GET", url, body=post, headers=fields)
    status = conn.getresponse().status
    conn.close()
    if status != expected:
        raise RuntimeError(f"{url} answered {status}, not {expected}")


def _wrk(port, url, concurrency, headers, post=None, seconds=None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write((POST_LUA.format(body=post) if post else "") + LUA)
    command = [
        "wrk",
        "-t",
        str(min(concurrency, 2)),
        "-c",
        str(concurrency),
        "-d",
        f"{seconds or SECONDS}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
    ]
    for header in headers:
        command += ["-H", header]
    command.append(f"http://127.0.0.1:{port}{url}")
    run = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    os.unlink(script.name)
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", run.stdout, re.M)
    requests, duration, p50, p95, p99, status_errors, other_errors = map(int, match.groups())
    return {
        "rate": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "non2xx": status_errors + other_errors,
    }


def _session_cookie(user) -> str:
    from django.conf import settings

    from .pages import signed_in_client

    client = signed_in_client(user)
    response = client.get("/bench/hello/")
    assert response.status_code == 200, response.status_code
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _sign_in_account(like):
    """A person like `like` (same service and role) with a real password, hashed by the
    production hasher, for the sign-in runs."""
    from thrive.models import Membership, PolicyAcceptance, User

    user, _ = User.objects.get_or_create(
        username="bench-sign-in",
        defaults={"full_name": "Bench Sign In", "organisation": like.organisation},
    )
    user.set_password(SIGN_IN_PASSWORD)
    user.save()
    for membership in like.memberships.all():
        Membership.objects.get_or_create(
            user=user, role=membership.role, service=membership.service
        )
    for acceptance in like.policy_acceptances.all():
        PolicyAcceptance.objects.get_or_create(
            user=user, policy=acceptance.policy, defaults={"name_given": user.full_name}
        )
    return user


def _form(page, csrf: str) -> str | None:
    """The body a page POSTs (the search box, the referral form), with its CSRF token."""
    if page.data is None:
        return None
    return urlencode({**page.data(), "csrfmiddlewaretoken": csrf})


def _csrf_token() -> str:
    from django.middleware.csrf import _get_new_csrf_string

    return _get_new_csrf_string()


if __name__ == "__main__":
    sys.exit(main(0))
