"""Where the text lands on a pre-printed blank (phôi in sẵn).

An office buys certificate blanks with the design already printed and prints only the variable
text onto them: the overlay template (templates/docx/certificate_overlay.docx) holds one framed
paragraph per field. An ``OverlayLayout`` says, for each field, whether it is printed, where its
frame sits (mm from the blank's top-left corner), how wide it is, the font size and the alignment,
and the blank's paper size and orientation. ``apply_layout`` moves the template's frames before
rendering (certificates.render_certificates); ``validate_layout`` lists every reason a layout
cannot be used, in Vietnamese. No database, no Flask: the layouts themselves are data an
administrator edits (awards.models.certificate_layouts).

``default_layout()`` is the built-in template's own geometry, so starting from it reproduces
what the template prints unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterator, Mapping

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from workflows.messages import Msg

__all__ = [
    "ALIGNMENTS", "DEFAULT_OVERLAY_POSITIONS", "FIELD_LABELS", "OVERLAY_FIELDS", "OVERLAY_STYLE", "ORIENTATIONS",
    "PAGE_SIZES", "FieldPlacement", "OverlayLayout", "apply_layout", "default_layout", "framed_fields",
    "move_frame", "validate_layout", "with_field",
]

#: Twips per millimetre for frame positions (the value the built-in template was made with).
MM_TWIPS = 56.7
#: Paper sizes (portrait width, height) in mm and in twips (Word's own values).
PAGE_SIZES: dict[str, tuple[int, int]] = {"A4": (210, 297), "A3": (297, 420)}
_PAGE_TWIPS: dict[str, tuple[int, int]] = {"A4": (11906, 16838), "A3": (16838, 23811)}
ORIENTATIONS: tuple[str, ...] = ("landscape", "portrait")
ALIGNMENTS: tuple[str, ...] = ("left", "center", "right")
PT_MM = Decimal("25.4") / 72

#: The printed fields, in the order the form lists them: (x mm, y mm, frame width mm) of the
#: built-in template on an A4 landscape blank (297 × 210 mm); for the QR code, the third value is
#: the frame width of the template (the code itself is QR_SIZE_MM wide).
DEFAULT_OVERLAY_POSITIONS: dict[str, tuple[float, float, float]] = {
    "recipient": (30.0, 88.0, 237.0),
    "recipient_detail": (30.0, 101.0, 237.0),
    "achievement": (45.0, 112.0, 207.0),
    "decision_line": (25.0, 146.0, 110.0),
    "serial": (25.0, 153.0, 110.0),
    "verification_code": (25.0, 160.0, 110.0),
    "qr": (25.0, 167.0, 30.0),
    "place_date": (165.0, 142.0, 110.0),
    "signer_title": (165.0, 150.0, 110.0),
    "signer_name": (165.0, 182.0, 110.0),
}
OVERLAY_FIELDS: tuple[str, ...] = tuple(DEFAULT_OVERLAY_POSITIONS)
#: The built-in template's text style per field: (alignment, size pt, bold, italic).
OVERLAY_STYLE: dict[str, tuple[str, float, bool, bool]] = {
    "recipient": ("center", 24, True, False),
    "recipient_detail": ("center", 15, False, True),
    "achievement": ("center", 15, False, False),
    "decision_line": ("left", 12, False, False),
    "serial": ("left", 12, True, False),
    "verification_code": ("left", 12, False, False),
    "qr": ("left", 12, False, False),
    "place_date": ("center", 14, False, True),
    "signer_title": ("center", 14, True, False),
    "signer_name": ("center", 14, True, False),
}
#: The QR code's side on blanks (mm).
QR_SIZE_MM = 22

FIELD_LABELS: dict[str, Msg] = {
    "recipient": Msg("Tên người, tập thể được khen"),
    "recipient_detail": Msg("Chức vụ, đơn vị, địa chỉ"),
    "achievement": Msg("Dòng thành tích"),
    "decision_line": Msg("Số và ngày quyết định"),
    "serial": Msg("Số vào sổ (số hiệu bằng)"),
    "verification_code": Msg("Mã xác minh"),
    "qr": Msg("Mã QR"),
    "place_date": Msg("Địa danh, ngày tháng"),
    "signer_title": Msg("Chức danh người ký"),
    "signer_name": Msg("Họ tên người ký"),
}
PAGE_SIZE_LABELS = {"A4": "A4 (210 × 297 mm)", "A3": "A3 (297 × 420 mm)"}
ORIENTATION_LABELS = {"landscape": Msg("Ngang"), "portrait": Msg("Dọc")}
ALIGNMENT_LABELS = {"left": Msg("Trái"), "center": Msg("Giữa"), "right": Msg("Phải")}

MIN_TEXT_WIDTH, MIN_QR, MAX_QR, MAX_MM = Decimal(5), Decimal(10), Decimal(100), Decimal(1000)
MIN_FONT, MAX_FONT = Decimal(6), Decimal(72)


@dataclass(frozen=True)
class FieldPlacement:
    """One printed field: its frame's top-left corner and width in mm; the QR code's side for
    ``qr`` (which has no font size or alignment)."""

    printed: bool
    x_mm: Decimal
    y_mm: Decimal
    width_mm: Decimal
    font_size_pt: Decimal | None = None
    align: str | None = None

    def __post_init__(self) -> None:
        for name in ("x_mm", "y_mm", "width_mm", "font_size_pt"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Decimal):
                object.__setattr__(self, name, Decimal(str(value)))


@dataclass(frozen=True)
class OverlayLayout:
    page_size: str = "A4"
    orientation: str = "landscape"
    fields: Mapping[str, FieldPlacement] = field(default_factory=dict)

    @property
    def page_mm(self) -> tuple[int, int]:
        """(width, height) of the blank in mm, orientation applied."""
        w, h = PAGE_SIZES.get(self.page_size, PAGE_SIZES["A4"])
        return (h, w) if self.orientation == "landscape" else (w, h)

    def placement(self, name: str) -> FieldPlacement:
        """The field's placement; the built-in one for a field the layout does not list."""
        return self.fields.get(name) or default_layout().fields[name]


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def default_layout() -> OverlayLayout:
    """The built-in overlay template's geometry: A4 landscape, every field printed."""
    fields = {}
    for name, (x, y, w) in DEFAULT_OVERLAY_POSITIONS.items():
        align, size, _bold, _italic = OVERLAY_STYLE[name]
        if name == "qr":
            fields[name] = FieldPlacement(True, _d(x), _d(y), _d(QR_SIZE_MM))
        else:
            fields[name] = FieldPlacement(True, _d(x), _d(y), _d(w), _d(size), align)
    return OverlayLayout("A4", "landscape", fields)


