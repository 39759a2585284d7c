"""Thrive's settings: one module, every value from the environment.

With no environment at all Thrive runs embedded (SQLite, local files, console email, Celery
tasks run inline). DATABASE_URL, REDIS_URL and STORAGE_* switch to PostgreSQL, a real Celery
worker with Redis, and S3-compatible storage. docs/configuration.md lists every variable
(tests/thrive/test_configuration.py keeps that table and this module in step).
"""

import logging
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from thrive import logs
from thrive.environment import Environment

BASE_DIR = Path(__file__).resolve().parent.parent

# Every variable can also come from a file: SECRET_KEY_FILE=/run/secrets/secret_key.
env = Environment()
Environment.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public address, for links in emails. No default in production (a deploy check asks for it).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram search lookups (used only on PostgreSQL)
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "thrive",
    "cases",
    "documents",
    "portal",
    "selfservice",
    "continuity",
    "django_structlog",
]

MIDDLEWARE = [
    # Load balancers' probes, answered before Host validation (thrive/health.py says why).
    "thrive.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "thrive.middleware.RequestIdMiddleware",
    "thrive.middleware.RequestLogMiddleware",
    "thrive.outage.OutageMiddleware",
    "thrive.database.PrimaryWatchMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "thrive.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "thrive.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "thrive.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "thrive.middleware.SecondFactorMiddleware",
    "thrive.middleware.AcceptableUsePolicyMiddleware",
    "selfservice.middleware.PasswordExpiryMiddleware",
    "continuity.middleware.ReadOnlyModeMiddleware",
]

ROOT_URLCONF = "thrive.urls"
WSGI_APPLICATION = "thrive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thrive.context_processors.thrive",
                "portal.context_processors.look",
                "continuity.context_processors.downtime",
                "thrive.search.context.search_box",
            ],
            "builtins": ["thrive.ui.templatetags.govuk"],
            # {% load govuk %} still works where a template asks for it by name.
            "libraries": {"govuk": "thrive.ui.templatetags.govuk"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'thrive.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=3
    )
    # Behind PgBouncer in transaction pooling: no server-side cursors (and CONN_MAX_AGE=0).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
    # No JIT compilation: Thrive's queries are short, and PostgreSQL's JIT (on by default)
    # spent 50-60 ms compiling a report query that runs in 10 ms (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A streaming replica (thrive/database.py): while the primary does not answer, Thrive reads from
