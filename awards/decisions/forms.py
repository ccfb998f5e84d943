"""Forms of decisions: preparation, editing a draft, approval, numbering, issue, revocation; the
number and date of the province's tờ trình to the higher level."""
from __future__ import annotations

from typing import Iterable, Mapping

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField as _DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

TOO_LONG = _l("Dài quá %(max)s ký tự.")


class DateField(_DateField):
    """A date whose parse error is a Vietnamese sentence (WTForms ships no Vietnamese catalogue)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(gettext("Ngày không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm.")) from None


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(v, label) for v, label in pairs]


class PrepareForm(FlaskForm):
    title = StringField(_l("Trích yếu"), validators=[Optional(), Length(max=500, message=TOO_LONG)])
    decision_date = DateField(_l("Ngày quyết định (dự kiến)"),
                              validators=[DataRequired(_l("Vui lòng nhập ngày quyết định (ngày/tháng/năm)."))])
    achievement_phrase = TextAreaField(_l("Thành tích (câu ghi trong Điều 1)"),
                                       validators=[Optional(), Length(max=2000, message=TOO_LONG)])
    fund_source = StringField(_l("Nguồn kinh phí"), validators=[Optional(), Length(max=255, message=TOO_LONG)])
    signer_id = SelectField(_l("Người ký"), coerce=int, choices=[], validate_choice=False, validators=[Optional()])
    proposal_number = StringField(_l("Số tờ trình"), validators=[Optional(), Length(max=40, message=TOO_LONG)])
    proposal_date = DateField(_l("Ngày tờ trình"), validators=[Optional()])


class VersionForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(_l("Thiếu phiên bản quyết định."))])


class DraftForm(VersionForm):
    """The wording of a draft decision and who signs it (the list of awards is read by
    :func:`award_rows`)."""

    title = StringField(_l("Trích yếu"), validators=[DataRequired(_l("Vui lòng nhập trích yếu của quyết định.")),
                                                      Length(max=500, message=TOO_LONG)])
    decision_date = DateField(_l("Ngày quyết định (dự kiến)"),
                              validators=[InputRequired(_l("Vui lòng nhập ngày quyết định (ngày/tháng/năm)."))])
    legal_basis = TextAreaField(_l("Căn cứ (mỗi căn cứ một dòng)"),
                                validators=[DataRequired(_l("Vui lòng nhập ít nhất một dòng căn cứ.")),
                                            Length(max=10000, message=TOO_LONG)], render_kw={"rows": 7})
    proposer = StringField(_l("Theo đề nghị của"),
                           validators=[DataRequired(_l("Vui lòng nhập người đề nghị, ví dụ Giám đốc Sở Nội vụ.")),
                                       Length(max=255, message=TOO_LONG)])
    proposal_number = StringField(_l("Số tờ trình"), validators=[Optional(), Length(max=40, message=TOO_LONG)])
    proposal_date = DateField(_l("Ngày tờ trình"), validators=[Optional()])
    achievement_phrase = TextAreaField(_l("Thành tích (câu ghi trong Điều 1)"),
                                       validators=[Optional(), Length(max=2000, message=TOO_LONG)],
                                       render_kw={"rows": 3})
    fund_source = StringField(_l("Nguồn kinh phí"), validators=[Optional(), Length(max=255, message=TOO_LONG)])
    # Checked by the service (one of the authority's active signers), with a message that says so.
    signer_id = SelectField(_l("Người ký"), coerce=int, choices=[], validate_choice=False, validators=[Optional()])
    copy_to = TextAreaField(_l("Nơi nhận (mỗi nơi một dòng, dòng cuối «Lưu: …»)"),
                            validators=[Optional(), Length(max=5000, message=TOO_LONG)], render_kw={"rows": 6})

    def validate_proposal_date(self, field):
        if field.data and self.decision_date.data and field.data > self.decision_date.data:
            raise ValidationError(_l("Ngày tờ trình không được sau ngày quyết định."))


def award_rows(formdata: Mapping, award_ids: Iterable[int]) -> tuple[dict[int, int], set[int], list[str]]:
    """The list of awards of the draft form: (place within its group per award id, ids taken off,
    errors). Fields ``order-<id>`` (a positive whole number) and ``remove-<id>`` (a checkbox)."""
    order: dict[int, int] = {}
    remove: set[int] = set()
    errors: list[str] = []
    for i, award_id in enumerate(award_ids, 1):
        raw = (formdata.get(f"order-{award_id}") or "").strip()
        if raw:
            if raw.isdigit() and 1 <= int(raw) <= 100_000:
                order[award_id] = int(raw)
            else:
                errors.append(gettext("Dòng %(n)s: thứ tự phải là số nguyên dương (1, 2, 3…).", n=i))
        if formdata.get(f"remove-{award_id}"):
            remove.add(award_id)
    return order, remove, errors


class ReasonForm(VersionForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Vui lòng nhập lý do.")),
                                                    Length(max=5000, message=TOO_LONG)])


NUMBER_SOURCES = choices([
    ("register", _l("Cấp số tiếp theo trong sổ đăng ký")),
    ("e-office", _l("Ghi số do hệ thống văn bản điện tử cấp")),
])


class NumberForm(VersionForm):
    decision_date = DateField(_l("Ngày ký quyết định"),
                              validators=[DataRequired(_l("Vui lòng nhập ngày ký quyết định."))])
    source = SelectField(_l("Cách lấy số"), choices=NUMBER_SOURCES)
    number = IntegerField(_l("Số do hệ thống văn bản điện tử cấp"), validators=[
        Optional(), NumberRange(min=1, message=_l("Số quyết định phải là số nguyên dương.")),
    ])


class WholeNumberField(IntegerField):
    """A whole number whose parse error is a Vietnamese sentence."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(gettext("Số phải là số nguyên (ví dụ 12), không có chữ hay dấu.")) from None


