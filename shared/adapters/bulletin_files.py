"""The bulletin's downloads, written from plain `Table`s: an XLSX workbook (XlsxWriter) with one
sheet per table, and one CSV file with one section per table.

Numbers are written as numbers (a rate as a fraction with a percentage format), words as text.
Words may come from a case (a cause or a measure staff typed): a cell that a spreadsheet would
read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return first) is never one. In the
workbook every word is written with `write_string` (a text cell, whatever it starts with); in the
CSV, which has no cell types, such a cell is prefixed with an apostrophe, as OWASP advises.
The CSV is UTF-8 with a byte-order mark, which Excel needs to read Chinese as UTF-8.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import xlsxwriter

from shared.domain.report_tables import Measure, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NUMBER_FORMATS = {Measure.COUNT: "0", Measure.RATE: "0.0%", Measure.HOURS: "0.0",
                   Measure.SCORE: "0.00"}


def bulletin_xlsx(title: str, tables: Sequence[Table]) -> bytes:
    """The workbook: a sheet per table (its title, then its header row, then its rows)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False})
    book.set_properties({"title": title})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    formats = {m: book.add_format({"num_format": f}) for m, f in _NUMBER_FORMATS.items()}
    names: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table, names))
        sheet.write_string(0, 0, table.title, bold)
        for col, column in enumerate(table.columns):
            sheet.write_string(2, col, column.title, header)
            sheet.set_column(col, col, 28 if column.measure == Measure.TEXT else 14)
        for r, row in enumerate(table.rows):
            for col, cell in enumerate(row):
                _write_cell(sheet, r + 3, col, table.measure(r, col), cell, formats)
        sheet.freeze_panes(3, 1)
    book.close()
    return buffer.getvalue()


def _write_cell(sheet, row: int, col: int, measure: Measure, cell, formats) -> None:
    if cell is None:
        return  # no figure: an empty cell, not a zero
    if measure != Measure.TEXT and isinstance(cell, int | float) and not isinstance(cell, bool):
        sheet.write_number(row, col, cell, formats[measure])
    else:
        sheet.write_string(row, col, str(cell))  # a text cell: never read as a formula


def _sheet_name(table: Table, taken: set[str]) -> str:
    """The table's title as a sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_FORBIDDEN.sub(" ", table.title).strip("' ")[:31] or table.key[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def bulletin_csv(title: str, tables: Sequence[Table]) -> bytes:
    """One CSV: the bulletin's title, then per table a row with its title, its header row, its
    rows and an empty row. UTF-8 with a byte-order mark; rates as fractions (0.875)."""
    text = io.StringIO()
    out = csv.writer(text, lineterminator="\r\n")
    out.writerow([csv_text(title)])
    out.writerow([])
    for table in tables:
        out.writerow([csv_text(table.title)])
        out.writerow([csv_text(c.title) for c in table.columns])
        for r, row in enumerate(table.rows):
            out.writerow([_csv_cell(table.measure(r, col), cell) for col, cell in enumerate(row)])
        out.writerow([])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _csv_cell(measure: Measure, cell) -> str | int | float:
    if cell is None:
        return ""
    if measure != Measure.TEXT and isinstance(cell, int | float) and not isinstance(cell, bool):
        return cell
    return csv_text(str(cell))


def csv_text(text: str) -> str:
    """Words as a CSV cell a spreadsheet shows as words: a formula-like start is escaped."""
    return "'" + text if text.startswith(FORMULA_START) else text
