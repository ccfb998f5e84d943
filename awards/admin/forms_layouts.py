"""The form of an award form's layout on pre-printed blanks: the paper, then one row per printed
field (printed or not, position and width in mm, font size, alignment). Fields check that each
number is a number; whether the whole fits the blank is checked by documents.overlay."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField

from ..documents.overlay import (
    ALIGNMENT_LABELS, ALIGNMENTS, OVERLAY_FIELDS, ORIENTATION_LABELS, ORIENTATIONS, PAGE_SIZE_LABELS, FieldPlacement,
    OverlayLayout,
)
from .forms import DateVNField, DecimalVNField, Required, SelectVNField


MM_REQUIRED = _l("Vui lòng nhập số milimét, ví dụ 30 hoặc 12,5.")


class QrPlacementForm(Form):
    printed = BooleanField(_l("In"))
    x_mm = DecimalVNField(_l("Cách mép trái (mm)"), validators=[Required(MM_REQUIRED)])
    y_mm = DecimalVNField(_l("Cách mép trên (mm)"), validators=[Required(MM_REQUIRED)])
    width_mm = DecimalVNField(_l("Cạnh mã QR (mm)"), validators=[Required(MM_REQUIRED)])


class PlacementForm(QrPlacementForm):
    width_mm = DecimalVNField(_l("Bề rộng khung chữ (mm)"), validators=[Required(MM_REQUIRED)])
    font_size_pt = DecimalVNField(_l("Cỡ chữ (pt)"), validators=[Required(_l("Nhập cỡ chữ (pt)."))])
    align = SelectVNField(_l("Căn lề"), coerce=str, choices=[(k, _l(ALIGNMENT_LABELS[k])) for k in ALIGNMENTS],
                          validators=[Required(_l("Chọn căn lề."))])


class CertificateLayoutForm(FlaskForm):
    valid_from = DateVNField(_l("Áp dụng cho các lần in từ ngày"),
                             validators=[Required(_l("Vui lòng nhập ngày bắt đầu áp dụng bố cục."))])
    page_size = SelectVNField(_l("Khổ phôi"), coerce=str, choices=list(PAGE_SIZE_LABELS.items()),
                              validators=[Required(_l("Chọn khổ phôi."))])
    orientation = SelectVNField(_l("Hướng phôi"), coerce=str,
                                choices=[(k, _l(ORIENTATION_LABELS[k])) for k in ORIENTATIONS],
                                validators=[Required(_l("Chọn hướng phôi."))])


for _name in OVERLAY_FIELDS:
    setattr(CertificateLayoutForm, _name, FormField(QrPlacementForm if _name == "qr" else PlacementForm))


def layout_data(layout: OverlayLayout) -> dict:
    """``layout`` as the form's ``data`` (to fill the form)."""
    data: dict = {"page_size": layout.page_size, "orientation": layout.orientation}
    for name in OVERLAY_FIELDS:
        p = layout.placement(name)
        data[name] = {"printed": p.printed, "x_mm": p.x_mm, "y_mm": p.y_mm, "width_mm": p.width_mm}
        if name != "qr":
            data[name].update(font_size_pt=p.font_size_pt, align=p.align)
    return data


def layout_of(form: CertificateLayoutForm) -> OverlayLayout:
    """The layout a validated form describes."""
    fields = {}
    for name in OVERLAY_FIELDS:
        sub = form[name].form
        size = sub.font_size_pt.data if name != "qr" else None
        align = sub.align.data if name != "qr" else None
        fields[name] = FieldPlacement(bool(sub.printed.data), sub.x_mm.data, sub.y_mm.data, sub.width_mm.data,
                                      size, align)
    return OverlayLayout(form.page_size.data, form.orientation.data, fields)
