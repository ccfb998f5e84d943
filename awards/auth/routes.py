from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import confirm_login, current_user, login_required, login_user, logout_user

from ..authz import mark_fresh
from ..db import db
from ..extensions import limiter
from ..i18n import tr
from ..services import accounts, audit
from ..services.passwords import verify_password
from . import bp
from .forms import ConfirmForm, LoginForm, PasswordChangeForm, ReauthForm


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
            login_user(result.user, remember=form.remember.data,
                       duration=current_app.config["REMEMBER_COOKIE_DURATION"])
            session.permanent = True
            mark_fresh()
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
