"""Certificates: one page per recipient in one DOCX, QR per page, overlay mode."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from awards.documents.certificates import (
    DEFAULT_OVERLAY_POSITIONS,
    render_certificates,
    sample_certificates,
)
from awards.documents.docx_render import TemplateError
from awards.documents.qr import qr_matrix

from . import all_paragraphs, find_paragraph, open_docx, xml_part
from .test_qr import decode_png


def qr_from_png(png: bytes) -> list[list[bool]]:
    """Read the module matrix back from our 4-px, 4-module-border PNG."""
    width, _height, pixels = decode_png(png)
    n = width // 4 - 8
    return [[pixels[(r + 4) * 4 + 1][(c + 4) * 4 + 1] == 0 for c in range(n)] for r in range(n)]


@pytest.fixture(scope="module")
def five():
    items = sample_certificates(5)
    return items, render_certificates(items)


def test_one_page_per_recipient(five):
    items, blob = five
    etree.fromstring(xml_part(blob).encode("utf-8"))
    document = open_docx(blob)
    body = document.element.body
    breaks = body.findall(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:pageBreakBefore')}")
    assert len(breaks) == len(items) - 1
    assert len(document.sections) == 1
    section = document.sections[0]
    assert abs(section.page_width - Mm(297)) < Mm(0.5) and abs(section.page_height - Mm(210)) < Mm(0.5)
    text = "\n".join(p.text for p in all_paragraphs(document))
    assert text.count("BẰNG KHEN") == len(items)
    for item in items:
        assert item.serial in text and item.verification_code in text and item.recipient in text


def test_qr_per_page_encodes_its_url(five):
    items, blob = five
    document = open_docx(blob)
    shapes = document.inline_shapes
    assert len(shapes) == len(items)
    seen = set()
    for shape, item in zip(shapes, items):
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        part = document.part.related_parts[rid]
        assert part.content_type == "image/png"
        assert len(part.blob) < 1000
        assert qr_from_png(part.blob) == qr_matrix(item.verify_url)
        seen.add(part.partname)
        assert abs(shape.width - Mm(25)) < Mm(0.1)
    assert len(seen) == len(items)
    ids = re.findall(r'<wp:docPr id="(\d+)"', xml_part(blob))
    assert len(ids) == len(set(ids)) == len(items)


def test_fonts_and_layout(five):
    _, blob = five
    document = open_docx(blob)
    title = find_paragraph(document, "BẰNG KHEN")
    assert title.runs[0].font.bold and title.runs[0].font.size.pt == 40
    for r in document.element.body.iter(qn("w:r")):
        fonts = r.find(qn("w:rPr"))
        if fonts is None or r.find(qn("w:t")) is None:
            continue
        rfonts = fonts.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:cs")) == "Times New Roman"


def test_special_characters():
    item = replace(sample_certificates(1)[0], recipient='Công ty A & B <Tổng> "Út"', achievement="x < y & z")
    document = open_docx(render_certificates([item]))
    assert find_paragraph(document, "Công ty A & B").text == 'Công ty A & B <Tổng> "Út"'
    assert find_paragraph(document, "x < y").text == "x < y & z"


def test_thousand_certificates_one_document():
    items = sample_certificates(1000)
    blob = render_certificates(items)
    document = open_docx(blob)
    assert len(document.inline_shapes) == 1000
    xml = xml_part(blob)
    assert xml.count("<w:pageBreakBefore/>") == 999
    assert len(set(re.findall(r'r:embed="([^"]+)"', xml))) == 1000


def test_overlay_mode_default_positions():
    items = sample_certificates(3)
    blob = render_certificates(items, mode="overlay")
    document = open_docx(blob)
    frames = [
        (p, p._p.pPr.find(qn("w:framePr")))
        for p in all_paragraphs(document)
        if p._p.pPr is not None and p._p.pPr.find(qn("w:framePr")) is not None
    ]
    assert len(frames) == 3 * len(DEFAULT_OVERLAY_POSITIONS)
    assert "BẰNG KHEN" not in "".join(p.text for p, _ in frames)  # only the variable text
    recipient_frames = [f for p, f in frames if p.text == items[0].recipient]
    x, y, w = DEFAULT_OVERLAY_POSITIONS["recipient"]
    assert int(recipient_frames[0].get(qn("w:x"))) == int(x * 56.7)
    assert int(recipient_frames[0].get(qn("w:y"))) == int(y * 56.7)
    assert len(document.inline_shapes) == 3
    assert xml_part(blob).count("<w:pageBreakBefore/>") == 2


def test_overlay_positions_override():
    items = sample_certificates(2)
    blob = render_certificates(items, mode="overlay", positions={"recipient": (50, 70), "qr": (10, 10, 40)})
    document = open_docx(blob)
    for p in all_paragraphs(document):
        frame = p._p.pPr.find(qn("w:framePr")) if p._p.pPr is not None else None
        if frame is not None and p.text == items[1].recipient:
            assert frame.get(qn("w:x")) == str(round(50 * 56.7))
            assert frame.get(qn("w:y")) == str(round(70 * 56.7))
            assert frame.get(qn("w:hAnchor")) == frame.get(qn("w:vAnchor")) == "page"
    with pytest.raises(TemplateError):
        render_certificates(items, mode="overlay", positions={"nonexistent": (1, 2)})
    with pytest.raises(ValueError):
        render_certificates(items, mode="overlay", positions={"recipient": (1,)})


def test_argument_errors():
    items = sample_certificates(1)
    with pytest.raises(ValueError):
        render_certificates(items, mode="poster")
    with pytest.raises(ValueError):
        render_certificates([])
    with pytest.raises(ValueError):
        render_certificates(items, positions={"recipient": (1, 2)})


def test_template_image_is_shared_by_all_pages():
    """An emblem in the template is one image part, whatever the number of pages."""
    import io

    import docx

    from awards.documents.docx_render import load_template
    from awards.documents.qr import qr_png

    document = docx.Document(io.BytesIO(load_template("certificate")))
    document.add_picture(io.BytesIO(qr_png("emblem", box=8)), width=Mm(15))
    buffer = io.BytesIO()
    document.save(buffer)
    items = sample_certificates(4)
    blob = render_certificates(items, template_bytes=buffer.getvalue())
    result = open_docx(blob)
    image_parts = {p.partname for p in result.part.package.iter_parts() if p.content_type == "image/png"}
    assert len(image_parts) == len(items) + 1
    assert len(result.inline_shapes) == 2 * len(items)
    ids = re.findall(r'<wp:docPr id="(\d+)"', xml_part(blob))
    assert len(ids) == len(set(ids)) == 2 * len(items)
