"""(Re)generate the built-in Word templates in ``templates/docx/``.

Run from the project root::

    python -m awards.documents.build_templates

The files are committed; an office may open them in Word, restyle them and upload
their version (see ``docx_render.validate_template``). Layout follows Nghị định
30/2020/NĐ-CP Phụ lục I: A4, margins 20/20/30/15 mm, Times New Roman (set for
ascii, hAnsi, eastAsia and cs in the styles and in every run), page numbers centred
at the top, hidden on the first page.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml

from .docx_render import TEMPLATE_DIR
from .overlay import DEFAULT_OVERLAY_POSITIONS, OVERLAY_STYLE
from .overlay import OVERLAY_FIELDS as OVERLAY_FIELD_NAMES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT = "Times New Roman"

CM = 567  # twips per centimetre
MM = 56.7
PT = 20  # twips per point

# A4 portrait and the decree's margins (top/bottom 20, left 30, right 15 mm).
A4_W, A4_H = 11906, 16838
MARGINS = {"top": 1134, "bottom": 1134, "left": 1701, "right": 851, "header": 567, "footer": 567}
TEXT_WIDTH = A4_W - MARGINS["left"] - MARGINS["right"]  # 9354 twips = 16.5 cm

RED = "C00000"


# --------------------------------------------------------------------------- XML helpers


def rpr(size: float = 14, *, bold=False, italic=False, color: str | None = None, underline=False) -> str:
    half = int(round(size * 2))
    return (
        "<w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:i/><w:iCs/>" if italic else "")
        + (f'<w:color w:val="{color}"/>' if color else "")
        + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        + ('<w:u w:val="single"/>' if underline else "")
        + "</w:rPr>"
    )


def run(text: str, size: float = 14, **fmt) -> str:
    return f'<w:r>{rpr(size, **fmt)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(
    runs: str | list[str] = "",
    *,
    align: str = "both",
    before: float = 0,
    after: float = 0,
    line: int = 240,
    line_rule: str = "auto",
    first_line: int = 0,
    left: int = 0,
    right: int = 0,
    keep_next: bool = False,
    keep_lines: bool = False,
    border_bottom: bool = False,
    mark_size: float = 14,
    frame: str = "",
    sect: str = "",
) -> str:
    if isinstance(runs, list):
        runs = "".join(runs)
    ppr = (
        "<w:pPr>"
        + ("<w:keepNext/>" if keep_next else "")
        + ("<w:keepLines/>" if keep_lines else "")
        + frame
        + (
            '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
            if border_bottom
            else ""
        )
        + f'<w:spacing w:before="{int(before * PT)}" w:after="{int(after * PT)}" '
        f'w:line="{line}" w:lineRule="{line_rule}"/>'
        + (
            f'<w:ind w:left="{left}" w:right="{right}" w:firstLine="{first_line}"/>'
            if (left or right or first_line)
            else ""
        )
        + f'<w:jc w:val="{align}"/>'
        + rpr(mark_size)
        + sect
        + "</w:pPr>"
    )
    return f"<w:p>{ppr}{runs}</w:p>"


def tag_para(tag: str) -> str:
    """A paragraph that only holds a docxtpl {%p … %} tag (removed at render time)."""
    return para(run(tag), align="left")


def rule(width_cm: float, container_twips: int) -> str:
    """A short centred horizontal rule: an empty paragraph with a bottom border."""
    side = max(0, int((container_twips - width_cm * CM) / 2))
    return para(
        "", align="center", left=side, right=side, border_bottom=True,
        line=80, line_rule="exact", mark_size=2,
    )


def cell(content: str, width: int, *, span: int = 1, valign: str = "top") -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
        + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
        + f'<w:vAlign w:val="{valign}"/></w:tcPr>{content}</w:tc>'
    )


def row(cells: list[str], *, header=False, cant_split=True) -> str:
    trpr = ("<w:cantSplit/>" if cant_split else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells)}</w:tr>"


def table(widths: list[int], rows: list[str], *, borders: bool, caption: str = "") -> str:
    edge = '"single" w:sz="4" w:space="0" w:color="auto"' if borders else '"nil"'
    border_xml = "".join(
        f"<w:{side} w:val={edge}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:jc w:val="center"/>'
        f"<w:tblBorders>{border_xml}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        + (f'<w:tblCaption w:val="{escape(caption)}"/>' if caption else "")
        + f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def sect_pr(
    *,
    landscape=False,
    margins: dict[str, int] | None = None,
    header_ids: tuple[str, str] | None = None,
    title_page=True,
    restart_numbering=False,
    page_borders: str = "",
) -> str:
    m = margins or MARGINS
    w, h = (A4_H, A4_W) if landscape else (A4_W, A4_H)
    refs = ""
    if header_ids:
        refs = (
            f'<w:headerReference w:type="default" r:id="{header_ids[0]}"/>'
            f'<w:headerReference w:type="first" r:id="{header_ids[1]}"/>'
        )
    return (
        "<w:sectPr>"
        + refs
        + '<w:type w:val="nextPage"/>'
        + f'<w:pgSz w:w="{w}" w:h="{h}"'
        + (' w:orient="landscape"' if landscape else "")
        + "/>"
        + f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" '
        f'w:left="{m["left"]}" w:header="{m["header"]}" w:footer="{m["footer"]}" w:gutter="0"/>'
        + page_borders
        + ('<w:pgNumType w:fmt="decimal" w:start="1"/>' if restart_numbering else "")
        + '<w:cols w:space="720"/>'
        + ("<w:titlePg/>" if title_page else "")
        + '<w:docGrid w:linePitch="360"/>'
        + "</w:sectPr>"
    )


def _fragment(xml: str):
    wrapped = f'<w:body xmlns:w="{W}" xmlns:r="{R}">{xml}</w:body>'
    return list(parse_xml(wrapped))


STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>
<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>
<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/></w:style>
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/>
<w:pPr><w:tabs><w:tab w:val="center" w:pos="4680"/><w:tab w:val="right" w:pos="9360"/></w:tabs><w:jc w:val="center"/></w:pPr>
<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
</w:styles>"""


