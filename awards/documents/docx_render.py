"""DOCX rendering core: docxtpl with autoescape plus two fast paths.

Templates are ordinary Word files in ``templates/docx/`` with Jinja placeholders
(``{{ doc_number }}``, ``{%p for line in legal_basis %}``…), rendered by docxtpl with
``autoescape=True`` so '&', '<', '>' and quotes come out literally.

Fast path 1, *template rows*: a table row whose placeholders all use one row
variable (``{{ row.name }}``, ``{{ group.title }}``) is a row template. It is cut out
of the XML before Jinja runs and compiled once into literal chunks and field slots;
the rows are filled by string joining (values XML-escaped) and spliced into
word/document.xml after the small rest of the document has been rendered and saved,
so the big table is never parsed into an lxml tree. 10,000 annex rows take ~0.4 s,
where python-docx ``add_row()`` takes many seconds (engineering.md §1). An office
can restyle the template row in Word; its formatting is copied to every row.

Fast path 2, *repeated body*: for certificates the whole body (one page) is the
template; it is compiled once, rendered per item and the pages, separated by a
page-break paragraph, are spliced into one document (no docxcompose).

Images (QR codes) are written straight into the package at splice time, one part
and relationship per code; images of the template itself are shared by all pages.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateError as JinjaTemplateError, TemplateSyntaxError, meta
from lxml import etree
from markupsafe import Markup, escape

from workflows.messages import Msg, message_of

__all__ = [
    "TEMPLATE_DIR",
    "TemplateError",
    "TemplateSpec",
    "TEMPLATE_SPECS",
    "TEMPLATE_PLACEHOLDERS",
    "FastRows",
    "RepeatedBody",
    "PngImage",
    "clean_text",
    "lines",
    "load_template",
    "render_docx",
    "validate_template",
]

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "docx"

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'
_PARA_IDS = re.compile(r' w14:(?:paraId|textId)="[^"]*"')
_BOOKMARKS = re.compile(r"<w:bookmark(?:Start|End)\b[^>]*/>")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\}\}")
_ANY_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


class TemplateError(Exception):
    """A template cannot be rendered; ``str(exc)`` is a message for office staff (Vietnamese)."""


# --------------------------------------------------------------------------- text values


def clean_text(value: Any) -> str:
    """A value as document text: str(), NFC, CR/LF to LF, XML-invalid characters dropped."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_XML.sub("", text)


