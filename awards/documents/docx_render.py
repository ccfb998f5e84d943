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

The pieces written as strings are in :mod:`.docx_xml`, Jinja's environment and its errors in
Vietnamese in :mod:`.docx_jinja`, the template kinds and the check of an uploaded template in
:mod:`.template_specs`; their public names are importable from here as well.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Mapping, Sequence

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from workflows.messages import Msg

from .docx_jinja import _jinja_env, _jinja_message
from .docx_xml import (  # the building blocks; the document modules import them from here
    _BOOKMARKS, _PAGE_SEPARATOR, _PARA_IDS, FastRows, PngImage, RepeatedBody, TemplateError, _ImageSink,
    _clean_context, _extract_rows, _is_docx, _renumber_drawings, _resolve_images, _split_body, clean_text, lines,
)
from .template_specs import TEMPLATE_PLACEHOLDERS, TEMPLATE_SPECS, TemplateSpec, validate_template

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


# --------------------------------------------------------------------------- renderer


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
