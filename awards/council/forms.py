"""Forms of council sessions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models import SESSION_KIND_LABELS, SessionKind


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(v, label) for v, label in pairs]


class SessionForm(FlaskForm):
    kind = SelectField(_l("Loại phiên họp"), choices=choices([(k.value, _l(SESSION_KIND_LABELS[k])) for k in SessionKind]),
                       validators=[DataRequired(_l("Bắt buộc nhập."))])
    title = StringField(_l("Tên phiên họp"), validators=[DataRequired(_l("Vui lòng nhập tên phiên họp.")), Length(max=255, message=_l("Dài quá %(max)s ký tự."))])
    meeting_date = DateField(_l("Ngày họp"), validators=[DataRequired(_l("Vui lòng nhập ngày họp (ngày/tháng/năm)."))])
    location = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=255, message=_l("Dài quá %(max)s ký tự."))])
    agenda_notes = TextAreaField(_l("Nội dung, chương trình họp"), validators=[Optional(), Length(max=5000, message=_l("Dài quá %(max)s ký tự."))])
    members = TextAreaField(
        _l("Thành viên Hội đồng"),
        description=_l("Mỗi dòng một người: Họ tên | Chức vụ | TT (ghi TT nếu là thành viên Thường trực)."),
        validators=[DataRequired(_l("Vui lòng nhập danh sách thành viên Hội đồng.")), Length(max=20000, message=_l("Dài quá %(max)s ký tự."))],
    )


class VersionForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(_l("Thiếu phiên bản."))])


class TallyForm(VersionForm):
    item_id = IntegerField(validators=[InputRequired(_l("Bắt buộc nhập."))])
    yes = IntegerField(_l("Tán thành"), validators=[InputRequired(_l("Nhập số phiếu tán thành.")), NumberRange(min=0)])
    no = IntegerField(_l("Không tán thành"), validators=[InputRequired(_l("Nhập số phiếu không tán thành.")),
                                                     NumberRange(min=0)])
    abstain = IntegerField(_l("Không biểu quyết"), default=0, validators=[Optional(), NumberRange(min=0)])


class OpinionForm(VersionForm):
    member_id = SelectField(_l("Thành viên vắng mặt"), coerce=int, choices=[], validate_choice=False)
    agrees = SelectField(_l("Ý kiến"), choices=choices([("yes", _l("Thống nhất")), ("no", _l("Không thống nhất")), ("", _l("Ý kiến khác"))]))
    content = TextAreaField(_l("Nội dung ý kiến"), validators=[DataRequired(_l("Vui lòng nhập nội dung ý kiến.")),
                                                           Length(max=5000, message=_l("Dài quá %(max)s ký tự."))])


class CloseForm(VersionForm):
    conclusion = TextAreaField(_l("Kết luận phiên họp"), validators=[Optional(), Length(max=5000, message=_l("Dài quá %(max)s ký tự."))])
    confirm = HiddenField()
