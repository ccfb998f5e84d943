"""Forms of the unit's dossier pages. Field shape only: the nominee rules (required fields per
kind, citizen ID, birth year, allowed forms...) live in services.dossiers.clean_nominee_data,
shared with the Excel import, and their messages are put back on these fields."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..models import ATTACHMENT_KIND_LABELS, GENDER_LABELS


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(v, label) for v, label in pairs]


class VersionForm(FlaskForm):
    """Every POST on a dossier carries the version it was loaded with (optimistic locking)."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired("Bắt buộc nhập.")])


class DossierCreateForm(FlaskForm):
    round_id = SelectField("Đợt khen thưởng", coerce=int, validators=[InputRequired("Bắt buộc nhập.")])
    award_form_id = SelectField("Hình thức khen thưởng của hồ sơ", coerce=int, validators=[InputRequired("Bắt buộc nhập.")])
    title = StringField("Tên hồ sơ", validators=[DataRequired("Bắt buộc nhập."), Length(max=255, message="Dài quá %(max)d ký tự.")])
    summary = TextAreaField("Ghi chú", validators=[Optional(), Length(max=8000, message="Dài quá %(max)d ký tự.")])


class DossierEditForm(VersionForm):
    title = StringField("Tên hồ sơ", validators=[DataRequired("Bắt buộc nhập."), Length(max=255, message="Dài quá %(max)d ký tự.")])
    summary = TextAreaField("Ghi chú", validators=[Optional(), Length(max=8000, message="Dài quá %(max)d ký tự.")])


GENDER_CHOICES = [("", "— Chọn —")] + [(g.value, label) for g, label in GENDER_LABELS.items()]



class NomineeForm(VersionForm):
    name = StringField("Tên / họ và tên")
    gender = SelectField("Giới tính", choices=choices(GENDER_CHOICES), validate_choice=False)
    birth_year = StringField("Năm sinh")
    position_title = StringField("Chức vụ")
    workplace = StringField("Nơi công tác")
    citizen_id = StringField("Số CCCD (12 chữ số, không bắt buộc)")
    ethnicity = StringField("Dân tộc")
    is_leader = BooleanField("Là lãnh đạo, quản lý")
    posthumous = BooleanField("Truy tặng")
    address = StringField("Địa chỉ")
    hamlet = StringField("Thôn, xóm, tổ dân phố")
    contribution = TextAreaField("Nội dung đóng góp (công sức, đất đai, tài sản...)")
    contribution_value = StringField("Giá trị đóng góp quy ra tiền (đồng)")
    award_form_id = SelectField("Hình thức đề nghị", coerce=int, validate_choice=False)
    achievements = TextAreaField("Tóm tắt thành tích")
    report_background = TextAreaField("")
    report_duties = TextAreaField("")
    report_achievements = TextAreaField("")
    report_awards = TextAreaField("")

    NOMINEE_KEYS = ("name", "gender", "birth_year", "position_title", "workplace", "citizen_id", "ethnicity",
                    "is_leader", "posthumous", "address", "hamlet", "contribution", "contribution_value",
                    "award_form_id", "achievements")

    def nominee_data(self) -> dict:
        return {k: getattr(self, k).data for k in self.NOMINEE_KEYS}

    def report_data(self) -> dict:
        return {k: getattr(self, f"report_{k}").data for k in ("background", "duties", "achievements", "awards")}


LABELS_BY_KIND = {
    "collective": {"name": "Tên tập thể", "address": "Địa chỉ / đơn vị cấp trên trực tiếp"},
    "individual": {"name": "Họ và tên"},
    "household": {"name": "Họ và tên chủ hộ", "address": "Địa chỉ (xã, phường)", "gender": "Giới tính chủ hộ"},
}


class AttachmentForm(VersionForm):
    kind = SelectField("Loại tài liệu", choices=choices((k.value, v) for k, v in ATTACHMENT_KIND_LABELS.items()))
    nominee_id = SelectField("Báo cáo thành tích của", coerce=int, validate_choice=False, default=0)
    file = FileField("Tệp (PDF, DOCX, XLSX, JPG, PNG)", validators=[FileRequired("Vui lòng chọn tệp.")])


class ImportForm(VersionForm):
    file = FileField("Tệp Excel (.xlsx) theo mẫu", validators=[FileRequired("Vui lòng chọn tệp.")])


class TransitionForm(VersionForm):
    comment = TextAreaField("Ý kiến", validators=[Optional(), Length(max=4000, message="Dài quá %(max)d ký tự.")])