# it in automatic read-only mode and goes back to the primary by itself.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db_url("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["thrive.database.ReplicaRouter"]
DATABASE_PRIMARY_CHECK_SECONDS = env.float("DATABASE_PRIMARY_CHECK_SECONDS", default=2)
DATABASE_PRIMARY_CHECK_TIMEOUT = env.int("DATABASE_PRIMARY_CHECK_TIMEOUT", default=2)
# Audit events (and ended sessions) recorded while the primary is down wait here, per server.
AUDIT_SPOOL_DIR = Path(env.str("AUDIT_SPOOL_DIR", default=str(BASE_DIR / "var" / "spool")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The covering indexes (INCLUDE columns) are PostgreSQL's; SQLite keeps the key columns.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache, Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds to wait for Redis before treating it as away (thrive/cache.py): a dead Redis must
# cost a request milliseconds, not the operating system's connect timeout.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            # A cache error is a cache miss: pages keep working on the database alone.
            "BACKEND": "thrive.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "thrive",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                # One immediate retry on a broken connection: a pooled connection broken by
                # a Redis restart reconnects instead of counting as an outage. None on a
                # timeout: a Redis that hangs costs one timeout, not two.
                "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
                "health_check_interval": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "thrive.cache.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/London"
# Fixed schedule (django-celery-beat does not support Django 6.1). Later areas add to it.
CELERY_BEAT_SCHEDULE = {
    # The sweep sends what no worker did (queued while the broker was away, a worker lost).
    "send-outbox": {
        "task": "thrive.tasks.send_outbox",
        "schedule": timedelta(seconds=env.int("OUTBOX_SWEEP_SECONDS", default=60)),
    },
    "purge-failed-sign-ins": {
        "task": "thrive.tasks.purge_failed_sign_ins",
        "schedule": crontab(minute=5),
    },
    "purge-sent-outbox": {
        "task": "thrive.tasks.purge_sent_outbox",
        "schedule": crontab(hour=3, minute=15),
    },
    "purge-exports": {"task": "thrive.tasks.purge_exports", "schedule": timedelta(hours=1)},
}
# Downloads of more rows than this are built in the background (thrive/exports.py), and their
# files deleted this many hours later.
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=50_000)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# Several beat processes (one per host, for resilience) run each scheduled job once: redbeat
# keeps the schedule and a lock in Redis; a standby takes over within the lock timeout when the
# active one dies, and every beat rides out a Redis outage (thrive/beat.py). Without Redis
# (make run) Celery's own scheduler runs inside the worker.
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "thrive.beat.TolerantRedBeatScheduler"
    # A Redis that hangs costs a tick a few seconds, not forever. In the URL: redbeat does not
    # pass CELERY_REDBEAT_REDIS_OPTIONS to its client under Django's CELERY_ namespace.
    CELERY_REDBEAT_REDIS_URL = (
        f"{REDIS_URL}{'&' if '?' in REDIS_URL else '?'}socket_connect_timeout=2&socket_timeout=5"
    )
    CELERY_REDBEAT_LOCK_TIMEOUT = 30
# With the broker away a web request must not wait on it: queueing an email gives up at once
# (the outbox row waits for beat's sweep), and connecting gives up quickly.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT}

# --- Sessions: in the database so a Redis restart signs nobody out ----------------------------
# With Redis, cached_db: the database stays the record (writes go to both) and reads come from
# the shared cache, saving a query on every request. Not with the local-memory cache: each
# process would keep its own copy, so a session ended in one would live on in the others.
# Thrive's engines are Django's with the owner recorded on each row, and keep sessions
# working while the database primary is down (thrive/sessions/).
SESSION_ENGINE = "thrive.sessions.cached_db" if REDIS_URL else "thrive.sessions.db"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# Seconds a process reuses the signed-in person's row and roles it read (thrive/auth.py); 0: read
# them on every request.
SIGNED_IN_PERSON_CACHE_SECONDS = env.float("SIGNED_IN_PERSON_CACHE_SECONDS", default=2)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_TIMEOUT_WARNING = env.int("SESSION_TIMEOUT_WARNING", default=2 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Django's (a cookie, then the session), its stores made only when a message is read or added.
MESSAGE_STORAGE = "thrive.messages.LazyFallbackStorage"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "thrive.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, loading the person with their roles in one query (thrive/auth.py).
    "thrive.auth.ModelBackend",
    "thrive.auth.AuthenticationBackend",
    # Sessions begun before those were named stay valid.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id (thrive/hashers.py). PBKDF2 hashes made before it are still accepted, and replaced
# by Argon2id hashes as their owners sign in.
PASSWORD_HASHERS = [
    "thrive.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# The Acceptable Use Policy's password rules (selfservice/validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "selfservice.validators.LengthValidator"},
    {"NAME": "selfservice.validators.CharacterTypesValidator"},
    {"NAME": "selfservice.validators.NameFragmentValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "selfservice.validators.PasswordHistoryValidator"},
]
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=6)
PASSWORD_MAX_LENGTH = env.int("PASSWORD_MAX_LENGTH", default=128)
PASSWORD_EXPIRY_DAYS = env.int("PASSWORD_EXPIRY_DAYS", default=30)
PASSWORD_EXPIRY_NOTICE_DAYS = [
    int(d) for d in env.list("PASSWORD_EXPIRY_NOTICE_DAYS", default=["14", "7", "3", "1"])
]
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=24)
PASSWORD_HISTORY_HASH_ITERATIONS = env.int("PASSWORD_HISTORY_HASH_ITERATIONS", default=100_000)
SELFSERVICE_EMAIL_CODE = env.bool("SELFSERVICE_EMAIL_CODE", default=True)
SELFSERVICE_CODE_MINUTES = env.int("SELFSERVICE_CODE_MINUTES", default=15)
SELFSERVICE_LOCKOUT_ATTEMPTS = env.int("SELFSERVICE_LOCKOUT_ATTEMPTS", default=5)
SELFSERVICE_LOCKOUT_MINUTES = env.int("SELFSERVICE_LOCKOUT_MINUTES", default=15)
SELFSERVICE_TEMPORARY_LOCKOUTS = env.int("SELFSERVICE_TEMPORARY_LOCKOUTS", default=1)
SELFSERVICE_SETUP_DAYS = env.int("SELFSERVICE_SETUP_DAYS", default=14)
SELFSERVICE_INVITATION_DAYS = env.int("SELFSERVICE_INVITATION_DAYS", default=7)
ACCOUNT_REQUEST_WORKING_DAYS = env.int("ACCOUNT_REQUEST_WORKING_DAYS", default=5)
CELERY_BEAT_SCHEDULE |= {
    "selfservice-expiry-notices": {
        "task": "selfservice.tasks.send_password_expiry_notices",
        "schedule": crontab(hour=7, minute=0),
    },
    "selfservice-setup-reminders": {
        "task": "selfservice.tasks.send_setup_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "selfservice-purge-codes": {
        "task": "selfservice.tasks.purge_expired_codes",
        "schedule": crontab(hour=3, minute=45),
    },
}
PORTAL_EDIT_LOCK_MINUTES = env.int("PORTAL_EDIT_LOCK_MINUTES", default=15)
# Codes emailed to health partner people (sign-in, address confirmation, password reset).
PORTAL_CODE_MINUTES = env.int("PORTAL_CODE_MINUTES", default=10)
PORTAL_CODE_TRIES = env.int("PORTAL_CODE_TRIES", default=5)
PORTAL_CODE_RESEND_SECONDS = env.int("PORTAL_CODE_RESEND_SECONDS", default=30)
# Registrations whose address was never confirmed are removed after this many hours.
PORTAL_UNCONFIRMED_HOURS = env.int("PORTAL_UNCONFIRMED_HOURS", default=24)
CELERY_BEAT_SCHEDULE |= {
    "portal-due-reminders": {
        "task": "portal.tasks.send_due_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "portal-purge-unconfirmed": {
        "task": "portal.tasks.purge_unconfirmed_registrations",
        "schedule": crontab(minute=20),
    },
}
CELERY_BEAT_SCHEDULE |= {
    "documents-purge-bin": {
        "task": "documents.tasks.purge_bin",
        "schedule": crontab(hour=2, minute=30),
    },
    "documents-sweep-orphan-files": {
        "task": "documents.tasks.sweep_orphan_files",
        "schedule": crontab(hour=2, minute=45),
    },
}
CELERY_BEAT_SCHEDULE |= {
    "thrive-expire-subject-access": {
        "task": "thrive.tasks.expire_subject_access_bundles",
        "schedule": crontab(minute=15),
    },
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "thrive.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "thrive.forms.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
# Sign-in limits. Per account, whatever the address, page or Host header: 5 wrong passwords or
# codes within 15 minutes lock it until the oldest is 15 minutes old (thrive/lockout.py, kept
# in the database). Per client address (allauth, in the cache): failed sign-ins, and every
# sign-in. An office behind one address is several hundred people signing in at nine, so the
# address limits are set well above that (300 people within 5 minutes all get in).
SIGN_IN_LOCK_ATTEMPTS = env.int("SIGN_IN_LOCK_ATTEMPTS", default=5)
SIGN_IN_LOCK_MINUTES = env.int("SIGN_IN_LOCK_MINUTES", default=15)
ACCOUNT_RATE_LIMITS = {
    "login": env.str("SIGN_IN_ADDRESS_LIMIT", default="1000/5m/ip"),
    "login_failed": env.str("SIGN_IN_RATE_LIMIT", default="100/5m/ip"),
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Roles that must use a second factor (TOTP) before anything else.
SECOND_FACTOR_ROLES = env.list("SECOND_FACTOR_ROLES", default=["system_admin"])
OTP_TOTP_ISSUER = "Thrive"
DBS_RENEWAL_YEARS = 3

# --- Email: always through the outbox -------------------------------------------------------
# Django 6.1's MAILERS, built from the EMAIL_* variables people know.
_email_host = env.str("EMAIL_HOST", default="")
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND",
            default=(
                "django.core.mail.backends.smtp.EmailBackend"
                if _email_host
                else "django.core.mail.backends.console.EmailBackend"
            ),
        ),
        "OPTIONS": (
            {
                "host": _email_host,
                "port": env.int("EMAIL_PORT", default=587),
                "username": env.str("EMAIL_HOST_USER", default="") or None,
                "password": env.str("EMAIL_HOST_PASSWORD", default="") or None,
                "use_tls": env.bool("EMAIL_USE_TLS", default=True),
                "timeout": env.int("EMAIL_TIMEOUT", default=30),
            }
            if _email_host
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Thrive <no-reply@thrive.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# No URL pattern serves MEDIA_URL: files are only ever served through views that check access.
MEDIA_URL = "/media/"

# Uploads (documents.uploads): each file is refused as it streams once past the limit.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=15 * 1024 * 1024)

# Downtime records kept offline in the browser are encrypted to this P-256 key's public half
# (PEM, PKCS#8). Unset, the key is derived from SECRET_KEY, so every process agrees on it.
OFFLINE_RECORDS_PRIVATE_KEY = env.str("OFFLINE_RECORDS_PRIVATE_KEY", default="")
FILE_UPLOAD_HANDLERS = [
    "documents.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Virus scanning with clamd, off unless a socket or host is set; when set, uploads that
# cannot be scanned are refused.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_HOST = env.str("CLAMAV_HOST", default="")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.int("CLAMAV_TIMEOUT", default=30)

# Editing in the browser (docs/wopi.md): the WOPI editor's address (Collabora Online,
# ONLYOFFICE); empty, documents are edited by download and Upload new version. The editor
# reaches Thrive at WOPI_HOST_URL; its access tokens last WOPI_TOKEN_MINUTES.
WOPI_EDITOR_URL = env.str("WOPI_EDITOR_URL", default="").rstrip("/")
WOPI_HOST_URL = env.str("WOPI_HOST_URL", default=SITE_URL).rstrip("/")
WOPI_TOKEN_MINUTES = env.int("WOPI_TOKEN_MINUTES", default=8 * 60)
# WOPI proof keys (X-WOPI-Proof): "auto" checks them whenever the editor's discovery
# publishes a key and then refuses unsigned requests; "required" refuses every request that
# is not signed, so an editor that publishes no key cannot be used.
WOPI_PROOF_KEYS = env.str("WOPI_PROOF_KEYS", default="auto").lower()
if WOPI_PROOF_KEYS not in {"auto", "required"}:
    raise ImproperlyConfigured('WOPI_PROOF_KEYS must be "auto" or "required".')

STORAGE_BUCKET_NAME = env.str("STORAGE_BUCKET_NAME", default="")
if STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env.str("STORAGE_REGION", default="") or None,
            "access_key": env.str("STORAGE_ACCESS_KEY", default="") or None,
            "secret_key": env.str("STORAGE_SECRET_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default=(
                "django.contrib.staticfiles.storage.StaticFilesStorage"
                if DEBUG
                else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            ),
        )
    },
}

# --- Internationalisation: UK dates, London time --------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d-M-Y"
DATETIME_FORMAT = "d-M-Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Over HTTPS the cookies carry the __Host- prefix: browsers then accept them only when set
# Secure, for the whole site (Path=/) and for this host alone (no Domain), so a neighbouring
# council subdomain cannot plant or overwrite them.
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-thrive-session"
    CSRF_COOKIE_NAME = "__Host-thrive-csrf"
CSRF_FAILURE_VIEW = "thrive.views.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Thrive ---------------------------------------------------------------------------------
THRIVE_PHASE = env.str("THRIVE_PHASE", default="Beta")
DEMO_PASSWORD = "Thrive-Demo-2026!"
THRIVE_ID_PREFIX = env.str("THRIVE_ID_PREFIX", default="KT")

# --- Deployment: source link, checks, logs, error reporting (issue #17) ---------------------
# Where the footer's "Source code" link points. Empty: Thrive serves the source it is running
# (/source/), which stays true for a council that changes the code (AGPL-3.0 section 13).
SOURCE_URL = env.str("SOURCE_URL", default="")

# Logs: one line per event on standard error, with time, level, logger, the request id (the
# one the audit trail and the X-Request-ID header carry) and the Celery task id. Requests are
# logged by path only: never a query string, a form body or who is signed in (the audit trail
# links a request id to a person). LOG_FORMAT=json for log collectors.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
LOGGING = logs.logging_config(format=LOG_FORMAT, level=LOG_LEVEL)
logs.configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_USER_ID_FIELD = None
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# One line a request (request_finished, with the path and status); request_started only at
# LOG_LEVEL=DEBUG: formatting and writing the second line was a fifth of a request's fixed cost.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG

# Error reporting to Sentry or a self-hosted GlitchTip, only when SENTRY_DSN is set; never
# personal data, local variables, request bodies, cookies or query strings.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    logs.start_error_reporting(
        dsn=SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production")
    )

# How long a built subject access download can be downloaded, in days.
SUBJECT_ACCESS_DAYS = env.int("SUBJECT_ACCESS_DAYS", default=7)
