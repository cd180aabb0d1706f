"""Idempotent writes to the archive: sources, articles, contacts and crawl runs."""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

import sqlite_utils

from archive.search import index_article

ArticleOutcome = Literal["new", "updated", "unchanged", "removed"]

# Fields whose change makes a new version of an article; fetched_at and the like do not.
CONTENT_FIELDS = ("title", "published", "lead", "body", "attachments")
# Where a version's raw response was captured (archive/warc.py).
CAPTURE_FIELDS = ("warc_file", "warc_offset")


def utc_now() -> str:
    """Current UTC time as an ISO 8601 string with seconds precision."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def content_sha256(record: dict[str, Any]) -> str:
    """Hash of an article's content fields, stable across runs."""
    payload = json.dumps(
        {key: record.get(key) for key in CONTENT_FIELDS}, ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json_list(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(list(value or []), ensure_ascii=False)


_COLUMNS: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, frozenset[str]]] = (
    weakref.WeakKeyDictionary()
)


def table_columns(db: sqlite_utils.Database, table: str) -> frozenset[str]:
    """A table's columns, read once per connection: sqlite-utils asks SQLite on every call,
    and the crawler stores thousands of articles through one connection."""
    known = _COLUMNS.setdefault(db, {})
    if table not in known:
        known[table] = frozenset(db[table].columns_dict)
    return known[table]


_SQL: dict[tuple[str, str, tuple[str, ...]], str] = {}


def _upsert(
    db: sqlite_utils.Database, table: str, row: dict[str, Any], key: tuple[str, ...]
) -> None:
    """Insert a row or update the given columns of the existing one (others stay as they are),
    in one statement: the SQL is built once per column set, so SQLite's statement cache keeps
    it (sqlite-utils reads the table's schema on every call; this runs for every page)."""
    columns = tuple(row)
    sql = _SQL.get(("upsert", table, columns))
    if sql is None:
        updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in key)
        sql = (
            f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"values ({', '.join('?' for _ in columns)}) "
            f"on conflict ({', '.join(f'[{c}]' for c in key)}) "
            + (f"do update set {updates}" if updates else "do nothing")
        )
        _SQL[("upsert", table, columns)] = sql
    db.execute(sql, list(row.values()))


