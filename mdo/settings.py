"""Settings of MDO Pilotage, all read from environment variables.

One module for every profile: the defaults give a local SQLite instance with DEBUG on;
production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see the README).
"""

import os
from collections.abc import Mapping
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-secret-key-not-for-production-use-change-me-please-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY doit être défini lorsque DEBUG est désactivé.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
#: In development without SITE_URL, links built while serving a request (calendar feed addresses, the
#: feeds' URL back to the app) follow the host the browser used: `make run HOST=0.0.0.0` reached as
#: http://192.168.1.20:8000 gives feed addresses that work from Outlook. Production always says SITE_URL.
SITE_URL_FOLLOWS_REQUEST = DEBUG and "SITE_URL" not in os.environ

INSTALLED_APPS = [
    "mdo",
    "projects",
    "budgets",
    "vendors",
    "meetings",
    "consultations",
    "indicators",
    "planning",
    "outbox",
    "notifications",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mdo.csp.CityCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "mdo.middleware.NoRoleMiddleware",
    "mdo.middleware.PrivacyHeadersMiddleware",
    "mdo.middleware.FrenchNotFoundMiddleware",
    "mdo.middleware.ServedSiteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mdo.urls"
WSGI_APPLICATION = "mdo.wsgi.application"
ASGI_APPLICATION = "mdo.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Identifiers are written with ``|unlocalize`` in every template: with the French thousand
            # separator, record 1591 would print as "1 591" in a field name, an id or a link.
            "builtins": ["django.templatetags.l10n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mdo.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0


def postgres_timeout_options(environ: Mapping[str, str] = os.environ) -> dict[str, int | str]:
    """The PostgreSQL connection options that bound each wait, read from DB_CONNECT_TIMEOUT, DB_TCP_TIMEOUT and
    DB_STATEMENT_TIMEOUT (seconds).

    A server that drops packets fails a request within seconds, not after the kernel's minutes: connect
    timeout, TCP timeouts on an open connection, and a statement timeout on the server.
    """
    return {
        "connect_timeout": int(environ.get("DB_CONNECT_TIMEOUT", "3")),
        "tcp_user_timeout": int(environ.get("DB_TCP_TIMEOUT", "5")) * 1000,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "options": f"-c statement_timeout={int(environ.get('DB_STATEMENT_TIMEOUT', '30')) * 1000}",
    }


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    for _option, _value in postgres_timeout_options().items():
        _db_options.setdefault(_option, _value)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "mdo.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "mdo.directory.LocalPasswordBackend",  # Django's passwords, unless switched off (LOCAL_PASSWORDS)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Third-party apps whose static files no page of ours uses: not collected (viewflow's Material theme
# refers to fonts it does not ship, which the manifest storage refuses).
STATICFILES_SKIPPED_APPS = ["viewflow", "viewflow.workflow"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "mdo.staticfiles.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Every e-mail is first written to the outbox (a row in the same transaction as the change that causes it);
# the task consumer then hands it to the delivery backend that EMAIL_BACKEND names (SMTP in production).
EMAIL_BACKEND = "outbox.backends.OutboxBackend"
OUTBOX_DELIVERY_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if OUTBOX_DELIVERY_BACKEND == EMAIL_BACKEND:
    raise RuntimeError("EMAIL_BACKEND désigne le moyen d'envoi réel (SMTP), pas la file d'envoi elle-même.")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# Attempts before a message is marked failed; the n-th retry waits OUTBOX_RETRY_DELAY × 2^(n-1) seconds.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_RETRY_DELAY = int(os.environ.get("OUTBOX_RETRY_DELAY", "60"))
# A message taken by a consumer that died before saying sent or failed is taken again after this lease.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MDO Pilotage <mdo-pilotage@mairie-lyon.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "mdo/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle table-list"}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# URL modules of the domain apps, mounted at the root by mdo/urls.py; each names its own prefixes
# (/projects/, /open-data/, /budgets/, /vendors/, /meetings/, /calendar/).
APP_URLS = [
    "projects.urls",
    "budgets.urls",
    "vendors.urls",
    "meetings.urls",
    "consultations.urls",
    "indicators.urls",
    "planning.urls",
    "notifications.urls",
]

# Who is told about server errors: « Nom <adresse>, … ». Without it, errors are only logged
# (with the reference shown to the user on the error page).
ADMINS = [(name, address) for name, address in getaddresses(env_list("ADMINS")) if address]

# The navigation's count of open tasks is kept this long per user (any save or delete refreshes it).
TASK_COUNT_CACHE_SECONDS = 30

# A list export of at least this many rows is written by the task queue (a job with its progress and
# its file on the job's page) instead of inside the request.
EXPORT_JOB_MIN_ROWS = int(os.environ.get("EXPORT_JOB_MIN_ROWS", "2000"))

# The task queue (Huey): e-mail delivery, long imports and exports, periodic jobs. Without REDIS_URL its
# storage is a SQLite file beside the database, so nothing but the consumer has to run; with REDIS_URL
# consumers on several hosts share one queue. `manage.py run_huey` is the consumer (`make run` starts it).
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CONNECT_TIMEOUT = 2  # seconds, for the cache and the queue alike
REDIS_QUEUE_TIMEOUT = 3  # seconds a queue command may wait for Redis's answer
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and DATABASES["default"]["NAME"] not in (
    "",
    ":memory:",
):
    _huey_default_file = Path(DATABASES["default"]["NAME"]).with_name("huey.sqlite3")
else:
    _huey_default_file = BASE_DIR / "huey.sqlite3"
HUEY = {
    "name": os.environ.get("HUEY_NAME", "mdo-pilotage"),
    # djhuey's own default is DEBUG; here work is queued unless HUEY_IMMEDIATE says otherwise (the tests do).
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "results": True,
    "utc": True,
    "consumer": {
        "workers": int(os.environ.get("HUEY_WORKERS", "2")),
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
    },
}
if REDIS_URL:
    import redis

    # Bounds of our own rather than redis-py's, which depend on its version (none at all in older ones): a Redis
    # host that drops packets holds the request that queues an e-mail, and the consumer, only this long. The
    # consumer's blocking read asks the server to answer within a second (huey's read_timeout), so three
    # seconds only cut a server that has stopped answering.
    HUEY.update(
        {
            "huey_class": "huey.RedisHuey",
            "connection_pool": redis.ConnectionPool.from_url(
                REDIS_URL, socket_connect_timeout=REDIS_CONNECT_TIMEOUT, socket_timeout=REDIS_QUEUE_TIMEOUT
            ),
        }
    )
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": os.environ.get("HUEY_FILE", str(_huey_default_file))})

# Shared cache (the calendar feeds): Redis when REDIS_URL is set, else each process keeps its own.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": 2},
        }
    }

# Content-Security-Policy: no inline script or style anywhere, everything from this site.
# Bootstrap draws its icons (menu, close, select arrows) as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features the app never uses, refused to every page (and to anything injected into one).
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
)

