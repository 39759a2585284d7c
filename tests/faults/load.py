"""A bounded mixed load of signed-in people, through the proxy, as browsers would send it.

Each person runs in a thread of their own: an Early Help officer making referrals, a service
manager recording decisions on them, workers reading their cases and uploading documents,
and clinicians saving their SEND portal tasks. Every request goes into the ledger with its
outcome; every write the server acknowledged (its redirect after a POST) is remembered with
what proves it later (`checks.py`), and so is every audited view (by its X-Request-ID)."""

from __future__ import annotations

import abc
import io
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from itertools import count

import requests
from PIL import Image

from .forms import post_form

PASSWORD = "Thrive-Demo-2026!"
TIMEOUT = 60
CASE_URL = re.compile(r"^/cases/(KT\d+)/$")
SIGN_IN = re.compile(r"/(accounts/login|portal/sign-in)/(\?|$)")


@dataclass
class Request:
    person: str
    kind: str  # "read" or "write"
    what: str
    method: str
    path: str
    started: float
    ended: float = 0.0
    status: int | None = None  # None: no answer at all (connection refused, reset, timeout)
    error: str = ""


@dataclass
class Write:
    """A write the server acknowledged, and what must be true of the database because of it."""

    what: str
    at: float
    check: dict


@dataclass
class View:
    """An audited view the server answered: its audit event must reach the trail."""

    request_id: str
    at: float
    object_type: str
    object_id: str


@dataclass
class Ledger:
    requests: list[Request] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    signed_out: list[tuple[str, float]] = field(default_factory=list)
    referred: list[str] = field(default_factory=list)  # Thrive IDs awaiting a decision
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item):
        with self.lock:
            {
                Request: self.requests,
                Write: self.writes,
                View: self.views,
            }[type(item)].append(item)