_NEEDS_WORK = re.compile("[&<>\n\t\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape_run_text(value: Any) -> str:
    """Text for inside <w:t>: escaped; newlines and tabs become <w:br/> and <w:tab/>."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _NEEDS_WORK.search(text) is None:
        return text
    text = clean_text(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\n" in text:
        text = text.replace("\n", _BREAK)
    if "\t" in text:
        text = text.replace("\t", _TAB)
    return text


def lines(items: Iterable[Any]) -> Markup:
    """Several lines in one run (line breaks), each escaped: for header and signer blocks."""
    return Markup(_BREAK.join(_escape_run_text(i) for i in items))


def _clean_context(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        text = clean_text(value)
        if "\n" in text or "\t" in text:
            return Markup(_escape_run_text(text))
        return text
    if isinstance(value, Mapping):
        return {k: _clean_context(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_context(v) for v in value]
    return value


# --------------------------------------------------------------------------- images


@dataclass(frozen=True)
class PngImage:
    """A PNG to place inline where its placeholder stands; width/height in EMU."""

    blob: bytes
    width_emu: int
    height_emu: int
    name: str = "QR"


_DRAWING = (
    '</w:t></w:r><w:r><w:drawing>'
    '<wp:inline distT="0" distB="0" distL="0" distR="0" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="{name} {id}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/>'
    "</wp:cNvGraphicFramePr>"
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="{id}" name="{name}.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships" r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    '<w:r><w:t xml:space="preserve">'
)


#: docPr ids of our images start here, clear of the ids docxtpl gives template drawings.
_IMAGE_ID_BASE = 3_000_000


class _ImageSink:
    """Collects PNGs; returns the run XML that shows each one.

    The images bypass python-docx: ``_splice()`` writes them as stored zip entries
    and adds their relationships and the png content type, which saves creating a
    Part object per image and deflating already-compressed data.
    """

    def __init__(self) -> None:
        self.images: list[tuple[str, str, bytes]] = []  # (rId, zip name, blob)

    def add(self, image: PngImage) -> Markup:
        n = len(self.images) + 1
        rid = f"rIdAw{n}"
        self.images.append((rid, f"word/media/awards_img{n}.png", image.blob))
        return Markup(
            _DRAWING.format(
                cx=int(image.width_emu),
                cy=int(image.height_emu),
                id=_IMAGE_ID_BASE + n,
                name=escape(image.name),
                rid=rid,
            )
        )


def _resolve_images(value: Any, sink: _ImageSink) -> Any:
    if isinstance(value, PngImage):
        return sink.add(value)
    if isinstance(value, Mapping):
        return {k: _resolve_images(v, sink) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_images(v, sink) for v in value]
    return value


# --------------------------------------------------------------------------- fast rows


@dataclass
class FastRows:
    """Rows for the template rows of one table.

    ``variables`` names the row variables that belong together (e.g. ``("group",
    "row")``); ``rows`` is a sequence of ``(variable, {field: value})``, each rendered
    through the template row that uses that variable, in order, where the first
    template row stood.
    """

    variables: tuple[str, ...]
    rows: Sequence[tuple[str, Mapping[str, Any]]]
    required: tuple[str, ...] = ()


@dataclass
class _RowTemplate:
    variable: str
    chunks: list[str]
    fields: list[str]

    def render(self, values: Mapping[str, Any]) -> str:
        chunks = self.chunks
        out = [chunks[0]]
        i = 1
        for name in self.fields:
            out.append(_escape_run_text(values.get(name, "")))
            out.append(chunks[i])
            i += 1
        return "".join(out)


_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")(\d+)(")')


def _renumber_drawings(xml: str, start: int) -> str:
    """Give every wp:docPr in ``xml`` a fresh id from ``start`` (repeated template images)."""
    counter = iter(range(start, start + 10**9))
    return _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(3)}", xml)


def _enclosing_row(xml: str, pos: int) -> tuple[int, int]:
    """The innermost <w:tr> around ``pos`` as (start, end), or (-1, -1) outside any row."""
    start = max(xml.rfind("<w:tr>", 0, pos), xml.rfind("<w:tr ", 0, pos))
    if start < 0 or xml.rfind("</w:tr>", 0, pos) > start:
        return -1, -1
    end = xml.find("</w:tr>", pos)
    if end < 0:
        return -1, -1
    return start, end + len("</w:tr>")


def _extract_rows(
    xml: str, variables: Iterable[str], errors: list[str] | None = None
) -> tuple[str, dict[str, _RowTemplate], str | None]:
    """Cut the template rows that use ``variables`` out of ``xml``.

    Returns the xml with a marker comment where the first row stood, the row
    templates per variable, and the marker (None when no row was found).
    """
    wanted = set(variables)
    spans: dict[tuple[int, int], str] = {}
    for m in _PLACEHOLDER.finditer(xml):
        var = m.group(1)
        if var not in wanted:
            continue
        start, end = _enclosing_row(xml, m.start())
        if start < 0:
            _report(errors, Msg("Trường {{ %(field)s }} phải nằm trong một dòng của bảng.",
                                field=f"{var}.{m.group(2)}"))
            continue
        if "<w:tbl>" in xml[start:end] or "<w:tbl " in xml[start:end]:
            _report(errors, Msg("Dòng mẫu chứa {{ %(field)s }} không được chứa bảng lồng.",
                                field=f"{var}.{m.group(2)}"))
            continue
        previous = spans.get((start, end))
        if previous is not None and previous != var:
            _report(errors, Msg("Một dòng mẫu chỉ được dùng một loại trường: %(first)s.* hoặc %(second)s.*",
                                first=previous, second=var))
            continue
        spans[(start, end)] = var
    if not spans:
        return xml, {}, None
    templates: dict[str, _RowTemplate] = {}
    for (start, end), var in sorted(spans.items()):
        row_xml = xml[start:end]
        others = [
            tag
            for tag in _ANY_TAG.findall(row_xml)
            if not ((m := _PLACEHOLDER.fullmatch(tag)) and m.group(1) == var)
        ]
        if others:
            _report(errors, Msg("Dòng mẫu %(var)s.* chỉ được chứa các trường {{ %(var)s.… }}, "
                                "không dùng được “%(tag)s”.", var=var, tag=others[0]))
        if var in templates:
            _report(errors, Msg("Có nhiều hơn một dòng mẫu dùng {{ %(var)s.… }} trong cùng tài liệu.", var=var))
            continue
        row_xml = _PARA_IDS.sub("", _BOOKMARKS.sub("", row_xml)).replace("<w:t>", '<w:t xml:space="preserve">')
        parts = _PLACEHOLDER.split(row_xml)
        # split() yields text, var, field, text, var, field, ...
        chunks = parts[0::3]
        fields = parts[2::3]
        templates[var] = _RowTemplate(var, chunks, fields)
    marker = "<!--awards-fast-rows-->"
    ordered = sorted(spans)
    pieces = [xml[: ordered[0][0]], marker]
    cursor = ordered[0][1]
    for start, end in ordered[1:]:
        pieces.append(xml[cursor:start])
        cursor = end
    pieces.append(xml[cursor:])
    return "".join(pieces), templates, marker


def _report(errors: list[str] | None, message: str) -> None:
    if errors is None:
        raise TemplateError(message)
    if message not in errors:
        errors.append(message)


# --------------------------------------------------------------------------- repeated body


@dataclass
class RepeatedBody:
    """Render the template's whole body once per item (one page each), in one document."""

    items: Sequence[Mapping[str, Any]]
    #: Called with the template's python-docx Document before rendering (e.g. to move frames).
    prepare: Callable[[Any], None] | None = None


_PAGE_SEPARATOR = (
    '<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" '
    'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>'
)


def _split_body(xml: str) -> tuple[str, str, str]:
    open_end = xml.index(">", xml.index("<w:body")) + 1
    close = xml.rindex("</w:body>")
    sect = xml.rfind("<w:sectPr", open_end, close)
    if sect < 0 or xml.rfind("</w:p>", sect, close) >= 0 or xml.rfind("</w:tbl>", sect, close) >= 0:
        sect = close
    return xml[:open_end], xml[open_end:sect], xml[sect:]


# --------------------------------------------------------------------------- renderer


def _jinja_env() -> Environment:
    return Environment(autoescape=True)


def _unescape_braces(xml: str) -> str:
    if "{_" not in xml and "_}" not in xml:
        return xml
    return xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


class _Renderer(DocxTemplate):
    """docxtpl template with the two fast paths; one instance per render."""

    def __init__(self, template_bytes: bytes, fast_rows: Sequence[FastRows], repeat: RepeatedBody | None):
        super().__init__(io.BytesIO(template_bytes))
        self.fast_rows = list(fast_rows)
        self.repeat = repeat
        self.item_contexts: list[dict[str, Any]] = []
        self.fills: list[tuple[str, bytes]] = []

    def build_xml(self, context, jinja_env=None):
        xml = self.patch_xml(self.get_xml())
        for spec in self.fast_rows:
            xml, templates, marker = _extract_rows(xml, spec.variables)
            missing = [v for v in spec.required if v not in templates]
            if missing:
                raise TemplateError(Msg("Mẫu thiếu dòng mẫu của bảng (dòng có {{ %(var)s.… }}).", var=missing[0]))
            if marker is None:
                continue
            for template in templates.values():
                self._check_fragment(template.render({}), Msg("dòng mẫu của bảng"))
            # Rows are kept as UTF-8 bytes: half the memory of a str of Vietnamese text.
            renumber = any("<wp:docPr" in "".join(t.chunks) for t in templates.values())
            parts = []
            for var, values in spec.rows:
                row_template = templates.get(var)
                if row_template is not None:
                    row_xml = row_template.render(values)
                    if renumber:
                        row_xml = _renumber_drawings(row_xml, 500000 + 10**6 * len(self.fills) + 10 * len(parts))
                    parts.append(row_xml.encode("utf-8"))
            token = f"<!--awards-fill-{len(self.fills)}-->"
            xml = xml.replace(marker, token, 1)
            self.fills.append((token, b"".join(parts)))
            del parts
        if self.repeat is None:
            return self.render_xml_part(xml, self.docx._part, context, jinja_env)
        head, body, tail = _split_body(xml)
        head = self.render_xml_part(head, self.docx._part, context, jinja_env)
        tail = self.render_xml_part(tail, self.docx._part, context, jinja_env)
        body = _PARA_IDS.sub("", _BOOKMARKS.sub("", body))
        template = jinja_env.from_string(body)
        separator = _PAGE_SEPARATOR.encode("utf-8")
        renumber = "<wp:docPr" in body
        rendered = []
        for i, item_context in enumerate(self.item_contexts):
            page = _unescape_braces(template.render(item_context))
            if i == 0:
                self._check_fragment(page, Msg("nội dung trang"))
            else:
                rendered.append(separator)
            if renumber:
                page = _renumber_drawings(page, 2_000_000 + 100 * i)
            rendered.append(page.encode("utf-8"))
        token = f"<!--awards-fill-{len(self.fills)}-->"
        self.fills.append((token, b"".join(rendered)))
        return head + token + tail

    def _check_fragment(self, fragment: str, what: str) -> None:
        """Parse one rendered row/page with the document's namespaces; fail in Vietnamese."""
        nsmap = self.docx.element.nsmap
        declarations = " ".join(f'xmlns:{k}="{v}"' for k, v in nsmap.items() if k)
        try:
            etree.fromstring(f"<awards-check {declarations}>{fragment}</awards-check>")
        except etree.XMLSyntaxError as exc:
            raise TemplateError(Msg("Mẫu sinh ra %(what)s không hợp lệ: %(error)s", what=what, error=str(exc))) from exc

    def fix_tables(self, xml):
        try:
            tree = etree.fromstring(xml, parser=etree.XMLParser(huge_tree=True))
        except etree.XMLSyntaxError as exc:
            raise TemplateError(Msg(
                "Mẫu sinh ra nội dung Word không hợp lệ (thường do thẻ {%%p %%} hoặc {%%tr %%} "
                "đặt sai chỗ): %(error)s", error=str(exc)
            )) from exc
        if "{%tc" in self._source_hint or "colspan" in self._source_hint:
            return super().fix_tables(xml)
        return tree

    _source_hint = ""


def _splice(
    docx_bytes: bytes,
    fills: Sequence[tuple[str, bytes]],
    images: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    """Put the pre-rendered XML of the fast paths where their marker comments stand,
    and add the collected images.

    The big parts (10,000 annex rows, 1,000 certificate pages) are never parsed into
    lxml trees: they are joined as strings and spliced into word/document.xml.
    """
    if not fills and not images:
        return docx_bytes
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zin, zipfile.ZipFile(out, "w") as zout:
        names = set(zin.namelist())
        clash = [name for _rid, name, _blob in images if name in names]
        if clash:
            raise TemplateError(Msg("Mẫu đã có tệp %(name)s; hãy đổi tên ảnh trong mẫu.", name=clash[0]))
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml" and fills:
                located = sorted((data.index(token.encode("ascii")), len(token), xml) for token, xml in fills)
                pieces = []
                cursor = 0
                for at, length, xml in located:
                    pieces += [data[cursor:at], xml]
                    cursor = at + length
                pieces.append(data[cursor:])
                data = b"".join(pieces)
                del pieces
            elif info.filename == "word/_rels/document.xml.rels" and images:
                rels = "".join(
                    f'<Relationship Id="{rid}" Type="{RT.IMAGE}" Target="{name[len("word/"):]}"/>'
                    for rid, name, _blob in images
                )
                text = data.decode("utf-8")
                if f'Id="{images[0][0]}"' in text:
                    raise TemplateError(Msg(
                        "Mẫu đã dùng mã liên kết ảnh trùng với ảnh mã QR; hãy lưu lại mẫu bằng Word."))
                at = text.rindex("</Relationships>")
                data = (text[:at] + rels + text[at:]).encode("utf-8")
            elif info.filename == "[Content_Types].xml" and images:
                text = data.decode("utf-8")
                if not re.search(r'<Default\b[^>]*Extension="png"', text, re.IGNORECASE):
                    at = text.rindex("</Types>")
                    text = text[:at] + '<Default Extension="png" ContentType="image/png"/>' + text[at:]
                data = text.encode("utf-8")
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.external_attr = info.external_attr
            target.compress_type = zipfile.ZIP_DEFLATED
            # Deflate level 1 on a large document.xml: 3x faster than 6, ~35% larger.
            zout.writestr(target, data, compresslevel=1 if len(data) > 1_000_000 else 6)
        for _rid, name, blob in images:
            # PNG is compressed already: store it.
            zout.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), blob)
    return out.getvalue()


