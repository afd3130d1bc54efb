"""One settings module driven by the environment.

The embedded default (nothing set) runs on SQLite with in-process background work, a local
outbox for mail, DEBUG off and a random secret key kept in ATIENDE_DATA_DIR. Each integration
switches on when its variable is set: DATABASE_URL, REDIS_URL, EMAIL_URL.
`ATIENDE_ENV=production` refuses unsafe combinations at start-up.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import (
    MIN_SECRET_KEY_LENGTH,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_email_url,
    secret_key_in,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("ATIENDE_DATA_DIR") or BASE_DIR / "var").resolve()

ATIENDE_ENV = env_str("ATIENDE_ENV", "development")
PRODUCTION = ATIENDE_ENV == "production"

# Off unless asked for (DEBUG=true while developing): a demo or a server reached from outside
# shows our error page, never a traceback with the settings; the traceback goes to the log.
DEBUG = env_bool("DEBUG", default=False)
# There is no built-in key: anyone who knows the key can sign sessions, sign-in links and reply
# addresses (and so write as an agent). SECRET_KEY wins; otherwise the embedded default keeps a
# random key in ATIENDE_DATA_DIR/secret_key, made on first start. Production must set SECRET_KEY
# (every host needs the same one).
SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else secret_key_in(DATA_DIR))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "atiende.core",
    "atiende.accounts",
    "atiende.signin",
    "atiende.customers",
    "atiende.tickets",
    "atiende.sla",
    "atiende.mail",
    "atiende.whatsapp",
    "atiende.telegram",
    "atiende.calls",
    "atiende.chat",
    "atiende.kb",
    "atiende.routing",
    "atiende.webhooks",
    "atiende.search",
    "atiende.selfservice",
    "atiende.macros",
    "atiende.replycheck",
    "atiende.assets",
    "atiende.returns",
    "atiende.credits",
    "atiende.maintenance",
    "atiende.appointments",
    "atiende.metrics",
    "atiende.feedback",
    "atiende.privacy",
    "atiende.notices",
    "atiende.branding",
    "atiende.automation",
    "atiende.arco",
    "atiende.reporting",
    "atiende.workspace",
    "atiende.portal",
    "atiende.live",
    "atiende.api",
    "atiende.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "atiende.core.middleware.ContentSecurityPolicyMiddleware",
    "atiende.core.middleware.RequestTooBigMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff sessions listed for their owners (last seen, at most one write a minute).
    "atiende.signin.middleware.SessionTrackingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, and sync only: Django then runs the whole chain in one worker thread. Below a
    # sync middleware, Django's own middleware would run in async mode and hop threads for each of
    # their methods (three more hops per request; docs/performance.md, WhatsApp webhook).
    "atiende.core.middleware.UserLanguageMiddleware",
    "atiende.core.audit.AuditOriginMiddleware",  # where the request came from, for the audit log
]

ROOT_URLCONF = "atiende.urls"
WSGI_APPLICATION = "atiende.wsgi.application"
ASGI_APPLICATION = "atiende.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "atiende" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "atiende.branding.context_processors.branding",
                "atiende.workspace.context_processors.workspace_nav",
            ],
        },
    },
]

# <input> widgets built in Python, the rest through Django's templates (atiende/core/forms.py).
FORM_RENDERER = "atiende.core.forms.FastInputRenderer"

# --- Database -------------------------------------------------------------------------------
def postgres_pool_options() -> dict:
    """psycopg_pool's arguments for the per-process pool (tests/faults/test_pool.py)."""
    return {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 10),
        "timeout": 10,
        # psycopg_pool retries a lost connection with a doubling delay and no ceiling (1, 2, 4,
        # 8, 16 s …): after a 20-second outage a worker could stay unable to serve for another
        # 16. A chain of retries that gives up after a few seconds is restarted at once by the
        # next request, so a worker recovers as soon as the database does.
        "reconnect_timeout": env_int("DATABASE_RECONNECT_SECONDS", 4),
    }


DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Under ASGI each request runs in its own thread, so persistent per-thread connections
        # are never reused: a pool per process avoids a new connection on every request.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = postgres_pool_options()
        # Pooled connections are checked when handed out (one empty round trip): after a database
        # restart every pooled connection is dead, and unchecked each would fail one request
        # before being replaced (tests/faults/test_faults.py).
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "atiende.sqlite3",
            # IMMEDIATE takes the write lock at BEGIN, so read-then-write sequences (ticket
            # numbers) never interleave between connections; WAL lets readers run meanwhile.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")

