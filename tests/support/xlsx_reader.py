"""Read an XLSX workbook back with the standard library (zipfile + XML), for tests: openpyxl is
not a dependency. Each cell is (kind, value): kind "s" for a text cell (shared or inline
string), "n" for a number, "f" for a formula."""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def read_workbook(data: bytes) -> dict[str, dict[str, tuple[str, object]]]:
    """{sheet name: {cell reference ("B4"): (kind, value)}}, sheets in workbook order."""
    book = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                  for si in root.findall("m:si", NS)]
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(_REL)}
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheets = {}
    for sheet in workbook.find("m:sheets", NS):
        target = targets[sheet.get(f"{{{NS['r']}}}id")].lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        sheets[sheet.get("name")] = _cells(ElementTree.fromstring(book.read(path)), shared)
    return sheets


def _cells(root, shared: list[str]) -> dict[str, tuple[str, object]]:
    cells = {}
    for c in root.iter(f"{{{NS['m']}}}c"):
        ref, kind = c.get("r"), c.get("t", "n")
        formula, value = c.find("m:f", NS), c.find("m:v", NS)
        if formula is not None:
            cells[ref] = ("f", formula.text)
        elif kind == "s":
            cells[ref] = ("s", shared[int(value.text)])
        elif kind == "inlineStr":
            cells[ref] = ("s", "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
        elif kind == "str":
            cells[ref] = ("s", value.text if value is not None else "")
        elif value is not None:
            cells[ref] = ("n", float(value.text))
    return cells


def rows(cells: dict[str, tuple[str, object]]) -> list[list[object]]:
    """The sheet's values row by row (empty cells None), as a reader sees them."""
    grid: dict[int, dict[int, object]] = {}
    for ref, (_, value) in cells.items():
        letters, number = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        grid.setdefault(int(number), {})[col - 1] = value
    last = max(grid, default=0)
    return [[grid.get(r, {}).get(c) for c in range(max(grid.get(r, {0: 0}), default=-1) + 1)]
            for r in range(1, last + 1)]
