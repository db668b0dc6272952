"""What a bulletin shows (R19), as plain tables and the charts drawn from them: the one shape
the page, the CSV, the XLSX workbook and the charts are written from. Texts are already in the
reader's language; numbers stay numbers (a rate is a fraction 0..1, shown as a percentage)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Cell = str | int | float | None  # None: no figure (e.g. a rate of nothing)


class Measure(StrEnum):
    """How a column's cells are read and shown."""

    TEXT = "text"  # words, possibly from a case (a cause, a measure): never a formula
    COUNT = "count"  # a whole number
    RATE = "rate"  # a fraction 0..1, shown as a percentage
    HOURS = "hours"  # a duration in hours, one decimal
    SCORE = "score"  # an average rating, two decimals


@dataclass(frozen=True)
class Column:
    title: str
    measure: Measure = Measure.TEXT


@dataclass(frozen=True)
class Table:
    """One section of the bulletin: `key` names it in files and routes (ASCII), `title` is the
    reader's words; the first column labels the rows."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # A list of figures of different kinds (a count, a rate, hours): each row's own measure for
    # its numeric cells; None: each column's.
    row_measures: tuple[Measure, ...] | None = None

    def __post_init__(self):
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key}: a row of {len(row)} cells, "
                                 f"{len(self.columns)} columns")
        if self.row_measures is not None and len(self.row_measures) != len(self.rows):
            raise ValueError(f"table {self.key}: a measure per row")

    def measure(self, row: int, column: int) -> Measure:
        """How the cell is read and shown."""
        declared = self.columns[column].measure
        if self.row_measures is None or declared == Measure.TEXT:
            return declared
        return self.row_measures[row]


class ChartKind(StrEnum):
    BAR = "bar"
    HORIZONTAL_BAR = "horizontal_bar"
    PIE = "pie"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | int | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart of some columns of a table: one series per column, one bar (or slice) per row."""

    key: str
    title: str
    kind: ChartKind
    measure: Measure
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    no_data: str = ""  # what an empty chart says


def chart_of(table: Table, kind: ChartKind, columns: tuple[int, ...] = (1,), key: str = "",
             no_data: str = "") -> Chart:
    """The chart of `columns` (positions, all of one measure) of `table`, its rows as labels."""
    if table.row_measures is not None:
        raise ValueError(f"table {table.key}: a list of mixed figures is not charted")
    measures = {table.columns[i].measure for i in columns}
    if len(measures) != 1 or Measure.TEXT in measures:
        raise ValueError(f"table {table.key}: chart columns must share one numeric measure")
    labels = tuple(str(row[0]) for row in table.rows)
    series = tuple(Series(table.columns[i].title,
                          tuple(_number(row[i]) for row in table.rows)) for i in columns)
    return Chart(key or table.key, table.title, kind, measures.pop(), labels, series, no_data)


def _number(cell: Cell) -> float | int | None:
    return cell if isinstance(cell, int | float) and not isinstance(cell, bool) else None