def _page_number_paragraph() -> str:
    fmt = rpr(14)
    return (
        f'<w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/>{fmt}</w:pPr>'
        f'<w:r>{fmt}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{fmt}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{fmt}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{fmt}<w:t>2</w:t></w:r>"
        f'<w:r>{fmt}<w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


_UNUSED_PARTS = ("stylesWithEffects", "customXml", "numbering", "webSettings", "thumbnail")


def _strip_unused_parts(doc) -> None:
    """Drop what python-docx's default template carries but we never use (438 KB of
    stylesWithEffects, a thumbnail, customXml, numbering)."""
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                rels.pop(rid)
                rels._target_parts_by_rId.pop(rid, None)


def new_document(title: str, *, page_numbers: bool = True):
    """A python-docx Document with our styles; returns (doc, header rIds or None)."""
    doc = Document()
    _strip_unused_parts(doc)
    lang = doc.settings.element.find(f"{{{W}}}themeFontLang")
    if lang is not None:
        lang.attrib.clear()
        lang.set(f"{{{W}}}val", "vi-VN")
    styles_root = doc.styles.element
    fresh = parse_xml(STYLES.encode("utf-8"))
    for child in list(styles_root):
        styles_root.remove(child)
    for child in list(fresh):
        styles_root.append(child)
    body = doc.element.body
    for child in list(body):
        body.remove(child)
    props = doc.core_properties
    props.title = title
    props.author = "awards"
    props.language = "vi-VN"
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    header_ids = None
    if page_numbers:
        body.append(parse_xml(f'<w:sectPr xmlns:w="{W}"/>'))
        section = doc.sections[0]
        section.different_first_page_header_footer = True
        default_header = section.header
        first_header = section.first_page_header
        default_header.is_linked_to_previous = False
        first_header.is_linked_to_previous = False
        hdr = default_header._element
        for child in list(hdr):
            hdr.remove(child)
        hdr.append(parse_xml(f'<w:hdr xmlns:w="{W}">{_page_number_paragraph()}</w:hdr>')[0])
        sect = body.sectPr
        refs = {ref.get(f"{{{W}}}type"): ref.get(f"{{{R}}}id") for ref in sect.findall(f"{{{W}}}headerReference")}
        header_ids = (refs["default"], refs["first"])
        body.remove(sect)
    return doc, header_ids


def finish(doc, body_xml: str, final_sect: str) -> bytes:
    body = doc.element.body
    for child in list(body):
        body.remove(child)
    for element in _fragment(body_xml + final_sect):
        body.append(element)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- shared blocks

HEADER_LEFT = 3402  # 6.0 cm
HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT  # 10.5 cm


def document_header() -> str:
    """Cơ quan ban hành | Quốc hiệu, tiêu ngữ; then Số | địa danh, ngày (borderless table)."""
    left = para(
        [run("{{ authority_parent }}", 13), run("{{ authority_name }}", 13, bold=True)],
        align="center",
    ) + rule(2.0, HEADER_LEFT)
    right = (
        para(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True), align="center")
        + para(run("Độc lập - Tự do - Hạnh phúc", 13, bold=True), align="center")
        + rule(6.0, HEADER_RIGHT)
    )
    number = para([run("Số: ", 13), run("{{ doc_number }}", 13)], align="center", before=6)
    place = para(run("{{ place_date }}", 14, italic=True), align="center", before=6)
    return table(
        [HEADER_LEFT, HEADER_RIGHT],
        [
            row([cell(left, HEADER_LEFT), cell(right, HEADER_RIGHT)]),
            row([cell(number, HEADER_LEFT), cell(place, HEADER_RIGHT)]),
        ],
        borders=False,
        caption="Tiêu đề văn bản",
    )