def load_template(name: str) -> bytes:
    """The built-in template ``templates/docx/<name>.docx``."""
    path = TEMPLATE_DIR / f"{name}.docx"
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise TemplateError(
            f"Không tìm thấy mẫu “{name}.docx”; chạy python -m awards.documents.build_templates."
        ) from exc


def render_docx(
    template_bytes: bytes,
    context: Mapping[str, Any],
    *,
    fast_rows: Sequence[FastRows] = (),
    repeat: RepeatedBody | None = None,
    core_title: str | None = None,
) -> bytes:
    """Render a DOCX template to bytes (autoescape on; see the module docstring)."""
    if not _is_docx(template_bytes):
        raise TemplateError(Msg("Tệp mẫu không phải là tài liệu Word (.docx) hợp lệ."))
    renderer = _Renderer(template_bytes, fast_rows, repeat)
    renderer.init_docx()
    renderer._source_hint = renderer.get_xml()
    if repeat is not None and repeat.prepare is not None:
        repeat.prepare(renderer.docx)
    sink = _ImageSink()
    ctx = _resolve_images(_clean_context(dict(context)), sink)
    if repeat is not None:
        renderer.item_contexts = [
            {**ctx, **_resolve_images(_clean_context(dict(item)), sink)} for item in repeat.items
        ]
    env = _jinja_env()
    try:
        renderer.render(ctx, jinja_env=env, autoescape=True)
    except TemplateError:
        raise
    except JinjaTemplateError as exc:
        raise TemplateError(Msg("Lỗi khi điền dữ liệu vào mẫu: %(error)s", error=_jinja_message(str(exc)))) from exc
    if core_title is not None:
        renderer.docx.core_properties.title = core_title
    out = io.BytesIO()
    renderer.save(out)
    return _splice(out.getvalue(), renderer.fills, sink.images)


