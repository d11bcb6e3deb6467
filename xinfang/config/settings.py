"""One settings module, driven by the environment (see docs/configuration.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "xinfang"


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("XINFANG_DEBUG", True)
SECRET_KEY = os.environ.get("XINFANG_SECRET_KEY", "dev-only-insecure-key-change-me")
# Key for personal data at rest; production must set it (docs/configuration.md).
DATA_KEY = os.environ.get("XINFANG_DATA_KEY", "")
# Keys used before the current one, newest first: data written with them stays readable until
# `manage.py rotate_data_key` has re-encrypted it (docs/configuration.md).
DATA_KEY_PREVIOUS = [
    k for k in os.environ.get("XINFANG_DATA_KEY_PREVIOUS", "").replace(",", " ").split() if k
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
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.taxonomy",
    "xinfang.cases",
    "xinfang.triage",
    "xinfang.notify",
    "xinfang.documents",
    "xinfang.portal",
    "xinfang.desk",
    "xinfang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE makes concurrent writers queue for the lock instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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

# Configurable defaults of the workflow (STATUTE.md, "Counting periods").
XINFANG = {
    "DUE_SOON_DAYS": int(os.environ.get("XINFANG_DUE_SOON_DAYS", "3")),
    "CASE_NUMBER_PREFIX": os.environ.get("XINFANG_CASE_NUMBER_PREFIX", "XF"),
    # Behind a reverse proxy that sets X-Forwarded-For, rate limits count the client's address.
    "TRUST_X_FORWARDED_FOR": env_bool("XINFANG_TRUST_X_FORWARDED_FOR", False),
}

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
    "MAX_ATTEMPTS": int(os.environ.get("XINFANG_NOTIFY_MAX_ATTEMPTS", "8")),
    "BACKOFF_BASE_SECONDS": int(os.environ.get("XINFANG_NOTIFY_BACKOFF_SECONDS", "60")),
    "BACKOFF_MAX_SECONDS": int(os.environ.get("XINFANG_NOTIFY_BACKOFF_MAX_SECONDS", "3600")),
    "LEASE_SECONDS": int(os.environ.get("XINFANG_NOTIFY_LEASE_SECONDS", "300")),
    "BATCH_SIZE": int(os.environ.get("XINFANG_NOTIFY_BATCH_SIZE", "100")),
    "RATING_REMINDER_DAYS": int(os.environ.get("XINFANG_RATING_REMINDER_DAYS", "7")),
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