def body_para(runs: str | list[str], **kw) -> str:
    """Body text: justified, first-line indent 1.27 cm, 6 pt after."""
    kw.setdefault("after", 6)
    return para(runs, align="both", first_line=720, **kw)


def signature_block(left_title: str = "Nơi nhận:") -> str:
    left_w, right_w = 3969, TEXT_WIDTH - 3969  # 7.0 cm | 9.5 cm
    left = (
        para(run(left_title, 12, bold=True, italic=True), align="left", before=6)
        + tag_para("{%p for line in copy_to %}")
        + para(run("- {{ line }}", 11), align="left")
        + tag_para("{%p endfor %}")
    )
    right = para(run("{{ signer_title }}", 14, bold=True), align="center", before=6) + para(
        run("{{ signer_name }}", 14, bold=True), align="center", before=72
    )
    return table(
        [left_w, right_w],
        [row([cell(left, left_w), cell(right, right_w)])],
        borders=False,
        caption="Nơi nhận và chữ ký",
    )


ANNEX_WIDTHS = [737, 3515, TEXT_WIDTH - 737 - 3515]  # 1.3 | 6.2 | 9.0 cm


def annex_table() -> str:
    widths = ANNEX_WIDTHS

    def cell_para(text: str, align: str = "left", bold: bool = False) -> str:
        return para(run(text, 13, bold=bold), align=align, before=2, after=2, mark_size=13)

    header = row(
        [
            cell(cell_para("STT", "center", True), widths[0], valign="center"),
            cell(cell_para("Tên tập thể, họ và tên", "center", True), widths[1], valign="center"),
            cell(cell_para("Chức vụ, đơn vị công tác, địa chỉ", "center", True), widths[2], valign="center"),
        ],
        header=True,
    )
    group = row([cell(cell_para("{{ group.title }}", "left", True), sum(widths), span=3)])
    item = row(
        [
            cell(cell_para("{{ row.stt }}", "center"), widths[0]),
            cell(cell_para("{{ row.name }}"), widths[1]),
            cell(cell_para("{{ row.detail }}"), widths[2]),
        ]
    )
    return table(widths, [header, group, item], borders=True, caption="Danh sách kèm theo")


