"""CSV that opens cleanly in Excel: UTF-8 with a byte-order mark, semicolons, safe cells.

Excel reads a CSV without a byte-order mark as the local ANSI code page (Polish letters come
out garbled), and in a Polish locale it splits fields on ";" (the decimal separator is ","),
so a comma-separated file opens as one column.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import sqlite_utils

from archive.search import lexicon_for, normalize_query

__all__ = [
    "EXPORT_COLUMNS",
    "EXCEL_CELL_LIMIT",
    "EXCEL_DELIMITER",
    "ExcelCsvRewriter",
    "article_rows",
    "csv_chunk",
    "excel_cell",
    "excel_csv",
    "export_articles",
]

EXPORT_COLUMNS = (
    "published",
    "institution",
    "source_id",
    "region",
    "title",
    "lead",
    "body",
    "attachments",
    "url",
    "first_seen",
)
# Excel keeps at most 32,767 characters in a cell; longer text spills into the next rows.
EXCEL_CELL_LIMIT = 32_767
_CUT = " […] (tekst skrócony: pełny tekst w archiwum)"
EXCEL_DELIMITER = ";"
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def article_rows(
    db: sqlite_utils.Database,
    source_id: str | None = None,
    since: str | None = None,
    query: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Articles in date order (newest first), filtered by source, date and full-text query.

    Every value is bound as a parameter: no argument can change the SQL.
    """
    where, params = ["a.removed_at is null"], []
    if source_id:
        where.append("a.source_id = ?")
        params.append(source_id)
    if since:
        where.append("a.published >= ?")
        params.append(since)
    if query:
        # The same Polish-aware matching as the archive's search box (archive/search.py).
        normalized = normalize_query(query, lexicon_for(db, query))
        if not normalized:
            raise ValueError("the query has no words to search for")
        where.append("a.rowid in (select rowid from articles_search where articles_search match ?)")
        params.append(normalized)
    sql = f"""
        select a.published, s.name as institution, a.source_id, s.region, a.title, a.lead,
               a.body, a.attachments, a.url, a.first_seen
        from articles a left join sources s on s.id = a.source_id
        where {" and ".join(where)}
        order by a.published desc, a.url
    """
    yield from db.query(sql, params)


def excel_cell(value: Any) -> str:
    """A value as an Excel cell: never a formula, never longer than Excel keeps."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(_CUT)] + _CUT
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
        # A cell starting like a formula would run as one in Excel (CSV injection).
        text = "'" + text
    return text


def _cell(column: str, value: Any) -> str:
    if column == "attachments" and value:
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            items = []
        value = "\n".join(i.get("url", "") if isinstance(i, dict) else str(i) for i in items)
    return excel_cell(value)


def csv_chunk(
    columns: list[str], rows: Iterable[Iterable[Any]], header: bool = False, excel: bool = False
) -> bytes:
    """Rows as CSV bytes, the header (and for Excel the byte-order mark) first if `header`:
    plain CSV as Datasette writes it, or Excel-ready (semicolons, safe cells)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER if excel else ",")
    if header:
        if excel:
            out.write("\ufeff")
        writer.writerow(columns)
    if excel:
        writer.writerows([excel_cell(v) for v in row] for row in rows)
    else:
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def excel_csv(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A header and rows as Excel-ready CSV bytes (byte-order mark included)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER)
    writer.writerow(list(columns))
    writer.writerows([excel_cell(v) for v in row] for row in rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


class ExcelCsvRewriter:
    """Rewrites comma-separated UTF-8 CSV arriving in chunks into Excel-ready CSV.

    Chunks may end anywhere, inside a character or a quoted cell: only whole records are
    rewritten, the rest waits for the next chunk.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._started = False

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """Excel-ready bytes for the records completed by `data` (all of them if `final`)."""
        text = self._pending + self._decoder.decode(data, final)
        cut = len(text) if final else _records_end(text)
        self._pending = text[cut:]
        out = io.StringIO()
        if not self._started:
            out.write("\ufeff")
            self._started = True
        writer = csv.writer(out, delimiter=EXCEL_DELIMITER)
        for row in csv.reader(io.StringIO(text[:cut], newline="")):
            writer.writerow([excel_cell(v) for v in row])
        return out.getvalue().encode("utf-8")


def _records_end(text: str) -> int:
    """Where the last complete CSV record in `text` ends: after a newline outside quotes."""
    end = text.rfind("\n")
    while end >= 0:
        if text.count('"', 0, end) % 2 == 0:
            return end + 1
        end = text.rfind("\n", 0, end)
    return 0


def export_articles(
    db: sqlite_utils.Database,
    out: IO[str],
    *,
    source_id: str | None = None,
    since: str | None = None,
    query: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write matching articles as CSV to `out` (opened with encoding "utf-8-sig", newline="");
    return how many rows were written."""
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in article_rows(db, source_id, since, query):
        writer.writerow([_cell(c, row.get(c)) for c in EXPORT_COLUMNS])
        count += 1
        if progress and count % 10_000 == 0:
            progress(count)
    return count
