"""Articles to a CSV file that opens cleanly in Excel (UTF-8 with a byte-order mark)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

import sqlite_utils

from archive.search import lexicon_for, normalize_query

__all__ = ["EXPORT_COLUMNS", "EXCEL_CELL_LIMIT", "export_articles", "article_rows"]

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


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column == "attachments":
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            items = []
        value = "\n".join(i.get("url", "") if isinstance(i, dict) else str(i) for i in items)
    text = str(value)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(_CUT)] + _CUT
    if text[:1] in ("=", "+", "-", "@"):
        # A cell starting like a formula would run as one in Excel (CSV injection).
        text = "'" + text
    return text


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
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in article_rows(db, source_id, since, query):
        writer.writerow([_cell(c, row.get(c)) for c in EXPORT_COLUMNS])
        count += 1
        if progress and count % 10_000 == 0:
            progress(count)
    return count
