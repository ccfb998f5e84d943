"""Cells of the workbooks the application writes: text always stays text.

openpyxl turns a string that starts with "=" into a formula, and "#N/A", "#REF!"... into error
values, when it is assigned to a cell; Excel and LibreOffice also read a cell that starts with "+",
"-", "@", a tab or a carriage return as a formula once a person edits it (formula or CSV injection,
OWASP). A nominee called ``=HYPERLINK("http://evil.example/","bấm")`` would then be a live link in
the decision's annex, and the export of a dossier's list would not import again.

Every workbook writer (the decision's annex, the report's figures, the nominee list template and
export) puts its values through :func:`set_value`: a ``str`` is stored as a string cell
(``data_type`` "s"), and one that starts with a formula trigger also gets the cell style's
``quotePrefix`` (Excel's leading apostrophe, kept in the style, not in the value), so the text
reads back exactly as written and stays text when a person edits the cell.
"""
from __future__ import annotations

from copy import copy
from typing import Any, Iterable

from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray

__all__ = ["FORMULA_TRIGGERS", "needs_quote", "set_value", "text_cells", "write_cell"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def needs_quote(value: Any) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def set_value(cell: Cell, value: Any) -> Cell:
    """Put ``value`` into ``cell``; a string is stored as text, never as a formula or an error.

    Safe on a cell reused from row to row of a write-only sheet: the style is copied before its
    quote prefix changes, because the rows already written keep a reference to the old one."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    quote = needs_quote(value)
    if cell.quotePrefix != quote:
        style = cell._style  # openpyxl keeps no public setter for a whole style array
        cell._style = copy(style) if style is not None else StyleArray()
        cell.quotePrefix = quote
    return cell


def text_cells(ws, values: Iterable[Any]) -> list[Cell]:
    """Cells for ``ws.append()`` (ordinary and write-only sheets alike)."""
    return [set_value(Cell(ws), v) for v in values]


def write_cell(ws, row: int, column: int, value: Any) -> Cell:
    """``ws.cell(row, column, value)`` with the value stored by :func:`set_value`."""
    return set_value(ws.cell(row=row, column=column), value)
