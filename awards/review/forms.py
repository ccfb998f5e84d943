"""Forms of the board's queue and appraisal page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..models import OUTCOME_LABELS, NomineeOutcome


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as SelectChoice objects (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(v, label) for v, label in pairs]


class FireForm(FlaskForm):
    """One workflow transition of a dossier; the version guards against concurrent changes."""

    transition = HiddenField(validators=[DataRequired(_l("Thiếu thao tác."))])
    version = IntegerField(validators=[InputRequired(_l("Thiếu phiên bản hồ sơ."))])
    comment = TextAreaField(_l("Ý kiến / lý do"), validators=[Optional(), Length(max=5000, message=_l("Dài quá %(max)s ký tự."))])
    central_result = StringField(_l("Số, ngày văn bản kết quả của cấp trên"), validators=[Optional(), Length(max=255, message=_l("Dài quá %(max)s ký tự."))])


class OutcomeForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(_l("Thiếu phiên bản."))])
    outcome = SelectField(
        _l("Kết quả thẩm định"),
        choices=choices([(o.value, _l(OUTCOME_LABELS[o])) for o in (NomineeOutcome.eligible, NomineeOutcome.ineligible,
                                                                 NomineeOutcome.other_form)]),
        validators=[DataRequired(_l("Vui lòng chọn kết quả thẩm định."))],
    )
    reason = TextAreaField(_l("Lý do / nhận xét"), validators=[Optional(), Length(max=2000, message=_l("Dài quá %(max)s ký tự."))])
    other_form_id = SelectField(_l("Hình thức đề nghị thay thế"), coerce=int, choices=[], validate_choice=False,
                                validators=[Optional()])
    return_reason = TextAreaField(_l("Nội dung đơn vị cần bổ sung (nếu trả hồ sơ)"),
                                  validators=[Optional(), Length(max=2000, message=_l("Dài quá %(max)s ký tự."))])


class OpinionForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(_l("Thiếu phiên bản hồ sơ."))])
    opinion = TextAreaField(_l("Ý kiến thẩm định"), validators=[DataRequired(_l("Vui lòng nhập ý kiến thẩm định.")),
                                                            Length(max=10000, message=_l("Dài quá %(max)s ký tự."))])


class BulkForm(FlaskForm):
    """Several dossiers (``id:version`` values) and one transition; confirmed on a second page."""

    transition = HiddenField(validators=[DataRequired(_l("Thiếu thao tác."))])
    comment = TextAreaField(_l("Ý kiến"), validators=[Optional(), Length(max=5000, message=_l("Dài quá %(max)s ký tự."))])
    confirm = HiddenField()
