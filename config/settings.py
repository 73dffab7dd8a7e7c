"""Django settings for Bronka, read from the environment (see the table in README.md)."""

from __future__ import annotations

import hashlib
import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import embedded
from core.addresses import networks

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = embedded.DATA_DIR
TESTING = "pytest" in sys.modules or "PYTEST_CURRENT_TEST" in os.environ

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


_BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _setting(kind: str, name: str, **kwargs):
    """Read one variable, turning a malformed value into an error that names the variable."""
    if kind == "bool" and name in os.environ:
        value = os.environ[name].strip().lower()
        if value not in _BOOLEANS:
            raise ImproperlyConfigured(
                f"Environment variable {name} must be true or false, got {value!r}."
            )
        return _BOOLEANS[value]
    try:
        return getattr(env, kind)(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as error:
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {error}") from error


DEBUG = _setting("bool", "DJANGO_DEBUG", default=False)

SECRET_KEY = _setting(
    "str",
    "DJANGO_SECRET_KEY",
    # Only a development or test process may fall back to a known key.
    default="dev-only-insecure-key-bronka-00000000000000000000000000000000"
    if DEBUG or TESTING
    else environ.Env.NOTSET,
)
ALLOWED_HOSTS = _setting(
    "list", "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = _setting("list", "DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The reverse proxies in front of us (addresses or networks). Only a request from one of them
# may tell the client's address in X-Forwarded-For (core.addresses.client_ip); none by default.
TRUSTED_PROXIES = _setting("list", "TRUSTED_PROXIES", default=[])
try:
    networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(
        f"Environment variable TRUSTED_PROXIES is invalid: {error}"
    ) from error
SITE_URL = _setting("url", "SITE_URL", default="http://127.0.0.1:8000").geturl().rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "phonenumber_field",
    "allauth",
    "allauth.account",
    "axes",
    "core",
    "accounts",
    "venues",
    "bookings",
    "loyalty",
    "referrals",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.RussianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.InputHygieneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Turns a login refused for a locked account into the lockout page / JSON (accounts.lockout).
    "axes.middleware.AxesMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
# The sites framework only names the site in e-mails ("Бронька", not the host); links in
# e-mails are built from the request or SITE_URL.
SITE_ID = 1
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Services -------------------------------------------------------------------------------
# Without DATABASE_URL / REDIS_URL the embedded servers under .data/ are started on demand.
DATABASE_URL = _setting("str", "DATABASE_URL", default="") or embedded.postgres_url(DATA_DIR)
REDIS_URL = _setting("str", "REDIS_URL", default="") or embedded.redis_url(DATA_DIR)

try:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
except Exception as error:
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is invalid: {error}") from error
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Environment variable DATABASE_URL must be a postgres:// URL.")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("Environment variable REDIS_URL must be a redis:// or unix:// URL.")

# Persistent connections: opening one per request is several times slower here.
DATABASES["default"]["CONN_MAX_AGE"] = _setting("int", "DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Tests use `test_<name>` (test_bronka on the embedded server), so suites run against databases
# of other names on one server do not collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
if TESTING:
    # A test database never has to survive a crash: commits skip the wait for the disk flush
    # (migrations, transactional and concurrency tests commit thousands of times). Visibility
    # and locking are unchanged, so the concurrency tests still race for real.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis down or paused must not take pages down: django-redis gives up within half a second and
# answers a miss (logged), so throttles and rate limits count nothing for that moment.
REDIS_CACHE = {
    "BACKEND": "core.cache.RedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Tests keep their cache in the process, so clearing it between tests touches no shared Redis.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if TESTING
    else REDIS_CACHE
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request publishes after commit and must answer in bounded time when Redis is down or paused:
# connecting and each socket read give up after a second, and a failed publish is not retried
# (the outbox, core/outbox.py, publishes it later).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 1, "socket_connect_timeout": 1}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Unit tests run tasks in-process; integration tests that need a real worker start one.
CELERY_TASK_ALWAYS_EAGER = TESTING
CELERY_TASK_EAGER_PROPAGATES = TESTING

# --- Auth and accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# PBKDF2's million rounds cost seconds per user on a busy CI box; tests only need passwords to
# round-trip, so they hash them the cheap way.
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
# A taken e-mail must get a clear form error at sign-up (the issue asks for it), so allauth
# does not hide which addresses exist.
ACCOUNT_PREVENT_ENUMERATION = False
# allauth's own throttles (counted in the cache). Failed logins are axes' alone (below), so two
# counters never disagree about whether an account is locked.
ACCOUNT_RATE_LIMITS = {
    "login_failed": False,
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

# One lockout for the login form, the API token and the admin (django-axes): after
# AXES_FAILURE_LIMIT failures for one account from one address, that pair is refused for the
# cool-off, even with the right password. Addresses come from core.addresses.client_ip.
AXES_FAILURE_LIMIT = _setting("int", "AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=_setting("int", "AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_name"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False

PHONENUMBER_DEFAULT_REGION = "RU"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = _setting(
    "str",
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = _setting("str", "EMAIL_HOST", default="localhost")
EMAIL_PORT = _setting("int", "EMAIL_PORT", default=25)
EMAIL_HOST_USER = _setting("str", "EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _setting("str", "EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _setting("bool", "EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = _setting(
    "str", "DEFAULT_FROM_EMAIL", default="Бронька <noreply@bronka.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Referrals (docs/referrals.md) -----------------------------------------------------------
# A friend qualifies with a first paid, completed booking of at least this money within
# REFERRAL_QUALIFY_DAYS of signing up; both are rewarded once the dispute window has passed.
try:
    REFERRAL_MIN_BOOKING_AMOUNT = Decimal(
        _setting("str", "REFERRAL_MIN_BOOKING_AMOUNT", default="1000.00")
    )
except ArithmeticError as error:
    raise ImproperlyConfigured(
        "Environment variable REFERRAL_MIN_BOOKING_AMOUNT must be a number."
    ) from error
REFERRAL_QUALIFY_DAYS = _setting("int", "REFERRAL_QUALIFY_DAYS", default=90)
REFERRAL_DISPUTE_HOURS = _setting("int", "REFERRAL_DISPUTE_HOURS", default=24)
REFERRAL_REWARD_POINTS = _setting("int", "REFERRAL_REWARD_POINTS", default=300)
REFERRAL_REWARD_LIFETIME_DAYS = _setting("int", "REFERRAL_REWARD_LIFETIME_DAYS", default=180)
# Rewarded friends per inviter per calendar month (TIME_ZONE); the rest are not rewarded.
REFERRAL_MONTHLY_CAP = _setting("int", "REFERRAL_MONTHLY_CAP", default=10)

# --- Bookings and payments (docs/bookings.md) -----------------------------------------------
BOOKINGS_HORIZON_DAYS = _setting("int", "BOOKINGS_HORIZON_DAYS", default=90)
# How long before a slot's start it can still be booked; 0 means "any slot not yet started".
BOOKINGS_MIN_NOTICE_MINUTES = _setting("int", "BOOKINGS_MIN_NOTICE_MINUTES", default=0)
BOOKINGS_HOLD_MINUTES = _setting("int", "BOOKINGS_HOLD_MINUTES", default=15)
# A request-to-book venue that does not answer within this time declines automatically.
BOOKINGS_REQUEST_TIMEOUT_HOURS = _setting("int", "BOOKINGS_REQUEST_TIMEOUT_HOURS", default=24)
BOOKINGS_REMINDER_HOURS = _setting("int", "BOOKINGS_REMINDER_HOURS", default=24)
PAYMENT_PROVIDER = _setting("str", "PAYMENT_PROVIDER", default="test")
# Shared secret of the payment provider's signed webhooks. Unset, it is derived from SECRET_KEY
# (so it is never a known value); a real provider's secret is set here.
PAYMENT_WEBHOOK_SECRET = _setting("str", "PAYMENT_WEBHOOK_SECRET", default="") or (
    "derived-" + hashlib.sha256(f"payments:{SECRET_KEY}".encode()).hexdigest()
)
# Addresses or networks the provider's webhooks come from (YooKassa publishes its own); empty,
# any address may call and the signature alone decides. Read with core.addresses.client_ip.
PAYMENT_WEBHOOK_ALLOWED_IPS = _setting("list", "PAYMENT_WEBHOOK_ALLOWED_IPS", default=[])
try:
    networks(PAYMENT_WEBHOOK_ALLOWED_IPS)
except ValueError as error:
    raise ImproperlyConfigured(
        f"Environment variable PAYMENT_WEBHOOK_ALLOWED_IPS is invalid: {error}"
    ) from error

# --- Loyalty: earning (DESIGN.md §3, docs/loyalty-earning.md) ------------------------------
# Total cashback of a booking (tier + campaigns + venue boost) never exceeds this share.
LOYALTY_CASHBACK_CAP_PERCENT = _setting("int", "LOYALTY_CASHBACK_CAP_PERCENT", default=15)
# Bookings paying less money than this earn no cashback (a venue may set a higher minimum).
LOYALTY_EARN_MIN_AMOUNT = _setting("int", "LOYALTY_EARN_MIN_AMOUNT", default=0)
LOYALTY_CASHBACK_LIFETIME_DAYS = _setting("int", "LOYALTY_CASHBACK_LIFETIME_DAYS", default=365)
# The dispute window: cashback becomes available this long after the session ends.
LOYALTY_CASHBACK_DELAY_HOURS = _setting("int", "LOYALTY_CASHBACK_DELAY_HOURS", default=24)
# How far back `loyalty_accrue` looks for completed bookings whose cashback task was lost.
LOYALTY_ACCRUE_LOOKBACK_DAYS = _setting("int", "LOYALTY_ACCRUE_LOOKBACK_DAYS", default=30)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = _setting("path", "MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))
# Development and tests serve static files straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    # JSON says null, numbers and lists; a form body cannot (uploads declare multipart).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Times of day (opening hours, price bands) are HH:MM both ways; core.api documents it.
    "TIME_FORMAT": "%H:%M",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Every view with a `throttle_scope` is throttled by the client's real address.
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.ClientIpThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bronka API",
    "DESCRIPTION": "Book rooms by the hour, earn and spend loyalty points.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A booking's status and kind appear in the client's and the venue team's outputs: one enum.
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "BookingKindEnum": "bookings.models.Booking.Kind",
    },
}

# --- Security (production defaults; development and tests run on plain http) ---------------
_HTTPS_ONLY = not (DEBUG or TESTING)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions read from the cache, written through to the database: a signed-in page does not
# spend a query on its session (the checkout re-quote's budget, tests/spending/
# test_query_budget.py); with Redis down the cache misses and the database answers.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SECURE = _HTTPS_ONLY
CSRF_COOKIE_SECURE = _HTTPS_ONLY
SECURE_SSL_REDIRECT = _setting("bool", "DJANGO_SECURE_SSL_REDIRECT", default=_HTTPS_ONLY)
SECURE_HSTS_SECONDS = _setting(
    "int", "DJANGO_SECURE_HSTS_SECONDS", default=31536000 if _HTTPS_ONLY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS_ONLY
SECURE_HSTS_PRELOAD = _HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Logging --------------------------------------------------------------------------------
LOG_FORMAT = _setting("str", "LOG_FORMAT", default="text" if DEBUG else "json")
LOG_LEVEL = _setting("str", "LOG_LEVEL", default="INFO").upper()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("Environment variable LOG_FORMAT must be 'json' or 'text'.")
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("Environment variable LOG_LEVEL must be a logging level name.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"pgserver": {"level": "WARNING"}},
}