def client(ca: str) -> requests.Session:
    """A session trusting only the proxy's certificate (not REQUESTS_CA_BUNDLE or proxies
    from the environment: everything here is on loopback)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = ca
    return session


class Refused(Exception):
    """The answer was not what a working Thrive gives (recorded in the ledger already)."""


class SignedOut(Refused):
    pass


_tokens = count(1)


def token(prefix: str) -> str:
    """A unique word of letters (names refuse digits)."""
    n, letters = next(_tokens), ""
    while n:
        n, r = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[r] + letters
    return f"{prefix}{letters.rjust(4, 'a')}"


class Person(threading.Thread, metaclass=abc.ABCMeta):
    think = float(os.environ.get("FAULT_THINK_SECONDS", "0.4"))  # a pause of 0.5-1.5 times it

    def __init__(self, *, username: str, base: str, ca: str, ledger: Ledger, running, seed: int):
        super().__init__(name=username, daemon=True)
        self.username = username
        self.base = base
        self.ledger = ledger
        self.running = running  # threading.Event: load only while set
        self.stopping = False
        self.busy = False  # a request of theirs is on its way
        self.http = client(ca)
        self.rng = random.Random(seed)  # noqa: S311 - a load pattern, not security

    # --- HTTP ---------------------------------------------------------------------------
    def call(self, method, path, *, kind="read", what="", expect=(200,), **kwargs):
        entry = Request(self.username, kind, what or path, method, path, time.monotonic())
        self.busy = True
        try:
            response = self.http.request(
                method,
                self.base + path,
                allow_redirects=False,
                timeout=TIMEOUT,
                headers={"Referer": self.base + path},
                **kwargs,
            )
        except requests.RequestException as error:
            entry.ended = time.monotonic()
            entry.error = f"{type(error).__name__}: {str(error)[-80:]}"
            self.ledger.add(entry)
            raise Refused(entry.error) from error
        finally:
            self.busy = False
        entry.ended, entry.status = time.monotonic(), response.status_code
        location = response.headers.get("Location", "")
        if response.status_code == 302 and SIGN_IN.search(location):
            entry.error = "signed out"
            self.ledger.add(entry)
            self.ledger.signed_out.append((self.username, entry.started))
            raise SignedOut(path)
        self.ledger.add(entry)
        if response.status_code not in expect:
            entry.error = entry.error or f"unexpected {response.status_code}"
            raise Refused(f"{method} {path}: {response.status_code}")
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def view(self, path, object_type, object_id):
        """An audited page: remember its request id."""
        response = self.get(path)
        self.ledger.add(
            View(
                response.headers.get("X-Request-ID", ""),
                time.monotonic(),
                object_type,
                str(object_id),
            )
        )
        return response

    def submit(
        self, page: requests.Response, path, *, having, what, data, files=None, expect=(302,)
    ):
        form = post_form(page.text, having=having)
        if form is None:
            raise Refused(f"{what}: no form on {path}")
        return self.call(
            "POST",
            path,
            kind="write",
            what=what,
            expect=expect,
            data=form.data(**data),
            files=files,
        )

    # --- signing in ---------------------------------------------------------------------
    def sign_in(self):
        page = self.get("/accounts/login/")
        response = self.submit(
            page,
            "/accounts/login/",
            having="login",
            what="sign in",
            data={"login": self.username, "password": PASSWORD},
        )
        self.ledger.requests[-1].kind = "read"  # signing in is not a write people lose
        if re.search(r"/accounts/login/", response.headers.get("Location", "")):
            raise Refused(f"{self.username} could not sign in")

    # --- the loop -----------------------------------------------------------------------
    def run(self):
        while not self.stopping:
            if not self.running.wait(0.5):
                continue
            try:
                self.act()
            except SignedOut:
                try:
                    self.sign_in()
                except Refused:
                    time.sleep(1)
            except Refused:
                time.sleep(0.5)  # as a person would, before trying again
            time.sleep(self.think * (0.5 + self.rng.random()))

    @abc.abstractmethod
    def act(self):
        """One thing this kind of person does in Thrive."""


class Officer(Person):
    """Early Help officer: the EHPS area, the cases they referred, and new referrals."""

    def act(self):
        if self.rng.random() < 0.4:
            return self.refer()
        if self.ledger.referred and self.rng.random() < 0.5:
            thrive_id = self.rng.choice(self.ledger.referred[-20:])
            return self.view(f"/cases/{thrive_id}/", "cases.case", thrive_id)
        return self.get("/cases/ehps/")

    def refer(self):
        page = self.get("/cases/refer/")
        family, child = token("Fault"), token("Child")
        response = self.submit(
            page,
            "/cases/refer/",
            having="family_names",
            what="referral",
            data={
                "service": post_form(page.text, having="service").choices["service"][-1],
                "family_names": family,
                "child_first_name": child,
                "child_last_name": family,
                "child_date_of_birth_day": "3",
                "child_date_of_birth_month": "4",
                "child_date_of_birth_year": "2017",
                "address": "1 Fault Street, Ashford",
                "postcode": "TN23 1AA",
                "notifier": "School",
                "reason_for_referral": "Fault suite referral",
            },
            expect=(302, 200),
        )
        if response.status_code == 200:  # "This family may already be known": seen, go on
            response = self.submit(
                response, "/cases/refer/", having="known_checked", what="referral", data={}
            )
        match = CASE_URL.match(response.headers.get("Location", ""))
        if not match:
            raise Refused(f"referral answered {response.headers.get('Location')}")
        self.ledger.add(Write("referral", time.monotonic(), {"case": match[1], "child": child}))
        with self.ledger.lock:
            self.ledger.referred.append(match[1])


class Manager(Person):
    """Service manager: the managers' area, cases requiring action, decisions on referrals."""

    def act(self):
        if self.ledger.referred and self.rng.random() < 0.4:
            with self.ledger.lock:
                thrive_id = self.ledger.referred.pop(0)
            return self.decide(thrive_id)
        if self.rng.random() < 0.5:
            return self.get("/cases/requiring-action/")
        return self.get("/cases/managers-area/")

    def decide(self, thrive_id):
        path = f"/cases/{thrive_id}/decision/"
        try:
            page = self.get(path)
            progressing = self.rng.choice(["yes", "pending"])
            response = self.submit(
                page,
                path,
                having="version",
                what="decision",
                data={"progressing": progressing, "waiting_list": "no"},
            )
        except Refused:
            with self.ledger.lock:  # not decided: someone will try again
                self.ledger.referred.append(thrive_id)
            raise
        if CASE_URL.match(response.headers.get("Location", "")):
            self.ledger.add(
                Write("decision", time.monotonic(), {"case": thrive_id, "progressing": progressing})
            )


