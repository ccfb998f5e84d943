"""Forms of the register: the search filters (GET) and the public verification form (GET)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from ..models import RECIPIENT_KIND_LABELS


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