def _is_docx(data: bytes) -> bool:
    if not data or not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


# --------------------------------------------------------------------------- specs, validation


@dataclass(frozen=True)
class TemplateSpec:
    """What a template kind may contain: placeholders and row-template fields."""

    name: str
    label: str
    placeholders: Mapping[str, str]
    row_fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    required_rows: tuple[str, ...] = ()
    loop_variables: Mapping[str, str] = field(default_factory=dict)


_DECISION_LIKE = {
    "authority_parent": "Tên cơ quan chủ quản (nếu có, chữ in hoa, không đậm), kèm xuống dòng",
    "authority_name": "Tên cơ quan ban hành, chữ in hoa (nhiều dòng), ví dụ ỦY BAN NHÂN DÂN / TỈNH NINH BÌNH",
    "doc_number": "Số và ký hiệu văn bản, ví dụ 05/QĐ-UBND (để trống số khi là dự thảo)",
    "place_date": "Địa danh và ngày tháng, ví dụ Ninh Bình, ngày 05 tháng 02 năm 2027",
    "date_text": "Ngày ban hành, ví dụ ngày 05 tháng 02 năm 2027",
    "year": "Năm ban hành",
    "title_line": "Trích yếu, ví dụ Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    "signer_title": "Quyền hạn, chức vụ người ký (CHỦ TỊCH, hoặc KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)",
    "signer_name": "Họ và tên người ký",
    "copy_to": "Danh sách nơi nhận, mỗi dòng một nơi; dùng {%p for line in copy_to %}- {{ line }}{%p endfor %}",
    "recipients_phrase": "Số lượng theo loại, ví dụ 05 tập thể, 12 cá nhân và 03 hộ gia đình",
    "award_name": "Hình thức khen thưởng, ví dụ Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    "n_collectives": "Số tập thể (hai chữ số, ví dụ 05)",
    "n_individuals": "Số cá nhân (hai chữ số, ví dụ 12)",
    "n_households": "Số hộ gia đình (hai chữ số, ví dụ 03)",
    "annex_title": "Tiêu đề danh sách kèm theo, ví dụ DANH SÁCH",
    "annex_subtitle": "Dòng mô tả danh sách, ví dụ tập thể, cá nhân, hộ gia đình được tặng Bằng khen …",
    "annex_reference": "Dòng (Kèm theo … số … ngày …) dưới tiêu đề danh sách",
}

