from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import confirm_login, current_user, login_required, login_user, logout_user

from ..authz import mark_fresh
from ..db import db
from ..extensions import limiter
from ..i18n import tr
from ..models import utcnow
from ..services import accounts, audit
from ..services.passwords import verify_password
from . import bp
from .forms import ConfirmForm, LoginForm, PasswordChangeForm, ReauthForm


# When the session began (a timestamp, set at login). The session ends PERMANENT_SESSION_LIFETIME
# later however it is used: Flask re-signs the cookie, with a new expiry, whenever the session
# changes (a flash, the language, a fresh login), which alone would push the end back.
LOGIN_AT_KEY = "login_at"


@bp.before_app_request
def _end_session_after_lifetime():
    if "_user_id" not in session:
        return None
    now = utcnow().timestamp()
    started = session.get(LOGIN_AT_KEY)
    if started is None:  # a session from before this check: it counts from now
        session[LOGIN_AT_KEY] = now
    elif now - started > current_app.permanent_session_lifetime.total_seconds():
        logout_user()
        _clear_session()  # the view then runs anonymously: a protected page leads to the login
    return None


# Set at login when an administrator set the password (accounts.must_change_password): until the
# user picks their own, every page but these leads to the password form. The flag lives in the
# signed session; a reset or a change bumps the session version, so it cannot outlive either.
MUST_CHANGE_KEY = "must_change_password"
MUST_CHANGE_ALLOWED = {"auth.password", "auth.logout", "auth.logout_everywhere", "auth.language", "auth.login",
                       "static"}


def _flash_must_change() -> None:
    flash(gettext("Mật khẩu của bạn do quản trị viên đặt lại. Vui lòng đổi mật khẩu trước khi tiếp tục."),
          "warning")


@bp.before_app_request
def _require_password_change():
    if (session.get(MUST_CHANGE_KEY) and request.endpoint not in MUST_CHANGE_ALLOWED
            and current_user.is_authenticated):
        _flash_must_change()
        return redirect(url_for("auth.password"))
    return None


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("dashboard.index")


def _clear_session() -> None:
    """A fresh session (no fixation), keeping only the interface language the person chose."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "login:" + (request.form.get("username") or "").strip().lower()[:64]


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_username_key, deduct_when=_failed)
def login():
    """Đăng nhập."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(db.session, form.username.data, form.password.data)
        db.session.commit()
        if result.user is not None:
            _clear_session()
            # No "remember me": a session ends 8 hours after login (config.PERMANENT_SESSION_LIFETIME).
            login_user(result.user, remember=False)
            session.permanent = True
            session[LOGIN_AT_KEY] = utcnow().timestamp()
            mark_fresh()
            if result.must_change_password:
                session[MUST_CHANGE_KEY] = True
                _flash_must_change()
                return redirect(url_for("auth.password"))
            return redirect(_safe_next(request.args.get("next")))
        flash(tr(result.message), "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
def reauthenticate():
    """Xác nhận lại mật khẩu trước thao tác quan trọng."""
    form = ReauthForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
            confirm_login()
            mark_fresh()
            audit.record(db.session, "reauthenticated", actor=current_user, obj=current_user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        audit.record(db.session, "reauthentication_failed", actor=current_user, obj=current_user)
        db.session.commit()
        flash(gettext("Mật khẩu không đúng."), "danger")
    return render_template("auth/reauthenticate.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Đăng xuất."""
    audit.record(db.session, "logout", actor=current_user, obj=current_user)
    db.session.commit()
    logout_user()
    _clear_session()
    flash(gettext("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """Đăng xuất khỏi mọi thiết bị."""
    accounts.logout_everywhere(db.session, current_user)
    db.session.commit()
    logout_user()
    _clear_session()
    flash(gettext("Bạn đã đăng xuất khỏi mọi thiết bị."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Đổi mật khẩu."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        problems = accounts.change_password(
            db.session, current_user, form.current.data, form.new.data,
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
        if problems:
            db.session.rollback()
            for p in problems:
                flash(tr(p), "danger")
        else:
            db.session.commit()
            login_user(current_user._get_current_object(), fresh=True)
            session.pop(MUST_CHANGE_KEY, None)
            mark_fresh()
            flash(gettext("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form, logout_form=ConfirmForm())


@bp.route("/language/<lang>", methods=["POST"])
def language(lang: str):
    """Chọn ngôn ngữ giao diện."""
    if lang in ("vi", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))
