"""Configuration: safe defaults, overridden by environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _database_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the psycopg 3 dialect named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secret_key(instance_path: Path) -> str:
    """Return the secret key stored in instance/, generating it on first use."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class Config:
    """Production-safe defaults; every value can come from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "matchmaker@localhost")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "5"))

    LANGUAGES = ("es", "en")
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Lima"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed log-ins only. Per account: tiers, so each one reached waits longer (a back-off,
    # never a permanent lock). Per client address: higher, a venue's Wi-Fi is one address.
    LOGIN_ACCOUNT_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_LIMIT", "5 per minute; 10 per 15 minutes; 20 per hour")
    LOGIN_ADDRESS_LIMIT = os.environ.get("LOGIN_ADDRESS_LIMIT", "30 per 5 minutes; 500 per day")
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto are then
    # trusted for that many hops, so throttling sees the real client address; 0 = no proxy.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Tie CSRF tokens to the session rather than to one hour: a form left open on a phone
    # during a long fair day must still submit.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "12")) * 1024 * 1024
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "")  # default: instance/uploads
    PASSWORD_RESET_MAX_AGE = 3600 * 2

    # Background jobs (matchmaker/jobs/). The queue: an SQLite file in instance/ by default;
    # redis://… or postgresql://… when workers run on several machines.
    JOBS_QUEUE_URL = os.environ.get("JOBS_QUEUE_URL", "")
    # Enqueue delivery right after a commit that queued mail (a reset link should not wait
    # for the once-a-minute sweep). Tests turn it off to read the outbox before delivery.
    MAIL_SEND_ON_COMMIT = True
    JOBS_IMMEDIATE = False  # run each job inside enqueue() (tests)
    JOB_FILES_FOLDER = os.environ.get("JOB_FILES_FOLDER", "")  # default: instance/job-files
    JOB_FILE_RETENTION_DAYS = int(os.environ.get("JOB_FILE_RETENTION_DAYS", "14"))
    JOB_HEARTBEAT_S = float(os.environ.get("JOB_HEARTBEAT_S", "5"))
    # A running job whose heartbeat is older than this lost its worker.
    JOB_STALE_AFTER_S = int(os.environ.get("JOB_STALE_AFTER_S", "30"))
    JOB_REAP_INTERVAL_S = float(os.environ.get("JOB_REAP_INTERVAL_S", "15"))
    JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))
    # A queued job no worker took for this long is handed to the queue again.
    JOB_REQUEUE_AFTER_S = int(os.environ.get("JOB_REQUEUE_AFTER_S", "600"))
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (an algorithm name, not a password)
    # A phone that queued badge scans offline (lead scanner, entrance desk) keeps their own
    # time when they arrive this many days later: the fair, plus the trip back to a connection.
    OFFLINE_SCAN_MAX_AGE_DAYS = int(os.environ.get("OFFLINE_SCAN_MAX_AGE_DAYS", "14"))
    # A write during a GET request: "raise" (tests, debug) or "log" and leave it uncommitted.
    GET_WRITES = os.environ.get("GET_WRITES", "log")
    # An anonymous lot page found current is served without asking the database again for
    # this long (a QR-scan rush asks once a second per page, not once per scan); 0 = always ask.
    PAGE_CACHE_RECHECK_SECONDS = float(os.environ.get("PAGE_CACHE_RECHECK_SECONDS", "1"))


class TestConfig(Config):
    """Isolated settings for the test suite; the database URL is set by the fixture."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    GET_WRITES = "raise"
    PAGE_CACHE_RECHECK_SECONDS = 0.0  # tests change a lot and look at once
    MAIL_SERVER = ""
    BASE_URL = "http://fair.test"
    RATELIMIT_ENABLED = True
    LOGIN_ACCOUNT_LIMIT = "5 per minute; 8 per hour"
    LOGIN_ADDRESS_LIMIT = "20 per minute"
    SERVER_NAME = None
    MAIL_SEND_ON_COMMIT = False
    JOBS_IMMEDIATE = True
    JOBS_QUEUE_URL = "memory://"
    # Hashing cost is irrelevant to what the tests check and dominates their run time.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
