"""The awards application package: ``create_app`` builds everything; nothing reads config at import."""
from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, request, session
from flask_babel import gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_from_env

from .extensions import babel, csrf, db, limiter, login_manager
from .pagecache import init_page_cache

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (
    "auth", "dashboard", "dossiers", "review", "council", "decisions", "registry", "reports",
    "notifications", "admin", "errors",
)


def create_app(config: Config | type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` is a Config instance or class, or a mapping of overrides."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    _load_config(app, config)

    db.init_app(app)
    init_page_cache(app)
    _init_login(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    from . import models  # noqa: F401  (register every table)
    from .i18n import init_i18n
    from .security import init_security
    from .templating import init_templating
    from .workflow import init_workflows

    init_security(app)
    init_templating(app)
    init_i18n(app)
    init_workflows(app)

    import importlib

    from .cli import register_cli

    register_cli(app)
    for name in BLUEPRINTS:
        module = importlib.import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
        # An area may bring its own flask commands: awards/<area>/cli.py with register_cli(app).
        try:
            area_cli = importlib.import_module(f"{__name__}.{name}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}.cli":
                raise
        else:
            area_cli.register_cli(app)
    return app


def _load_config(app: Flask, config: Config | type[Config] | Mapping[str, Any] | None) -> None:
    if config is None:
        cfg: Any = config_from_env()
    elif isinstance(config, type):
        cfg = config()
    else:
        cfg = config
    if isinstance(cfg, Mapping):
        base = config_from_env()
        app.config.from_object(base)
        app.config.update(cfg)
    else:
        app.config.from_object(cfg)
    env = app.config.get("ENV_NAME", "development")
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise RuntimeError("SECRET_KEY must be set in production (AWARDS_ENV=production).")
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
    if env == "production" and len(app.config["SECRET_KEY"]) < 32:
        raise RuntimeError("SECRET_KEY is too short for production: use at least 32 random characters.")
    logging.getLogger("awards").setLevel(logging.INFO)


def _development_secret(instance: Path) -> str:
    """Development keeps a random key in instance/ so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _select_locale() -> str:
    lang = session.get("lang") if request else None
    return lang if lang in ("vi", "en") else "vi"


def N_(text: str) -> str:
    """Marks a text for the catalogue; it is translated where it is shown."""
    return text


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "warning"
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = N_("Thao tác này cần xác nhận lại mật khẩu.")
    login_manager.needs_refresh_message_category = "warning"
    # Both messages are flashed in the request's language (their msgids are the Vietnamese texts).
    login_manager.localize_callback = gettext
    login_manager.session_protection = app.config.get("SESSION_PROTECTION", "strong")

    from .auth.loader import load_user

    login_manager.user_loader(load_user)

    @app.before_request
    def _refuse_remember_cookie() -> None:
        """Sessions end 8 hours after login and there is no "remember me". A remember cookie from
        an earlier version must not sign anyone back in: Flask-Login skips a cookie when the
        session says "clear", and deletes it with the response."""
        name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        if name in request.cookies and "_user_id" not in session:
            session["_remember"] = "clear"
