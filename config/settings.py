"""Settings, driven by the environment (see README, « Configuration »).

With no environment at all the product runs on embedded defaults: SQLite under var/,
Celery on kombu's filesystem transport under var/, e-mail printed on the console.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Use SECRET_KEY, or a random key kept in var/ so a development machine needs nothing."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The API's JSON error under /api/, Django's page elsewhere.
CSRF_FAILURE_VIEW = "config.api.api_csrf_failure"

INSTALLED_APPS = [
    "cases",  # first, so that cases/templates/admin/ restyles the admin (base_site, index)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "config.apps.AxesConfig",
    "drf_spectacular_sidecar",
    "accords",
    "webhooks",
    "notifications",
    "reports",
    "bench",  # benchmark tooling: the generate_load command (bench/loadgen), no models
    "django_fsm",  # after our apps, so that cases/templates/django_fsm/ overrides its templates
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "config.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After authentication: a POST to the API sent twice with one Idempotency-Key runs once.
    "config.idempotency.IdempotencyKeyMiddleware",
    # After CSRF and messages: an admin form sent twice is saved once (one-time form token).
    "config.form_tokens.FormTokenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a locked-out login into the French lockout answer.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing at once (web + worker + beat share the file).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cases.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out username or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend's passwords; permissions from the role table, not from groups.
    "cases.backends.RolePermissionBackend",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from
# one address, that username is refused from that address for AXES_COOLOFF_MINUTES; a success
# resets the count. Locking by the pair, not by the address alone, keeps one user's typos from
# locking out the colleagues who share the agency's address (or the proxy's).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_MESSAGE = (
    "Trop de tentatives de connexion infructueuses : la connexion à ce compte depuis cette "
    f"adresse est bloquée pendant {AXES_COOLOFF_MINUTES} minutes. Réessayez plus tard ou "
    "demandez à un administrateur de la débloquer."
)
# The address axes counts: REMOTE_ADDR, or, behind a proxy that sets X-Forwarded-For itself
# (TRUST_X_FORWARDED_FOR), the address the outermost of TRUSTED_PROXY_COUNT proxies saw.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed, not hashed: pages render even before `collectstatic` has run.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Uploaded documents live outside the web root and are served only through permission checks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "documents"))

# Bounded work per request (README, « Configuration »). Each limit answers a French 413 or 400
# (the API's JSON under /api/, a form error or a French page in the admin).
# A request body read whole (JSON, a plain form) and a multipart request's fields without its
# files: DRF's JSON parser reads `request.body`, so this is the API's JSON limit too.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024))
)
# Fields of a form or query string (a repeated filter counts once per value), files of a form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "1000"))
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "100"))
# Largest document, enforced while it streams in by cases.upload_limits (bytes).
DOCUMENT_MAX_UPLOAD_SIZE = int(os.environ.get("DOCUMENT_MAX_UPLOAD_SIZE", str(10 * 1024 * 1024)))
# Largest multipart request, refused from its Content-Length before it is read: room for an
# admin page that adds five documents at once.
UPLOAD_MAX_REQUEST_SIZE = int(
    os.environ.get("UPLOAD_MAX_REQUEST_SIZE", str(5 * DOCUMENT_MAX_UPLOAD_SIZE + 1024 * 1024))
)
FILE_UPLOAD_HANDLERS = [
    "cases.upload_limits.SizeLimitedUploadHandler",  # first: it decides what the others may store
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Items of a list in an API body (a dossier's client companies, the simulator's publics),
# checked before any item is looked up.
API_MAX_LIST_ITEMS = int(os.environ.get("API_MAX_LIST_ITEMS", "50"))
# Rows of an API list page; a larger `?page_size=` is capped to it.
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "500"))

# E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# For django.core.mail.backends.filebased.EmailBackend (one file per connection).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Alternance intérim <noreply@localhost>")

# Celery: Redis when REDIS_URL is set, otherwise a broker that needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Three queues, so that a long report or a burst of e-mails never holds up the sweep; a worker
# started without -Q consumes them all (and the default queue), so nothing is stranded.
CELERY_TASK_QUEUES = [Queue(name) for name in ("sweeps", "notifications", "reports", "celery")]
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "notifications.sweep_deadlines": {"queue": "sweeps"},
    "notifications.sync_dossier_deadlines": {"queue": "sweeps"},
    "notifications.recheck_rule_set": {"queue": "sweeps"},
    "notifications.email_recipient": {"queue": "notifications"},
    "notifications.send_digests": {"queue": "notifications"},
    "reports.*": {"queue": "reports"},
}
SWEEP_INTERVAL_SECONDS = int(os.environ.get("SWEEP_INTERVAL_SECONDS", "3600"))
DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))
CELERY_BEAT_SCHEDULE = {
    "deadline-sweep": {
        "task": "notifications.sweep_deadlines",
        "schedule": SWEEP_INTERVAL_SECONDS,
    },
    "morning-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=DIGEST_HOUR, minute=0),
    },
    "idempotency-purge": {
        "task": "cases.purge_idempotency",
        "schedule": 3600,
    },
    # The first day after each period (Europe/Paris): reports.stored builds, stores, announces.
    "mission-jeunes-half-year": {
        "task": "reports.build_mission_jeunes",
        "schedule": crontab(day_of_month=1, month_of_year="1,7", hour=5, minute=0),
    },
    "cpne-annual-report": {
        "task": "reports.build_cpne_annual",
        "schedule": crontab(day_of_month=1, month_of_year=1, hour=5, minute=30),
    },
}
# Outgoing webhooks (README « Webhooks »): HTTPS only unless allowed (development, tests);
# the spec's timeout (15–30 s) and example retry schedule (delays after each failure, seconds).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", DEBUG)
WEBHOOKS_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "15"))
WEBHOOKS_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
# A retry due within this is queued with a countdown; a later one waits for the catch-up.
WEBHOOKS_COUNTDOWN_MAX_SECONDS = 900
WEBHOOKS_ROTATION_OVERLAP_HOURS = 24
WEBHOOKS_LOG_RETENTION_DAYS = int(os.environ.get("WEBHOOKS_LOG_RETENTION_DAYS", "90"))
CELERY_BEAT_SCHEDULE["webhooks-due"] = {"task": "webhooks.deliver_due", "schedule": 60}
CELERY_BEAT_SCHEDULE["webhooks-purge"] = {
    "task": "webhooks.purge_log",
    "schedule": crontab(hour=4, minute=15),
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

REST_FRAMEWORK = {
    # Token first: an anonymous call answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The role table (cases.permissions) for every view that does not say otherwise.
    "DEFAULT_PERMISSION_CLASSES": ["cases.api.permissions.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.ApiAutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.StrictContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.StandardPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["cases.api.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
# How long an API Idempotency-Key (and the answer kept for its retries) and an admin form's
# one-time token are remembered; the `idempotency-purge` beat task deletes them afterwards.
IDEMPOTENCY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_TTL_HOURS", "24"))

# The state's company search (cases.registers.company_search): address and read timeout (s).
COMPANY_SEARCH_URL = os.environ.get(
    "COMPANY_SEARCH_URL", "https://recherche-entreprises.api.gouv.fr/search"
)
COMPANY_SEARCH_TIMEOUT = (3.05, float(os.environ.get("COMPANY_SEARCH_TIMEOUT", "10")))

SPECTACULAR_SETTINGS = {
    "TITLE": "API Alternance intérim",
    "DESCRIPTION": (
        "Dossiers de formation en alternance des agences d'emploi (CPI, CAI, CIPI, CDPI, CAR, "
        "Pro-A).\n\n"
        "Authentification : jeton (`Authorization: Token <clé>`, créé par "
        "`manage.py drf_create_token <utilisateur>`) ou session.\n\n"
        "Périmètre : chaque utilisateur ne voit que les données de ses agences ; un objet "
        "d'une autre agence répond 404. Un rapporteur CPNE n'a accès qu'aux données agrégées : "
        "les ressources individuelles lui répondent 403 (le référentiel lui reste ouvert). Les "
        "champs AT/MP et aptitude d'un salarié ne sont présents que pour les rôles autorisés à "
        "voir les données de santé.\n\n"
        'Erreurs : toujours `{"detail": "…", "code": "…", "errors": {champ: [...]}}`, '
        "en français, avec `findings` quand des constats bloquent une étape.\n\n"
        "Idempotence : tout POST accepte l'en-tête `Idempotency-Key` (un UUID, par exemple). "
        "Une requête renvoyée avec la même clé n'est traitée qu'une fois : la première "
        "réponse réussie est rejouée, avec `Idempotent-Replayed: true`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page for signed-in users only (token or session): config/api_docs.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # No badge fetched from validator.swagger.io: it would send the schema's address away
    # (and the CSP refuses it).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.idempotency.schema_postprocess",  # the Idempotency-Key header on every POST
        "config.schema.postprocess_request_strings",  # no NUL in request strings
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DispositifEnum": "cases.choices.Dispositif",
        "DossierStateEnum": "cases.choices.DossierState",
        "DocumentKindEnum": "cases.choices.DocumentKind",
        "DocumentStatusEnum": "cases.choices.DocumentStatus",
    },
}

# Sessions end after SESSION_COOKIE_AGE (8 h: a working day) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (config.headers): everything from our own origin (the admin, the
# reports page, Swagger UI from drf-spectacular-sidecar), no inline script, no plugin, no
# framing. Inline styles stay allowed: Django's admin (a <style> block on change lists), the
# dossier page and the history list (style attributes), Swagger UI's page and DRF's browsable
# API use them; a script cannot be injected through them. Swagger UI draws its icons from
# data: URIs.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page of the product uses, refused to every origin.
PERMISSIONS_POLICY = {
    feature: [] for feature in ("camera", "microphone", "geolocation", "payment", "usb")
}
if HTTPS and not DEBUG:
    # Production behind HTTPS: `manage.py check --deploy` passes (tests/security).
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets the header itself (nginx, a load balancer).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
