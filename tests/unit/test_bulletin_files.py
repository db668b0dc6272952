"""The bulletin's downloads read back: the XLSX (with the standard library: zipfile + XML) and
the CSV show the figures as numbers, Chinese intact, and a formula-like word from a case as
text that no spreadsheet evaluates."""
import csv
import io

from shared.adapters.bulletin_files import bulletin_csv, bulletin_xlsx
from shared.domain.report_tables import Column, Measure, Table
from tests.support.xlsx_reader import read_workbook, rows

FORMULAS = ('=HYPERLINK("https://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)",
            "\t=1+1")
KINDS = Table("by_kind", "按类型", (Column("类型"), Column("数量", Measure.COUNT),
                                    Column("按时率", Measure.RATE), Column("中位时长", Measure.HOURS)),
              (("投诉", 12, 0.875, 30.5), ("举报", 7, None, None)))
MAJOR = Table("major_cases", "重大案件", (Column("编号"), Column("原因"), Column("措施")),
              tuple(("TS-1", cause, "整改") for cause in FORMULAS))


def test_the_workbook_has_a_sheet_per_table_with_numbers_as_numbers():
    sheets = read_workbook(bulletin_xlsx("2026年11月统计简报", [KINDS, MAJOR]))
    assert list(sheets) == ["按类型", "重大案件"]
    cells = sheets["按类型"]
    assert cells["A1"] == ("s", "按类型")
    assert [cells[r] for r in ("A3", "B3", "C3")] == [("s", "类型"), ("s", "数量"), ("s", "按时率")]
    assert cells["A4"] == ("s", "投诉") and cells["B4"] == ("n", 12.0)
    assert cells["C4"] == ("n", 0.875) and cells["D4"] == ("n", 30.5)
    assert cells["B5"] == ("n", 7.0) and "C5" not in cells  # no rate: empty, not 0


def test_formula_like_words_are_text_cells_in_the_workbook():
    cells = read_workbook(bulletin_xlsx("x", [MAJOR]))["重大案件"]
    causes = [cells[f"B{r}"] for r in range(4, 4 + len(FORMULAS))]
    assert causes == [("s", text) for text in FORMULAS]
    assert not [c for c in cells.values() if c[0] == "f"]


def test_sheet_names_are_valid_and_unique():
    long = Table("x", "按处理人[统计]/绩效:" + "很" * 40, KINDS.columns, KINDS.rows)
    names = list(read_workbook(bulletin_xlsx("x", [long, long])))
    assert len(names) == 2 and len(set(names)) == 2
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_the_csv_has_a_bom_a_section_per_table_and_the_figures():
    data = bulletin_csv("2026年11月统计简报", [KINDS, MAJOR])
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == ["2026年11月统计简报"]
    start = parsed.index(["按类型"])
    assert parsed[start + 1] == ["类型", "数量", "按时率", "中位时长"]
    assert parsed[start + 2] == ["投诉", "12", "0.875", "30.5"]
    assert parsed[start + 3] == ["举报", "7", "", ""]
    assert ["重大案件"] in parsed


def test_formula_like_words_are_escaped_in_the_csv():
    parsed = list(csv.reader(io.StringIO(bulletin_csv("x", [MAJOR]).decode("utf-8-sig"))))
    causes = [row[1] for row in parsed if row and row[0] == "TS-1"]
    assert causes == ["'" + text for text in FORMULAS]
    assert not [cell for row in parsed for cell in row if cell[:1] in "=+-@\t"]


def test_rows_reads_a_sheet_as_a_grid():
    grid = rows(read_workbook(bulletin_xlsx("x", [KINDS]))["按类型"])
    assert grid[3][:2] == ["投诉", 12.0]


def test_a_list_of_mixed_figures_keeps_each_rows_format():
    headline = Table("headline", "要点", (Column("指标"), Column("数值", Measure.COUNT)),
                     (("收到", 120), ("按时率", 0.875), ("中位时长", 30.25)),
                     row_measures=(Measure.COUNT, Measure.RATE, Measure.HOURS))
    book = bulletin_xlsx("x", [headline])
    cells = read_workbook(book)["要点"]
    assert [cells[f"B{r}"] for r in (4, 5, 6)] == [("n", 120.0), ("n", 0.875), ("n", 30.25)]
    import zipfile
    styles = zipfile.ZipFile(io.BytesIO(book)).read("xl/styles.xml").decode()
    assert 'formatCode="0.0%"' in styles and 'formatCode="0.0"' in styles