def with_field(layout: OverlayLayout, name: str, **changes: Any) -> OverlayLayout:
    """A copy of ``layout`` with one field's placement changed."""
    return replace(layout, fields={**layout.fields, name: replace(layout.placement(name), **changes)})


# --------------------------------------------------------------------------- validation


def _mm(value: Decimal) -> str:
    """12.5 -> "12,5" (Vietnamese decimal mark), 30.0 -> "30"."""
    return format(value.normalize(), "f").replace(".", ",")


def _one_decimal(value: Decimal) -> bool:
    return value == value.quantize(Decimal("0.1"))


def _field_errors(name: str, p: FieldPlacement, page_w: int, page_h: int) -> list[Msg]:
    label = FIELD_LABELS[name]
    errors: list[Msg] = []
    numbers = [p.x_mm, p.y_mm, p.width_mm] + ([p.font_size_pt] if p.font_size_pt is not None else [])
    if any(not v.is_finite() for v in numbers):
        return [Msg("%(field)s: vui lòng nhập số đo bằng chữ số.", field=label)]
    if not (0 <= p.x_mm <= MAX_MM and 0 <= p.y_mm <= MAX_MM):
        errors.append(Msg("%(field)s: vị trí ngang và dọc tính từ góc trên bên trái của phôi, phải từ 0 đến "
                          "%(max)s mm.", field=label, max=_mm(MAX_MM)))
    if not all(_one_decimal(v) for v in (p.x_mm, p.y_mm, p.width_mm)):
        errors.append(Msg("%(field)s: số đo ghi tối đa một chữ số sau dấu phẩy (chính xác đến 0,1 mm).",
                          field=label))
    if name == "qr":
        if not MIN_QR <= p.width_mm <= MAX_QR:
            errors.append(Msg("%(field)s: cạnh mã QR phải từ %(min)s đến %(max)s mm (hiện là %(value)s mm).",
                              field=label, min=_mm(MIN_QR), max=_mm(MAX_QR), value=_mm(p.width_mm)))
        height = p.width_mm
    else:
        if not MIN_TEXT_WIDTH <= p.width_mm <= MAX_MM:
            errors.append(Msg("%(field)s: bề rộng khung chữ phải từ %(min)s đến %(max)s mm (hiện là %(value)s mm).",
                              field=label, min=_mm(MIN_TEXT_WIDTH), max=_mm(MAX_MM), value=_mm(p.width_mm)))
        size = p.font_size_pt
        if size is None or not MIN_FONT <= size <= MAX_FONT or size * 2 != (size * 2).to_integral():
            errors.append(Msg("%(field)s: cỡ chữ phải từ %(min)s đến %(max)s pt, theo bước 0,5 pt.",
                              field=label, min=_mm(MIN_FONT), max=_mm(MAX_FONT)))
        if p.align not in ALIGNMENTS:
            errors.append(Msg("%(field)s: hãy chọn căn lề trái, giữa hoặc phải.", field=label))
        height = (size if size is not None else MIN_FONT) * PT_MM
    if errors or not p.printed:
        return errors
    if p.x_mm + p.width_mm > page_w:
        errors.append(Msg("%(field)s: từ %(x)s mm, rộng %(w)s mm, vượt ra ngoài chiều ngang của phôi (%(page)s mm); "
                          "hãy giảm vị trí ngang hoặc bề rộng.",
                          field=label, x=_mm(p.x_mm), w=_mm(p.width_mm), page=page_w))
    if p.y_mm + height > page_h:
        errors.append(Msg("%(field)s: dòng chữ ở %(y)s mm, cao khoảng %(h)s mm, vượt ra ngoài chiều dọc của phôi "
                          "(%(page)s mm); hãy giảm vị trí dọc hoặc cỡ chữ.",
                          field=label, y=_mm(p.y_mm), h=_mm(height.quantize(Decimal("0.1"))), page=page_h))
    return errors