def _insert_ignore(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same columns), leaving any that already exist."""
    if not rows:
        return
    columns = tuple(rows[0])
    sql = _SQL.get(("insert", table, columns))
    if sql is None:
        sql = (
            f"insert or ignore into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"values ({', '.join('?' for _ in columns)})"
        )
        _SQL[("insert", table, columns)] = sql
    db.conn.executemany(sql, [[r[c] for c in columns] for r in rows])


_SOURCE_FACETS: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, tuple]] = (
    weakref.WeakKeyDictionary()
)


def _source_facets(db: sqlite_utils.Database, source_id: str | None) -> tuple:
    """(region, kind) of a source, read once per connection (save_sources refreshes it)."""
    known = _SOURCE_FACETS.setdefault(db, {})
    if source_id not in known:
        found = db.execute("select region, kind from sources where id = ?", [source_id]).fetchone()
        known[source_id] = tuple(found) if found else (None, None)
    return known[source_id]


def save_sources(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
    """Upsert registry rows into `sources`."""
    now = utc_now()
    from archive.redact import redact_secrets

    rows = [{**row, "news": _json_list(row.get("news")), "updated_at": now} for row in rows]
    for row in rows:
        # The archive is published: a password or token in a registry URL stays in the
        # registry file, which the crawler reads; the published copy is redacted.
        for key in ("homepage", "news", "contact_url"):
            if isinstance(row.get(key), str):
                row[key] = redact_secrets(row[key])
    _SOURCE_FACETS.pop(db, None)
    with db.atomic():
        db["sources"].upsert_all(rows, pk="id")
        for row in rows:
            # Articles carry their source's region and kind for facets: keep them in step.
            db.execute(
                "update articles set region = ?, kind = ? where source_id = ? "
                "and (region is not ? or kind is not ?)",
                [row.get("region"), row.get("kind"), row["id"], row.get("region"), row.get("kind")],
            )


def save_article(
    db: sqlite_utils.Database,
    record: dict[str, Any],
    search: tuple[str, str, dict[str, str]] | None = None,
) -> ArticleOutcome:
    """Upsert one article by URL and tell whether it was new, updated or unchanged.

    `search` is the title and body as the search index holds them, if already computed.
    """
    row = dict(record)
    row["attachments"] = _json_list(row.get("attachments"))
    row["content_sha256"] = content_sha256(row)
    row.setdefault("fetched_at", utc_now())
    existing = db.execute(
        "select content_sha256, first_seen from articles where url = ?", [row["url"]]
    ).fetchone()
    if existing is None:
        row["first_seen"] = row["fetched_at"]
        outcome: ArticleOutcome = "new"
    else:
        row["first_seen"] = existing[1] or row["fetched_at"]
        outcome = "unchanged" if existing[0] == row["content_sha256"] else "updated"
    row["last_checked"] = row["fetched_at"]
    row["removed_at"] = None  # answered again: not removed (any more)
    row["year"] = (row.get("published") or "")[:4] or None
    row["published_order"] = f"{row.get('published') or ''} {row['url']}"
    row["region"], row["kind"] = _source_facets(db, row.get("source_id"))
    columns = table_columns(db, "articles")
    with db.atomic():
        _upsert(db, "articles", {k: v for k, v in row.items() if k in columns}, ("url",))
        if outcome != "unchanged":
            # Every distinct content stays; the articles row is the latest.
            keys = ("url", "content_sha256", "fetched_at", *CONTENT_FIELDS, *CAPTURE_FIELDS)
            _insert_ignore(db, "article_versions", [{k: row.get(k) for k in keys}])
            index_article(db, row["url"], search)
    return outcome


def mark_checked(db: sqlite_utils.Database, url: str, when: str | None = None) -> None:
    """Record that a known article answered "not modified" (304)."""
    db.execute(
        "update articles set last_checked = ?, removed_at = null where url = ?",
        [when or utc_now(), url],
    )
    db.conn.commit()


def mark_removed(db: sqlite_utils.Database, url: str, when: str | None = None) -> bool:
    """Mark a known article the site no longer serves (404/410); the row and versions stay.

    Returns whether this run is the one that found it gone.
    """
    cursor = db.execute(
        "update articles set removed_at = ? where url = ? and removed_at is null",
        [when or utc_now(), url],
    )
    db.conn.commit()
    return cursor.rowcount > 0


def save_fetch_state(
    db: sqlite_utils.Database,
    url: str,
    source_id: str,
    kind: str,
    status: int,
    etag: str | None,
    last_modified: str | None,
) -> None:
    """Remember a page's HTTP validators for the next run's conditional request."""
    row = {"url": url, "source_id": source_id, "kind": kind, "status": status}
    row["checked_at"] = utc_now()
    if status == 200:
        row.update(etag=etag, last_modified=last_modified)
    _upsert(db, "fetch_state", row, ("url",))


def known_articles(db: sqlite_utils.Database, source_id: str) -> dict[str, dict[str, Any]]:
    """Articles of a source the archive holds (not removed), with their HTTP validators."""
    rows = db.execute(
        """
        select a.url, f.etag, f.last_modified from articles a
        left join fetch_state f on f.url = a.url
        where a.source_id = ? and a.removed_at is null
        """,
        [source_id],
    ).fetchall()
    return {url: {"etag": etag, "last_modified": modified} for url, etag, modified in rows}


def page_validators(db: sqlite_utils.Database, url: str) -> dict[str, Any]:
    """Stored validators of one page (a listing), empty if never fetched."""
    row = db.execute("select etag, last_modified from fetch_state where url = ?", [url]).fetchone()
    return {"etag": row[0], "last_modified": row[1]} if row else {}


def previous_run_complete(db: sqlite_utils.Database, source_id: str, run_id: str) -> bool:
    """Whether the source's last run before this one finished (not killed or interrupted).

    Only then may a crawl stop at the first listing page it already knows: after a killed
    run, older pages may still hold articles never fetched.
    """
    row = db.execute(
        "select status from crawl_runs where source_id = ? and run_id < ? "
        "order by run_id desc limit 1",
        [source_id, run_id],
    ).fetchone()
    return bool(row) and row[0] in ("ok", "partial")


def save_mentions(
    db: sqlite_utils.Database, url: str, source_id: str, mentions: Iterable[dict[str, Any]]
) -> int:
    """Replace the institutions named in one article; return how many there are."""
    rows = [
        {"url": url, "source_id": source_id, **{k: v for k, v in m.items() if k != "end"}}
        for m in mentions
    ]
    with db.atomic():
        db.execute("delete from mentions where url = ?", [url])
        _insert_ignore(db, "mentions", rows)
    return len(rows)


# Contact fields whose change makes a new version (page_url and timestamps do not).
CONTACT_FIELDS = (
    "street", "postal_code", "city", "phones", "fax", "emails", "nip", "regon", "krs", "epuap",
    "bank_account", "website", "hours", "hours_json",
)  # fmt: skip


def _contact_cell(key: str, value: Any) -> Any:
    if key in ("phones", "fax", "emails"):
        return _json_list(value)
    if key == "hours_json":
        return json.dumps(value or {}, ensure_ascii=False)  # days stay in week order
    return value


def save_contact(
    db: sqlite_utils.Database,
    source_id: str,
    contact: dict[str, Any],
    issues: Iterable[dict[str, str]] = (),
    *,
    place: str = "siedziba",
    role: str = "siedziba",
) -> str:
    """Store one contact row of a source (its seat, or a branch as `place`); keep the values
    it replaces in contact_versions.

    Returns "new", "unchanged" or "changed". Numbers that failed their check go to
    contact_issues with the page they came from.
    """
    now = utc_now()
    row = {"source_id": source_id, "place": place, "role": role, "updated_at": now}
    row["first_seen"] = now
    for key, value in contact.items():
        row[key] = _contact_cell(key, value)
    columns = set(db["contacts"].columns_dict)
    row = {k: v for k, v in row.items() if k in columns}
    existing = next(
        db["contacts"].rows_where("source_id = ? and place = ?", [source_id, place]), None
    )
    outcome = "new"
    with db.atomic():
        if existing is not None:
            old = {k: existing.get(k) for k in CONTACT_FIELDS}
            if old == {k: row.get(k) for k in CONTACT_FIELDS}:
                row["first_seen"] = existing.get("first_seen") or now
                outcome = "unchanged"
            else:
                version = {k: existing.get(k) for k in CONTACT_FIELDS}
                version.update(
                    source_id=source_id,
                    place=place,
                    role=role,
                    seen_from=existing.get("first_seen") or existing.get("updated_at"),
                    seen_to=existing.get("updated_at"),
                    page_url=existing.get("page_url"),
                )
                db["contact_versions"].upsert(version, pk=("source_id", "place", "seen_from"))
                outcome = "changed"
        db["contacts"].upsert(row, pk=("source_id", "place"))
        for issue in issues:
            key = (source_id, issue["field"], issue["value"])
            seen = db.execute(
                "select first_seen from contact_issues where source_id = ? and field = ? "
                "and value = ?",
                key,
            ).fetchone()
            db["contact_issues"].upsert(
                {
                    "source_id": source_id,
                    **issue,
                    "first_seen": seen[0] if seen else now,
                    "last_seen": now,
                },
                pk=("source_id", "field", "value"),
            )
    return outcome


def start_run(db: sqlite_utils.Database, run_id: str, source_id: str) -> None:
    """Record that a crawl of one source has started."""
    db["crawl_runs"].upsert(
        {
            "run_id": run_id,
            "source_id": source_id,
            "started": utc_now(),
            "status": "running",
            "pages_fetched": 0,
            "articles_new": 0,
            "articles_updated": 0,
            "articles_unchanged": 0,
            "errors": 0,
        },
        pk=("run_id", "source_id"),
    )


def finish_run(
    db: sqlite_utils.Database, run_id: str, source_id: str, counts: dict[str, Any]
) -> None:
    """Record the outcome of one source's crawl."""
    db["crawl_runs"].update((run_id, source_id), {**counts, "finished": utc_now()})


