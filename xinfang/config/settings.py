"""One settings module, driven by the environment (see docs/configuration.md)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "xinfang"


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("XINFANG_DEBUG", True)
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("XINFANG_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Key for personal data at rest; production must set it (docs/configuration.md).
DATA_KEY = os.environ.get("XINFANG_DATA_KEY", "")
# Keys used before the current one, newest first: data written with them stays readable until
# `manage.py rotate_data_key` has re-encrypted it (docs/configuration.md).
DATA_KEY_PREVIOUS = [
    k for k in os.environ.get("XINFANG_DATA_KEY_PREVIOUS", "").replace(",", " ").split() if k
]
# Key of the case timeline's hash chain, kept outside the database so that a database writer
# cannot forge a link (docs/configuration.md). Unset: a development key (refused below).
AUDIT_KEY = os.environ.get("XINFANG_AUDIT_KEY", "")
# Audit keys used before the current one, newest first: links made with them keep verifying.
AUDIT_KEY_PREVIOUS = [
    k for k in os.environ.get("XINFANG_AUDIT_KEY_PREVIOUS", "").replace(",", " ").split() if k
]
ALLOWED_HOSTS = [h for h in os.environ.get("XINFANG_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("XINFANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # Its Swagger UI files are served from our static files: /api/docs works with no internet.
    "ninja",
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.accounts",
    "xinfang.taxonomy",
    "xinfang.cases",
    "xinfang.triage",
    "xinfang.notify",
    "xinfang.documents",
    "xinfang.insights",
    "xinfang.reception",
    "xinfang.channels",
    "xinfang.portal",
    "xinfang.desk",
    "xinfang.api",
    # The demo county and its stories (seed_demo); imported by no other app.
    "xinfang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xinfang.core.csp.CSPMiddleware",  # django-csp's, its policy built once
    "django.contrib.sessions.middleware.SessionMiddleware",
    # What a citizen's browser proved (its cases, a receipt), in a sealed cookie of its own.
    "xinfang.portal.browser_pass.BrowserPassMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The API's size limit and its refusal of control characters, before anything reads them.
    "xinfang.api.middleware.HostileInputMiddleware",
    # Form posts read before CSRF reads them, a run of escapes at a time (Chinese text).
    "xinfang.core.formdata.FormDataMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session limits, two-factor where required, no-store for signed-in pages.
    "xinfang.accounts.middleware.SignInPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinfang.config.urls"
WSGI_APPLICATION = "xinfang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinfang.desk.navigation.context",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE makes concurrent writers queue for the lock instead of failing mid-transaction;
    # WAL lets pages read while the task worker writes, and commits without a journal fsync each.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so tests with parallel connections share it; one per process so
    # concurrent test runs never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "XINFANG_SQLITE_TEST_NAME", str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")
        )
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that asks the server only when it has said something.
        DATABASES["default"]["ENGINE"] = "xinfang.core.postgresql"
    # Memory for one sort or bitmap of a query: with PostgreSQL's 4 MB a search's bitmap of
    # matching cases goes lossy and every case of its pages is read and tested again.
    WORK_MEM = os.environ.get("XINFANG_PG_WORK_MEM", "32MB")
    if WORK_MEM:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c work_mem={WORK_MEM}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "xinfang.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("XINFANG_PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("XINFANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("XINFANG_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("XINFANG_MEDIA_ROOT", BASE_DIR / "media"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("XINFANG_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGIN_URL = "/desk/login/"
LOGIN_REDIRECT_URL = "/desk/"
LOGOUT_REDIRECT_URL = "/desk/login/"
CSRF_FAILURE_VIEW = "xinfang.config.errors.csrf_failure"

# The map's GeoJSON shapes, one file per region named by its division code (docs/map.md).
# The default is the demo county's drawn shapes; a deployment points this at its own folder.
MAP_SHAPES_DIR = os.environ.get(
    "XINFANG_MAP_SHAPES_DIR", str(PACKAGE_DIR / "demo" / "data" / "map")
)

# Configurable defaults of the workflow (STATUTE.md, "Counting periods").
XINFANG = {
    "DUE_SOON_DAYS": int(os.environ.get("XINFANG_DUE_SOON_DAYS", "3")),
    "CASE_NUMBER_PREFIX": os.environ.get("XINFANG_CASE_NUMBER_PREFIX", "XF"),
    # Behind a reverse proxy that sets X-Forwarded-For, rate limits count the client's address.
    "TRUST_X_FORWARDED_FOR": env_bool("XINFANG_TRUST_X_FORWARDED_FOR", False),
    # Largest request body the API reads (5,000 characters escaped as \\uXXXX are 30 KB).
    "API_MAX_BODY_BYTES": int(os.environ.get("XINFANG_API_MAX_BODY_BYTES", str(256 * 1024))),
    # Days an API token lives before it must be replaced.
    "API_TOKEN_DAYS": int(os.environ.get("XINFANG_API_TOKEN_DAYS", "90")),
    # 排查 rounds per level: day, week, half_month or month (docs/fieldwork.md).
    "GRID_ROUNDS": dict(
        pair.strip().split("=", 1)
        for pair in os.environ.get(
            "XINFANG_GRID_ROUNDS", "village=day,township=week,county=half_month"
        ).split(",")
        if "=" in pair
    ),
    # Exchange between levels (docs/systems.md): the key both levels share to sign and check
    # exchange files, and this system's name and division code in their header.
    "EXCHANGE_KEY": os.environ.get("XINFANG_EXCHANGE_KEY", ""),
    "EXCHANGE_SOURCE": os.environ.get("XINFANG_EXCHANGE_SOURCE", ""),
    "EXCHANGE_DIVISION": os.environ.get("XINFANG_EXCHANGE_DIVISION", ""),
    # Video reception rooms: the address of a room, "{room}" replaced by its name (docs/reception.md).
    "RECEPTION_VIDEO_URL": os.environ.get(
        "XINFANG_RECEPTION_VIDEO_URL", "https://meet.jit.si/{room}"
    ),
    # Largest video recording a session record accepts, in megabytes.
    "RECEPTION_RECORDING_MAX_MB": int(os.environ.get("XINFANG_RECEPTION_RECORDING_MAX_MB", "500")),
}

# ---------------------------------------------------------------------------------------------
# Staff sign-in (docs/configuration.md, "Staff sign-in"). Roles that must confirm a one-time code
# from an authenticator app after the password: by default every role that can open a case and
# see a petitioner's unmasked personal data, and the administration site's staff ("admin").
# "none" (or empty) requires it of nobody.
IDENTITY_ROLES = (
    "intake_clerk",
    "handler",
    "head",
    "supervisor",
    "leader",
    "analyst",
    "admin",
    "grid_worker",
    "village_agent",
)
_otp_roles = os.environ.get("XINFANG_OTP_REQUIRED_ROLES")
SIGNIN = {
    "OTP_REQUIRED_ROLES": frozenset(
        IDENTITY_ROLES
        if _otp_roles is None
        else (r for r in _otp_roles.replace(",", " ").split() if r.lower() != "none")
    ),
    # Failed sign-ins before an account, or an address, is locked; each further failure doubles
    # the lock, from LOCK_SECONDS up to LOCK_MAX_SECONDS. Counts are forgotten after a quiet day.
    "ACCOUNT_FAILURES": int(os.environ.get("XINFANG_SIGNIN_ACCOUNT_FAILURES", "5")),
    "IP_FAILURES": int(os.environ.get("XINFANG_SIGNIN_IP_FAILURES", "20")),
    "LOCK_SECONDS": int(os.environ.get("XINFANG_SIGNIN_LOCK_SECONDS", "60")),
    "LOCK_MAX_SECONDS": int(os.environ.get("XINFANG_SIGNIN_LOCK_MAX_SECONDS", "3600")),
    "FORGET_SECONDS": int(os.environ.get("XINFANG_SIGNIN_FORGET_SECONDS", "86400")),
    # A session ends after this long without a request, and this long after signing in.
    "IDLE_SECONDS": int(os.environ.get("XINFANG_SESSION_IDLE_SECONDS", "1800")),
    "MAX_AGE_SECONDS": int(os.environ.get("XINFANG_SESSION_MAX_AGE_SECONDS", "43200")),
}
SESSION_COOKIE_AGE = SIGNIN["MAX_AGE_SECONDS"]
# In the database like Django's default, but encrypted with the data key: sessions hold intake
# drafts and citizens' receipts.
SESSION_ENGINE = "xinfang.core.sessions"
OTP_TOTP_ISSUER = os.environ.get("XINFANG_OTP_ISSUER", "阳光信访")

# ---------------------------------------------------------------------------------------------
# HTTPS, cookies and headers (docs/deployment.md). XINFANG_HTTPS defaults to on when debug is off.
HTTPS = env_bool("XINFANG_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("XINFANG_SSL_REDIRECT", HTTPS)
# The load balancer's health probe may use plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SECURE_HSTS_SECONDS = int(os.environ.get("XINFANG_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("XINFANG_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("XINFANG_HSTS_PRELOAD", True)
if env_bool("XINFANG_TRUST_X_FORWARDED_PROTO"):
    # Only behind a proxy that sets X-Forwarded-Proto itself (docs/deployment.md, nginx).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: every script is a static file served by the application.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}


def _refuse_insecure_keys() -> None:
    """With debug off the application does not start on a development secret key, with a data
    key that is missing (then derived from the secret key) or equal to it, or without an audit
    key of its own."""
    problems = []
    if (
        SECRET_KEY == DEVELOPMENT_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        problems.append(
            "XINFANG_SECRET_KEY is the development key or too short: set a random value of at "
            "least 50 characters"
        )
    if not DATA_KEY:
        problems.append(
            "XINFANG_DATA_KEY is not set, so personal data would be encrypted with a key derived "
            "from the secret key: set a separate random key"
        )
    elif DATA_KEY in (SECRET_KEY, "derived:" + SECRET_KEY) or len(DATA_KEY) < 32:
        problems.append(
            "XINFANG_DATA_KEY is the secret key, derived from it, or shorter than 32 characters: "
            "set a separate random key"
        )
    if len(AUDIT_KEY) < 32 or AUDIT_KEY in (SECRET_KEY, DATA_KEY):
        problems.append(
            "XINFANG_AUDIT_KEY is not set, shorter than 32 characters, or the secret or data key: "
            "set a separate random key, or the audit chain could be forged"
        )
    if problems:
        raise ImproperlyConfigured("; ".join(problems) + " (docs/configuration.md).")


if not DEBUG:
    _refuse_insecure_keys()

# Notifications (docs/configuration.md, "Notifications"): which backend sends each channel.
# XINFANG_NOTIFY_BACKENDS is "channel=backend" pairs, e.g. "sms=sms_http,email=smtp"; a channel
# set to "off" (or left out) sends nothing.
NOTIFY = {
    "BACKENDS": {
        channel.strip(): backend.strip()
        for channel, backend in (
            pair.split("=", 1)
            for pair in os.environ.get(
                "XINFANG_NOTIFY_BACKENDS", "sms=console,email=console"
            ).split(",")
            if "=" in pair
        )
    },
    "FILE_DIR": Path(os.environ.get("XINFANG_NOTIFY_FILE_DIR", BASE_DIR / "outbox")),
    "SMS_GATEWAY_URL": os.environ.get("XINFANG_SMS_GATEWAY_URL", ""),
    "SMS_GATEWAY_TOKEN": os.environ.get("XINFANG_SMS_GATEWAY_TOKEN", ""),
    "SMS_GATEWAY_TOKEN_HEADER": os.environ.get("XINFANG_SMS_GATEWAY_TOKEN_HEADER", "Authorization"),
    "SMS_GATEWAY_TIMEOUT": float(os.environ.get("XINFANG_SMS_GATEWAY_TIMEOUT", "10")),
    "MESSAGE_ID_DOMAIN": os.environ.get("XINFANG_NOTIFY_MESSAGE_ID_DOMAIN", "xinfang.local"),
    "MAX_ATTEMPTS": int(os.environ.get("XINFANG_NOTIFY_MAX_ATTEMPTS", "48")),
    "BACKOFF_BASE_SECONDS": int(os.environ.get("XINFANG_NOTIFY_BACKOFF_SECONDS", "60")),
    "BACKOFF_MAX_SECONDS": int(os.environ.get("XINFANG_NOTIFY_BACKOFF_MAX_SECONDS", "3600")),
    "LEASE_SECONDS": int(os.environ.get("XINFANG_NOTIFY_LEASE_SECONDS", "300")),
    "BATCH_SIZE": int(os.environ.get("XINFANG_NOTIFY_BATCH_SIZE", "100")),
    "RATING_REMINDER_DAYS": int(os.environ.get("XINFANG_RATING_REMINDER_DAYS", "7")),
}

# The WeChat official account (docs/systems.md, "WeChat"): the callback's token and, for its safe
# mode, the EncodingAESKey; the app id and secret and the template for template messages
# (XINFANG_NOTIFY_BACKENDS "wechat=wechat_template").
WECHAT = {
    "APP_ID": os.environ.get("XINFANG_WECHAT_APP_ID", ""),
    "APP_SECRET": os.environ.get("XINFANG_WECHAT_APP_SECRET", ""),
    "TOKEN": os.environ.get("XINFANG_WECHAT_TOKEN", ""),
    "ENCODING_AES_KEY": os.environ.get("XINFANG_WECHAT_ENCODING_AES_KEY", ""),
    "TEMPLATE_ID": os.environ.get("XINFANG_WECHAT_TEMPLATE_ID", ""),
    "TEMPLATE_URL": os.environ.get("XINFANG_WECHAT_TEMPLATE_URL", ""),
    # A callback whose timestamp is further off than this is refused (a replayed message).
    "MAX_SKEW_SECONDS": int(os.environ.get("XINFANG_WECHAT_MAX_SKEW_SECONDS", "300")),
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "阳光信访 <noreply@xinfang.local>")

# --- Audit trail, faults and backups (docs/configuration.md, "XINFANG_AUDIT_KEY"; backups.md) ---
# Append-only file the chain heads are exported to (`manage.py export_audit_heads`); keep it on
# other storage than the database, ideally shipped off the machine.
AUDIT_EXPORT_PATH = Path(
    os.environ.get("XINFANG_AUDIT_EXPORT_PATH", BASE_DIR / "audit" / "audit-heads.log")
)
# Where `manage.py backup` writes its archives unless told otherwise (docs/backups.md).
BACKUP_DIR = Path(os.environ.get("XINFANG_BACKUP_DIR", BASE_DIR / "backups"))
# Uploads and notices: the file system, with a full disk answered in the user's language.
STORAGES = {
    "default": {"BACKEND": "xinfang.core.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The statistics' frame of the fact rows in each web process (xinfang/insights/frame/store.py).
XINFANG["INSIGHTS_FRAME"] = {
    "refresh_every": int(os.environ.get("XINFANG_INSIGHTS_REFRESH_SECONDS", "10")),
    "max_age": int(os.environ.get("XINFANG_INSIGHTS_RELOAD_SECONDS", "3600")),
}
# A connection that died with a database restart is noticed and replaced at the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# --- end of audit trail, faults and backups ---

# --- Early warning about issues (docs/metrics.md, "Early warning"; `manage.py warn_issues`) ---
XINFANG["ALERTS"] = {
    # Weekly test of each (category, division) cell against its own previous weeks.
    "CATEGORY_LEVEL": int(os.environ.get("XINFANG_ALERT_CATEGORY_LEVEL", "2")),
    "ALPHA": float(os.environ.get("XINFANG_ALERT_ALPHA", "0.002")),
    "BASELINE_WEEKS": int(os.environ.get("XINFANG_ALERT_BASELINE_WEEKS", "12")),
    "MIN_COUNT": int(os.environ.get("XINFANG_ALERT_MIN_COUNT", "5")),
    # Look-alike groups counted over CLUSTER_WEEKS weeks ending with the tested week.
    "CLUSTER_WEEKS": int(os.environ.get("XINFANG_ALERT_CLUSTER_WEEKS", "4")),
    "CLUSTER_SIZE": int(os.environ.get("XINFANG_ALERT_CLUSTER_SIZE", "10")),
    "CLUSTER_GROWTH": float(os.environ.get("XINFANG_ALERT_CLUSTER_GROWTH", "2")),
    "CLUSTER_GROWTH_MIN": int(os.environ.get("XINFANG_ALERT_CLUSTER_GROWTH_MIN", "5")),
}
# --- end of early warning ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print each django.* line a second time beside
        # ours; naming "django" here resets its children, so runserver's request lines get
        # their handler back below.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "jieba": {"level": "WARNING"},
        # WeasyPrint reports each step of every notice it prints at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------------------------------------
# The 12345 hotline hand-off (docs/hotline.md): how old a signed request may be, and how the
# statuses sent back to a platform are retried.
HOTLINE = {
    "REPLAY_SECONDS": int(os.environ.get("XINFANG_HOTLINE_REPLAY_SECONDS", "300")),
    "PUSH_TIMEOUT": int(os.environ.get("XINFANG_HOTLINE_PUSH_TIMEOUT", "10")),
    "MAX_ATTEMPTS": int(os.environ.get("XINFANG_HOTLINE_MAX_ATTEMPTS", "24")),
    "BACKOFF_BASE_SECONDS": int(os.environ.get("XINFANG_HOTLINE_BACKOFF_SECONDS", "60")),
    "BACKOFF_MAX_SECONDS": int(os.environ.get("XINFANG_HOTLINE_BACKOFF_MAX_SECONDS", "3600")),
}
