"""Forms of decisions: preparation, approval, numbering, issue, revocation."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(v, label) for v, label in pairs]


class PrepareForm(FlaskForm):
    title = StringField("Trích yếu", validators=[Optional(), Length(max=500, message="Dài quá %(max)d ký tự.")])
    decision_date = DateField("Ngày quyết định (dự kiến)",
                              validators=[DataRequired("Vui lòng nhập ngày quyết định (ngày/tháng/năm).")])
    achievement_phrase = TextAreaField("Thành tích (câu ghi trong Điều 1)", validators=[Optional(), Length(max=2000, message="Dài quá %(max)d ký tự.")])
    fund_source = StringField("Nguồn kinh phí", validators=[Optional(), Length(max=255, message="Dài quá %(max)d ký tự.")])
    signer_id = SelectField("Người ký", coerce=int, choices=[], validate_choice=False, validators=[Optional()])
    proposal_number = StringField("Số tờ trình", validators=[Optional(), Length(max=40, message="Dài quá %(max)d ký tự.")])
    proposal_date = DateField("Ngày tờ trình", validators=[Optional()])


class VersionForm(FlaskForm):
    version = IntegerField(validators=[InputRequired("Thiếu phiên bản quyết định.")])


class ReasonForm(VersionForm):
    reason = TextAreaField("Lý do", validators=[DataRequired("Vui lòng nhập lý do."), Length(max=5000, message="Dài quá %(max)d ký tự.")])


class NumberForm(VersionForm):
    decision_date = DateField("Ngày ký quyết định", validators=[DataRequired("Vui lòng nhập ngày ký quyết định.")])
    source = SelectField("Cách lấy số", choices=choices([("register", "Cấp số tiếp theo trong sổ đăng ký"),
                                                         ("e-office", "Ghi số do hệ thống văn bản điện tử cấp")]))
    number = IntegerField("Số do hệ thống văn bản điện tử cấp", validators=[Optional(), NumberRange(min=1)])


class IssueForm(VersionForm):
    decision_date = DateField("Ngày ký quyết định", validators=[Optional()])
    scan = FileField("Bản quyết định đã ký (PDF)", validators=[FileRequired("Vui lòng chọn tệp PDF bản đã ký.")])


class AwardRevokeForm(FlaskForm):
    reason = TextAreaField("Lý do thu hồi", validators=[DataRequired("Vui lòng nhập lý do thu hồi."),
                                                        Length(max=5000, message="Dài quá %(max)d ký tự.")])
