from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=64, message=_l("Dài quá %(max)s ký tự."))])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=128, message=_l("Dài quá %(max)s ký tự."))])


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")), Length(max=128, message=_l("Dài quá %(max)s ký tự."))])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))])
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu mới."))])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")), EqualTo("new", _l("Hai mật khẩu mới không khớp nhau."))],
    )


class ConfirmForm(FlaskForm):
    """An empty form: a POST button protected by CSRF."""