def validate_layout(layout: OverlayLayout) -> list[Msg]:
    """Every reason ``layout`` cannot be printed (empty when it can): paper size and orientation
    known, every field with numbers in range, every printed field inside the blank, the
    recipient's name printed."""
    errors: list[Msg] = []
    if layout.page_size not in PAGE_SIZES:
        errors.append(Msg("Khổ phôi «%(size)s» không được hỗ trợ; hãy chọn A4 hoặc A3.", size=layout.page_size))
    if layout.orientation not in ORIENTATIONS:
        errors.append(Msg("Hãy chọn hướng của phôi: ngang hoặc dọc."))
    unknown = sorted(set(layout.fields) - set(OVERLAY_FIELDS))
    if unknown:
        errors.append(Msg("Không có trường «%(name)s» để đặt vị trí trên phôi.", name=unknown[0]))
    if errors:
        return errors
    page_w, page_h = layout.page_mm
    for name in OVERLAY_FIELDS:
        errors += _field_errors(name, layout.placement(name), page_w, page_h)
    if not layout.placement("recipient").printed:
        errors.append(Msg("Bằng khen phải in tên người, tập thể được khen; hãy đánh dấu «In» cho trường «%(field)s».",
                          field=FIELD_LABELS["recipient"]))
    return errors


# --------------------------------------------------------------------------- applying to a template


_FIELD = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


def _twips(mm: Any) -> str:
    """Whole twips, cut like the template builder's (build_templates.frame_pr)."""
    return str(int(round(float(mm) * MM_TWIPS, 6)))


