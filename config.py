"""Configuration classes, read from the environment when the app is built (never at import)."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class Config:
    """Defaults shared by every environment. Values are read in ``__init__`` so that tests and
    the factory see the environment at the time the app is built."""

    ENV_NAME = "development"
    TESTING = False
    DEBUG = False

    def __init__(self) -> None:
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY")
        self.DATABASE_URL = env.get("DATABASE_URL", "sqlite:///instance/awards.db")
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_HEADERS_ENABLED = False
        # Login throttling: per account and per client address.
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per 15 minutes")
        self.VERIFY_RATE_LIMIT = env.get("VERIFY_RATE_LIMIT", "30 per minute")
        # Comments left on the public comment page, per client address.
        self.PUBLIC_COMMENT_RATE_LIMIT = env.get("PUBLIC_COMMENT_RATE_LIMIT", "5 per 10 minutes")
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
        self.LANGUAGES = ("vi", "en")
        # Message ids are the Vietnamese texts; translations/en holds the English catalogue.
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.TIMEZONE = env.get("AWARDS_TIMEZONE", "Asia/Ho_Chi_Minh")
        # Sessions and cookies (ASVS V3): strong protection, short remember-me.
        self.SESSION_PROTECTION = "strong"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = False
        self.SESSION_COOKIE_NAME = "awards_session"
        # A session lasts one working day from login, however busy (an absolute timeout, ASVS
        # V3.3.2); the cookie is re-sent only when the session changes, not on every response.
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
        self.SESSION_REFRESH_EACH_REQUEST = False
        # There is no "remember me": the login form offers none, and a remember cookie left from an
        # earlier version is deleted unused (awards._init_login). These bound it should one return.
        self.REMEMBER_COOKIE_DURATION = timedelta(days=7)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = False
        # A fresh login (re-entering the password) is required within this window for
        # approving, signing and numbering decisions.
        self.FRESH_LOGIN_MINUTES = int(env.get("FRESH_LOGIN_MINUTES", "15"))
        # Review forms can stay open for a long time.
        self.WTF_CSRF_TIME_LIMIT = int(env.get("WTF_CSRF_TIME_LIMIT", str(8 * 3600)))
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024 + 64 * 1024
        self.UPLOAD_MAX_BYTES = int(env.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
        # argon2id cost (OWASP minimum m=19 MiB, t=2, p=1); raising them rehashes at next login.
        self.ARGON2_MEMORY_KIB = int(env.get("ARGON2_MEMORY_KIB", str(64 * 1024)))
        self.ARGON2_TIME_COST = int(env.get("ARGON2_TIME_COST", "3"))
        self.ARGON2_PARALLELISM = int(env.get("ARGON2_PARALLELISM", "2"))
        self.PASSWORD_MIN_LENGTH = int(env.get("PASSWORD_MIN_LENGTH", "12"))
        # E-mail (outbox); with no SMTP host the messages stay queued.
        self.SMTP_HOST = env.get("SMTP_HOST", "")
        self.SMTP_PORT = int(env.get("SMTP_PORT", "25"))
        self.SMTP_USER = env.get("SMTP_USER", "")
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = env.get("SMTP_STARTTLS", "0") == "1"
        self.MAIL_FROM = env.get("MAIL_FROM", "thiduakhenthuong@localhost")
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.SECURITY_HEADERS_HSTS = False
        self.PROXY_FIX = env.get("PROXY_FIX", "0") == "1"
        self.SQL_ECHO = env.get("SQL_ECHO", "0") == "1"
        # Rendered heavy pages per worker, keyed by the data generation (awards/pagecache.py);
        # PAGE_CACHE_SIZE=0 turns the cache off.
        self.PAGE_CACHE_SIZE = int(env.get("PAGE_CACHE_SIZE", "256"))
        self.PAGE_CACHE_TTL = float(env.get("PAGE_CACHE_TTL", "60"))


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False


class TestConfig(Config):
    __test__ = False  # not a pytest test class
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.RATELIMIT_ENABLED = False
        self.WTF_CSRF_ENABLED = False
        # Cheap hashing keeps the suite fast; production parameters are tested separately.
        self.ARGON2_MEMORY_KIB = 8
        self.ARGON2_TIME_COST = 1
        self.ARGON2_PARALLELISM = 1
        self.SERVER_NAME = None


class ProductionConfig(Config):
    ENV_NAME = "production"

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_DURATION = timedelta(days=1)
        self.SECURITY_HEADERS_HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> Config:
    name = os.environ.get("AWARDS_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"AWARDS_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