class UpwardNumberForm(FlaskForm):
    """The văn thư's number and date of the province's signed tờ trình to the higher level (one
    form per upward award form on the page: build it with ``prefix=upward_number_prefix(form_id)``)."""

    proposal_date = DateField(_l("Ngày tờ trình"),
                              validators=[InputRequired(_l("Vui lòng nhập ngày tờ trình (ngày/tháng/năm)."))])
    source = SelectField(_l("Cách lấy số"), choices=NUMBER_SOURCES)
    number = WholeNumberField(_l("Số do hệ thống văn bản điện tử cấp (nếu có)"), validators=[
        Optional(), NumberRange(min=1, message=_l("Số tờ trình phải là số nguyên dương.")),
    ])

    def validate_source(self, field):
        typed = bool((self.number.raw_data or [""])[0].strip())
        if field.data == "e-office" and not typed:
            raise ValidationError(_l("Vui lòng nhập số do hệ thống văn bản điện tử cấp."))
        if field.data == "register" and typed:
            raise ValidationError(_l("Đã chọn cấp số tiếp theo trong sổ đăng ký nhưng lại nhập số: hãy chọn «Ghi "
                                     "số do hệ thống văn bản điện tử cấp» hoặc xóa số đã nhập."))


def upward_number_prefix(form_id: int) -> str:
    return f"ttr{form_id}"


class IssueForm(VersionForm):
    decision_date = DateField(_l("Ngày ký quyết định"), validators=[Optional()])
    scan = FileField(_l("Bản quyết định đã ký (PDF)"),
                     validators=[FileRequired(_l("Vui lòng chọn tệp PDF bản đã ký."))])


class AwardRevokeForm(FlaskForm):
    reason = TextAreaField(_l("Lý do thu hồi"), validators=[DataRequired(_l("Vui lòng nhập lý do thu hồi.")),
                                                            Length(max=5000, message=TOO_LONG)])