def _child(parent: Any, tag: str, before: tuple[str, ...] = ()) -> Any:
    """``parent``'s child ``tag``, created (before the first of ``before`` present) if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        anchor = next((parent.find(qn(b)) for b in before if parent.find(qn(b)) is not None), None)
        if anchor is not None:
            anchor.addprevious(found)
        else:
            parent.append(found)
    return found


_AFTER_SZ = ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
             "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_JC = ("w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
             "w:rPr", "w:sectPr", "w:pPrChange")


def _set_size(rpr: Any, half: str) -> None:
    for tag in ("w:sz", "w:szCs"):
        _child(rpr, tag, before=_AFTER_SZ).set(qn("w:val"), half)


def move_frame(frame: Any, x_mm: Any, y_mm: Any, width_mm: Any = None) -> None:
    """Anchor a frame (w:framePr) to the page at (x, y) mm, ``width_mm`` wide when given."""
    frame.set(qn("w:hAnchor"), "page")
    frame.set(qn("w:vAnchor"), "page")
    frame.set(qn("w:x"), _twips(x_mm))
    frame.set(qn("w:y"), _twips(y_mm))
    for attr in ("w:xAlign", "w:yAlign"):
        frame.attrib.pop(qn(attr), None)
    if width_mm is not None:
        frame.set(qn("w:w"), _twips(width_mm))


def _place(p: Any, frame: Any, name: str, spot: FieldPlacement) -> None:
    move_frame(frame, spot.x_mm, spot.y_mm, spot.width_mm)
    if name == "qr" or spot.font_size_pt is None:
        return
    ppr = p.find(qn("w:pPr"))
    _child(ppr, "w:jc", before=_AFTER_JC).set(qn("w:val"), spot.align or "left")
    runs = list(p.iter(qn("w:r")))
    half = str(int(spot.font_size_pt * 2))
    if all(r.find(qn("w:rPr")) is not None and r.find(qn("w:rPr")).find(qn("w:sz")) is not None
           and r.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == half for r in runs):
        return  # the template's own size: its paragraph mark (and so the line height) stays as it is
    # A new size: the paragraph mark takes it too, so the line is as high as the text and the
    # text's top stays at the frame's top whatever the size.
    _set_size(_child(ppr, "w:rPr", before=("w:sectPr", "w:pPrChange")), half)
    for r in runs:
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            r.insert(0, rpr)
        _set_size(rpr, half)


def _set_page(body: Any, layout: OverlayLayout) -> None:
    w, h = _PAGE_TWIPS[layout.page_size]
    if layout.orientation == "landscape":
        w, h = h, w
    for sect in body.iter(qn("w:sectPr")):
        size = _child(sect, "w:pgSz", before=("w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType",
                                              "w:pgNumType", "w:cols", "w:titlePg", "w:docGrid"))
        size.set(qn("w:w"), str(w))
        size.set(qn("w:h"), str(h))
        if layout.orientation == "landscape":
            size.set(qn("w:orient"), "landscape")
        else:
            size.attrib.pop(qn("w:orient"), None)


def framed_fields(document: Any) -> Iterator[tuple[str, Any, Any]]:
    """(field, paragraph, framePr) of each framed paragraph of the template that prints a
    placeholder ``{{ field }}`` (a list: the caller may remove paragraphs)."""
    found = []
    for p in document.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        frame = ppr.find(qn("w:framePr")) if ppr is not None else None
        if frame is None:
            continue
        match = _FIELD.search("".join(t.text or "" for t in p.iter(qn("w:t"))))
        if match:
            found.append((match.group(1), p, frame))
    return iter(found)


def apply_layout(document: Any, layout: OverlayLayout) -> None:
    """Move, restyle or drop the template's framed paragraphs and set the paper size."""
    body = document.element.body
    for name, p, frame in framed_fields(document):
        if name not in OVERLAY_FIELDS:
            continue
        spot = layout.placement(name)
        if not spot.printed:
            p.getparent().remove(p)
        else:
            _place(p, frame, name, spot)
    _set_page(body, layout)