def save_crawl_errors(
    db: sqlite_utils.Database,
    run_id: str,
    source_id: str,
    errors: Iterable[tuple[str, str, str]],
) -> None:
    """Every URL a run could not archive, with why and what it was requested as
    ("article", "listing" or "page"), in `crawl_errors`."""
    from archive.redact import redact_secrets

    now = utc_now()
    rows = [
        # The reason may quote a URL (Scrapy's messages do): no password or token in it.
        {"run_id": run_id, "source_id": source_id, "url": url,
         "reason": redact_secrets(reason), "recorded_at": now, "kind": kind}
        for url, reason, kind in errors
    ]  # fmt: skip
    if rows:
        with db.atomic():
            db["crawl_errors"].upsert_all(rows, pk=("run_id", "source_id", "url"))


def urls_to_retry(
    db: sqlite_utils.Database, source_id: str, max_runs: int = 3, limit: int = 500
) -> list[tuple[str, str]]:
    """Article and listing URLs earlier runs failed on and no run has fetched since, as
    (url, kind), newest failure first. An incremental run stops at the first listing page it
    knows, so without this a page lost to a bad night deep in a listing stayed lost. A URL
    that failed in `max_runs` runs is given up (a 404 for good, a page over the size limit).
    """
    rows = db.execute(
        """
        select e.url, e.kind from crawl_errors e
        where e.source_id = ? and e.kind in ('article', 'listing')
          and not exists (select 1 from articles a where a.url = e.url)
          and not exists (
            select 1 from fetch_state f
            where f.url = e.url and f.status in (200, 304) and f.checked_at >= e.recorded_at
          )
        group by e.url
        having count(distinct e.run_id) < ?
        order by max(e.recorded_at) desc
        limit ?
        """,
        [source_id, max_runs, limit],
    ).fetchall()
    return [(url, kind) for url, kind in rows]


