"""Convene settings, read from the environment (see README "Configuration").

The embedded default needs nothing: SQLite in ``var/``, Celery tasks inline, mail to the console.
``CONVENE_PRODUCTION=1`` switches on the hardening that ``manage.py check --deploy`` expects.

Kept as one file past the usual length on purpose: an operator reads every setting the
environment can change in one place, and the production switches sit beside what they harden.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

from deliberation.publishing.document_schema import openapi_schema as framework_document_schema

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env.bool("CONVENE_PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# Names the code that renders pages: part of a published edition's ETag and cache key, so a
# deploy that changes the reader's layout should set a new value (e.g. the git commit).
CONVENE_RELEASE = env.str("CONVENE_RELEASE", default="1")

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "convene",
    "deliberation",
    # Before allauth, so our templates (allauth/layouts/base.html) override its own.
    "frontend",
    "allauth",
    "allauth.account",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed; static files are WhiteNoise's (precompressed), answered
    # above. Django adds random bytes to each gzip header against BREACH-style length probes.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "frontend.middleware.HtmxLoginRedirectMiddleware",
    # Pages in the reader's time zone, kept in the session (frontend/timezones.py).
    "frontend.timezones.TimeZoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last: turns a sign-in that django-axes locked out into its answer (convene.signin).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "convene.urls"
WSGI_APPLICATION = "convene.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            # Django's app-directories loader, with the comment templates compacted as they
            # load (frontend/templating.py); the cached loader keeps what it compiled (Django
            # resets it when a template changes under runserver).
            "loaders": [("django.template.loaders.cached.Loader", ["frontend.templating.Loader"])],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.choices",
                "frontend.context_processors.inbox_poll",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery --------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="convene")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open when Redis is down (convene/cache.py): rate limits degrade, requests
            # do not fail. Short timeouts, so an unreachable Redis costs a request little.
            "BACKEND": "convene.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own copies of what never changes (a published edition's pages), in front of
# Redis: a hit costs no network round trip. Bounded by entries; the least recently used go.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "convene-local",
    "OPTIONS": {"MAX_ENTRIES": 300},
}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker the platform still works: tasks run inline, in the request that queued them.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing fails at once when the broker is down instead of retrying for seconds inside a
# request: the work waits in the database and beat's sweep queues it (outbox_relay). Workers
# reconnect by broker_connection_max_retries, which this does not change.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Sends pending notification mail in batches; each commit also nudges it.
    "outbox-relay": {
        "task": "convene.notifications.tasks.outbox_relay",
        "schedule": timedelta(seconds=10),
    },
    # Digests go out at 08:00 in each user's time zone: every quarter hour finds whose turn it is.
    "digests-send": {
        "task": "convene.notifications.tasks.digests_send",
        "schedule": timedelta(minutes=15),
    },
    # Tells eligible voters who have not voted that a round closes within 24 hours.
    "rounds-closing-soon": {
        "task": "deliberation.voting.tasks.rounds_closing_soon",
        "schedule": timedelta(minutes=15),
    },
    # Tells a convening's members that a consultation closes within 24 hours.
    "consultations-closing-soon": {
        "task": "deliberation.tasks.consultations_closing_soon",
        "schedule": timedelta(minutes=15),
    },
    # Writes the items of notices for many recipients whose task a broker outage lost.
    "notices-sweep": {
        "task": "convene.notifications.tasks.notices_sweep",
        "schedule": timedelta(seconds=30),
    },
    "outbox-flush": {
        "task": "convene.notifications.tasks.outbox_flush",
        "schedule": timedelta(minutes=1),
    },
    # Opens and closes scheduled voting rounds; a round opens or closes within this of its time.
    "rounds-advance": {
        "task": "deliberation.voting.tasks.rounds_advance",
        "schedule": timedelta(seconds=30),
    },
}

# --- Email ----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Seconds an SMTP conversation may stall; shorter than the send task's time limits
# (convene.notifications.services), so a silent server fails the send and it is retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Convene <noreply@convene.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Thread summaries: "extractive" (scikit-learn, the default) or "llm", an OpenAI-compatible
# chat endpoint for the key points (comment texts are sent to it; authors never are), with the
# extractive summary as the fallback whenever it gives no usable, cited answer.
SUMMARY_BACKEND = env.str("SUMMARY_BACKEND", default="extractive")
SUMMARY_LLM_URL = env.str("SUMMARY_LLM_URL", default="")
SUMMARY_LLM_MODEL = env.str("SUMMARY_LLM_MODEL", default="")
SUMMARY_LLM_KEY = env.str("SUMMARY_LLM_KEY", default="")
SUMMARY_LLM_TIMEOUT = env.float("SUMMARY_LLM_TIMEOUT", default=30.0)
# How often an open page asks for the inbox's unread count (one indexed count per ask).
INBOX_POLL_SECONDS = env.int("INBOX_POLL_SECONDS", default=30)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "convene.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: Django tells validators when a password changed, however it was set.
    {"NAME": "convene.passwords.RevokeApiTokensOnPasswordChange"},
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "frontend.forms.SignupForm"
ACCOUNT_FORMS = {"signup": "frontend.forms.accounts.AccountSignupForm"}
ACCOUNT_ADAPTER = "frontend.accounts.AccountAdapter"
# Account emails are branded with the platform's name, not the host they were requested on.
SITE_NAME = "Convene"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Anyone can type any address. An account proves its own (the mailed link, or accepting an
# invitation sent there) before it signs in on the pages, and adding a member by address links
# only a proved one (services.member_add_by_email). Mandatory verification also lets allauth
# answer a sign-up the same way whether or not the address already has an account.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# allauth's default, stated: sign-up and password reset never tell whether an address is taken.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed sign-ins are counted by django-axes (below), for the pages, the API and the admin alike.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
INVITATION_TTL = timedelta(days=env.int("INVITATION_TTL_DAYS", default=14))
API_TOKEN_TTL = timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30))

# --- Sign-in protection (convene/signin.py) -------------------------------------------------
# How many proxies stand in front of the app, each appending the address it was connected from
# to X-Forwarded-For (or the first setting it). 0: the header is ignored, the connection's
# address is the client's. One number for every per-address limit: DRF's throttles
# (NUM_PROXIES below), the sign-in lockout, allauth's rate limits.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# django-axes: one failure counter per account and one per client address, shared by the API's
# token sign-in, the sign-in page and the admin's; either reaching the limit locks sign-in for
# that account or from that address until the cool-off has passed since its last failure.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_CLIENT_IP_CALLABLE = "convene.signin.client_ip"
AXES_USERNAME_CALLABLE = "convene.signin.account_key"
AXES_LOCKOUT_CALLABLE = "convene.signin.lockout_response"
# Attempts refused during a lockout are not counted, so it ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# AXES_RESET_ON_SUCCESS stays off: a success would wipe the address's count too, so an attacker
# could sign in to their own account between guesses at someone else's.
# Only failures are kept (cleared at the next failure once their cool-off has passed), not a
# log of every successful sign-in and its address.
AXES_DISABLE_ACCESS_LOG = True

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "convene.api.authentication.ApiTokenAuthentication",
        "convene.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["convene.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "convene.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "convene.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["convene.api.filters.FilterBackend"],
    "EXCEPTION_HANDLER": "convene.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "convene.api.throttling.WriteRateThrottle",
        "convene.api.throttling.AnonWriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "write": env.str("THROTTLE_WRITE", default="120/min"),
        "anon_write": env.str("THROTTLE_ANON_WRITE", default="30/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        "comment": env.str("THROTTLE_COMMENT", default="10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Convene API",
    "DESCRIPTION": (
        "Negotiate one text among many parties. The [API guide](/api/v1/guide/) explains "
        "authentication, errors, pagination, rate limits and each part of the API.\n\n"
        "Every refusal is JSON in the `Error` shape, "
        '`{"detail": "one readable sentence", "errors": {"field": ["message"]}}`: '
        "400 invalid input, 401 not signed in, 403 not your action, 404 absent or private, "
        "409 the current state forbids it, 429 rate limited (`Retry-After`). Each operation "
        "lists the statuses it can answer."
    ),
    "VERSION": "1.1.0",
    # 3.1: a nullable reference is `oneOf: [$ref, {type: null}]`, which strict validators
    # (openapi-core) and generators read alike; 3.0 had only `allOf` + `nullable`.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Deep links wrap each operation's path in a link inside the expand button (axe
    # nested-interactive); the tags and operations stay reachable by keyboard without them.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is checked by the same serializer as written (our views never validate it
    # partially), so its required fields stay required in the schema.
    "COMPONENT_SPLIT_PATCH": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The published document (deliberation/publishing/schemas/framework-v1.json), one component
    # that the export endpoints refer to.
    "APPEND_COMPONENTS": {"schemas": {"FrameworkDocument": framework_document_schema()}},
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "convene.models.Organization.Kind",
        "NotificationModeEnum": "convene.notifications.models.Mode",
        "NotificationCategoryEnum": "convene.notifications.models.Category",
        "ClauseKindEnum": "deliberation.models.ClauseKind",
        "FrameworkStatusEnum": "deliberation.models.Framework.Status",
        "ClauseStatusEnum": "deliberation.models.Clause.Status",
        "AmendmentStatusEnum": "deliberation.models.Amendment.Status",
        "AlternativeStatusEnum": "deliberation.models.Alternative.Status",
        "RoleEnum": "convene.models.Role",
        "StakeholderGroupEnum": "convene.models.StakeholderGroup",
        "VisibilityEnum": "convene.models.Convening.Visibility",
        "AttributionEnum": "convene.models.Convening.Attribution",
        "StanceEnum": "deliberation.models.Reaction.Stance",
        "OutcomeEnum": "deliberation.models.Disposition.Outcome",
        "InvitationStatusEnum": "convene.models.Invitation.Status",
        "RoundStatusEnum": "deliberation.models.VotingRound.Status",
        "BallotModeEnum": "deliberation.models.VotingRound.BallotMode",
        "MotionKindEnum": "deliberation.models.Motion.Kind",
        "MotionMethodEnum": "deliberation.models.Motion.Method",
        "ThresholdEnum": "deliberation.voting.tally.Threshold",
        "UnitEnum": "deliberation.voting.tally.Unit",
        "MotionOutcomeEnum": "deliberation.models.Motion.Outcome",
    },
}

# --- Security -------------------------------------------------------------------------------
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Static files, i18n ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Tasks run inline (no REDIS_URL) would log every run of every task in the console.
        **({"celery.app.trace": {"level": "WARNING"}} if not REDIS_URL else {}),
    },
}
