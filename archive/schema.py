"""Tables, indexes, full-text search and views of the archive, declared as data."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils


@dataclass(frozen=True)
class Table:
    """One table: its columns, primary key, indexes and full-text columns."""

    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...]
    not_null: frozenset[str] = frozenset()
    indexes: tuple[tuple[str, ...], ...] = ()
    defaults: dict[str, object] = field(default_factory=dict)
    # SQL filling a column added to an existing archive (run once, when the column is added).
    backfills: dict[str, str] = field(default_factory=dict)


# What a contact row says, shared by the current row and its earlier versions.
CONTACT_VALUES: dict[str, type] = {
    "street": str,
    "postal_code": str,
    "city": str,
    "phones": str,  # JSON list, E.164
    "fax": str,  # JSON list, E.164
    "emails": str,  # JSON list
    "nip": str,
    "regon": str,
    "krs": str,
    "epuap": str,  # ePUAP inbox address: /darr/SkrytkaESP
    "bank_account": str,  # NRB, 26 digits, checksum-checked
    "website": str,
    "hours": str,  # as shown on the page
    "hours_json": str,  # {"mon": [["07:30", "15:30"]], ...}
    "page_url": str,  # the page the values were read from
}

TABLES: tuple[Table, ...] = (
    Table(
        name="sources",
        columns={
            "id": str,
            "name": str,
            "kind": str,
            "region": str,
            "homepage": str,
            "news": str,  # JSON list of listing URLs
            "contact_url": str,
            "verified": int,
            "updated_at": str,
        },
        pk="id",
        not_null=frozenset({"name", "kind", "homepage"}),
    ),
    Table(
        name="articles",
        columns={
            "url": str,
            "source_id": str,
            "title": str,
            "published": str,  # ISO YYYY-MM-DD
            "published_source": str,  # where the date came from: meta, time, label, text, url
            "modified": str,  # ISO date of the last change the page states, kept apart
            "lead": str,
            "body": str,
            "body_source": str,  # which extractor the text came from (archive/content.py)
            "encoding": str,  # how the page's bytes were decoded (utf-8, windows-1250, ...)
            "attachments": str,  # JSON list of {url, title, type}
            "fetched_at": str,
            "first_seen": str,
            "content_sha256": str,
            "warc_file": str,  # raw capture of the latest version: WARC file and offset
            "warc_offset": int,
            "last_checked": str,  # last time the page was confirmed (200 or 304)
            "removed_at": str,  # when the site answered 404/410 for it; the row stays
            # Copies of the source's region and kind and the year of `published`, kept on the
            # row so Datasette can facet and filter by them (it facets a table's own columns).
            "region": str,
            "kind": str,
            "year": str,
            # published + " " + url: the table's default order. Datasette pages through a
            # sort by a column with ties (many articles share a date) by adding the key as a
            # tie-breaker from page 2 on only, so pages and streamed CSV repeat and lose rows;
            # a unique sort column has no ties.
            "published_order": str,
        },
        pk="url",
        not_null=frozenset({"source_id"}),
        indexes=(
            ("source_id", "published"),
            ("published",),
            ("region", "published"),
            ("published_order",),
        ),
        backfills={
            "published_order": "update articles set published_order = "
            "coalesce(published, '') || ' ' || url",
            "year": "update articles set year = substr(published, 1, 4) "
            "where published is not null",
            "region": "update articles set region = "
            "(select region from sources where sources.id = articles.source_id)",
            "kind": "update articles set kind = "
            "(select kind from sources where sources.id = articles.source_id)",
        },
    ),
    Table(
        name="contacts",
        columns={
            "source_id": str,
            "place": str,  # "siedziba" for the seat, else the branch's heading
            "role": str,  # siedziba, oddział, filia, delegatura, punkt...
            **CONTACT_VALUES,
            "first_seen": str,  # when these values were first seen
            "updated_at": str,  # when they were last seen
        },
        pk=("source_id", "place"),
        defaults={"place": "siedziba", "role": "siedziba"},
    ),
    Table(
        name="contact_versions",
        columns={
            "source_id": str,
            "place": str,
            "role": str,
            "seen_from": str,  # first crawl that showed these values
            "seen_to": str,  # last crawl that showed them, before they changed
            **CONTACT_VALUES,
        },
        pk=("source_id", "place", "seen_from"),
    ),
    Table(
        name="contact_issues",
        columns={
            "source_id": str,
            "field": str,  # nip, regon, krs, bank_account
            "value": str,  # as shown on the page
            "reason": str,  # "fails checksum", "is not a 10-digit number"
            "page_url": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk=("source_id", "field", "value"),
    ),
    Table(
        name="article_versions",
        columns={
            "url": str,
            "content_sha256": str,  # hash of the content fields (archive.store.CONTENT_FIELDS)
            "fetched_at": str,  # when this content was first fetched
            "title": str,
            "published": str,
            "lead": str,
            "body": str,
            "attachments": str,
            "warc_file": str,  # the response this content came from, as fetched
            "warc_offset": int,
        },
        pk=("url", "content_sha256"),
        indexes=(("url", "fetched_at"),),
    ),
    Table(
        name="fetch_state",
        columns={
            "url": str,
            "source_id": str,
            "kind": str,  # listing, article, not-article (fetched, read, not kept)
            "etag": str,  # HTTP validators, sent back as If-None-Match / If-Modified-Since
            "last_modified": str,
            "status": int,  # last HTTP status
            "checked_at": str,
        },
        pk="url",
        indexes=(("source_id", "kind"),),
    ),
    Table(
        name="search_lexicon",
        columns={
            "form": str,  # a word as met while indexing, folded: "spolecznej"
            "lemma": str,  # its folded lemma: "spoleczny" (archive/search.py)
        },
        pk="form",
    ),
    Table(
        name="mentions",
        columns={
            "url": str,  # the article naming the institution
            "position": int,  # character offset in the article's body
            "source_id": str,  # the source that published the article
            "text": str,  # as written: "Powiatowego Urzędu Pracy w Wałbrzychu"
            "name": str,  # normalized: "Powiatowy Urząd Pracy w Wałbrzychu"
            "type": str,  # archive.mentions.TYPES: ops, pup, wup, rops, pcpr, ministerstwo...
            "city": str,  # nominative: "Wałbrzych"
        },
        pk=("url", "position"),
        indexes=(("name",), ("type",), ("city",), ("source_id",)),
    ),
    Table(
        name="crawl_runs",
        columns={
            "run_id": str,
            "source_id": str,
            "started": str,
            "finished": str,
            "status": str,  # ok, partial, failed, interrupted, running
            "pages_fetched": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "articles_removed": int,
            "errors": int,
            "error_summary": str,
        },
        pk=("run_id", "source_id"),
        indexes=(("source_id", "started"),),
    ),
    Table(
        name="crawl_errors",
        columns={
            "run_id": str,
            "source_id": str,
            "url": str,
            "reason": str,  # "HTTP 503 after 2 retries", "larger than 20 MB", "timed out"...
            "recorded_at": str,
            # What the URL was requested as: "article" and "listing" pages are asked again
            # by the next runs (store.urls_to_retry); "page" (homepage, feed...) is not.
            "kind": str,
        },
        pk=("run_id", "source_id", "url"),
        indexes=(("source_id", "run_id"),),
    ),
)

VIEWS: dict[str, str] = {
    "latest_articles": """
        select a.published, a.title, s.name as institution, s.region, s.kind, a.url
        from articles a join sources s on s.id = a.source_id
        order by a.published desc
    """,
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every missing table, column, index, FTS table and view; safe to re-run."""
    db.execute("PRAGMA journal_mode=WAL")
    for spec in TABLES:
        table = db.table(spec.name)
        if not table.exists():
            table.create(spec.columns, pk=spec.pk, not_null=set(spec.not_null))
        else:
            missing = {c: t for c, t in spec.columns.items() if c not in table.columns_dict}
            for column, col_type in missing.items():
                # A column and its filling commit together: killed in between, the next run
                # finds the column missing and does both again (never a column left empty).
                with db.atomic():
                    table.add_column(column, col_type)
                    if column in spec.defaults:
                        db.execute(
                            f"update [{spec.name}] set [{column}] = ? where [{column}] is null",
                            [spec.defaults[column]],
                        )
                    if column in spec.backfills:
                        db.execute(spec.backfills[column])
            wanted = [spec.pk] if isinstance(spec.pk, str) else list(spec.pk)
            if table.pks != wanted:
                # An archive made before the key grew (contacts: one row per source, now one
                # per place): rebuild the table with the new key, rows kept.
                table.transform(pk=wanted)
        existing = {tuple(index.columns) for index in table.indexes}
        for columns in spec.indexes:
            if tuple(columns) not in existing:
                table.create_index(list(columns), if_not_exists=True)
    if db["articles_fts"].exists():
        # The first archives also kept SQLite's plain FTS of title and body, updated by
        # triggers on every write; articles_search replaced it and nothing reads it. Triggers
        # and tables go together: a trigger left pointing at a dropped table would fail
        # every later write to articles.
        with db.atomic():
            db["articles"].disable_fts()
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    # Polish-aware search: lemmas without diacritics, keyed by articles.rowid (archive/search).
    if "articles_search" not in db.table_names():
        from archive.search import rebuild_search_index

        # An archive made before the Polish-aware index: build it once, now, in the same
        # transaction as the table, so a killed build leaves no half-filled index behind.
        with db.atomic():
            db.execute(
                "create virtual table articles_search using fts5("
                "title, body, tokenize = 'unicode61 remove_diacritics 2')"
            )
            rebuild_search_index(db, commit=False)


def open_db(path: str) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database with its schema in place."""
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    # In WAL mode NORMAL still survives a killed process intact (only a power cut may lose the
    # last commits) and spares an fsync per commit: the crawl writes several per page.
    db.execute("PRAGMA synchronous=NORMAL")
    return db