def retry_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """How many failed pages each source's next run will ask again (see urls_to_retry)."""
    table = db["crawl_errors"]
    if not table.exists() or "kind" not in table.columns_dict:
        return {}  # no crawl yet, or an archive older than crawl_errors.kind
    sources = [r[0] for r in db.execute("select distinct source_id from crawl_errors")]
    return {source: len(urls_to_retry(db, source)) for source in sources}


def run_summary(db: sqlite_utils.Database, run_id: str) -> list[dict[str, Any]]:
    """Rows of `crawl_runs` for one run, in source order."""
    return list(db["crawl_runs"].rows_where("run_id = ?", [run_id], order_by="source_id"))


def recent_runs(db: sqlite_utils.Database, per_source: int = 1) -> list[dict[str, Any]]:
    """The latest crawl runs of every source, newest first, with how long each took."""
    if "crawl_runs" not in db.table_names():
        return []
    rows = db.query(
        """
        select * from (
          select *, row_number() over (partition by source_id order by run_id desc) as n
          from crawl_runs
        ) where n <= ? order by source_id, run_id desc
        """,
        [per_source],
    )
    return [{**row, "took": _duration(row.get("started"), row.get("finished"))} for row in rows]


def _duration(started: str | None, finished: str | None) -> str:
    if not started or not finished:
        return "-"
    seconds = int(
        (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    )
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def capture_location(
    db: sqlite_utils.Database, url: str, version: int | None = None
) -> tuple[str, int, str] | None:
    """(WARC file, offset, fetched_at) of an article's raw capture: its latest version, or
    version N counting from 1 for the oldest; None if the archive holds no capture of it."""
    rows = db.execute(
        "select warc_file, warc_offset, fetched_at from article_versions "
        "where url = ? and warc_file is not null order by fetched_at",
        [url],
    ).fetchall()
    if not rows:
        return None
    if version is None:
        return rows[-1]
    if not 1 <= version <= len(rows):
        raise IndexError(f"{url} has {len(rows)} captured version(s), not {version}")
    return rows[version - 1]
