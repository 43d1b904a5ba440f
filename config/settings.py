"""Settings for the workshop tracker, read from the environment.

Environment variables (all optional for a local run):

- ``DJANGO_SECRET_KEY``: required when ``DJANGO_DEBUG`` is off.
- ``ERASURE_HASH_KEY``: required when ``DJANGO_DEBUG`` is off (see ``organizations.privacy``).
- ``DJANGO_DEBUG``: ``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``; default on.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names; default ``127.0.0.1,localhost``.
- ``DATABASE_URL``: any URL dj-database-url understands, e.g.
  ``postgres://user:pass@127.0.0.1:5432/tracker`` (psycopg 3). Default: the SQLite file
  ``db.sqlite3`` in the project folder, in WAL mode (``SQLITE_BUSY_TIMEOUT``: seconds a writer
  waits for another, default 20).

- ``DJANGO_LOG_LEVEL``: level of Django's and our apps' log lines on standard error (other
  libraries: ``WARNING``); default ``INFO``.
- ``DJANGO_ADMINS``: who receives an e-mail with the traceback of every server error,
  ``"Name <address>,Name <address>"``; unset, no e-mail is sent (the log still has it). Mail goes
  through ``DJANGO_EMAIL_HOST`` (default ``localhost``), ``DJANGO_EMAIL_PORT`` (25),
  ``DJANGO_EMAIL_HOST_USER``, ``DJANGO_EMAIL_HOST_PASSWORD``, ``DJANGO_EMAIL_USE_TLS`` (no) and
  ``DJANGO_SERVER_EMAIL`` (the sender, default ``root@localhost``).

A bad value raises ``ImproperlyConfigured`` at start-up rather than running half-configured.
"""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
import tzdata
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Morocco's legal time changed in 2026 (IANA 2026c and later) and the host's tz database can
# be years old. Empty the search path so that zoneinfo, and so Django, reads the zone rules
# from the pinned ``tzdata`` package on PyPI rather than from /usr/share/zoneinfo.
zoneinfo.reset_tzpath(to=[])
# Django also sets the process's TZ to TIME_ZONE, which the C library (log timestamps,
# time.localtime) resolves in TZDIR: point it at the same package's zone files.
os.environ["TZDIR"] = str(Path(tzdata.__file__).resolve().parent / "zoneinfo")

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a yes/no environment variable; raise ImproperlyConfigured on anything else."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value, not {value!r}")


def env_admins(name):
    """Read ``"Name <address>,Name <address>"`` as ``ADMINS`` (list of ``(name, address)``);
    raise ImproperlyConfigured on an entry without an address in angle brackets."""
    admins = []
    for entry in env_list(name, []):
        name_part, bracket, address = entry.partition("<")
        if not bracket or not address.endswith(">") or "@" not in address:
            raise ImproperlyConfigured(f"{name} entries look like 'Name <address>', not {entry!r}")
        admins.append((name_part.strip(), address[:-1].strip()))
    return admins