_ANNEX_ROWS = {
    "group": {"title": "Tên nhóm, ví dụ I. TẬP THỂ (05)"},
    "row": {
        "stt": "Số thứ tự trong nhóm",
        "name": "Tên tập thể, họ và tên cá nhân (Ông/Bà …), hộ gia đình (Hộ ông/bà …)",
        "detail": "Chức vụ, đơn vị công tác hoặc địa chỉ",
        "kind": "Loại: Tập thể, Cá nhân, Hộ gia đình",
    },
}

TEMPLATE_SPECS: dict[str, TemplateSpec] = {
    "decision": TemplateSpec(
        name="decision",
        label=Msg("Quyết định khen thưởng"),
        placeholders={
            **_DECISION_LIKE,
            "issuer_title": "Thẩm quyền ban hành, ví dụ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
            "legal_basis": "Các dòng căn cứ; dùng {%p for line in legal_basis %}{{ line }}{%p endfor %}",
            "proposal_line": "Dòng đề nghị, ví dụ Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số …",
            "achievement": "Thành tích, ví dụ đã có thành tích xuất sắc trong …",
            "money_each": "Mức tiền thưởng theo loại, ví dụ mỗi tập thể 7.590.000 đồng, mỗi cá nhân …",
            "total_amount": "Tổng số tiền thưởng (số), ví dụ 114.240.000",
            "total_in_words": "Tổng số tiền bằng chữ, ví dụ Một trăm mười bốn triệu … đồng",
            "fund_source": "Nguồn chi, ví dụ Quỹ thi đua, khen thưởng tỉnh năm 2027",
            "executors": "Các cơ quan, cá nhân chịu trách nhiệm thi hành (Điều 3)",
        },
        row_fields=_ANNEX_ROWS,
        required_rows=("row",),
        loop_variables={"line": "Một dòng trong danh sách (căn cứ hoặc nơi nhận)"},
    ),
    "proposal": TemplateSpec(
        name="proposal",
        label=Msg("Tờ trình đề nghị khen thưởng"),
        placeholders={
            **_DECISION_LIKE,
            "addressee": "Nơi gửi, ví dụ Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình",
            "paragraphs": "Các đoạn nội dung; dùng {%p for line in paragraphs %}{{ line }}{%p endfor %}",
        },
        row_fields=_ANNEX_ROWS,
        required_rows=("row",),
        loop_variables={"line": "Một dòng hoặc một đoạn"},
    ),
    "minutes": TemplateSpec(
        name="minutes",
        label=Msg("Biên bản họp Hội đồng Thi đua - Khen thưởng"),
        placeholders={
            "authority_parent": _DECISION_LIKE["authority_parent"],
            "authority_name": "Tên Hội đồng, chữ in hoa, ví dụ HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG / TỈNH NINH BÌNH",
            "doc_number": "Số và ký hiệu biên bản, ví dụ 03/BB-HĐTĐKT",
            "place_date": _DECISION_LIKE["place_date"],
            "title_line": "Trích yếu biên bản",
            "meeting_time": "Thời gian họp",
            "meeting_place": "Địa điểm họp",
            "chair": "Người chủ trì",
            "secretary": "Thư ký",
            "attendance": "Các dòng thành phần tham dự; dùng {%p for line in attendance %}",
            "quorum_text": "Kết luận về số thành viên có mặt (đủ/không đủ điều kiện)",
            "paragraphs": "Các đoạn nội dung; dùng {%p for line in paragraphs %}",
            "vote_rule": "Quy tắc biểu quyết, ví dụ tỷ lệ đồng ý tối thiểu",
            "conclusion": "Kết luận",
            "closing": "Dòng kết thúc cuộc họp",
            "chair_title": "Chức danh chủ trì ký biên bản",
            "chair_name": "Họ tên chủ trì",
            "secretary_title": "Chức danh thư ký ký biên bản",
            "secretary_name": "Họ tên thư ký",
        },
        row_fields={
            "vote": {
                "stt": "Số thứ tự",
                "name": "Tên tập thể, cá nhân, hộ gia đình được đề nghị",
                "form": "Hình thức đề nghị",
                "agree": "Số phiếu đồng ý",
                "disagree": "Số phiếu không đồng ý",
                "percent": "Tỷ lệ đồng ý (%)",
                "result": "Kết quả (Đạt/Không đạt)",
            }
        },
        required_rows=("vote",),
        loop_variables={"line": "Một dòng hoặc một đoạn"},
    ),
}