class Worker(Person):
    """Service worker: My Cases, their own cases (audited), uploads to them."""

    cases: list[str] = []

    def act(self):
        thrive_id = self.rng.choice(self.cases)
        roll = self.rng.random()
        if roll < 0.25:
            return self.upload(thrive_id)
        if roll < 0.7:
            return self.view(f"/cases/{thrive_id}/", "cases.case", thrive_id)
        return self.get("/cases/my/")

    def upload(self, thrive_id):
        path = f"/documents/case/{thrive_id}/upload/"
        page = self.get(path)
        title = token("Upload")
        image = Image.new("RGB", (8, 8), tuple(self.rng.randrange(256) for _ in range(3)))
        image.putpixel((0, 0), tuple(self.rng.randrange(256) for _ in range(3)))
        data = io.BytesIO()
        image.save(data, format="PNG")
        self.submit(
            page,
            path,
            having="title",
            what="upload",
            data={"title": title},
            files={"files": (f"{title}.png", data.getvalue(), "image/png")},
        )
        self.ledger.add(Write("upload", time.monotonic(), {"case": thrive_id, "title": title}))


class Clinician(Person):
    """Clinician: signs in to the SEND portal (password, then the emailed code) and saves
    drafts of their tasks."""

    tasks: list[int] = []
    sink = None  # the SMTP sink, for the emailed sign-in code
    email = ""

    def sign_in(self):
        page = self.get("/portal/sign-in/")
        sent_before = len(self.sink.received())
        response = self.submit(
            page,
            "/portal/sign-in/",
            having="email",
            what="sign in",
            data={"email": self.email, "password": PASSWORD},
        )
        self.ledger.requests[-1].kind = "read"
        code_path = response.headers.get("Location", "")
        deadline = time.monotonic() + 120
        code = None
        while code is None and time.monotonic() < deadline:
            for message in self.sink.received()[sent_before:]:
                if self.email in message.to and (found := re.search(r"\b(\d{6})\b", message.body)):
                    code = found[1]
            time.sleep(0.3)
        if code is None:
            raise Refused(f"{self.username}: no sign-in code emailed")
        page = self.get(code_path)
        response = self.submit(page, code_path, having="code", what="sign in", data={"code": code})
        self.ledger.requests[-1].kind = "read"

    def act(self):
        pk = self.rng.choice(self.tasks)
        path = f"/portal/tasks/{pk}/?section=1"
        page = self.view(path, "portal.task", pk)
        if self.rng.random() < 0.5:
            return
        word = token("Draft")
        form = post_form(page.text, having="version")
        if form is None:
            raise Refused(f"no form on {path}")
        name = next(
            n
            for n in ["address", *form.fields]
            if n in form.fields
            and n not in ("csrfmiddlewaretoken", "version")
            and not n.endswith(("_day", "_month", "_year"))
        )
        self.ledger.add(Write("portal save attempt", time.monotonic(), {"task": pk, "word": word}))
        response = self.submit(
            page,
            path,
            having="version",
            what="portal save",
            data={name: f"14 Test Street, Ashford {word}", "action": "save"},
        )
        self.ledger.add(
            Write(
                "portal save",
                time.monotonic(),
                {"task": pk, "word": word, "request_id": response.headers["X-Request-ID"]},
            )
        )
