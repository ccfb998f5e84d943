"""Helpers for the document tests: open generated DOCX files and read them cheaply.

Tables are read through their XML rows (``tbl.tr_lst``), never through
``table.cell()`` / ``table._cells`` / ``column_cells``, which are quadratic.
"""

from __future__ import annotations

import io
import zipfile
from typing import Iterator

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

TNR = "Times New Roman"


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def xml_part(data: bytes, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def row_texts(tr) -> list[str]:
    return [text_of(tc) for tc in tr.tc_lst]


def table_rows(table) -> list[list[str]]:
    return [row_texts(tr) for tr in table._tbl.tr_lst]


def cell_paragraphs(table, row: int, col: int) -> list[Paragraph]:
    tr = table._tbl.tr_lst[row]
    return [Paragraph(p, None) for p in tr.tc_lst[col].p_lst]


def all_paragraphs(document) -> Iterator[Paragraph]:
    """Every paragraph of the body, table cells included, in document order."""
    for p in document.element.body.iter(qn("w:p")):
        yield Paragraph(p, None)


def find_paragraph(document, startswith: str) -> Paragraph:
    for p in all_paragraphs(document):
        if p.text.startswith(startswith):
            return p
    raise AssertionError(f"no paragraph starts with {startswith!r}")


def text_runs(paragraph: Paragraph):
    return [r for r in paragraph.runs if r.text.strip()]


def run_fonts(run) -> dict[str, str | None]:
    rpr = run._r.rPr
    fonts = rpr.rFonts if rpr is not None else None
    if fonts is None:
        return {}
    return {k: fonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia", "cs")}


def assert_run_style(paragraph: Paragraph, *, size: float, bold: bool | None = None, italic: bool | None = None):
    runs = text_runs(paragraph)
    assert runs, f"no text in {paragraph.text!r}"
    for run in runs:
        assert run.font.size is not None and run.font.size.pt == size, (paragraph.text, run.font.size)
        if bold is not None:
            assert bool(run.font.bold) is bold, (paragraph.text, run.text, run.font.bold)
        if italic is not None:
            assert bool(run.font.italic) is italic, (paragraph.text, run.text, run.font.italic)
        assert run_fonts(run) == {k: TNR for k in ("ascii", "hAnsi", "eastAsia", "cs")}, run.text
