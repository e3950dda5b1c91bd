"""Django settings, driven by environment variables (docs/configuration.md).

Every variable has a default that makes the embedded mode (SQLite, a broker in the data
folder) work untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vanthu import config

# Generic admin and DRF classes are subscriptable at run time, as the type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
DEBUG = os.environ.get("VANTHU_DEBUG", "") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("VANTHU_ALLOWED_HOSTS", "*").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("VANTHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

VANTHU_SECURITY_ZONE = config.security_zone()
# docs/security.md: hosts inside the isolated LAN that outbound endpoints may name; and
# whether ordinary (non-classified) downloads are watermarked too.
VANTHU_ISOLATED_LAN_HOSTS = [
    h.strip().lower()
    for h in os.environ.get("VANTHU_ISOLATED_LAN_HOSTS", "").split(",")
    if h.strip()
]
VANTHU_WATERMARK_ALL = os.environ.get("VANTHU_WATERMARK_ALL", "") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "vanthu.core",
    "vanthu.orgs",
    "vanthu.access",
    "vanthu.audit",
    "vanthu.web",
    "vanthu.registry",
    "vanthu.capture",
    "vanthu.search",
    "vanthu.records",
    "vanthu.reports",
    "vanthu.archive",
    "vanthu.exchange",
    "vanthu.preservation",
    "vanthu.legacy",
    "vanthu.drafting",
    "vanthu.notify",
    "vanthu.suggest",
    "vanthu.drafts",
    "vanthu.guide",
    "vanthu.backup",
    "vanthu.signatures",
]
# docs/drafts.md: "1" = every outgoing document needs an approved draft before it is issued
# (by default only those whose drafting went through versions in the system).
VANTHU_REQUIRE_APPROVAL = os.environ.get("VANTHU_REQUIRE_APPROVAL", "") == "1"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vanthu.web.security.ContentSecurityPolicyMiddleware",
    "vanthu.web.security.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vanthu.web.otp.OtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "vanthu.audit.context.ClientAddressMiddleware",
    "vanthu.core.middleware.StorageUnavailableMiddleware",
]

ROOT_URLCONF = "vanthu.urls"
WSGI_APPLICATION = "vanthu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vanthu.web.context.vanthu",
            ],
        },
    }
]

# Database: SQLite (WAL) in the data folder unless DATABASE_URL says otherwise.
_default_db = f"sqlite:///{DATA_DIR / 'vanthu.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        conn_max_age=int(os.environ.get("VANTHU_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE makes a write transaction take
    # the write lock at BEGIN, so concurrent numbering waits instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL streaming replica for reads that tolerate lag (search, registers): see
# vanthu.core.replica. Writes and numbering always go to "default".
if os.environ.get("VANTHU_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["VANTHU_REPLICA_DATABASE_URL"],
        conn_max_age=int(os.environ.get("VANTHU_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["vanthu.core.replica.Router"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("VANTHU_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Lockout after repeated failures (django-axes): per username and address.
AXES_FAILURE_LIMIT = int(os.environ.get("VANTHU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("VANTHU_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vanthu.web.views.lockout"
AXES_ENABLED = os.environ.get("VANTHU_AXES_ENABLED", "1") == "1"
AXES_VERBOSE = False
# The client's address as the audit log has it (X-Real-IP behind our nginx), not nginx's.
AXES_CLIENT_IP_CALLABLE = "vanthu.audit.context.request_address"
# Login attempts, every one, before the password is checked (vanthu.web.throttle): per
# (address, username), and per address with a ceiling high enough for an office behind one NAT.
try:
    VANTHU_LOGIN_RATE = config.rate("VANTHU_LOGIN_THROTTLE", "20/min")
    VANTHU_LOGIN_ADDRESS_RATE = config.rate("VANTHU_LOGIN_THROTTLE_ADDRESS", "300/min")
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

# Caches: "default" is each process's own memory; "shared" is one store for every process and
# machine of the installation (the login counts above must be one count, not one per gunicorn
# worker): Redis when VANTHU_CACHE_URL names it or the broker is Redis, else each process's
# memory, as in the embedded mode (vanthu serve: one machine, 2 web processes by default).
VANTHU_CACHE_URL = os.environ.get("VANTHU_CACHE_URL", "").strip() or (
    config.broker_url() if config.broker_url().startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": VANTHU_CACHE_URL,
            "KEY_PREFIX": os.environ.get("VANTHU_BROKER_KEY_PREFIX", ""),
            # A login must not hang on a dead Redis: the throttle lets it through and logs.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if VANTHU_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}
    ),
}

# Second factor: required for users whose clearance is at least this level ("" = never).
VANTHU_OTP_REQUIRED_CLEARANCE = os.environ.get("VANTHU_OTP_REQUIRED_CLEARANCE", "secret")
OTP_TOTP_ISSUER = "Vanthu"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["vanthu.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
VANTHU_STORAGE = os.environ.get("VANTHU_STORAGE", str(DATA_DIR / "blobs"))
# The blob store on S3-compatible object storage instead (docs/deploy.md, "Object storage").
VANTHU_BLOB_BACKEND = os.environ.get("VANTHU_BLOB_BACKEND", "local").strip().lower()
VANTHU_S3_ENDPOINT_URL = os.environ.get("VANTHU_S3_ENDPOINT_URL", "").strip()
VANTHU_S3_BUCKET = os.environ.get("VANTHU_S3_BUCKET", "").strip()
VANTHU_S3_REGION = os.environ.get("VANTHU_S3_REGION", "us-east-1").strip()
VANTHU_S3_ACCESS_KEY_ID = os.environ.get("VANTHU_S3_ACCESS_KEY_ID", "")
VANTHU_S3_SECRET_ACCESS_KEY = os.environ.get("VANTHU_S3_SECRET_ACCESS_KEY", "")
VANTHU_S3_PREFIX = os.environ.get("VANTHU_S3_PREFIX", "").strip("/ ")
VANTHU_S3_PREFIX += "/" if VANTHU_S3_PREFIX else ""
VANTHU_S3_ADDRESSING_STYLE = os.environ.get(
    "VANTHU_S3_ADDRESSING_STYLE", "path" if VANTHU_S3_ENDPOINT_URL else "auto"
)
VANTHU_S3_PART_MB = int(os.environ.get("VANTHU_S3_PART_MB", "16"))
# Blob temporaries and multipart uploads untouched this long are a killed writer's: the sweep
# removes them (vanthu.core.blobstore.remove_stale_temporaries, docs/running.md "Tệp tạm").
try:
    VANTHU_BLOB_TEMP_MAX_AGE_SECONDS = config.positive_seconds(
        "VANTHU_BLOB_TEMP_MAX_AGE_SECONDS", "3600"
    )
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
VANTHU_S3_TIMEOUT_SECONDS = float(os.environ.get("VANTHU_S3_TIMEOUT_SECONDS", "10"))
if VANTHU_BLOB_BACKEND not in ("local", "s3"):
    raise ImproperlyConfigured(
        f"VANTHU_BLOB_BACKEND={VANTHU_BLOB_BACKEND!r}: chỉ nhận 'local' hoặc 's3'."
    )
if VANTHU_BLOB_BACKEND == "s3" and not VANTHU_S3_BUCKET:
    raise ImproperlyConfigured("VANTHU_BLOB_BACKEND=s3 cần VANTHU_S3_BUCKET (tên bucket).")
if VANTHU_S3_ADDRESSING_STYLE not in ("auto", "path", "virtual"):
    raise ImproperlyConfigured("VANTHU_S3_ADDRESSING_STYLE chỉ nhận 'auto', 'path' hoặc 'virtual'.")
if VANTHU_S3_PART_MB < 5:
    raise ImproperlyConfigured("VANTHU_S3_PART_MB phải từ 5 trở lên (giới hạn của S3).")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Larger uploads are spooled by Django to ``tmp*.upload*`` files here, in the data folder rather
# than the system's temporary folder: on the disk the blobs go to, and a web process killed in
# the middle of an upload leaves its file where the sweep removes it once stale
# (vanthu.core.blobstore.remove_stale_temporaries; docs/running.md, "Tệp tạm").
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)
VANTHU_MAX_UPLOAD_MB = int(os.environ.get("VANTHU_MAX_UPLOAD_MB", "200"))
# File types a user may upload, decided from the bytes (docs/capture.md, "Accepted files"):
# kinds of vanthu.capture.detect, checked at start-up by the capture app.
VANTHU_UPLOAD_TYPES = os.environ.get("VANTHU_UPLOAD_TYPES", "pdf,tiff,jpeg,png,docx,odt,xlsx")
# edXML exchange (docs/exchange.md): largest package accepted; PEM bundle of trusted roots.
VANTHU_EXCHANGE_MAX_MB = int(os.environ.get("VANTHU_EXCHANGE_MAX_MB", "50"))
VANTHU_EXCHANGE_TRUST_ROOTS = os.environ.get("VANTHU_EXCHANGE_TRUST_ROOTS", "")
VANTHU_EXCHANGE_MAX_ATTEMPTS = int(os.environ.get("VANTHU_EXCHANGE_MAX_ATTEMPTS", "12"))
VANTHU_EXCHANGE_TIMEOUT_SECONDS = float(os.environ.get("VANTHU_EXCHANGE_TIMEOUT_SECONDS", "30"))
VANTHU_EXCHANGE_KEY_P12 = os.environ.get("VANTHU_EXCHANGE_KEY_P12", "")  # signs edXML (XML-DSig)
VANTHU_EXCHANGE_KEY_PASSPHRASE = os.environ.get("VANTHU_EXCHANGE_KEY_PASSPHRASE", "")
# The organisation's PDF signing key (docs/exchange.md, "Khóa ký số"): a PKCS#11 token first
# (module, token label, key label, PIN source "file:PATH" or "env:NAME"), else a PKCS#12 file.
VANTHU_SIGNING_PKCS11_MODULE = os.environ.get("VANTHU_SIGNING_PKCS11_MODULE", "")
VANTHU_SIGNING_PKCS11_TOKEN = os.environ.get("VANTHU_SIGNING_PKCS11_TOKEN", "")
VANTHU_SIGNING_PKCS11_KEY_LABEL = os.environ.get("VANTHU_SIGNING_PKCS11_KEY_LABEL", "")
VANTHU_SIGNING_PKCS11_CERT_LABEL = os.environ.get("VANTHU_SIGNING_PKCS11_CERT_LABEL", "")
VANTHU_SIGNING_PKCS11_PIN_SOURCE = os.environ.get("VANTHU_SIGNING_PKCS11_PIN_SOURCE", "")
VANTHU_SIGNING_KEY_P12 = os.environ.get("VANTHU_SIGNING_KEY_P12", "")
VANTHU_SIGNING_KEY_PASSPHRASE = os.environ.get("VANTHU_SIGNING_KEY_PASSPHRASE", "")
VANTHU_SIGNING_SEAL_IMAGE = os.environ.get("VANTHU_SIGNING_SEAL_IMAGE", "")
# Revocation and long-term signatures (docs/signatures.md, "Thu hồi chứng thư"): a folder of
# CRL files; network fetching (CRL distribution points, OCSP) only when allowed, never in the
# isolated zone; the timestamp authority that makes signatures B-T/B-LT.
VANTHU_SIGNATURE_CRL_DIR = os.environ.get("VANTHU_SIGNATURE_CRL_DIR", "")
VANTHU_SIGNATURE_FETCH_REVOCATION = os.environ.get("VANTHU_SIGNATURE_FETCH_REVOCATION", "") == "1"
if VANTHU_SIGNATURE_FETCH_REVOCATION and VANTHU_SECURITY_ZONE == "isolated":
    raise ImproperlyConfigured(
        "VANTHU_SIGNATURE_FETCH_REVOCATION=1 không dùng được ở vùng cách ly (isolated)."
    )
VANTHU_SIGNING_TSA_URL = os.environ.get("VANTHU_SIGNING_TSA_URL", "")
VANTHU_SIGNING_TSA_TIMEOUT_SECONDS = float(
    os.environ.get("VANTHU_SIGNING_TSA_TIMEOUT_SECONDS", "10")
)
# B-LTA: a document timestamp over each B-LT signature's validation data (docs/signatures.md).
VANTHU_SIGNING_LTA = os.environ.get("VANTHU_SIGNING_LTA", "") == "1"
# Behind our own nginx the client address comes from X-Real-IP (docs/deploy.md).
VANTHU_TRUST_PROXY = os.environ.get("VANTHU_TRUST_PROXY", "") == "1"
# Our nginx says whether the client came over TLS; only then is X-Forwarded-Proto believed.
if VANTHU_TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind TLS: cookies only over HTTPS (docs/deploy.md).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("VANTHU_SECURE_COOKIES", "") == "1"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent by SecurityMiddleware on HTTPS requests only (docs/security-testing.md); 0 = off.
SECURE_HSTS_SECONDS = int(os.environ.get("VANTHU_HSTS_SECONDS", "0"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "vanthu.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "vanthu.core.schema.Schema",
    "EXCEPTION_HANDLER": "vanthu.core.api.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vanthu API",
    "DESCRIPTION": "Văn thư, lưu trữ — REST API v1 (docs/api.md is the stable core).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags from the first path segment after /api/v1 (incoming, search, dossiers, ...): without
    # it every operation shares one tag "v1", and Swagger UI shows one list of 150 operations.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # One name per choice set, whichever serializer uses it (clearance and secrecy share codes).
    "ENUM_NAME_OVERRIDES": {
        "SignatureStateEnum": "vanthu.exchange.verify.State",
        "SignatureRevocationEnum": "vanthu.exchange.verify.Revocation",
        "SignatureLevelEnum": "vanthu.signatures.models.Level",
        "DocumentStatusEnum": "vanthu.registry.models.Status",
        "TransferStatusEnum": "vanthu.archive.models.Transfer.Status",
        "FilePlanStatusEnum": "vanthu.records.models.FilePlan.Status",
        "DossierStatusEnum": "vanthu.records.models.Dossier.Status",
        "SecrecyEnum": "vanthu.core.enums.Secrecy",
        "NotificationKindEnum": "vanthu.notify.models.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vanthu.core.api.add_error_responses",
    ],
}

# Celery: the broker is a folder in the data dir unless VANTHU_BROKER_URL names a server.
CELERY_BROKER_URL = config.broker_url()
CELERY_BROKER_TRANSPORT_OPTIONS = config.broker_transport_options()
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("VANTHU_JOB_SOFT_TIME_LIMIT", "600"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The sweep re-sends lost triggers and requeues jobs of dead workers (vanthu.core.jobs).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "vanthu-jobs-sweep": {
        "task": "vanthu.core.tasks.sweep",
        "schedule": float(os.environ.get("VANTHU_JOB_SWEEP_SECONDS", "60")),
        "options": {"queue": "default"},
    },
    # Search entries that no process wrote after its commit (vanthu.search.indexing).
    "vanthu-search-pending": {
        "task": "vanthu.search.tasks.index_pending",
        "schedule": float(os.environ.get("VANTHU_JOB_SWEEP_SECONDS", "60")),
        "options": {"queue": "index"},
    },
    # TT 05/2025 Điều 26–31: a slice of the fixity cycle each night (vanthu.preservation.jobs).
    "vanthu-fixity-nightly": {
        "task": "vanthu.preservation.tasks.nightly_fixity",
        "schedule": float(os.environ.get("VANTHU_FIXITY_EVERY_SECONDS", "86400")),
        "options": {"queue": "fixity"},
    },
    # Luật BVBMNN 2018 Điều 20: protection periods ending soon, for leaders (vanthu.access.jobs).
    "vanthu-protection-expiring": {
        "task": "vanthu.access.tasks.protection_expiring",
        "schedule": float(os.environ.get("VANTHU_PROTECTION_CHECK_SECONDS", "86400")),
        "options": {"queue": "default"},
    },
    # Luật BVBMNN 2018 Điều 22: giải mật when the period ends unextended (vanthu.access.jobs).
    "vanthu-protection-declassify": {
        "task": "vanthu.access.tasks.protection_declassify",
        "schedule": float(os.environ.get("VANTHU_PROTECTION_CHECK_SECONDS", "86400")),
        "options": {"queue": "default"},
    },
    # Suggestions learnt from each organisation's own history, retrained (vanthu.suggest.jobs).
    "vanthu-suggest-training": {
        "task": "vanthu.suggest.tasks.nightly_training",
        "schedule": float(os.environ.get("VANTHU_SUGGEST_TRAIN_SECONDS", "86400")),
        "options": {"queue": "default"},
    },
}
VANTHU_PROTECTION_NOTICE_DAYS = int(os.environ.get("VANTHU_PROTECTION_NOTICE_DAYS", "180"))
VANTHU_JOB_RESEND_SECONDS = float(os.environ.get("VANTHU_JOB_RESEND_SECONDS", "120"))
VANTHU_JOB_HEARTBEAT_SECONDS = float(os.environ.get("VANTHU_JOB_HEARTBEAT_SECONDS", "30"))
VANTHU_JOB_STALE_SECONDS = float(os.environ.get("VANTHU_JOB_STALE_SECONDS", "300"))
VANTHU_JOB_RETRY_SECONDS = float(os.environ.get("VANTHU_JOB_RETRY_SECONDS", "30"))
VANTHU_JOB_KEEP_DAYS = float(os.environ.get("VANTHU_JOB_KEEP_DAYS", "30"))
# Tests and one-shot CLI runs may execute jobs in-process.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("VANTHU_TASKS_EAGER", "") == "1"

EMAIL_BACKEND = os.environ.get(
    "VANTHU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("VANTHU_EMAIL_FROM", "vanthu@localhost")
# Deadline reminders (vanthu.notify.jobs, docs/notify.md): hourly and idempotent per day, so a
# laptop switched on at 10:00 still reminds that day; e-mail copies when VANTHU_NOTIFY_EMAIL=1.
CELERY_BEAT_SCHEDULE["vanthu-notify-reminders"] = {
    "task": "vanthu.notify.tasks.daily_reminders",
    "schedule": float(os.environ.get("VANTHU_NOTIFY_EVERY_SECONDS", "3600")),
    "options": {"queue": "default"},
}
# The daily e-mail digest of yesterday's notifications, for the kinds each user chose "daily".
CELERY_BEAT_SCHEDULE["vanthu-notify-digest"] = {
    "task": "vanthu.notify.tasks.daily_digest",
    "schedule": float(os.environ.get("VANTHU_NOTIFY_EVERY_SECONDS", "3600")),
    "options": {"queue": "default"},
}
VANTHU_NOTIFY_EMAIL = os.environ.get("VANTHU_NOTIFY_EMAIL", "") == "1"
# The home dashboard's figures are cached per viewer this long at most (0: never cached).
VANTHU_DASHBOARD_CACHE_SECONDS = int(os.environ.get("VANTHU_DASHBOARD_CACHE_SECONDS", "600"))
VANTHU_BASE_URL = os.environ.get("VANTHU_BASE_URL", "")
# The signed daily digest of the audit chain heads (vanthu.audit.digest, docs/preservation.md),
# with a JSON copy kept in a folder.
CELERY_BEAT_SCHEDULE["vanthu-audit-digest-daily"] = {
    "task": "vanthu.audit.tasks.daily_digest",
    "schedule": float(os.environ.get("VANTHU_AUDIT_DIGEST_EVERY_SECONDS", "86400")),
    "options": {"queue": "default"},
}
VANTHU_AUDIT_DIGEST_DIR = os.environ.get("VANTHU_AUDIT_DIGEST_DIR", str(DATA_DIR / "audit-digests"))
# Largest draft accepted by the format check (vanthu.drafting, docs/drafting.md).
VANTHU_SUGGEST_MIN_CONFIDENCE = float(os.environ.get("VANTHU_SUGGEST_MIN_CONFIDENCE", "0.7"))
VANTHU_DRAFTING_MAX_MB = int(os.environ.get("VANTHU_DRAFTING_MAX_MB", "20"))
# Certified copies from the archive are signed with this PKCS#12 key when set (docs/archive.md).
VANTHU_COPY_SIGNING_P12 = os.environ.get("VANTHU_COPY_SIGNING_P12", "")
VANTHU_COPY_SIGNING_PASSPHRASE = os.environ.get("VANTHU_COPY_SIGNING_PASSPHRASE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VANTHU_LOG_LEVEL", "WARNING")},
}
