"""Forms of the unit's dossier pages. Field shape only: the nominee rules (required fields per
kind, citizen ID, birth year, allowed forms...) live in services.dossiers.clean_nominee_data,
shared with the Excel import, and their messages are put back on these fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
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

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired(_l("Bắt buộc nhập."))])


class DossierCreateForm(FlaskForm):
    round_id = SelectField(_l("Đợt khen thưởng"), coerce=int, validators=[InputRequired(_l("Bắt buộc nhập."))])
    award_form_id = SelectField(_l("Hình thức khen thưởng của hồ sơ"), coerce=int, validators=[InputRequired(_l("Bắt buộc nhập."))])
    title = StringField(_l("Tên hồ sơ"), validators=[DataRequired(_l("Bắt buộc nhập.")), Length(max=255, message=_l("Dài quá %(max)s ký tự."))])
    summary = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=8000, message=_l("Dài quá %(max)s ký tự."))])


class DossierEditForm(VersionForm):
    title = StringField(_l("Tên hồ sơ"), validators=[DataRequired(_l("Bắt buộc nhập.")), Length(max=255, message=_l("Dài quá %(max)s ký tự."))])
    summary = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=8000, message=_l("Dài quá %(max)s ký tự."))])


GENDER_CHOICES = [("", _l("— Chọn —"))] + [(g.value, _l(label)) for g, label in GENDER_LABELS.items()]



class NomineeForm(VersionForm):
    name = StringField(_l("Tên / họ và tên"))
    gender = SelectField(_l("Giới tính"), choices=choices(GENDER_CHOICES), validate_choice=False)
    birth_year = StringField(_l("Năm sinh"))
    position_title = StringField(_l("Chức vụ"))
    workplace = StringField(_l("Nơi công tác"))
    citizen_id = StringField(_l("Số CCCD (12 chữ số, không bắt buộc)"))
    ethnicity = StringField(_l("Dân tộc"))
    is_leader = BooleanField(_l("Là lãnh đạo, quản lý"))
    posthumous = BooleanField(_l("Truy tặng"))
    address = StringField(_l("Địa chỉ"))
    hamlet = StringField(_l("Thôn, xóm, tổ dân phố"))
    contribution = TextAreaField(_l("Nội dung đóng góp (công sức, đất đai, tài sản...)"))
    contribution_value = StringField(_l("Giá trị đóng góp quy ra tiền (đồng)"))
    award_form_id = SelectField(_l("Hình thức đề nghị"), coerce=int, validate_choice=False)
    achievements = TextAreaField(_l("Tóm tắt thành tích"))
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
    "collective": {"name": _l("Tên tập thể"), "address": _l("Địa chỉ / đơn vị cấp trên trực tiếp")},
    "individual": {"name": _l("Họ và tên")},
    "household": {"name": _l("Họ và tên chủ hộ"), "address": _l("Địa chỉ (xã, phường)"), "gender": _l("Giới tính chủ hộ")},
}


class AttachmentForm(VersionForm):
    kind = SelectField(_l("Loại tài liệu"), choices=choices((k.value, _l(v)) for k, v in ATTACHMENT_KIND_LABELS.items()))
    nominee_id = SelectField(_l("Báo cáo thành tích của"), coerce=int, validate_choice=False, default=0)
    file = FileField(_l("Tệp (PDF, DOCX, XLSX, JPG, PNG)"), validators=[FileRequired(_l("Vui lòng chọn tệp."))])


class ImportForm(VersionForm):
    file = FileField(_l("Tệp Excel (.xlsx) theo mẫu"), validators=[FileRequired(_l("Vui lòng chọn tệp."))])


class TransitionForm(VersionForm):
    comment = TextAreaField(_l("Ý kiến"), validators=[Optional(), Length(max=4000, message=_l("Dài quá %(max)s ký tự."))])