def annex_heading() -> str:
    return (
        para(run("{{ annex_title }}", 14, bold=True), align="center", keep_next=True)
        + para(run("{{ annex_subtitle }}", 14, bold=True), align="center", keep_next=True)
        + para(run("{{ annex_reference }}", 14, italic=True), align="center", keep_next=True)
        + rule(3.0, TEXT_WIDTH)
        + para("", mark_size=6, line=120, line_rule="exact")
    )


def section_break(sect: str) -> str:
    """The tiny paragraph that ends a section (carries its sectPr)."""
    return para("", align="left", line=20, line_rule="exact", mark_size=1, sect=sect)


# --------------------------------------------------------------------------- templates


def build_decision() -> bytes:
    doc, hdr = new_document("Quyết định khen thưởng")
    xml = (
        document_header()
        + para(run("QUYẾT ĐỊNH", 14, bold=True), align="center", before=18)
        + para(run("{{ title_line }}", 14, bold=True), align="center")
        + rule(4.0, TEXT_WIDTH)
        + para(run("{{ issuer_title }}", 14, bold=True), align="center", before=12, after=12)
        + tag_para("{%p for line in legal_basis %}")
        + body_para(run("{{ line }}", 14, italic=True))
        + tag_para("{%p endfor %}")
        + tag_para("{%p if proposal_line %}")
        + body_para(run("{{ proposal_line }}", 14, italic=True))
        + tag_para("{%p endif %}")
        + para(run("QUYẾT ĐỊNH:", 14, bold=True), align="center", before=6, after=12)
        + body_para(
            [
                run("Điều 1. ", 14, bold=True),
                run(
                    "Tặng {{ award_name }} cho {{ recipients_phrase }} (có danh sách kèm theo), "
                    "{{ achievement }}.",
                    14,
                ),
            ]
        )
        + body_para(
            [
                run("Điều 2. ", 14, bold=True),
                run(
                    "Tiền thưởng kèm theo: {{ money_each }}. Tổng số tiền thưởng: "
                    "{{ total_amount }} đồng (Bằng chữ: {{ total_in_words }}), chi từ {{ fund_source }}.",
                    14,
                ),
            ]
        )
        + body_para(
            [
                run("Điều 3. ", 14, bold=True),
                run(
                    "Quyết định này có hiệu lực kể từ ngày ký. {{ executors }} chịu trách nhiệm "
                    "thi hành Quyết định này./.",
                    14,
                ),
            ],
            keep_next=True,
        )
        + signature_block()
        + section_break(sect_pr(header_ids=hdr))
        + annex_heading()
        + annex_table()
        + para("", mark_size=6)
    )
    return finish(doc, xml, sect_pr(header_ids=hdr, restart_numbering=True))


def build_proposal() -> bytes:
    doc, hdr = new_document("Tờ trình đề nghị khen thưởng")
    xml = (
        document_header()
        + para(run("TỜ TRÌNH", 14, bold=True), align="center", before=18)
        + para(run("{{ title_line }}", 14, bold=True), align="center")
        + rule(4.0, TEXT_WIDTH)
        + para([run("Kính gửi: ", 14), run("{{ addressee }}", 14), run(".", 14)], align="center", before=12, after=12)
        + tag_para("{%p for line in paragraphs %}")
        + body_para(run("{{ line }}", 14))
        + tag_para("{%p endfor %}")
        + signature_block()
        + section_break(sect_pr(header_ids=hdr))
        + annex_heading()
        + annex_table()
        + para("", mark_size=6)
    )
    return finish(doc, xml, sect_pr(header_ids=hdr, restart_numbering=True))


VOTE_WIDTHS = [624, 3062, 1928, 907, 907, 907, TEXT_WIDTH - 624 - 3062 - 1928 - 907 * 3]