_CERT_FIELDS = {
    "issuer": "Người/cơ quan tặng, ví dụ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
    "form_title": "Hình thức, ví dụ BẰNG KHEN",
    "recipient": "Người/tập thể được tặng, ví dụ Ông Nguyễn Văn An",
    "recipient_detail": "Chức vụ, đơn vị hoặc địa chỉ",
    "achievement": "Thành tích",
    "decision_line": "Quyết định số … ngày …",
    "place_date": "Địa danh, ngày tháng",
    "signer_title": "Quyền hạn, chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "serial": "Số vào sổ (số hiệu bằng)",
    "verification_code": "Mã xác minh",
    "verify_url": "Địa chỉ tra cứu xác minh",
    "qr": "Mã QR dẫn tới địa chỉ xác minh (ảnh)",
}
TEMPLATE_SPECS["certificate"] = TemplateSpec(
    name="certificate", label=Msg("Bằng khen / Giấy khen (in đầy đủ)"), placeholders=_CERT_FIELDS
)
TEMPLATE_SPECS["certificate_overlay"] = TemplateSpec(
    name="certificate_overlay", label=Msg("Bằng khen / Giấy khen (in lên phôi)"), placeholders=_CERT_FIELDS
)


def _placeholder_list(spec: TemplateSpec) -> list[str]:
    out = [f"{{{{ {k} }}}} — {v}" for k, v in spec.placeholders.items()]
    for var, fields in spec.row_fields.items():
        out += [f"{{{{ {var}.{k} }}}} — {v} (dòng mẫu trong bảng)" for k, v in fields.items()]
    out += [f"{{{{ {k} }}}} — {v} (biến vòng lặp)" for k, v in spec.loop_variables.items()]
    return out


