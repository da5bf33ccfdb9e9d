"""Newsroom settings.

Every deployment setting comes from the environment with a safe development default;
`.env.example` lists them all. All state lives under NEWSROOM_DATA_DIR (default `var/`):
the SQLite database, the Whoosh index and uploaded originals.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("NEWSROOM_DATA_DIR") or BASE_DIR / "var").resolve()

DEBUG = env_bool("DEBUG", True)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"


def _secret_key() -> str:
    # SECRET_KEY_FILE suits container secrets and `make serve`, which keeps one in the data folder.
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file:
        try:
            return Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"SECRET_KEY_FILE {key_file!r} cannot be read: {exc}"
            ) from exc
    return os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY


SECRET_KEY = _secret_key()
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY (50 or more random characters) in the environment when DEBUG is off, "
        "e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "haystack",
    "articles",
]

MIDDLEWARE = [
    # Outermost: under ASGI (make serve), streamed responses stay streamed (newsroom/serving.py).
    "newsroom.serving.ServingMiddleware",
    # Compresses what comes out of everything below (public pages only: see its docstring).
    "newsroom.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Out here, so that answers made below it (tracking redirects, 400s) carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.SecurityHeadersMiddleware",
    "newsroom.middleware.TrackingParametersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsroom.middleware.AdminLoginRateLimitMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'newsroom.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an import writes; the timeout rides out
    # short write bursts from several gunicorn workers instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    _sqlite_file = str(DATABASES["default"]["NAME"])
    if _sqlite_file and _sqlite_file != ":memory:" and not _sqlite_file.startswith("file:"):
        # SQLite creates the file but not its folder ("unable to open database file").
        try:
            Path(_sqlite_file).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"The folder of the SQLite database {_sqlite_file!r} cannot be created: {exc}. "
                "Set NEWSROOM_DATA_DIR or DATABASE_URL to a writable place."
            ) from exc

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "staticfiles")
MEDIA_ROOT = DATA_DIR / "uploads"
# Hashed, compressed file names served by whitenoise with far-future caching. With DEBUG on,
# {% static %} falls back to plain names, so development needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS and security headers ------------------------------------------------------
# BEHIND_TLS=1 when the site is reached over HTTPS (usually through a proxy that sets
# X-Forwarded-Proto): secure cookies, HSTS and the HTTP->HTTPS redirect switch on together.
BEHIND_TLS = env_bool("BEHIND_TLS", False)
if BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_TLS)
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = BEHIND_TLS
CSRF_COOKIE_SECURE = BEHIND_TLS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if BEHIND_TLS else 0)
# Opt-in: includeSubDomains forces HTTPS on every subdomain of the site's host for a year,
# and preload (once the domain is submitted) is hard to take back.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# check --deploy warns about both whenever HSTS is on; leaving them off is a decision here.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, opted_in in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if SECURE_HSTS_SECONDS and not opted_in
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: templates link files under static/.
NEWSROOM_CSP = os.environ.get(
    "NEWSROOM_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

# The only sign-in is the admin's: where it lands when ?next= is missing or points off-site
# (Django's default, /accounts/profile/, is a 404 here).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# --- Admin sign-in rate limit ---------------------------------------------------------
# Failed sign-ins counted per client address and user name (and per address alone) in the
# cache; past the limit the login answers 429 until the window has passed.
NEWSROOM_LOGIN_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5)
NEWSROOM_LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 50)
NEWSROOM_LOGIN_FAILURE_WINDOW = env_int("NEWSROOM_LOGIN_FAILURE_WINDOW", 900)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the
# connection's address). Set to 1 behind one nginx, or clients could forge their address.
NEWSROOM_TRUSTED_PROXIES = env_int("NEWSROOM_TRUSTED_PROXIES", 0)


# --- Cache ------------------------------------------------------------------------------
def _cache(url: str) -> dict:
    """CACHE_URL: file:///path (default: data folder), db://table (shared by several app
    servers; run `manage.py createcachetable`), locmem:// (one process only)."""
    scheme, _, rest = url.partition("://")
    if scheme in ("", "file"):
        location = rest or str(DATA_DIR / "cache")
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
        }
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest or "newsroom_cache",
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest}
    raise ImproperlyConfigured(f"CACHE_URL {url!r}: use file://, db:// or locmem://")


