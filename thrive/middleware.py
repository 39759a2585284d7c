"""Request-wide rules: a request id for the audit trail, pages never cached for signed-in
people, session time limits, the second factor for the roles that need one, and the
Acceptable Use Policy gate."""

import functools
import logging
import os
import re
import time

import django_structlog.middlewares.request as django_structlog_middlewares
import django_structlog.signals as django_structlog_signals
import structlog
from django.conf import settings
from django.contrib.auth import logout
from django.http import StreamingHttpResponse
from django.middleware import csp as django_csp
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.csp import CSP, build_policy
from django.utils.functional import SimpleLazyObject, empty
from django_structlog.app_settings import app_settings

from . import audit, registry
from .models import AcceptableUsePolicy

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

# Pages a signed-in person can reach before the second factor and the AUP: signing out,
# the gates themselves, and the session keep-alive the timeout dialog uses.
GATE_EXEMPT_URL_NAMES = {
    "account_logout",
    "account_login",
    "session_keep_alive",
    "session_status",
    "session_timed_out",
    "second_factor_setup",
    "second_factor_verify",
    "aup",
}
# Namespaced pages (an app's own sign-in and registration) are added by the apps:
# thrive.registry.exempt_from_gates.


def new_request_id() -> str:
    """`uuid.uuid4().hex` without making a UUID object: 122 random bits, version 4, the
    RFC 4122 variant."""
    n = int.from_bytes(os.urandom(16))
    n = (n & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    return f"{n:032x}"


class RequestIdMiddleware:
    """Tags each request with an id (or a trusted one from the proxy) that the audit trail and
    the response carry, so a complaint can be traced to log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else new_request_id()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class PrivatePagesMiddleware:
    """Nothing sent to a signed-in person is kept by the browser or any cache between: every
    page, list, report, export and download has children's data, and a council PC is shared.
    One rule here, so no view can forget it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Before and after: the answer to signing out (or timing out) is still to someone who
        # was signed in, and the answer to signing in is to someone who now is.
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


SESSION_STARTED = "thrive_session_started"
LAST_SEEN_RESOLUTION = 60  # seconds
SESSION_LAST_SEEN = "thrive_last_seen"


def session_seconds_left(request, now=None) -> int:
    """Seconds until the session ends by inactivity or by its absolute limit."""
    now = now or time.time()
    started = request.session.get(SESSION_STARTED, now)
    last_seen = request.session.get(SESSION_LAST_SEEN, now)
    return int(
        min(
            last_seen + settings.SESSION_IDLE_TIMEOUT,
            started + settings.SESSION_ABSOLUTE_TIMEOUT,
        )
        - now
    )


def _person_in_place(request) -> None:
    """request.user as the person itself rather than the lazy wrappers the authentication and
    OTP middleware leave (each attribute read through them costs several calls, and every
    later middleware, view and template reads it). Placed after both, and the person is read
    here anyway: the check below needs them."""
    user = request.user
    while isinstance(user, SimpleLazyObject):  # OTP's wraps the authentication middleware's
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    request.user = user


@functools.cache
def _session_status_path() -> str:
    return reverse("session_status")


class SessionTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without a request, and after
    SESSION_ABSOLUTE_TIMEOUT whatever they do. The session status poll does not count as
    activity; pressing "Stay signed in" does (it is an ordinary request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _person_in_place(request)
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            session.setdefault(SESSION_STARTED, now)
            session.setdefault(SESSION_LAST_SEEN, now)
            polling = request.path == _session_status_path()
            if session_seconds_left(request, now) <= 0:
                audit.record(request, "session_timed_out", request.user)
                logout(request)
                if not polling:  # the poll answers "0 seconds left" itself
                    return redirect(reverse("session_timed_out"))
            elif not polling and now - session[SESSION_LAST_SEEN] >= LAST_SEEN_RESOLUTION:
                # Written at most once a minute: a session write on every page view would
                # cost an UPDATE per request for no real gain in precision.
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


def _exempt(request) -> bool:
    match = request.resolver_match
    return match is not None and (
        match.url_name in GATE_EXEMPT_URL_NAMES
        or match.view_name in registry.gate_exempt_view_names()
    )


def needs_second_factor(user, request=None) -> bool:
    """The roles in SECOND_FACTOR_ROLES, and everyone who came through an app's own door
    (the portal's health partner people: an emailed code, or their authenticator app)."""
    if settings.DEBUG and user.is_demo:
        return False
    if user.has_role(*settings.SECOND_FACTOR_ROLES):
        return True
    return request is not None and registry.front_door_of(request) is not None


class SecondFactorMiddleware:
    """People whose role requires it must verify a TOTP code (and set one up first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or _exempt(request) or user.is_verified():
            return None
        if not needs_second_factor(user, request):
            return None
        if not user.has_role(*settings.SECOND_FACTOR_ROLES):
            # Someone who came through an app's own door (a health partner person): that
            # app's second factor (the portal's emailed code, or their app).
            door = registry.front_door_of(request)
            return redirect(f"{reverse(door.second_factor)}?next={request.get_full_path()}")
        from django_otp.plugins.otp_totp.models import TOTPDevice

        has_app = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = "second_factor_verify" if has_app else "second_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


class AcceptableUsePolicyMiddleware:
    """Nothing is usable until the current Acceptable Use Policy has been accepted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or _exempt(request):
            return None
        policy_id = current_policy_id()
        if policy_id is None or request.session.get(SESSION_AUP_ACCEPTED) == policy_id:
            return None
        if user.policy_acceptances.filter(policy_id=policy_id).exists():
            request.session[SESSION_AUP_ACCEPTED] = policy_id
            return None
        return redirect(f"{reverse('aup')}?next={request.get_full_path()}")


SESSION_AUP_ACCEPTED = "thrive_aup_accepted"


def current_policy_id() -> int | None:
    """The current policy's id, cached briefly: it is read on every request and changes
    perhaps once a year (a new version reaches everyone within a minute)."""
    from django.core.cache import cache

    policy_id = cache.get("thrive:current-aup")
    if policy_id is None:
        policy = AcceptableUsePolicy.current()
        policy_id = policy.pk if policy else 0
        cache.set("thrive:current-aup", policy_id, 60)
    return policy_id or None


class RequestLogMiddleware(django_structlog_middlewares.RequestMiddleware):
    """django-structlog's request_started/request_finished lines, under the request id that
    RequestIdMiddleware gave (the one in the audit trail), and naming the path only: a query
    string can hold a child's name.

    The lines, their levels and the signals are django-structlog's; what it worked out on
    every request is worked out once: its settings (each read through Django's settings, an
    unset one by raising and catching AttributeError), whether the request_started line is
    logged at all (it is DEBUG), and a request id of its own that Thrive's replaced."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._async = django_structlog_middlewares.iscoroutinefunction(self)
        self._start_level = app_settings.STATUS_START_LOG_LEVEL
        self._levels = {
            2: app_settings.STATUS_2XX_LOG_LEVEL,
            4: app_settings.STATUS_4XX_LOG_LEVEL,
            5: app_settings.STATUS_5XX_LOG_LEVEL,
        }
        self._default_level = app_settings.STATUS_DEFAULT_LOG_LEVEL
        self._user_id_field = app_settings.USER_ID_FIELD
        self._correlation = app_settings.TRUST_UPSTREAM_CORRELATION_ID
        self._stdlib_logger = logging.getLogger(django_structlog_middlewares.__name__)

    def __call__(self, request):
        if self._async:
            return self.__acall__(request)
        self.prepare(request)
        response = self.get_response(request)
        self.handle_response(request, response)
        return response

    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {request.path}"

    def _log_level_for_status_code(self, status_code: int) -> int:
        return self._levels.get(status_code // 100, self._default_level)

    def prepare(self, request) -> None:
        structlog.contextvars.bind_contextvars(request_id=request.request_id)
        if self._correlation:
            correlation_id = request.META.get("HTTP_X_CORRELATION_ID")
            if correlation_id:
                structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        if self._user_id_field:
            self.bind_user_id(request)
        if not self._stdlib_logger.isEnabledFor(self._start_level):
            return
        log_kwargs = {
            "request": self.format_request(request),
            "user_agent": request.META.get("HTTP_USER_AGENT"),
        }
        django_structlog_signals.bind_extra_request_metadata.send(
            sender=self.__class__, request=request, logger=_request_logger, log_kwargs=log_kwargs
        )
        _request_logger.log(self._start_level, "request_started", **log_kwargs)

    def _log(self, level: int, log_kwargs: dict) -> None:
        """`_request_logger.log(level, "request_finished", **log_kwargs)`: the same structlog
        processors and the same handlers, without the standard library's search of the stack
        for the caller (its file and line are in no Thrive log line) and the wrappers around
        it. `_process_event` is structlog's documented hook for wrapper classes."""
        stdlib_logger = self._stdlib_logger
        if not stdlib_logger.isEnabledFor(level):
            return
        try:
            args, kwargs = _request_logger.bind()._process_event(
                logging.getLevelName(level).lower(), "request_finished", log_kwargs
            )
        except structlog.DropEvent:
            return
        record = stdlib_logger.makeRecord(
            stdlib_logger.name,
            level,
            "(unknown file)",
            0,
            args[0],
            (),
            None,
            None,
            kwargs.get("extra"),
        )
        stdlib_logger.handle(record)

    def handle_response(self, request, response) -> None:
        if hasattr(request, "_raised_exception") or self._user_id_field:
            # A failure django-structlog has logged, or a user id to bind: its own way.
            return super().handle_response(request, response)
        log_kwargs = {"code": response.status_code, "request": self.format_request(request)}
        django_structlog_signals.bind_extra_request_finished_metadata.send(
            sender=self.__class__,
            request=request,
            logger=_request_logger,
            response=response,
            log_kwargs=log_kwargs,
        )
        self._log(self._log_level_for_status_code(response.status_code), log_kwargs)
        if isinstance(response, StreamingHttpResponse):
            context = structlog.contextvars.get_merged_contextvars(_request_logger)
            wrap = (
                django_structlog_middlewares.async_streaming_content_wrapper
                if response.is_async
                else django_structlog_middlewares.sync_streaming_content_wrapper
            )
            response.streaming_content = wrap(response.streaming_content, context)
        structlog.contextvars.clear_contextvars()


# django-structlog's own logger: the lines keep its name.
_request_logger = django_structlog_middlewares.logger


class ContentSecurityPolicyMiddleware(django_csp.ContentSecurityPolicyMiddleware):
    """Django's, with the policy text of a response that used no nonce (a download, a redirect,
    most partial pages) built once per process: it is the same text every time."""

    _without_nonce: dict[tuple[int, int], tuple[str | None, str | None]] = {}

    def process_response(self, request, response):
        nonce = django_csp.get_nonce(request)
        if nonce or hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config"):
            return super().process_response(request, response)
        enforce, report_only = settings.SECURE_CSP, settings.SECURE_CSP_REPORT_ONLY
        key = (id(enforce), id(report_only))
        texts = self._without_nonce.get(key)
        if texts is None:
            texts = tuple(
                build_policy(config) if config else None for config in (enforce, report_only)
            )
            self._without_nonce[key] = texts
        for header, text in zip((CSP.HEADER_ENFORCE, CSP.HEADER_REPORT_ONLY), texts, strict=True):
            if text is not None and header not in response:
                response.headers[str(header)] = text
        return response