def build_minutes() -> bytes:
    doc, hdr = new_document("Biên bản họp Hội đồng Thi đua - Khen thưởng")
    widths = VOTE_WIDTHS

    def cp(text: str, align: str = "center", bold=False) -> str:
        return para(run(text, 12, bold=bold), align=align, before=2, after=2, mark_size=12)

    heads = ["STT", "Tên tập thể, cá nhân, hộ gia đình", "Hình thức đề nghị", "Đồng ý", "Không đồng ý", "Tỷ lệ đồng ý (%)", "Kết quả"]
    header = row([cell(cp(h, bold=True), w, valign="center") for h, w in zip(heads, widths)], header=True)
    fields = ["stt", "name", "form", "agree", "disagree", "percent", "result"]
    aligns = ["center", "left", "left", "center", "center", "center", "center"]
    item = row([cell(cp(f"{{{{ vote.{f} }}}}", a), w) for f, a, w in zip(fields, aligns, widths)])
    votes = table(widths, [header, item], borders=True, caption="Kết quả biểu quyết")
    left_w = TEXT_WIDTH // 2
    signatures = table(
        [left_w, TEXT_WIDTH - left_w],
        [
            row(
                [
                    cell(
                        para(run("{{ secretary_title }}", 14, bold=True), align="center", before=12)
                        + para(run("{{ secretary_name }}", 14, bold=True), align="center", before=72),
                        left_w,
                    ),
                    cell(
                        para(run("{{ chair_title }}", 14, bold=True), align="center", before=12)
                        + para(run("{{ chair_name }}", 14, bold=True), align="center", before=72),
                        TEXT_WIDTH - left_w,
                    ),
                ]
            )
        ],
        borders=False,
        caption="Chữ ký",
    )
    xml = (
        document_header()
        + para(run("BIÊN BẢN", 14, bold=True), align="center", before=18)
        + para(run("{{ title_line }}", 14, bold=True), align="center")
        + rule(4.0, TEXT_WIDTH)
        + body_para([run("Thời gian: ", 14, bold=True), run("{{ meeting_time }}.", 14)], before=12)
        + body_para([run("Địa điểm: ", 14, bold=True), run("{{ meeting_place }}.", 14)])
        + body_para([run("Chủ trì: ", 14, bold=True), run("{{ chair }}.", 14)])
        + body_para([run("Thư ký: ", 14, bold=True), run("{{ secretary }}.", 14)])
        + body_para(run("Thành phần tham dự:", 14, bold=True))
        + tag_para("{%p for line in attendance %}")
        + body_para(run("- {{ line }}", 14))
        + tag_para("{%p endfor %}")
        + body_para(run("{{ quorum_text }}", 14))
        + body_para(run("Nội dung:", 14, bold=True))
        + tag_para("{%p for line in paragraphs %}")
        + body_para(run("{{ line }}", 14))
        + tag_para("{%p endfor %}")
        + body_para([run("Kết quả biểu quyết ", 14, bold=True), run("({{ vote_rule }}):", 14)], keep_next=True)
        + votes
        + body_para(run("{{ conclusion }}", 14), before=6)
        + body_para(run("{{ closing }}", 14), keep_next=True)
        + signatures
        + para("", mark_size=6)
    )
    return finish(doc, xml, sect_pr(header_ids=hdr))


CERT_MARGINS = {"top": 851, "bottom": 851, "left": 851, "right": 851, "header": 454, "footer": 454}
CERT_WIDTH = A4_H - 2 * 851  # landscape text width, 26.7 cm


def _page_borders() -> str:
    side = f'w:val="double" w:sz="18" w:space="20" w:color="{RED}"'
    return (
        '<w:pgBorders w:offsetFrom="page">'
        f"<w:top {side}/><w:left {side}/><w:bottom {side}/><w:right {side}/>"
        "</w:pgBorders>"
    )


