"""Forms of council sessions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models import SESSION_KIND_LABELS, SessionKind


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(v, label) for v, label in pairs]


class SessionForm(FlaskForm):
    kind = SelectField("Loại phiên họp", choices=choices([(k.value, SESSION_KIND_LABELS[k]) for k in SessionKind]),
                       validators=[DataRequired("Bắt buộc nhập.")])
    title = StringField("Tên phiên họp", validators=[DataRequired("Vui lòng nhập tên phiên họp."), Length(max=255, message="Dài quá %(max)d ký tự.")])
    meeting_date = DateField("Ngày họp", validators=[DataRequired("Vui lòng nhập ngày họp (ngày/tháng/năm).")])
    location = StringField("Địa điểm", validators=[Optional(), Length(max=255, message="Dài quá %(max)d ký tự.")])
    agenda_notes = TextAreaField("Nội dung, chương trình họp", validators=[Optional(), Length(max=5000, message="Dài quá %(max)d ký tự.")])
    members = TextAreaField(
        "Thành viên Hội đồng",
        description="Mỗi dòng một người: Họ tên | Chức vụ | TT (ghi TT nếu là thành viên Thường trực).",
        validators=[DataRequired("Vui lòng nhập danh sách thành viên Hội đồng."), Length(max=20000, message="Dài quá %(max)d ký tự.")],
    )


class VersionForm(FlaskForm):
    version = IntegerField(validators=[InputRequired("Thiếu phiên bản.")])


class TallyForm(VersionForm):
    item_id = IntegerField(validators=[InputRequired("Bắt buộc nhập.")])
    yes = IntegerField("Tán thành", validators=[InputRequired("Nhập số phiếu tán thành."), NumberRange(min=0)])
    no = IntegerField("Không tán thành", validators=[InputRequired("Nhập số phiếu không tán thành."),
                                                     NumberRange(min=0)])
    abstain = IntegerField("Không biểu quyết", default=0, validators=[Optional(), NumberRange(min=0)])


class OpinionForm(VersionForm):
    member_id = SelectField("Thành viên vắng mặt", coerce=int, choices=[], validate_choice=False)
    agrees = SelectField("Ý kiến", choices=choices([("yes", "Thống nhất"), ("no", "Không thống nhất"), ("", "Ý kiến khác")]))
    content = TextAreaField("Nội dung ý kiến", validators=[DataRequired("Vui lòng nhập nội dung ý kiến."),
                                                           Length(max=5000, message="Dài quá %(max)d ký tự.")])


class CloseForm(VersionForm):
    conclusion = TextAreaField("Kết luận phiên họp", validators=[Optional(), Length(max=5000, message="Dài quá %(max)d ký tự.")])
    confirm = HiddenField()
