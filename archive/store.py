"""Idempotent writes to the archive: sources, articles, contacts and crawl runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

import sqlite_utils

ArticleOutcome = Literal["new", "updated", "unchanged"]

# Fields whose change makes a new version of an article; fetched_at and the like do not.
CONTENT_FIELDS = ("title", "published", "lead", "body", "attachments")


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


def save_sources(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
    """Upsert registry rows into `sources`."""
    now = utc_now()
    db["sources"].upsert_all(
        [{**row, "news": _json_list(row.get("news")), "updated_at": now} for row in rows],
        pk="id",
    )


def save_article(db: sqlite_utils.Database, record: dict[str, Any]) -> ArticleOutcome:
    """Upsert one article by URL and tell whether it was new, updated or unchanged."""
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
    columns = set(db["articles"].columns_dict)
    db["articles"].upsert({k: v for k, v in row.items() if k in columns}, pk="url")
    return outcome


def save_mentions(
    db: sqlite_utils.Database, url: str, source_id: str, mentions: Iterable[dict[str, Any]]
) -> int:
    """Replace the institutions named in one article; return how many there are."""
    rows = [
        {"url": url, "source_id": source_id, **{k: v for k, v in m.items() if k != "end"}}
        for m in mentions
    ]
    with db.conn:
        db.execute("delete from mentions where url = ?", [url])
        if rows:
            db["mentions"].insert_all(rows, pk=("url", "position"), replace=True)
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
    with db.conn:
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


def run_summary(db: sqlite_utils.Database, run_id: str) -> list[dict[str, Any]]:
    """Rows of `crawl_runs` for one run, in source order."""
    return list(db["crawl_runs"].rows_where("run_id = ?", [run_id], order_by="source_id"))