def build_certificate() -> bytes:
    doc, _ = new_document("Bằng khen", page_numbers=False)
    left_w = 6520  # 11.5 cm
    right_w = CERT_WIDTH - left_w
    bottom = table(
        [left_w, right_w],
        [
            row(
                [
                    cell(
                        para(run("{{ decision_line }}", 12), align="left", before=18)
                        + para([run("Số vào sổ: ", 12), run("{{ serial }}", 12, bold=True)], align="left")
                        + para([run("Mã xác minh: ", 12), run("{{ verification_code }}", 12, bold=True)], align="left")
                        + para(run("{{ qr }}", 12), align="left", before=4),
                        left_w,
                    ),
                    cell(
                        para(run("{{ place_date }}", 14, italic=True), align="center", before=18)
                        + para(run("{{ signer_title }}", 14, bold=True), align="center")
                        + para(run("{{ signer_name }}", 14, bold=True), align="center", before=66),
                        right_w,
                    ),
                ]
            )
        ],
        borders=False,
        caption="Số vào sổ, mã xác minh và chữ ký",
    )
    xml = (
        para(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True), align="center", before=6)
        + para(run("Độc lập - Tự do - Hạnh phúc", 14, bold=True), align="center")
        + rule(6.2, CERT_WIDTH)
        + para(run("{{ issuer }}", 15, bold=True), align="center", before=14)
        + para(run("TẶNG", 16, bold=True), align="center", before=6)
        + para(run("{{ form_title }}", 40, bold=True, color=RED), align="center", before=4)
        + para(run("{{ recipient }}", 24, bold=True), align="center", before=6)
        + para(run("{{ recipient_detail }}", 15, italic=True), align="center", before=4)
        + para(run("{{ achievement }}", 15), align="center", before=8, left=851, right=851)
        + bottom
    )
    return finish(
        doc,
        xml,
        sect_pr(landscape=True, margins=CERT_MARGINS, title_page=False, page_borders=_page_borders()),
    )


#: The overlay template's frames, one per variable field: (field, alignment, size, bold, italic);
#: their positions and styles come from overlay.DEFAULT_OVERLAY_POSITIONS and OVERLAY_STYLE (mm
#: from the page's top-left corner), the defaults of an administrator's layout.
OVERLAY_FIELDS: list[tuple[str, str, float, bool, bool]] = [
    (name, *OVERLAY_STYLE[name]) for name in OVERLAY_FIELD_NAMES
]


def frame_pr(x_mm: float, y_mm: float, w_mm: float) -> str:
    return (
        f'<w:framePr w:w="{int(w_mm * MM)}" w:hSpace="0" w:wrap="around" '
        f'w:vAnchor="page" w:hAnchor="page" w:x="{int(x_mm * MM)}" w:y="{int(y_mm * MM)}"/>'
    )


def build_certificate_overlay() -> bytes:
    doc, _ = new_document("Bằng khen (in lên phôi)", page_numbers=False)
    xml = ""
    for name, align, size, bold, italic in OVERLAY_FIELDS:
        x, y, w = DEFAULT_OVERLAY_POSITIONS[name]
        xml += para(
            run(f"{{{{ {name} }}}}", size, bold=bold, italic=italic),
            align=align,
            frame=frame_pr(x, y, w),
        )
    # A normal paragraph after the frames: LibreOffice anchors framed paragraphs to the
    # next ordinary one, so each page's frames stay on that page.
    xml += para("", mark_size=2, line=40, line_rule="exact")
    return finish(
        doc, xml, sect_pr(landscape=True, margins=CERT_MARGINS, title_page=False)
    )


BUILDERS = {
    "decision": build_decision,
    "proposal": build_proposal,
    "minutes": build_minutes,
    "certificate": build_certificate,
    "certificate_overlay": build_certificate_overlay,
}


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else TEMPLATE_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        data = build()
        (target / f"{name}.docx").write_bytes(data)
        print(f"{target / (name + '.docx')}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