# --- Cache, throttles, background work ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from redis.retry import Retry

    # A pooled connection Redis reset (a restart) is retried on a fresh one instead of failing the
    # request that drew it (tests/faults/test_faults.py).
    CACHES = {"default": {"BACKEND": "atiende.core.cache.SharedPoolRedisCache", "LOCATION": REDIS_URL, "OPTIONS": {
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError]}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# `atiende serve`: how long a stopping worker waits for requests and sockets to end before it
# cancels what is left. Uvicorn's own default waits forever, so one task that never ends (seen
# after long runs with websockets) hung a deploy's SIGTERM. Keep it below the supervisor's stop
# timeout (Docker 10 s, systemd 90 s).
GRACEFUL_TIMEOUT = env_int("GRACEFUL_TIMEOUT", 8)
if GRACEFUL_TIMEOUT < 1:
    raise ImproperlyConfigured("GRACEFUL_TIMEOUT must be 1 second or more.")

# Live updates (websockets): Redis between processes in production, in memory in the embedded
# default, where `atiende serve` is one process.
# redis-py 8 caps a pool at 100 connections and fails (no waiting) past that: thousands of chat
# widgets' sockets leaving or arriving at once (a proxy restart) need more (bench_chat_sockets).
REDIS_LAYER_MAX_CONNECTIONS = env_int("REDIS_LAYER_MAX_CONNECTIONS", 2000)
# A worker's consumers wait for their events in one BZPOPMIN that Redis ends after 5 s on a quiet
# channel. redis-py 8 gives up on any read after 5 s by default: the read lost that race, and the
# consumer waiting in it died, one websocket every 5 quiet seconds per worker (docs/performance.md,
# mixed load). Reads on the layer's connections must outlast the block.
REDIS_LAYER_SOCKET_TIMEOUT = 15


def redis_channel_layer(url: str) -> dict:
    """The channel layer on Redis at `url` (atiende/live/tests/test_redis_layer.py)."""
    return {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [{
        "address": url, "max_connections": REDIS_LAYER_MAX_CONNECTIONS, "socket_timeout": REDIS_LAYER_SOCKET_TIMEOUT}]}}


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# When an inbox's websocket is down (a proxy that drops upgrades), how often it re-reads its rows.
LIVE_INBOX_POLL_SECONDS = 20

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULER = "atiende.core.beat:OncePerPeriodScheduler"  # once per period, however many run
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in-process right after the transaction that asked for them.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Work that must not lengthen the response (core.jobs.enqueue_after_response) runs, when eager, on
# an in-process thread this many seconds after the commit.
JOBS_IN_BACKGROUND_THREAD = env_bool("JOBS_IN_BACKGROUND_THREAD", True)
JOBS_BACKGROUND_DELAY = 0.2
CELERY_TASK_EAGER_PROPAGATES = False
# The first wait before an undelivered reply (email, channel adapter) is tried again; it doubles
# with each attempt (60 s: 1, 2, 4, 8 minutes). The SMTP fault test shortens it.
DELIVERY_RETRY_SECONDS = env_int("DELIVERY_RETRY_SECONDS", 60)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_DEFAULT_QUEUE = "atiende"
CELERY_TIMEZONE = "UTC"
# The same schedule runs under `atiende worker` (Celery beat) and, in the embedded default, on a
# thread of `atiende serve` (atiende.core.scheduler).
CELERY_BEAT_SCHEDULE = {
    "sla-scan": {"task": "atiende.sla.tasks.scan", "schedule": float(env_int("SLA_SCAN_SECONDS", 60))},
    "mail-poll": {"task": "atiende.mail.tasks.poll_mailboxes", "schedule": float(env_int("MAIL_POLL_SECONDS", 60))},
    # Old processed WhatsApp webhook events and never-matched statuses (WHATSAPP_EVENT_RETENTION_DAYS).
    "whatsapp-prune": {"task": "whatsapp.prune", "schedule": 6 * 3600.0},
    # WhatsApp events whose drain job was lost (a broker restart) or left for later (a passing error).
    "whatsapp-drain": {"task": "whatsapp.drain", "schedule": 60.0},
    # Waiting tickets to agents who became available (shifts opening), consultation reminders and breaches.
    "routing-pass": {"task": "atiende.routing.tasks.routing_pass", "schedule": float(env_int("ROUTING_PASS_SECONDS", 60))},
    # Webhook retries come due from 15 s after a failure: this scan queues them (decision 0023).
    "webhooks-retry": {"task": "webhooks.retry_due", "schedule": float(env_int("WEBHOOK_RETRY_SECONDS", 10))},
    "webhooks-prune": {"task": "webhooks.prune", "schedule": 6 * 3600.0},
    # Time rules (decision 0024): each pass fires what came due since; a rule fires once per ticket.
    "automation-time-rules": {"task": "automation.time_rules",
                              "schedule": float(env_int("AUTOMATION_TIME_RULES_SECONDS", 60))},
    # The staffing page's eight weeks of arrivals and handling times, read ahead (decision 0037).
    "staffing-history": {"task": "reporting.staffing_history", "schedule": 1800.0},
    # Maintenance visits coming due and warranty expiry reminders (decision 0034): each opens or
    # sends once, whatever the number of passes; a pass after downtime catches up.
    "maintenance-pass": {"task": "maintenance.pass",
                         "schedule": float(env_int("MAINTENANCE_PASS_SECONDS", 900))},
    # Appointment reminders a day and an hour before (decision 0035): each claimed once, so a pass
    # run twice sends nothing twice, and one after downtime still sends what is not yet past.
    "appointment-reminders": {"task": "atiende.appointments.tasks.send_reminders",
                              "schedule": float(env_int("APPOINTMENT_REMINDER_SECONDS", 60))},
    # Satisfaction surveys whose delay after the solve has passed (decision 0036).
    "feedback-send-surveys": {"task": "atiende.feedback.tasks.send_due_surveys", "schedule": 60.0},
    # Retention rules (decision 0048): nothing is removed until the admin sets a rule; each pass
    # is idempotent and batched, so one missed or run twice changes nothing.
    "privacy-retention": {"task": "privacy.retention", "schedule": float(env_int("RETENTION_PASS_SECONDS", 6 * 3600))},
    # Notices (decision 0046): recipients a lost batch left waiting are queued again.
    "notices-resume": {"task": "notices.resume", "schedule": 300.0},
    # The NPS question to this period's sample (decision 0044): a pass run twice asks nobody twice.
    "feedback-send-nps": {"task": "atiende.feedback.tasks.send_nps", "schedule": float(env_int("NPS_PASS_SECONDS", 3600))},
    # Last week's report by mail to each supervisor (decision 0043): Mondays 14:00 UTC (8:00 in
    # Mexico City); a second run in the same week sends nothing again.
    "reports-weekly-summary": {"task": "reporting.weekly_summary",
                               "schedule": crontab(minute=0, hour=env_int("REPORTS_WEEKLY_HOUR_UTC", 14), day_of_week=1)},
}
# --- Notices to many customers (docs/decisions/0046-notices.md) ---------------------------------
# At most this many notice messages a minute (a mail provider's sending limit), in batches of
# NOTICES_BATCH_SIZE per task; the spacing needs the broker (REDIS_URL).
NOTICES_PER_MINUTE = env_int("NOTICES_PER_MINUTE", 600)
NOTICES_BATCH_SIZE = env_int("NOTICES_BATCH_SIZE", 100)
# --- Maintenance and warranty reminders (decision 0034) ------------------------------------------
# How many days before an asset's coverage ends its customer is reminded (once), and the page
# offering an extended warranty that the reminder links to ("" leaves the link out).
WARRANTY_REMINDER_DAYS = env_int("WARRANTY_REMINDER_DAYS", 30)
WARRANTY_OFFER_URL = env_str("WARRANTY_OFFER_URL", "")
# --- Routing ----------------------------------------------------------------------------------
# A consultation's default deadline, in business minutes of the asked team's calendar; the
# customer is promised an answer this many business minutes after it.
ROUTING_CONSULTATION_MINUTES = env_int("ROUTING_CONSULTATION_MINUTES", 240)
ROUTING_PROMISE_MARGIN_MINUTES = env_int("ROUTING_PROMISE_MARGIN_MINUTES", 60)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["atiende.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
# Pages a staff user passes after the password before being signed in (accounts/steps.py): the
# second factor (decision 0040).
SIGN_IN_STEPS = ["atiende.signin.steps.second_factor_step"]
# Single sign-on for agents with OpenID Connect (decision 0049, docs/operations.md): on when the
# issuer, client id and client secret are set. The secret lives only in the environment.
OIDC_ISSUER = env_str("OIDC_ISSUER")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "SSO")  # the button reads "Sign in with <this>"
OIDC_ALLOWED_DOMAINS = [d.lower().lstrip("@") for d in env_list("OIDC_ALLOWED_DOMAINS", [])]  # empty: any domain
OIDC_CREATE_AGENTS = env_bool("OIDC_CREATE_AGENTS", default=False)  # just-in-time agents (needs allowed domains)
OIDC_DEFAULT_TEAM = env_str("OIDC_DEFAULT_TEAM")  # the team such agents join (by name)
OIDC_REQUIRE_VERIFIED_EMAIL = env_bool("OIDC_REQUIRE_VERIFIED_EMAIL", default=True)
OIDC_TRUST_PROVIDER_MFA = env_bool("OIDC_TRUST_PROVIDER_MFA", default=False)  # skip our code when amr shows MFA
LOGIN_REDIRECT_URL = "home"  # agents go on to the inbox, customers to the portal
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (atiende/accounts/throttle.py, decision 0014): failures of one account from
# one address, and failures from one address, per LOGIN_THROTTLE_WINDOW seconds; past
# LOGIN_THROTTLE_ACCOUNT_FREE failures of an account from addresses it has not signed in from,
# each further attempt waits DELAY × 2^(k-1) seconds (at most MAX_DELAY).
LOGIN_THROTTLE_LIMIT = env_int("LOGIN_THROTTLE_LIMIT", 10)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 900)
LOGIN_THROTTLE_ADDRESS_LIMIT = env_int("LOGIN_THROTTLE_ADDRESS_LIMIT", 100)
LOGIN_THROTTLE_ACCOUNT_FREE = env_int("LOGIN_THROTTLE_ACCOUNT_FREE", 20)
LOGIN_THROTTLE_ACCOUNT_DELAY = env_int("LOGIN_THROTTLE_ACCOUNT_DELAY", 2)
LOGIN_THROTTLE_ACCOUNT_MAX_DELAY = env_int("LOGIN_THROTTLE_ACCOUNT_MAX_DELAY", 900)
LOGIN_THROTTLE_ACCOUNT_WINDOW = env_int("LOGIN_THROTTLE_ACCOUNT_WINDOW", 86400)
LOGIN_THROTTLE_TRUSTED_DAYS = env_int("LOGIN_THROTTLE_TRUSTED_DAYS", 30)
# API tokens unused for this many days stop working (401); changing the password kills them too.
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)
# How long an administrator may undo a customer-profile merge (tickets.CustomerMerge).
CUSTOMER_MERGE_UNDO_DAYS = env_int("CUSTOMER_MERGE_UNDO_DAYS", 30)

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Spanish (Mexico)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# No MEDIA_URL is served: every attachment goes through a view that checks the ticket.
MEDIA_URL = "/nonexistent-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Start-up checks to skip (comma-separated ids), e.g. atiende.E103 while secrets that no key can
# read any more are being replaced (atiende/core/checks.py).
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])
# --- WhatsApp channel (docs/decisions/0017-whatsapp-media-and-window.md) -----------------------
# Besides the number's own Graph API address, the only hosts media downloads may come from
# (https, default port): Meta serves the files of graph.facebook.com from lookaside.fbsbx.com.
WHATSAPP_MEDIA_HOSTS = env_list("WHATSAPP_MEDIA_HOSTS", ["lookaside.fbsbx.com"])
# Processed webhook events are kept this many days (the raw bodies, for inquiries), then deleted.
WHATSAPP_EVENT_RETENTION_DAYS = env_int("WHATSAPP_EVENT_RETENTION_DAYS", 30)
# Webhook posts taken per number and minute (Meta posts every customer's messages from a few
# addresses, so the anonymous per-address API rate does not apply); past it, 429 and Meta retries.
WHATSAPP_WEBHOOK_PER_MINUTE = env_int("WHATSAPP_WEBHOOK_PER_MINUTE", 60000)
# --- Ticket hooks ------------------------------------------------------------------------------
# Subscribers to what happens to tickets, called in this order inside the change's transaction
# (atiende/tickets/hooks.py). Each feature app adds its own here; the order is the product's.
# Automation's loop guard (docs/decisions/0024).
AUTOMATION_MAX_DEPTH = env_int("AUTOMATION_MAX_DEPTH", 3)
AUTOMATION_RUNS_PER_TICKET = env_int("AUTOMATION_RUNS_PER_TICKET", 20)
AUTOMATION_RATE_WINDOW = env_int("AUTOMATION_RATE_WINDOW", 600)
TICKET_HOOKS: list[str] = [
    "atiende.sla.hooks.SlaHooks",  # first: the deadlines move before anyone else looks at them
    # Then the metric record (and the outcome given when solving), before any subscriber whose
    # own changes re-enter the hooks, so the record keeps the order things happened in.
    "atiende.metrics.hooks.MetricHooks",
    "atiende.feedback.hooks.FeedbackHooks",  # after the record: a survey's episode is its count of solves
    "atiende.routing.hooks.RoutingHooks",  # then a new ticket finds its team and agent
    # Then the admins' triggers see the ticket as routing left it (their changes re-enter the hooks).
    "atiende.automation.hooks.AutomationHooks",
    "atiende.search.tickets.SearchHooks",  # the search index, in the same transaction
    "atiende.selfservice.hooks.BotHooks",  # the first-responder bot, after commit (decision 0032)
    "atiende.replycheck.hooks.CoachingHooks",  # each sent reply checked after commit, for coaching
    # Last: the events it sends describe the ticket as the subscribers before it left it.
    "atiende.webhooks.hooks.WebhookHooks",
]
# Facts features know about a ticket that rules may name (atiende/tickets/facts.py; decision 0039).
TICKET_FACTS: list[str] = [
    "atiende.assets.facts.WarrantyFacts",  # "warranty": what the ticket is about is covered
    # "satisfaction" (1–5) and "satisfaction_comment" (yes/no): the latest answer (decision 0044).
    "atiende.feedback.facts.SatisfactionFacts",
]
# Fields feature apps add to the API's ticket resource (atiende/tickets/resource.py).
TICKET_RESOURCE_PARTS: list[str] = ["atiende.feedback.resource.SatisfactionPart"]
# --- Outcomes, metrics and satisfaction surveys (docs/decisions/0036-outcomes-and-csat.md) ---------
REALLY_SOLVED_DAYS = env_int("REALLY_SOLVED_DAYS", 7)  # a solve not reopened this long is really solved
CSAT_DELAY_MINUTES = env_int("CSAT_DELAY_MINUTES", 60)  # the default; the admin may set another
CSAT_LINK_DAYS = env_int("CSAT_LINK_DAYS", 30)  # a survey link works this long after it was sent
# NPS (decision 0044): a contact is asked at most once in NPS_INTERVAL_DAYS, never within
# NPS_CSAT_GAP_DAYS of a CSAT survey sent to them; the link works NPS_LINK_DAYS.
NPS_INTERVAL_DAYS = env_int("NPS_INTERVAL_DAYS", 90)
NPS_CSAT_GAP_DAYS = env_int("NPS_CSAT_GAP_DAYS", 7)
NPS_LINK_DAYS = env_int("NPS_LINK_DAYS", 30)
# The engine behind `TicketFilters.text` (atiende/tickets/text_search.py; decision 0028).
TICKET_TEXT_SEARCH = "atiende.search.tickets.TicketSearch"
# What `atiende search reindex` rebuilds, per kind of document: a callable(batch, progress) -> count.
SEARCH_REINDEXERS: dict[str, str] = {
    "article": "atiende.kb.services.articles_reindex",
    "ticket": "atiende.search.tickets.tickets_reindex_all",
}
# The same for changes of organizations (atiende/customers/hooks.py).
CUSTOMER_HOOKS: list[str] = [
    "atiende.sla.hooks.SlaCustomerHooks",
]
# --- Outbound webhooks (docs/decisions/0023-outbound-webhooks.md) ----------------------------------
# Receivers on loopback or private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are
# refused unless this is on (a self-hosted receiver, tests); link-local and metadata never pass.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)  # connect, each read, and the whole attempt
WEBHOOK_MAX_RESPONSE_BYTES = env_int("WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024)  # read no more of an answer
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)  # a delivery is retried this long, then given up
# A subscription with no successful delivery for this long is disabled and the administrators mailed.
WEBHOOK_DISABLE_AFTER_HOURS = env_int("WEBHOOK_DISABLE_AFTER_HOURS", 24)
WEBHOOK_LOG_RETENTION_DAYS = env_int("WEBHOOK_LOG_RETENTION_DAYS", 30)  # finished deliveries and their attempts
# --- Live chat widget ------------------------------------------------------------------------
# Dotted paths of callables offered each new chat before a person (atiende.chat.services.
# first_responders_offer). The knowledge base's bot is registered here; it answers only while an
# administrator has it on for the chat (Django admin → First responder bot; decision 0032).
CHAT_FIRST_RESPONDERS: list[str] = ["atiende.selfservice.bot.chat_first_responder"]
# The address customers reach this service at (scheme and host): links in words sent outside a
# request, such as the first-responder bot's article links and the survey links in mail.
PUBLIC_URL = env_str("PUBLIC_URL", "http://localhost:8000")
# --- Email channel ----------------------------------------------------------------------------
MAIL_MAX_MESSAGE_BYTES = env_int("MAIL_MAX_MESSAGE_BYTES", 35 * 1024 * 1024)
MAIL_THREAD_WINDOW_DAYS = env_int("MAIL_THREAD_WINDOW_DAYS", 14)  # "Re: same subject" from the same sender
MAIL_AUTO_REPLIES_PER_HOUR = env_int("MAIL_AUTO_REPLIES_PER_HOUR", 5)  # per address: loops stop by themselves
MAIL_INBOUND_SECRET = env_str("MAIL_INBOUND_SECRET")  # the HTTP inbound endpoint is off while empty
SITE_NAME = env_str("SITE_NAME", "Soporte")
MAIL_CC_AGENTS_COLLABORATE = env_bool("MAIL_CC_AGENTS_COLLABORATE", default=True)  # agents in Cc are offered to the ticket
# The receiving MTA's name in its Authentication-Results headers (comma-separated when several):
# set, a sender that fails its DMARC/SPF/DKIM checks is "unverified" (docs/operations.md). Unset: off.
MAIL_TRUSTED_AUTHSERV_ID = env_list("MAIL_TRUSTED_AUTHSERV_ID", [])
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_MAX_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
WHITENOISE_USE_FINDERS = DEBUG

