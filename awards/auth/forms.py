from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập."), Length(max=64, message="Dài quá %(max)d ký tự.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=128, message="Dài quá %(max)d ký tự.")])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class ReauthForm(FlaskForm):
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=128, message="Dài quá %(max)d ký tự.")])


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới.")])
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[DataRequired("Vui lòng nhập lại mật khẩu mới."), EqualTo("new", "Hai mật khẩu mới không khớp nhau.")],
    )


class ConfirmForm(FlaskForm):
    """An empty form: a POST button protected by CSRF."""