def env_list(name, default):
    """Read a comma-separated environment variable as a list of non-empty strings."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-local-use"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # Workshop, project, recommendation, commitment, milestone and committee texts in each of
    # LANGUAGES, one column per language (workshops/translation.py); before the admin, as it asks.
    "modeltranslation",
    # The admin, with two-factor authentication required for superusers, managers and data
    # officers (config/two_factor.py).
    "config.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    # The libraries' apps under translated names (config/apps.py).
    "config.apps.AxesConfig",
    "django_otp",
    "config.apps.TOTPConfig",
    "config.apps.StaticConfig",
    "config.apps.AuditlogConfig",
    "regions",
    "organizations",
    "workshops",
    "attendance.apps.AttendanceConfig",
    "registrations.apps.RegistrationsConfig",
    "programmes",
    # Background jobs with a progress page (jobs/); django-tasks' database queue (or RQ, below).
    "django_tasks",
    "config.apps.TasksDBConfig",
    "jobs",
]

MIDDLEWARE = [
    # First: every response, cached or not, carries this request's X-Request-ID, and every log
    # line written while serving it carries the same id (config/request_id.py).
    "config.request_id.RequestIdMiddleware",
    # A NUL character anywhere in the request is a 400 before it can reach PostgreSQL.
    "config.bad_requests.RejectNulMiddleware",
    # A database too busy to write (SQLite's single writer, a PostgreSQL lock or deadlock)
    # answers 503 "try again" with Retry-After, never 500 (config/busy.py).
    "config.busy.BusyDatabaseMiddleware",
    # Whole public pages are kept in the "pages" cache (see CACHES below): this one stores a
    # response on its way out, FetchFromCacheMiddleware (last) answers from the cache.
    # Public pages: "no-cache" with an ETag, and 304 to a browser that already has the page.
    "config.pagecache.RevalidateMiddleware",
    "config.pagecache.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Superusers, managers and data officers pass a one-time code (enrolling at first login)
    # before any page but the two-factor one (config/two_factor.py).
    "config.middleware.TwoFactorMiddleware",
    # Records who made each change (the audit trail's actor) and from which address.
    "config.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # As django-axes asks, after the others: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
    # Signed-in users' responses are marked private: the page cache and any proxy keep them out.
    "config.middleware.PrivateWhenSignedInMiddleware",
    # Answers visitors from the page cache, not signed-in users (they see staff links); keyed
    # by the generations of the page's scopes (config/pagecache.py).
    "config.pagecache.FetchFromCacheMiddleware",
]

# django-axes first: it refuses to authenticate a locked-out username/IP before passwords are checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Links to the staff pages for signed-in staff, on the public pages too.
                "config.context_processors.staff_links",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # The embedded default must bear a few staff saving while the public reads (measured by
    # bench/concurrency.py, docs/performance.md). WAL: readers never wait for the writer.
    # IMMEDIATE: a transaction takes the write lock when it begins, so a second writer waits
    # (up to ``timeout`` seconds) instead of failing with "database is locked" when it tries to
    # upgrade a read lock, which SQLite refuses at once. synchronous=NORMAL is the usual pairing
    # with WAL: never corrupt; after a power cut (not a crash of the app) the last commits may
    # be lost.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Arabic first: Moroccan users read Arabic and French; donors often English (the source language).
LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Translated content (django-modeltranslation): a text missing in the page's language shows
# another version; templates prefer the record's original language (workshops.content).
MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ar", "fr", "en")
# Number formats: Django's Arabic locale groups no thousands ("4467911"); ours does.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Casablanca"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"

# Attendance sheets: refuse uploads above this size (bytes) before reading them.
ATTENDANCE_UPLOAD_MAX_BYTES = int(os.environ.get("ATTENDANCE_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
# XLSX and ODS are zip archives: refuse one whose parts would unzip to more than this (bytes).
ATTENDANCE_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("ATTENDANCE_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024))
)
# Reading stops with a message past this many rows or columns, whatever the format.
ATTENDANCE_MAX_ROWS = int(os.environ.get("ATTENDANCE_MAX_ROWS", "20000"))
ATTENDANCE_MAX_COLUMNS = int(os.environ.get("ATTENDANCE_MAX_COLUMNS", "200"))
# Between the admin's preview and "Confirm import" the uploaded sheet waits here, under a
# random name, for at most ATTENDANCE_STAGING_MAX_AGE seconds. Outside MEDIA_ROOT on purpose:
# it holds personal data, and media files may be served by the web server.
ATTENDANCE_STAGING_DIR = Path(
    os.environ.get("ATTENDANCE_STAGING_DIR", str(BASE_DIR / "var" / "import-staging"))
)
ATTENDANCE_STAGING_MAX_AGE = int(os.environ.get("ATTENDANCE_STAGING_MAX_AGE", "3600"))
# Background jobs (jobs/): the tasks API that Django 6.0 adopts, from the django-tasks package.
# Queued in the database by default (no extra service; worker: ``manage.py jobs_worker``, which
# ``make run`` starts), on Redis through RQ when REDIS_URL is set (several servers, one queue).
JOBS_REDIS_URL = os.environ.get("REDIS_URL", "")
if JOBS_REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": JOBS_REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
    # No RQ dashboard in the admin: its pages list jobs' arguments and its changelist is not a
    # table (a sort from the URL failed); staff follow their jobs on the jobs' progress pages.
    RQ_SHOW_ADMIN_LINK = False
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job's file waits here (outside MEDIA_ROOT: it may hold personal data) for its requester, for
# JOB_FILES_MAX_AGE seconds; then ``manage.py delete_expired_job_files`` (or the next job asked
# for) deletes it.
JOB_FILES_DIR = Path(os.environ.get("JOB_FILES_DIR", str(BASE_DIR / "var" / "job-files")))
# The whole-country open data is sent from files made once per change (workshops/opendata_files.py):
# here, shared by every server like media/. A new version is made by a background job; if none
# delivered it within OPEN_DATA_BUILD_SECONDS, the next request makes it.
OPEN_DATA_DIR = Path(os.environ.get("OPEN_DATA_DIR", str(BASE_DIR / "var" / "open-data")))
OPEN_DATA_BUILD_SECONDS = int(os.environ.get("OPEN_DATA_BUILD_SECONDS", "120"))
JOB_FILES_MAX_AGE = int(os.environ.get("JOB_FILES_MAX_AGE", str(24 * 3600)))
# A running job's worker writes a sign of life every JOB_HEARTBEAT_SECONDS; a job without one for
# JOB_STALLED_SECONDS lost its worker (stopped, restarted, killed) and is marked failed, so that
# its page does not say "running" for ever.
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "60"))
JOB_STALLED_SECONDS = int(os.environ.get("JOB_STALLED_SECONDS", str(15 * 60)))
# Certificates of a workshop with more eligible participants than this, and attendance sheets of
# more rows than this, are made or imported by a job instead of inside the request.
CERTIFICATES_JOB_THRESHOLD = int(os.environ.get("CERTIFICATES_JOB_THRESHOLD", "100"))
IMPORT_JOB_THRESHOLD = int(os.environ.get("IMPORT_JOB_THRESHOLD", "3000"))
# Public counts of people below this are hidden, with whatever would give them back
# (``workshops.publication``: primary and complementary suppression, as statistics offices do).
SMALL_CELL_MINIMUM = int(os.environ.get("SMALL_CELL_MINIMUM", "5"))
# Seconds the public pages' aggregate figures (home, regions, tracker) are kept in the cache
# (``workshops.reports.cached``); 0 computes them on every request. At a national scale a live
# count over a million rows takes longer than a page may: a change shows up to this late.
PUBLIC_FIGURES_CACHE_SECONDS = int(os.environ.get("PUBLIC_FIGURES_CACHE_SECONDS", "120"))

# Certificates of participation (attendance/certificates.py). The site's public address starts
# the verification link printed on certificates made from the command line (the staff pages use
# the address they are reached at); checks of the verification page allowed per address a minute.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://localhost:8000").rstrip("/")
CERTIFICATE_CHECKS_PER_MINUTE = int(os.environ.get("CERTIFICATE_CHECKS_PER_MINUTE", "30"))
# On PostgreSQL the cache lives in the database (table made by migration workshops 0005): every
# gunicorn worker and every application server sees the same entries, so forgetting the public
# figures after an edit works everywhere at once, with no Redis or memcached to run. On SQLite it
# lives in files (FIGURES_CACHE_DIR), shared by every worker of the one machine a SQLite database
# serves: a cache miss there wrote to the database, and a public page waited for, or failed
# behind, the staff's writes (docs/performance.md, "Concurrent staff on SQLite").
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("FIGURES_CACHE_DIR", str(BASE_DIR / "var" / "figures-cache")),
        # Each edit starts a new generation of about 25 entries (``workshops.reports.cached``).
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
    if SQLITE
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tracker_cache",
    },
    # Whole public pages as sent to visitors who are not signed in (Django's cache middleware),
    # for PUBLIC_FIGURES_CACHE_SECONDS. Forgotten by scope with the public figures by
    # ``workshops.reports.forget_public_figures`` (the admin's edits), ``forget_progress`` (a
    # follow-up) and ``forget_attendance`` (a change of who attended; config/pagecache.py), so
    # an edit shows at once. In files, not the database: a
    # page served from it makes no query at all, and every worker of the server shares it.
    # Several application servers share Redis instead (REDIS_URL below).
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "page-cache")),
        # Every distinct URL (filters, pages, languages) is a file: at most this many, then a
        # third go.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Several application servers: REDIS_URL (redis://host:6379/0) puts both caches in one Redis
# server that they all share (Django's own backend), so an edit through one server shows at
# once on the others. Unset, the embedded default above needs no extra service.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "pages")
    }
# Seconds a request that finds a public figure being computed by another one waits for it
# before computing it itself (``workshops.reports.compute_once``); also the lock's lifetime.
PUBLIC_FIGURES_LOCK_SECONDS = int(os.environ.get("PUBLIC_FIGURES_LOCK_SECONDS", "30"))
# While one request builds a forgotten public page again, others get the previous copy for at
# most this many seconds (config/pagecache.py).
PAGE_REBUILD_SECONDS = int(os.environ.get("PAGE_REBUILD_SECONDS", "10"))
# A public page built again after a change is not built again before max(this many seconds,
# PAGE_REBUILD_FACTOR x its build time) have passed: visitors get that copy meanwhile, so staff
# saving faster than pages build cannot keep the server rebuilding them (config/pagecache.py;
# the bound and its numbers in docs/performance.md).
PAGE_REBUILD_INTERVAL_SECONDS = float(os.environ.get("PAGE_REBUILD_INTERVAL_SECONDS", "2"))
PAGE_REBUILD_FACTOR = float(os.environ.get("PAGE_REBUILD_FACTOR", "10"))
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_KEY_PREFIX = "public"
# How long a public page is kept whole; 0 turns the page cache off (nothing is stored). Off by
# default while DEBUG is on, so that a template being edited shows at once.
CACHE_MIDDLEWARE_SECONDS = int(
    os.environ.get("PAGE_CACHE_SECONDS", "0" if DEBUG else str(PUBLIC_FIGURES_CACHE_SECONDS))
)

# Evidence documents and committee minutes (PDF, PNG, JPEG): largest accepted upload in bytes.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Where ``manage.py check_evidence_files`` moves stored documents that fail the check. Outside
# MEDIA_ROOT on purpose: nothing there is ever served.
EVIDENCE_QUARANTINE_DIR = Path(
    os.environ.get("EVIDENCE_QUARANTINE_DIR", str(BASE_DIR / "var" / "quarantine"))
)

# Login lockout (django-axes, database-backed: no Redis needed). After AXES_FAILURE_LIMIT failed
# logins for one username from one address, that pair is locked for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_TIME", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address, for the lockout and the audit trail alike (config/client_ip.py): the
# DJANGO_PROXY_COUNT-th address from the right of X-Forwarded-For; with 0, REMOTE_ADDR.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"DJANGO_PROXY_COUNT must be 0 or more, not {PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# Against password spraying from many addresses (config/login_throttle.py): past this many failures
# for one username from all addresses within AXES_COOLOFF_TIME, only addresses where its owner
# signed in before may try it.
LOGIN_SPRAY_LIMIT = int(os.environ.get("LOGIN_SPRAY_LIMIT", "20"))
# Public registration forms (registrations/throttle.py): at most this many submissions from one
# client address per REGISTRATION_RATE_WINDOW seconds. A venue's Wi-Fi puts a whole room behind
# one address, hence a limit well above one person's needs.
REGISTRATION_RATE_LIMIT = int(os.environ.get("REGISTRATION_RATE_LIMIT", "30"))
REGISTRATION_RATE_WINDOW = int(os.environ.get("REGISTRATION_RATE_WINDOW", "3600"))
# The name authenticator apps show beside the account (two-factor enrolment, config/two_factor.py).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Workshop tracker")
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Logging: everything to standard error (gunicorn and systemd keep it in the journal, see
# docs/deployment.md), each line with the request's id, server errors with their traceback.
# With DJANGO_ADMINS set (and DEBUG off), each server error is also mailed to them.
ADMINS = env_admins("DJANGO_ADMINS")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "root@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.request_id.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "plain",
        },
        # The e-mail holds the traceback but no value from the request or the frames: they may
        # hold participants' data (config.errors.PrivateExceptionReporter).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id"],
            "formatter": "plain",
            "reporter_class": "config.errors.PrivateExceptionReporter",
        },
    },
    # Libraries say only what matters (django-axes logs every start and login at INFO); our apps
    # and Django at DJANGO_LOG_LEVEL.
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        **{app: {"level": LOG_LEVEL} for app in ("config", "regions", "organizations", "workshops")},
        # Django's own loggers write to the root's handler (and mail server errors) instead of
        # the console-only-in-DEBUG handler Django sets up by default.
        "django": {
            "handlers": ["stderr", "mail_admins"] if ADMINS else ["stderr"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
    },
}

# The refused-form page in the visitor's language (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# Personal data (Law 09-08, docs/data-protection.md): participants' personal data is anonymised
# this many days after the last workshop they attended (manage.py anonymise_expired).
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", str(5 * 365)))
# Append-only record of erasures, kept OUTSIDE the database and its backups: a restore replays it.
ERASURE_LOG_PATH = Path(os.environ.get("ERASURE_LOG_PATH", str(BASE_DIR / "var" / "erasures.jsonl")))
# Key of the HMAC-SHA256 digests an erasure keeps of the person's phone, e-mail and name key, by
# which an import recognises someone erased (organizations.privacy). Not SECRET_KEY: rotating
# that must not forget every erasure, and this one must never change once erasures exist.
ERASURE_HASH_KEY = os.environ.get("ERASURE_HASH_KEY", "")
if not ERASURE_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("ERASURE_HASH_KEY must be set when DJANGO_DEBUG is off")
    ERASURE_HASH_KEY = "insecure-development-erasure-key"  # noqa: S105
# Where manage.py backup writes by default.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))

# Audit trail (django-auditlog; docs/data-protection.md says why this library): every change to a
# business model is logged with its author. Contact details and names are masked in the log, so
# the log never holds a participant's personal data in clear.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "regions.Region",
    "regions.Province",
    "organizations.Organization",
    "organizations.OrganizationAlias",
    "organizations.FocusArea",
    {
        "model": "organizations.Person",
        "mask_fields": ["first_name", "last_name", "phone", "email"],
    },
    "workshops.Project",
    "workshops.Workshop",
    "workshops.WorkshopPartner",
    "workshops.Session",
    "workshops.Participation",
    "workshops.Attendance",
    "workshops.Recommendation",
    "workshops.Commitment",
    "workshops.Milestone",
    "workshops.FollowUp",
    "workshops.MonitoringCommittee",
    "workshops.CommitteeMembership",
    "workshops.CommitteeMeeting",
)
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_MASK_CALLABLE = "config.audit.mask"

# Staff sessions expire: hours, not weeks. The public has no session beyond a language choice.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): our own files only, no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if not DEBUG:
    # Production: HTTPS only. Behind a reverse proxy that terminates TLS, set
    # DJANGO_PROXY_SSL_HEADER=1 so that X-Forwarded-Proto tells Django the request was HTTPS.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    # The health check is called by the proxy or orchestrator over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("DJANGO_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