#: Template name -> its placeholders, each "{{ name }} — Vietnamese description".
TEMPLATE_PLACEHOLDERS: dict[str, list[str]] = {
    name: _placeholder_list(spec) for name, spec in TEMPLATE_SPECS.items()
}


def _template_parts(data: bytes) -> list[tuple[str, str]]:
    """(label, xml) of the body, headers and footers, as docxtpl sees them."""
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    parts = [(Msg("nội dung"), tpl.patch_xml(tpl.get_xml()))]
    for uri, label in ((tpl.HEADER_URI, Msg("đầu trang")), (tpl.FOOTER_URI, Msg("chân trang"))):
        for _rel, part in tpl.get_headers_footers(uri):
            parts.append((label, tpl.patch_xml(tpl.get_part_xml(part))))
    return parts


def N_(text: str) -> str:
    """Marks a message id for the catalogue; Msg(text, ...) formats it where the values are known."""
    return text


# Placeholders %(g0)s, %(g1)s are the pattern's groups.
_JINJA_MESSAGES = [
    (re.compile(r"unexpected '\}'"), N_("thừa dấu “}” hoặc thiếu dấu “}” của cặp {{ … }}")),
    (re.compile(r"unexpected end of template", re.I),
     N_("thẻ mở chưa được đóng (thiếu {%%p endfor %%} hoặc {%%p endif %%})")),
    (re.compile(r"Encountered unknown tag '([^']*)'"), N_("thẻ không xác định “%(g0)s”")),
    (re.compile(r"No filter named '([^']*)'"), N_("không có bộ lọc “%(g0)s”")),
    (re.compile(r"No test named '([^']*)'"), N_("không có phép thử “%(g0)s”")),
    (re.compile(r"expected token '([^']*)', got '([^']*)'"), N_("cần “%(g0)s” nhưng gặp “%(g1)s”")),
]