# --- Mail -----------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "soporte@atiende.localhost")
# Replies to customers come from this address; its local part carries the signed reply token.
MAIL_SUPPORT_ADDRESS = env_str("MAIL_SUPPORT_ADDRESS", DEFAULT_FROM_EMAIL)
if EMAIL_URL:
    _mail = parse_email_url(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _mail.host, _mail.port
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _mail.user, _mail.password
    EMAIL_USE_TLS, EMAIL_USE_SSL = _mail.use_tls, _mail.use_ssl
else:
    # Kept in the database; admins read it under "Outbox" in the Django admin.
    EMAIL_BACKEND = "atiende.core.mail.OutboxBackend"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("BEHIND_TLS_PROXY")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "atiende.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["atiende.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "atiende.api.parsers.JSONParser",  # depth-limited; refuses NUL and lone surrogates
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "atiende.api.errors.exception_handler",
    # Per user (or per address when anonymous); Redis-backed in production, so shared by processes.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_USER", "6000/min"),
        "anon": env_str("API_RATE_ANON", "300/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "atiende API",
    "DESCRIPTION": "REST API of atiende, the Spanish-first helpdesk.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error envelope and its statuses on every operation (atiende/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "atiende.api.schema.document_errors"],
}
IDEMPOTENCY_KEY_TTL_HOURS = 24

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # httpx logs every request's URL at INFO, and Telegram's Bot API has the bot token in it.
        "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"},
    },
}


def _refuse_unsafe_production() -> None:
    problems = []
    if DEBUG:
        problems.append("DEBUG is on (unset DEBUG or set DEBUG=false)")
    if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is not set or shorter than {MIN_SECRET_KEY_LENGTH} characters")
    if USING_SQLITE:
        problems.append("the database is SQLite (set DATABASE_URL=postgres://…)")
    if not REDIS_URL:
        # Several web processes need Redis to share live updates, rate limits and background work.
        problems.append("REDIS_URL is not set (set REDIS_URL=redis://…)")
    if problems:
        raise ImproperlyConfigured(
            "atiende refuses to start with ATIENDE_ENV=production because " + "; ".join(problems) + "."
        )


if PRODUCTION:
    _refuse_unsafe_production()
CSRF_FAILURE_VIEW = "atiende.core.errors.csrf_failure"
