"""The report selector: a movement and one of its rounds (or all of them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    movement_id = SelectField(_l("Phong trào thi đua"), coerce=_int_or_none, validate_choice=False,
                              validators=[InputRequired(_l("Vui lòng chọn phong trào thi đua."))])
    round_id = SelectField(_l("Đợt khen thưởng"), coerce=_int_or_none, validators=[Optional()], validate_choice=False)

    def set_choices(self, movements) -> None:
        self.movement_id.choices = [SelectChoice(m.id, f"{m.name} {m.period_label or ''}".strip()) for m in movements]
        self.round_id.choices = [SelectChoice("", _l("Tất cả các đợt"))] + [
            SelectChoice(r.id, r.name, optgroup=m.name) for m in movements for r in m.rounds
        ]
