"""Bulk loading for the large data set: rows are written as PostgreSQL COPY text to temporary files
while the generator walks the timeline, then streamed into their tables.

Ids are reserved up front from each table's own sequence, so rows can point at rows not loaded
yet (a visit at its visitor, a case at its visit) and the sequences stay right for the app.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from django.db.models import Model

NULL = "\\N"
CHUNK = 1 << 20


def text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n").replace("\r", "")
    return str(value)


def utc(epoch: float) -> str:
    """A UNIX time as a timestamptz literal (the hot path writes times as epochs)."""
    return datetime.fromtimestamp(epoch, UTC).isoformat(sep=" ")


def day_text(day: date) -> str:
    return day.isoformat()


def reserve_ids(model: type[Model], count: int) -> int:
    """Reserve ``count`` ids of ``model``'s table; returns the first. Nothing else may insert into
    the table meanwhile (the command refuses databases in use)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


class Table:
    """Rows for one table, buffered in a temporary file until ``load``."""

    def __init__(self, model: type[Model], fields: list[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.columns = [self._column(model, f) for f in fields]
        self.file = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self.rows = 0

    @staticmethod
    def _column(model: type[Model], field: str) -> str:
        if field == "id":
            return "id"
        return model._meta.get_field(field).column

    def add(self, *values: object) -> None:
        self.file.write("\t".join(map(text, values)))
        self.file.write("\n")
        self.rows += 1

    def add_raw(self, line: str) -> None:
        """A row already in COPY text format, tab-separated, without the newline."""
        self.file.write(line)
        self.file.write("\n")
        self.rows += 1

    def load(self) -> float:
        """COPY the buffered rows in; returns the seconds it took."""
        started = time.perf_counter()
        self.file.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy,
        ):
            while chunk := self.file.read(CHUNK):
                copy.write(chunk)
        self.file.close()
        return time.perf_counter() - started
