"""Forms of the register: the search filters (GET), the public verification form (GET) and the
public comment form (POST, CSRF-protected)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from email_validator import EmailNotValidError, validate_email
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..models import RECIPIENT_KIND_LABELS
from ..models.public_comments import COMMENT_BODY_MAX, COMMENT_CONTACT_MAX, COMMENT_NAME_MAX


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class RegisterSearchForm(FlaskForm):
    """Filters of the register, read from the query string (no CSRF: a GET that changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Tên người, tập thể, hộ gia đình"), validators=[Optional(), Length(max=120, message=_l("Dài quá %(max)s ký tự."))],
                    description=_l("Gõ có dấu hoặc không dấu, ví dụ: nguyen van an"))
    citizen_id = StringField(
        _l("Số định danh cá nhân"), validators=[Optional(), Regexp(r"^\d{12}$", message=_l("Số định danh gồm đúng 12 chữ số."))]
    )
    unit_id = SelectField(_l("Đơn vị"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    award_form_id = SelectField(_l("Hình thức"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    year = SelectField(_l("Năm quyết định"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    movement_id = SelectField(_l("Phong trào"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    kind = SelectField(_l("Đối tượng"), validate_choice=False, choices=[SelectChoice("", _l("Tất cả"))] + [SelectChoice(k.value, _l(v)) for k, v in RECIPIENT_KIND_LABELS.items()],
                       validators=[Optional()])
    status = SelectField(_l("Tình trạng"), validate_choice=False, choices=[SelectChoice("", _l("Tất cả")), SelectChoice("active", _l("Còn hiệu lực")),
                                  SelectChoice("revoked", _l("Đã thu hồi, hủy"))],
                         validators=[Optional()])

    def set_choices(self, choices) -> None:
        def options(pairs):
            return [SelectChoice("", _l("Tất cả"))] + [SelectChoice(value, label) for value, label in pairs]

        self.unit_id.choices = options(choices.units)
        self.award_form_id.choices = options(choices.forms)
        self.year.choices = options((y, str(y)) for y in choices.years)
        self.movement_id.choices = options(choices.movements)


class VerifyForm(FlaskForm):
    """Public certificate verification: the code printed on the Bằng khen / Giấy khen."""

    class Meta:
        csrf = False

    code = StringField(_l("Mã xác minh"), validators=[Length(max=64, message=_l("Mã xác minh quá dài."))],
                       description=_l("Mã in dưới mã QR trên Bằng khen, Giấy khen."))


# A Vietnamese phone number: 0 or +84 then 9 or 10 digits; spaces, dots and dashes are ignored.
_PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def normalise_contact(value: str | None) -> str | None:
    """An e-mail address (normalised) or a phone number (digits only), or None when empty.

    :raise ValueError: the value is neither."""
    value = (value or "").strip()
    if not value:
        return None
    if "@" in value:
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError(value) from None
    phone = re.sub(r"[\s.\-()]", "", value)
    if _PHONE.match(phone):
        return phone
    raise ValueError(value)


def _contact_valid(form, field) -> None:
    try:
        normalise_contact(field.data)
    except ValueError:
        raise ValidationError(_l("Số điện thoại hoặc thư điện tử không hợp lệ, ví dụ: 0912345678 hoặc "
                                 "ten@example.vn. Có thể để trống.")) from None


class PublicCommentForm(FlaskForm):
    """A comment from the public on a posted list (one form per dossier; the nominee is optional)."""

    nominee_id = SelectField(_l("Góp ý về"), coerce=_int_or_none, validate_choice=False, validators=[Optional()])
    commenter_name = StringField(
        _l("Họ và tên người góp ý"), filters=[_strip],
        validators=[DataRequired(message=_l("Vui lòng nhập họ và tên người góp ý.")),
                    Length(max=COMMENT_NAME_MAX, message=_l("Dài quá %(max)s ký tự."))])
    contact = StringField(
        _l("Số điện thoại hoặc thư điện tử (không bắt buộc)"), filters=[_strip],
        validators=[Length(max=COMMENT_CONTACT_MAX, message=_l("Dài quá %(max)s ký tự.")), _contact_valid],
        description=_l("Để cơ quan thường trực liên hệ khi cần làm rõ ý kiến; không công khai."))
    body = TextAreaField(
        _l("Nội dung ý kiến"), filters=[_strip],
        validators=[DataRequired(message=_l("Vui lòng nhập nội dung ý kiến.")),
                    Length(max=COMMENT_BODY_MAX, message=_l("Nội dung ý kiến dài quá %(max)s ký tự."))])

    def set_nominees(self, nominees) -> None:
        self.nominee_id.choices = [SelectChoice("", _l("Cả danh sách của hồ sơ"))] + [
            SelectChoice(str(n.id), n.name) for n in nominees]