# Decidim's accountability import reads CSV with Decidim.default_csv_col_sep (";" unless the
# instance sets another) and the organisation's default locale.
DECIDIM_CSV_COL_SEP = os.environ.get("DECIDIM_CSV_COL_SEP", ";")
DECIDIM_DEFAULT_LOCALE = os.environ.get("DECIDIM_DEFAULT_LOCALE", "fr")
# --- Sign-in through the city's directory (see the README's "Connexion avec l'annuaire de la Ville") ---
# Local passwords serve the demo and the embedded default; production may switch them off except
# for one named break-glass administrator.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
BREAK_GLASS_USERNAME = os.environ.get("BREAK_GLASS_USERNAME", "")

# OpenID Connect (Entra ID, ADFS, Keycloak, LemonLDAP::NG): authorization code flow with PKCE,
# state and nonce, ID token signed by the provider's JWKS. Endpoints left unset are read from the
# issuer's discovery document.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
OIDC_OP_END_SESSION_ENDPOINT = os.environ.get("OIDC_END_SESSION_ENDPOINT", "")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint of the RP-initiated logout
OIDC_CREATE_USER = True
LOGIN_REDIRECT_URL_FAILURE = "sign_in_failed"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("mdo.directory.CityOIDCBackend")

# LDAP / Active Directory: a bind account searches the agent, then the agent's password is checked
# by binding as them; groups are searched (nested ones too) for the mapping.
AUTH_LDAP_SERVER_URI = os.environ.get("LDAP_SERVER_URI", "")
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
AUTH_LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
AUTH_LDAP_USER_ATTR_MAP = {
    "first_name": os.environ.get("LDAP_ATTR_FIRST_NAME", "givenName"),
    "last_name": os.environ.get("LDAP_ATTR_LAST_NAME", "sn"),
    "email": os.environ.get("LDAP_ATTR_EMAIL", "mail"),
}
AUTH_LDAP_ALWAYS_UPDATE_USER = True
AUTH_LDAP_MIRROR_GROUPS = False  # roles come from the mapping, never from group names
if AUTH_LDAP_SERVER_URI:
    from mdo.ldap_settings import ldap_settings_from_env

    globals().update(ldap_settings_from_env(os.environ))
    AUTHENTICATION_BACKENDS.append("mdo.directory.CityLDAPBackend")