def _jinja_message(message: str | None) -> str:
    """A Jinja error in Vietnamese where we know it, with the original in brackets."""
    message = (message or "").strip().splitlines()[0].strip().rstrip(".") if message else ""
    for pattern, text in _JINJA_MESSAGES:
        m = pattern.search(message)
        if m:
            explanation = Msg(text, **{f"g{i}": group for i, group in enumerate(m.groups())})
            return Msg("%(explanation)s [%(original)s]", explanation=explanation, original=message)
    return Msg("lỗi Jinja [%(original)s]", original=message)


def _snippet(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    source_lines = xml.splitlines()
    if 0 < lineno <= len(source_lines):
        text = re.sub(r"<[^>]+>", "", source_lines[lineno - 1]).strip()
        return text[:80]
    return ""


def validate_template(name: str, docx_bytes: bytes) -> list[str]:
    """Check an uploaded template of kind ``name``; return Vietnamese error messages.

    Reports: a file that is not a .docx; broken Jinja tags (with the paragraph they
    are in); unknown placeholders and unknown row fields; a missing template row;
    and anything that breaks a trial render with sample data. [] means usable.
    """
    spec = TEMPLATE_SPECS.get(name)
    if spec is None:
        raise ValueError(f"unknown template kind: {name}")
    if not _is_docx(docx_bytes):
        return [Msg("Tệp tải lên không phải là tài liệu Word (.docx) hợp lệ.")]
    errors: list[str] = []
    try:
        parts = _template_parts(docx_bytes)
    except Exception:  # noqa: BLE001 - any parse failure means an unusable file
        return [Msg("Không đọc được tài liệu Word này (tệp hỏng hoặc không đúng định dạng .docx).")]
    env = _jinja_env()
    allowed = set(spec.placeholders) | set(spec.loop_variables) | {"loop"}
    found_rows: set[str] = set()
    for label, xml in parts:
        if label == "nội dung" and spec.row_fields:
            xml, templates, _marker = _extract_rows(xml, spec.row_fields, errors)
            for var, template in templates.items():
                found_rows.add(var)
                for field_name in template.fields:
                    if field_name not in spec.row_fields[var]:
                        errors.append(Msg("Trường {{ %(field)s }} không có trong mẫu “%(template)s”.",
                                          field=f"{var}.{field_name}", template=spec.label))
        numbered = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            ast = env.parse(numbered)
        except TemplateSyntaxError as exc:
            where = _snippet(numbered, exc.lineno)
            if where:
                errors.append(Msg("Thẻ mẫu bị lỗi cú pháp trong phần %(part)s ở đoạn “%(text)s”: %(error)s.",
                                  part=label, text=where, error=_jinja_message(exc.message)))
            else:
                errors.append(Msg("Thẻ mẫu bị lỗi cú pháp trong phần %(part)s: %(error)s.",
                                  part=label, error=_jinja_message(exc.message)))
            continue
        try:
            undeclared = meta.find_undeclared_variables(ast)
            env.from_string(numbered)
        except JinjaTemplateError as exc:
            errors.append(Msg("Thẻ mẫu không hợp lệ trong phần %(part)s: %(error)s.", part=label,
                              error=_jinja_message(str(exc))))
            continue
        for unknown in sorted(undeclared - allowed):
            if unknown in spec.row_fields:
                errors.append(Msg(
                    "Trường {{ %(var)s.… }} chỉ dùng được trong dòng mẫu của bảng, không dùng trong phần %(part)s.",
                    var=unknown, part=label,
                ))
            else:
                errors.append(Msg("Trường {{ %(field)s }} không có trong mẫu “%(template)s”.",
                                  field=unknown, template=spec.label))
    for var in spec.required_rows:
        if var not in found_rows:
            example = next(iter(spec.row_fields[var]))
            errors.append(Msg("Mẫu thiếu dòng mẫu của bảng (một dòng có các trường như {{ %(field)s }}).",
                              field=f"{var}.{example}"))
    if errors:
        return errors
    try:
        from .samples import sample_render

        output = sample_render(name, docx_bytes)
        from docx import Document

        Document(io.BytesIO(output))
    except TemplateError as exc:
        errors.append(message_of(exc))
    except Exception as exc:  # noqa: BLE001 - report any failure of the trial render
        errors.append(Msg("Không tạo được tài liệu thử từ mẫu: %(error)s", error=str(exc)))
    return errors