CACHES = {"default": _cache(os.environ.get("CACHE_URL", ""))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Search -----------------------------------------------------------------------
# SEARCH_URL selects the haystack backend: unset (default) keeps a Whoosh index under
# NEWSROOM_DATA_DIR; "whoosh:///abs/path" moves it; "solr://host:8983/solr/newsroom"
# uses a SolrCloud cluster (newsroom/search_config.py). Only articles/search/ talks to haystack.
from newsroom.search_config import haystack_connections  # noqa: E402

HAYSTACK_CONNECTIONS = haystack_connections(os.environ.get("SEARCH_URL", ""), DATA_DIR)
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
# Web processes index an article right after its save commits; turn off where
# `manage.py index_worker` runs beside them (deploy/), so requests never wait for the index.
NEWSROOM_INDEX_ON_COMMIT = env_bool("NEWSROOM_INDEX_ON_COMMIT", True)
# Each gunicorn worker runs a background thread that indexes committed changes off the
# request path, retries failed index work and resumes interrupted upload batches (the
# workers take turns through one lock). Off where `manage.py index_worker` does that job.
NEWSROOM_INDEX_DRAINER = env_bool("NEWSROOM_INDEX_DRAINER", NEWSROOM_INDEX_ON_COMMIT)
# Seconds a writer waits for the Whoosh index lock before giving up (the task is retried).
NEWSROOM_SEARCH_LOCK_TIMEOUT = env_int("NEWSROOM_SEARCH_LOCK_TIMEOUT", 60)

# --- Pictures ---------------------------------------------------------------------
# Country shapes for the search page's map: Natural Earth 110m as TopoJSON, from the npm
# package world-atlas that `make install` puts in node_modules/ (package.json). Without the
# file the map is left out and its list of countries stays.
NEWSROOM_WORLD_SHAPES = Path(
    os.environ.get("NEWSROOM_WORLD_SHAPES")
    or BASE_DIR / "node_modules" / "world-atlas" / "countries-110m.json"
)
# Finer shapes (the same package's 50m countries) for the states the map draws as a dot:
# those too small for the shapes above (Bahrain, Singapore, Hong Kong, Malta, ...).
NEWSROOM_WORLD_MARKS = Path(
    os.environ.get("NEWSROOM_WORLD_MARKS")
    or BASE_DIR / "node_modules" / "world-atlas" / "countries-50m.json"
)

# --- Extraction -------------------------------------------------------------------
# "builtin" is the NER pipeline shipped in articles/extraction/ner_model (fine-tuned from
# en_core_web_sm; see its README). Any installed spaCy package name or a path also works.
NEWSROOM_SPACY_MODEL = os.environ.get("NEWSROOM_SPACY_MODEL") or "builtin"
# Longest article text (characters) entity recognition accepts; longer documents are refused
# with a message (articles.extraction.MAX_ARTICLE_CHARS explains the default).
NEWSROOM_MAX_ARTICLE_CHARS = env_int("NEWSROOM_MAX_ARTICLE_CHARS", 200_000)

# --- Uploads ----------------------------------------------------------------------
NEWSROOM_MAX_FILE_BYTES = env_int("NEWSROOM_MAX_FILE_BYTES", 20 * 1024 * 1024)
NEWSROOM_MAX_ARCHIVE_BYTES = env_int("NEWSROOM_MAX_ARCHIVE_BYTES", 500 * 1024 * 1024)
NEWSROOM_MAX_ARCHIVE_ENTRIES = env_int("NEWSROOM_MAX_ARCHIVE_ENTRIES", 20000)
# Largest upload request (several files or one archive) accepted from an editor; by default
# one archive and one file at their limits.
NEWSROOM_MAX_UPLOAD_BYTES = env_int(
    "NEWSROOM_MAX_UPLOAD_BYTES", NEWSROOM_MAX_ARCHIVE_BYTES + NEWSROOM_MAX_FILE_BYTES
)
# Upload batches up to this size are processed while the editor waits; larger ones in a
# background thread of the web process, or by `manage.py index_worker` when that is off.
NEWSROOM_UPLOAD_INLINE_BYTES = env_int("NEWSROOM_UPLOAD_INLINE_BYTES", 512 * 1024)
NEWSROOM_UPLOAD_IN_THREAD = env_bool("NEWSROOM_UPLOAD_IN_THREAD", True)
DATA_UPLOAD_MAX_MEMORY_SIZE = NEWSROOM_MAX_FILE_BYTES
# Larger uploads go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2621440)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 1000)

# One line per event on stderr (gunicorn and containers collect it): unhandled errors with
# their traceback (django.request), refused hosts (django.security), health-check and
# sign-in limit events (newsroom.*). Requests themselves are in gunicorn's access log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        # Whoosh and haystack log every search failure themselves; keep their detail.
        "haystack": {"level": "WARNING"},
        # pysolr logs every request at INFO.
        "pysolr": {"level": "WARNING"},
    },
}
