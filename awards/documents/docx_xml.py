"""Word XML written as strings: the pieces the renderer (:mod:`.docx_render`) puts together
without parsing the big parts into lxml trees.

* run text: values cleaned (NFC, line ends, XML-invalid characters) and escaped, newlines and
  tabs becoming ``<w:br/>`` and ``<w:tab/>``;
* images: the inline drawing XML of each PNG, the PNGs themselves collected for the splice;
* *template rows* (fast path 1): a table row whose placeholders all use one row variable is cut
  out of the XML before Jinja runs and compiled once into literal chunks and field slots, filled
  by string joining with the values XML-escaped;
* *repeated body* (fast path 2): the body split from its section properties, and the page-break
  paragraph between pages.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from markupsafe import Markup, escape

from workflows.messages import Msg

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


def _is_docx(data: bytes) -> bool:
    if not data or not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names
