"""Settings for Outreach Desk, read from the environment (see README, "Deploying").

With nothing set, the app runs on the embedded defaults: a SQLite file and Celery's
filesystem transport under ``var/``, so the quick start needs no servers.
"""

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# --- Secret key: it signs the sessions and the public links (application status pages,
# merchant links), so it must never be one the source code knows. Production sets
# SECRET_KEY; with DEBUG on and none set, each checkout makes its own random key once, in
# the git-ignored var/secret_key. Rotation (README, "Security"): a new SECRET_KEY stops every
# old link; putting the old key in SECRET_KEY_FALLBACKS keeps them working for a while.


def _local_secret_key(path: Path) -> str:
    """The key in `path`, made on first use; the web server, worker and beat may race to make it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default="")
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：DEBUG=0（生产环境）时必须在环境变量或 .env 中设置 SECRET_KEY。"
            " SECRET_KEY is not set: with DEBUG=0 (production) set it in the environment or .env, e.g."
            " SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
            " For local development run with DEBUG=1 (make run), which keeps a random key in var/secret_key."
        )
    SECRET_KEY = _local_secret_key(Path(env("SECRET_KEY_FILE", default=str(VAR_DIR / "secret_key"))))
# --- end of secret key

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
]
LOCAL_APPS = [
    "outreach",
    "sponsors",
    "events",
    "jobs",
    "outreach.alliance",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "outreach.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "outreach.middleware.CurrentMemberMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outreach.urls"
WSGI_APPLICATION = "outreach.wsgi.application"

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
                "outreach.context_processors.navigation",
            ],
            "builtins": ["outreach.templatetags.outreach_tags"],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/ can replace one of
# Django's (the <select>, whose options are written in Python: outreach_tags.select_options).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: PostgreSQL in production, a SQLite file for the quick start.
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# --- Connections: kept for a minute between requests, and checked before a request reuses
# one, so after a PostgreSQL restart the next request reconnects instead of failing.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# --- end of connections
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and beat write to the same file: WAL and
    # IMMEDIATE transactions keep them from failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the pages' queries are short, but correlated subqueries over big tables have
    # large estimated costs, and compiling them took ~0.5 s a query at ten years' volume
    # (the visit form's picker: 635 ms with JIT, 78 ms without; README "Performance").
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login throttling (django-axes) and the client's address behind proxies.
# How many reverse proxies in front of the app append to X-Forwarded-For (one nginx: 1).
# 0 trusts no header and counts REMOTE_ADDR. Shared by every rate limit (outreach.clientip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked after AXES_FAILURE_LIMIT failures for one account (from any address) or from one
# address (for any account), until AXES_COOLOFF_TIME has passed.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "outreach.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "outreach.clientip.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful logins need no extra row
# Password reset mails (outreach.views.password_reset), per address and per e-mail address.
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", default="10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env("PASSWORD_RESET_RATE_PER_EMAIL", default="3/h")
# --- end of login throttling

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time: Chinese first, English second; the department is in China.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["outreach.formats"]

# --- Static and media files. Front-end packages come from npm into node_modules/
# (git-ignored); only their distribution folders are served.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Evidence photos and signed scans; larger uploads are refused with a clear message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Per kind of file, which outreach.uploads decides from the content, never from the name.
UPLOAD_SIZE_LIMITS = {
    "image": env.int("UPLOAD_MAX_IMAGE_SIZE", default=10 * 1024 * 1024),
    "pdf": env.int("UPLOAD_MAX_PDF_SIZE", default=20 * 1024 * 1024),
    "office": env.int("UPLOAD_MAX_OFFICE_SIZE", default=20 * 1024 * 1024),
}
# Images whose header promises more pixels are refused before decoding (a 17 KB PNG can
# say 12000x12000); Pillow's own limit (Image.MAX_IMAGE_PIXELS) is set from this too.
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)

# --- E-mail: reminders go out by mail as well as in the app.
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="外联部工作台 <outreach@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An SMTP server that stops answering fails the send (kept, retried) rather than holding a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery: Redis in production; kombu's filesystem transport when no broker is set,
# which works across processes, so `make run` has a real worker and beat with no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (worker control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A request that queues a task must not hang on a broker that does not answer: fail
    # fast and let the outbox sweep send it later (outreach.tasks.enqueue).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Notification e-mail is an outbox (README, "Delivery guarantees"). A sender's claim lasts the
# lease, longer than a task may run (CELERY_TASK_TIME_LIMIT), and doubles with each attempt;
# the sweep sends what is due every NOTIFICATION_SWEEP_SECONDS.
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_SWEEP_SECONDS = env.float("NOTIFICATION_SWEEP_SECONDS", default=60.0)
# Periodic tasks (Asia/Shanghai times). Each task is idempotent: a reminder is sent once.
# The scans run at 07:50 so the 08:00 digests see what they found; README, "Reminders".
# The department layer's tasks: autodiscovery finds only each app's top-level tasks module.
CELERY_IMPORTS = ["outreach.department.tasks", "outreach.alliance.tasks"]
CELERY_BEAT_SCHEDULE = {
    "fulfilment-reminders": {
        "task": "events.tasks.send_fulfilment_reminders",
        "schedule": crontab(hour=7, minute=50),
    },
    "followup-reminders": {"task": "sponsors.tasks.send_followup_reminders", "schedule": crontab(hour=7, minute=50)},
    "payment-reminders": {"task": "events.tasks.send_payment_reminders", "schedule": crontab(hour=7, minute=50)},
    "contract-approval-reminders": {
        "task": "events.tasks.send_contract_approval_reminders",
        "schedule": crontab(hour=7, minute=50),
    },
    "jobs-reminders": {"task": "jobs.tasks.send_jobs_reminders", "schedule": crontab(hour=7, minute=50)},
    "department-reminders": {
        "task": "outreach.department.tasks.send_department_reminders",
        "schedule": crontab(hour=7, minute=50),
    },
    "daily-digest": {"task": "outreach.tasks.send_daily_digests", "schedule": crontab(hour=8, minute=0)},
    "weekly-digest": {
        "task": "outreach.tasks.send_weekly_digest",
        "schedule": crontab(hour=8, minute=5, day_of_week="mon"),
    },
    # Sends what is due: queued while the broker was down, claimed by a worker that died, or
    # written in quiet hours (settings.QUIET_HOURS) and waiting for their end.
    "notification-sweep": {
        "task": "outreach.tasks.sweep_notifications",
        "schedule": NOTIFICATION_SWEEP_SECONDS,
    },
    "merchant-export-cleanup": {
        "task": "sponsors.tasks.delete_expired_merchant_exports",
        "schedule": crontab(hour=4, minute=0),
    },
}
# A merchant export of more rows than this is written by a worker and the member notified
# with a download link (sponsors.exports); kept this many days, then deleted.
MERCHANT_EXPORT_BACKGROUND_ROWS = env.int("MERCHANT_EXPORT_BACKGROUND_ROWS", default=2000)
MERCHANT_EXPORT_KEEP_DAYS = env.int("MERCHANT_EXPORT_KEEP_DAYS", default=3)

# --- Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Change history: who changed what, on the models marked as audited.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# --- The department: the name printed on proposals, contracts and reports.
UNION_NAME = env("UNION_NAME", default="某大学学生会")
DEPARTMENT_NAME = env("DEPARTMENT_NAME", default="外联部")

# --- Reminders (README, "Reminders").
# The address people open the app at: e-mails and group-chat messages carry absolute links.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# No e-mail between these hours (Asia/Shanghai); what falls in them waits. "off" turns it off.
QUIET_HOURS = env("QUIET_HOURS", default="22:00-08:00")
# The group chat robot: seconds per POST, and how many tries before giving up.
GROUP_CHAT_TIMEOUT = env.float("GROUP_CHAT_TIMEOUT", default=5.0)
GROUP_CHAT_MAX_RETRIES = env.int("GROUP_CHAT_MAX_RETRIES", default=4)

# --- Rules the department sets (README, "Deploying").
# A contract above this amount (cash + in-kind) also needs the advisor's sign-off.
CONTRACT_ADVISOR_SIGNOFF_ABOVE = env.float("CONTRACT_ADVISOR_SIGNOFF_ABOVE", default=5000.0)
# Sending more than headcount × this many applicants to an interview asks for confirmation.
JOBS_INTERVIEW_FACTOR = env.float("JOBS_INTERVIEW_FACTOR", default=1.5)
# The dashboard warns about an employer that hires fewer of the students sent than this share.
JOBS_ADMISSION_WARN_BELOW = env.float("JOBS_ADMISSION_WARN_BELOW", default=0.3)
# Public job applications per IP address (django-ratelimit rate).
JOBS_APPLY_RATE = env("JOBS_APPLY_RATE", default="10/h")
# django-ratelimit counts in the default cache; behind a proxy the client is X-Forwarded-For's.
RATELIMIT_USE_CACHE = "default"
# Rate limits key on the client the trusted proxies saw (TRUSTED_PROXY_COUNT, outreach.clientip).
RATELIMIT_IP_META_KEY = "outreach.clientip.client_ip"
# A cache that does not answer lets requests through (logged by outreach.throttle).
RATELIMIT_FAIL_OPEN = True

# --- Security: on by default whenever DEBUG is off; `check --deploy` stays quiet.
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Content-Security-Policy (django-csp) on every response: scripts and styles only from
# the app's own static files, no inline script or handler, no plugins, no framing.
# Uploaded files get a stricter one with `sandbox` (outreach.uploads.serve_upload).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws its form controls (select arrows, checks) with data: SVG in CSS.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint reports each refused fetch; that is the URL fetcher doing its job.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMIN_SITE_HEADER = _("外联部工作台")

# --- The alliance (README, "The alliance"): signed bundles exchanged with other schools.
# Our Ed25519 private key: a file outside the database, made on first use (mode 0600).
ALLIANCE_KEY_FILE = env("ALLIANCE_KEY_FILE", default=str(VAR_DIR / "alliance_key"))
# How this department appears in the bundles it signs (peers show their own name for us).
ALLIANCE_NAME = env("ALLIANCE_NAME", default=UNION_NAME + DEPARTMENT_NAME)
ALLIANCE_SCHOOL = env("ALLIANCE_SCHOOL", default=UNION_NAME)
# A bundle larger than this, or with more entries, is refused before anything is read from it.
ALLIANCE_BUNDLE_MAX_BYTES = env.int("ALLIANCE_BUNDLE_MAX_BYTES", default=1_000_000)
ALLIANCE_BUNDLE_MAX_ENTRIES = env.int("ALLIANCE_BUNDLE_MAX_ENTRIES", default=5000)
# Serve our bundle at /alliance/feed.json for peers to pull; pull peers' feeds daily. Both off.
ALLIANCE_FEED_PUBLISH = env.bool("ALLIANCE_FEED_PUBLISH", default=False)
ALLIANCE_FEED_PULL = env.bool("ALLIANCE_FEED_PULL", default=False)
ALLIANCE_FEED_TIMEOUT = env.float("ALLIANCE_FEED_TIMEOUT", default=10.0)
# Feeds are HTTPS only; the tests' local server is plain http on 127.0.0.1.
ALLIANCE_FEED_ALLOW_LOOPBACK_HTTP = False
if ALLIANCE_FEED_PULL:
    CELERY_BEAT_SCHEDULE["alliance-feed-pull"] = {
        "task": "outreach.alliance.tasks.pull_alliance_feeds",
        "schedule": crontab(hour=6, minute=30),
    }
