"""Layouts on pre-printed blanks: each field's frame, font size and alignment, the paper, fields
left out, the checks that keep every printed field inside the blank."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from docx.oxml.ns import qn

from awards.documents.build_templates import build_certificate_overlay
from awards.documents.certificates import render_certificates, sample_certificates
from awards.documents.docx_render import TemplateError, load_template
from awards.documents.overlay import (
    FIELD_LABELS, OVERLAY_FIELDS, OverlayLayout, default_layout, validate_layout, with_field,
)
from awards.models import LAYOUT_FIELDS

from . import open_docx, text_of, xml_part


def frames(blob: bytes) -> dict[str, list]:
    """field -> [(paragraph, framePr)] in page order, named by the text each frame prints."""
    document = open_docx(blob)
    out: dict[str, list] = {}
    for p in document.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        frame = ppr.find(qn("w:framePr")) if ppr is not None else None
        if frame is not None:
            out.setdefault(text_of(p) or "<image>", []).append((p, frame))
    return out


def style(p) -> tuple[str | None, set[str], str | None]:
    """(the paragraph's jc, the run sizes in half-points, the paragraph mark's size)."""
    ppr = p.find(qn("w:pPr"))
    jc = ppr.find(qn("w:jc"))
    sizes = {r.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) for r in p.iter(qn("w:r"))}
    mark = ppr.find(qn("w:rPr")).find(qn("w:sz"))
    return (jc.get(qn("w:val")) if jc is not None else None), sizes, mark.get(qn("w:val"))


def page_size(blob: bytes) -> tuple[str, str, str | None]:
    size = open_docx(blob).element.body.find(qn("w:sectPr")).find(qn("w:pgSz"))
    return size.get(qn("w:w")), size.get(qn("w:h")), size.get(qn("w:orient"))


def test_the_model_lists_the_same_fields_and_every_field_has_a_label():
    assert LAYOUT_FIELDS == OVERLAY_FIELDS
    assert set(FIELD_LABELS) == set(OVERLAY_FIELDS)


def test_the_built_in_template_is_built_from_the_layout_defaults():
    """The committed template and the defaults an administrator starts from are one geometry."""
    def body(blob: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            return zf.read("word/document.xml")

    assert body(build_certificate_overlay()) == body(load_template("certificate_overlay"))


def test_default_layout_reproduces_the_template():
    items = sample_certificates(2)
    plain = frames(render_certificates(items, mode="overlay"))
    placed_blob = render_certificates(items, mode="overlay", layout=default_layout())
    placed = frames(placed_blob)
    assert plain.keys() == placed.keys() and len(plain) >= 10
    for text, pairs in plain.items():
        for (p0, f0), (p1, f1) in zip(pairs, placed[text]):
            attrs = ("x", "y", "hAnchor", "vAnchor") + (() if text == "<image>" else ("w",))
            assert [f0.get(qn(f"w:{a}")) for a in attrs] == [f1.get(qn(f"w:{a}")) for a in attrs], text
            if text != "<image>":
                assert style(p0) == style(p1), text
    assert page_size(placed_blob) == ("16838", "11906", "landscape")


def test_positions_sizes_alignment_paper_and_left_out_fields_are_in_the_xml():
    items = sample_certificates(2)
    layout = with_field(default_layout(), "recipient", x_mm=Decimal("20.5"), y_mm=Decimal("150"),
                        width_mm=Decimal("160"), font_size_pt=Decimal("20.5"), align="right")
    layout = with_field(layout, "qr", printed=False)
    layout = with_field(layout, "achievement", printed=False)
    layout = replace(layout, orientation="portrait")
    for name in ("recipient_detail", "decision_line", "serial", "verification_code", "place_date", "signer_title",
                 "signer_name"):
        layout = with_field(layout, name, x_mm=Decimal(10), width_mm=Decimal(150))
    layout = with_field(layout, "serial", font_size_pt=Decimal(10))
    assert validate_layout(layout) == []
    blob = render_certificates(items, mode="overlay", layout=layout)
    found = frames(blob)
    for item in items:
        (p, frame), = found[item.recipient]
        assert (frame.get(qn("w:x")), frame.get(qn("w:y")), frame.get(qn("w:w"))) == (
            str(round(20.5 * 56.7)), str(round(150 * 56.7)), str(round(160 * 56.7)))
        assert frame.get(qn("w:hAnchor")) == frame.get(qn("w:vAnchor")) == "page"
        assert style(p) == ("right", {"41"}, "41")
        (p, frame), = found[item.serial]
        assert frame.get(qn("w:x")) == str(round(10 * 56.7)) and style(p) == ("left", {"20"}, "20")
        # a size left as the template has it keeps the template's paragraph mark (14 pt)
        (p, frame), = found[item.verification_code]
        assert frame.get(qn("w:x")) == str(round(10 * 56.7)) and style(p) == ("left", {"24"}, "28")
    assert "<image>" not in found and not open_docx(blob).inline_shapes  # no QR printed
    assert not any(item.achievement in text for text in found for item in items)
    assert page_size(blob) == ("11906", "16838", None)
    assert xml_part(blob).count("<w:pageBreakBefore/>") == 1


def test_a3_and_the_qr_side():
    layout = replace(with_field(default_layout(), "qr", width_mm=Decimal(30)), page_size="A3")
    blob = render_certificates(sample_certificates(1), mode="overlay", layout=layout)
    assert page_size(blob) == ("23811", "16838", "landscape")
    (shape,) = open_docx(blob).inline_shapes
    assert abs(shape.width - 30 * 36000) < 36000 // 10
    (_, frame), = frames(blob)["<image>"]
    assert frame.get(qn("w:w")) == str(round(30 * 56.7))


def test_text_stays_literal_in_the_xml():
    evil = '<script>alert("x")</script> & Co <w:t>'
    item = replace(sample_certificates(1)[0], recipient=evil, recipient_detail="A & B > C")
    blob = render_certificates([item], mode="overlay", layout=default_layout())
    assert evil in frames(blob) and "A & B > C" in frames(blob)
    xml = xml_part(blob)
    assert "<script>" not in xml and "&lt;script&gt;" in xml


def messages(layout: OverlayLayout) -> str:
    return "\n".join(validate_layout(layout))


def test_validation_says_what_to_fix():
    d = default_layout()
    assert validate_layout(d) == []
    text = messages(with_field(d, "recipient", x_mm=Decimal(70)))  # 70 + 237 > 297
    assert "Tên người, tập thể được khen" in text and "vượt ra ngoài chiều ngang của phôi (297 mm)" in text
    text = messages(with_field(d, "signer_name", y_mm=Decimal("205.5")))  # 14 pt ≈ 4.9 mm below 205.5
    assert "Họ tên người ký" in text and "chiều dọc của phôi (210 mm)" in text
    assert "phải từ 0 đến 1000 mm" in messages(with_field(d, "serial", x_mm=Decimal(-1)))
    assert "bước 0,5 pt" in messages(with_field(d, "serial", font_size_pt=Decimal("12.3")))
    assert "từ 6 đến 72 pt" in messages(with_field(d, "serial", font_size_pt=Decimal(80)))
    assert "0,1 mm" in messages(with_field(d, "serial", y_mm=Decimal("153.25")))
    assert "cạnh mã QR phải từ 10 đến 100 mm (hiện là 5 mm)" in messages(with_field(d, "qr", width_mm=Decimal(5)))
    assert "từ 5 đến 1000 mm (hiện là 2 mm)" in messages(with_field(d, "serial", width_mm=Decimal(2)))
    assert "căn lề" in messages(with_field(d, "serial", align="justify"))
    assert "«In»" in messages(with_field(d, "recipient", printed=False))
    assert "A5" in messages(replace(d, page_size="A5"))
    assert "ngang hoặc dọc" in messages(replace(d, orientation="diagonal"))
    # A field left out is not placed, so it may lie beyond the paper; one printed may not.
    assert validate_layout(with_field(d, "qr", printed=False, y_mm=Decimal(400))) == []
    assert "phải từ 0 đến 1000 mm" in messages(with_field(d, "qr", printed=False, y_mm=Decimal(5000)))
    assert with_field(d, "serial", x_mm=12.5).placement("serial").x_mm == Decimal("12.5")
    portrait = messages(replace(d, orientation="portrait"))
    assert "chiều ngang của phôi (210 mm)" in portrait and portrait.count("\n") >= 3


def test_an_invalid_layout_is_refused_by_the_renderer():
    with pytest.raises(TemplateError, match="chiều ngang"):
        render_certificates(sample_certificates(1), mode="overlay",
                            layout=with_field(default_layout(), "recipient", x_mm=Decimal(100)))
    with pytest.raises(ValueError):
        render_certificates(sample_certificates(1), layout=default_layout())
    with pytest.raises(ValueError):
        render_certificates(sample_certificates(1), mode="overlay", layout=default_layout(),
                            positions={"recipient": (1, 2)})
