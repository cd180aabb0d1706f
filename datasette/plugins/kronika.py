"""Kronika's Datasette plugin: readable JSON list cells and the article row page.

Everything read from the database is crawled text: it is escaped with
``markupsafe.escape`` (or left to Jinja's autoescape) and only http(s), mailto:
and tel: links are ever produced, so no crawled value can run as HTML or JS.
"""

from __future__ import annotations

import contextvars
import json
import re
from urllib.parse import urlsplit

from datasette.utils import tilde_decode, tilde_encode, urlsafe_components
from markupsafe import Markup, escape

from datasette import hookimpl

JSON_LIST_COLUMNS = {"attachments", "phones", "fax", "emails", "news"}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+$")


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no javascript: etc.)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def _link(href: str, text: object) -> Markup:
    return Markup('<a href="{}" rel="nofollow noopener">{}</a>').format(href, text)


def _url_item(value: object) -> Markup:
    url = safe_url(value)
    return _link(url, url) if url else escape(value)


def _phone_item(value: object) -> Markup:
    tel = re.sub(r"[^0-9+]", "", str(value))
    return _link("tel:" + tel, value) if tel else escape(value)


def _email_item(value: object) -> Markup:
    email = str(value).strip()
    return _link("mailto:" + email, email) if _EMAIL.match(email) else escape(value)


def _attachment_item(value: object) -> Markup:
    if not isinstance(value, dict):
        return _url_item(value)
    url = safe_url(value.get("url"))
    title = value.get("title") or value.get("url") or ""
    item = _link(url, title) if url else escape(title)
    if value.get("type"):
        item += Markup(" <small>({})</small>").format(value["type"])
    return item


_RENDERERS = {
    "attachments": _attachment_item,
    "news": _url_item,
    "phones": _phone_item,
    "fax": _phone_item,
    "emails": _email_item,
}


def render_json_list(column: str, value: object) -> Markup | None:
    """HTML for a JSON list column value, or None if it is not a non-empty JSON list."""
    if column not in JSON_LIST_COLUMNS or not isinstance(value, str):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list) or not items:
        return None
    return Markup("<br>").join(_RENDERERS[column](item) for item in items)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    searched = _SEARCHED.get()
    if table is None and column == "title" and isinstance(value, str) and _has(row, "url"):
        # A canned query listing articles: the title opens the archived article.
        path = datasette.urls.row(database, "articles", tilde_encode(row["url"]))
        text = search_snippet(value, searched, whole=True) if searched else escape(value)
        return Markup('<a href="{}">{}</a>').format(path, text)
    if searched and table in ("articles", None) and column in ("body", "title"):
        if isinstance(value, str):
            return search_snippet(value, searched, whole=column == "title")
    return render_json_list(column, value)


def _has(row: object, key: str) -> bool:
    try:
        return key in row.keys() and bool(row[key])
    except (AttributeError, TypeError):
        return False


# The normalized search of the request being served (set by the asgi wrapper below):
# render_cell has no request argument in Datasette 0.65.
_SEARCHED: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kronika_searched", default=None
)


_TERM = re.compile(r'"([^"]+)"(\*?)')
_WORD = re.compile(r"\w+")
# Around the first word found: this much text before it and after it.
_BEFORE, _AFTER = 120, 180


def _query_terms(normalized_query: str) -> tuple[frozenset[str], tuple[str, ...]]:
    lemmas, prefixes = set(), []
    for term, star in _TERM.findall(normalized_query):
        for part in term.split():
            (prefixes.append(part) if star else lemmas.add(part))
    return frozenset(lemmas), tuple(prefixes)


def search_snippet(text: str, normalized_query: str, whole: bool = False) -> Markup:
    """The words a search found, marked, in a window of the text around the first of them.

    `normalized_query` is the search as matched: quoted lemmas without diacritics, a `*`
    after prefixes; each word of the text is compared by its lemma.
    """
    from archive.search import fold, lemma

    lemmas, prefixes = _query_terms(normalized_query)
    spans: list[tuple[int, int]] = []
    end = len(text)
    for match in _WORD.finditer(text):
        if match.start() >= end:
            break  # past the window: the rest is not shown, so not looked at
        word = match.group()
        if lemma(word) in lemmas or (prefixes and fold(word).startswith(prefixes)):
            spans.append(match.span())
            if not whole and len(spans) == 1:
                end = min(match.end() + _AFTER, len(text))
    if not spans:
        return escape(text if whole or len(text) <= 300 else text[:300] + "…")
    start = 0 if whole else max(spans[0][0] - _BEFORE, 0)
    pieces = ["…" if start else ""]
    cursor = start
    for a, b in spans:
        if b > end:
            break
        pieces += [str(escape(text[cursor:a])), "<mark>", str(escape(text[a:b])), "</mark>"]
        cursor = b
    pieces += [str(escape(text[cursor:end])), "…" if end < len(text) else ""]
    return Markup("".join(pieces))


def _attachments(value: object) -> list[dict]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        items = []
    result = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            continue
        result.append(
            {
                "href": safe_url(item.get("url")),
                "title": item.get("title") or item.get("url") or "",
                "type": item.get("type") or "",
            }
        )
    return result


async def article_context(datasette, database: str, url: str) -> dict | None:
    """Plain (unescaped) data for the article template; Jinja escapes it."""
    db = datasette.get_database(database)
    row = (
        await db.execute(
            """
            select a.*, s.name as institution, s.homepage as institution_homepage
            from articles a left join sources s on s.id = a.source_id
            where a.url = ?
            """,
            [url],
        )
    ).first()
    if row is None:
        return None
    article = dict(row)
    body = (article.get("body") or "").replace("\r\n", "\n")
    article["paragraphs"] = [p.strip() for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
    lead = " ".join((article.get("lead") or "").split())
    if lead and article["paragraphs"] and " ".join(article["paragraphs"][0].split()) == lead:
        # The lead is the body's first paragraph: show it once, in bold.
        article["paragraphs"] = article["paragraphs"][1:]
    article["attachment_list"] = _attachments(article.get("attachments"))
    article["href"] = safe_url(article.get("url"))
    versions = []
    if await db.table_exists("article_versions"):
        versions = await db.execute(
            "select fetched_at from article_versions where url = ? and warc_file is not null "
            "order by fetched_at",
            [url],
        )
    article["captures"] = [
        {"fetched_at": row[0], "path": capture_path(datasette, database, url, number)}
        for number, row in enumerate(versions, start=1)
    ]
    article["source_path"] = (
        datasette.urls.row(database, "sources", tilde_encode(article["source_id"]))
        if article.get("source_id")
        else None
    )
    return article


_DAY_NAMES = {
    "mon": "poniedziałek",
    "tue": "wtorek",
    "wed": "środa",
    "thu": "czwartek",
    "fri": "piątek",
    "sat": "sobota",
    "sun": "niedziela",
}


def _json_value(value: object, default: object) -> object:
    try:
        return json.loads(value) if isinstance(value, str) else default
    except ValueError:
        return default


_COMPANY_SUFFIX = re.compile(r"\s*(?:S\.\s?A\.|sp\.\s*z\s*o\.\s*o\.)\s*$", re.I)


def institution_name(name: str) -> str:
    """A registry name as mentions normalize it: without "S.A." or "sp. z o.o."."""
    return _COMPANY_SUFFIX.sub("", name or "")


async def source_context(datasette, database: str, source_id: str) -> dict | None:
    """A source's contact card, failed numbers and the articles that mention it by name."""
    db = datasette.get_database(database)
    source = (await db.execute("select * from sources where id = ?", [source_id])).first()
    if source is None:
        return None
    cards = []
    if await db.table_exists("contacts"):
        rows = await db.execute(
            "select * from contacts where source_id = ? order by role != 'siedziba', place",
            [source_id],
        )
        for row in rows:
            card = dict(row)
            card["phone_list"] = [str(p) for p in _json_value(card.get("phones"), [])]
            card["fax_list"] = [str(p) for p in _json_value(card.get("fax"), [])]
            card["email_list"] = [
                e for e in map(str, _json_value(card.get("emails"), [])) if _EMAIL.match(e)
            ]
            card["website_href"] = safe_url(card.get("website"))
            schedule = _json_value(card.get("hours_json"), {})
            card["schedule"] = [
                (_DAY_NAMES[day], ", ".join(f"{a}–{b}" for a, b in schedule[day]))
                for day in _DAY_NAMES
                if isinstance(schedule, dict) and schedule.get(day)
            ]
            cards.append(card)
    mentioned = []
    if await db.table_exists("mentions"):
        rows = await db.execute(
            """
            select a.url, a.title, a.published, m.text as written, s.name as publisher
            from mentions m join articles a on a.url = m.url
            left join sources s on s.id = a.source_id
            where m.name in (?, ?) group by a.url order by a.published desc limit 200
            """,
            [source["name"], institution_name(source["name"])],
        )
        for row in rows:
            item = dict(row)
            item["path"] = datasette.urls.row(database, "articles", tilde_encode(item["url"]))
            mentioned.append(item)
    issues = []
    if await db.table_exists("contact_issues"):
        issues = [
            dict(r)
            for r in await db.execute(
                "select field, value, reason, page_url from contact_issues where source_id = ?",
                [source_id],
            )
        ]
    return {"source": dict(source), "cards": cards, "mentioned": mentioned, "issues": issues}


async def query_choices(datasette, database: str) -> dict[str, list[tuple[str, str]]]:
    """(value, label) options for the canned queries' institution and region fields."""
    from archive.search import fold  # "łódzkie" sorts after "lubuskie", not after "z"

    db = datasette.get_database(database)
    if not await db.table_exists("sources"):
        return {}
    rows = [dict(r) for r in await db.execute("select id, name, region from sources")]
    sources = sorted(((r["id"], r["name"] or r["id"]) for r in rows), key=lambda o: fold(o[1]))
    regions = sorted({r["region"] for r in rows if r["region"]}, key=fold)
    return {"source_id": sources, "region": [(region, region) for region in regions]}


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if request is None or database is None:
        return {}
    if view_name == "table" and table is None:
        # A canned query's page (Datasette 0.65 renders them through its table view, with
        # no table): its fields offer the archive's institutions and regions.
        query = tilde_decode(request.url_vars.get("table") or "")

        async def choices():
            if not query or not await datasette.get_canned_query(database, query, None):
                return {}
            return {"kronika_choices": await query_choices(datasette, database)}

        return choices
    if view_name != "row" or table not in ("articles", "sources"):
        return {}

    async def inner():
        pks = urlsafe_components(request.url_vars.get("pks", ""))
        if len(pks) != 1:
            return {}
        if table == "sources":
            return {"kronika_source": await source_context(datasette, database, pks[0])}
        return {"kronika_article": await article_context(datasette, database, pks[0])}

    return inner


@hookimpl(trylast=True)
def prepare_connection(conn, database):
    """`kronika_query(text)`: what a reader typed as a match over lemmas (archive/search.py),
    for canned queries; and no writes through any connection."""
    register_search_functions(conn)
    if database not in ("_internal", "_memory"):
        # Datasette already opens archives read-only (mode=ro) and 0.65 has no write API;
        # query_only also stops any plugin or future endpoint from writing through us.
        conn.execute("PRAGMA query_only = 1")


def register_search_functions(conn) -> None:
    """`kronika_query` on one connection."""
    from archive.search import match_expression

    def kronika_query(text):
        return match_expression(conn, "" if text is None else str(text))

    conn.create_function("kronika_query", 1, kronika_query)


# Below this many matches a search's rows are fetched by rowid and sorted, and facets count
# them. From it on, the table is read in its sort order and each row checked against the
# matches, which stops as soon as a page is full (SQLite cannot tell: FTS5 gives it no row
# estimate, and it fetched 650,000 rows to sort them for a common word at 1M articles: 820 ms
# instead of 130), and facets are skipped: counting that many rows outlasts their time limit.
DENSE_MATCHES = 50_000


# The plan of the search being served, worked out once by the asgi wrapper and reused by the
# table's search filter: (database, typed, match expression, dense).
_PLAN: contextvars.ContextVar[tuple[str, str, str, bool] | None] = contextvars.ContextVar(
    "kronika_plan", default=None
)


async def search_plan(datasette, database: str, typed: str, raw: bool = False) -> tuple[str, bool]:
    """What was typed as an FTS5 match over lemmas, and whether it matches DENSE_MATCHES
    articles or more. Raises sqlite3.OperationalError for a raw query FTS5 rejects."""
    cached = _PLAN.get()
    if not raw and cached and cached[:2] == (database, typed):
        return cached[2], cached[3]
    from archive.search import match_expression

    db = datasette.get_database(database)
    if raw:
        expression = typed
    else:
        expression = await db.execute_fn(lambda conn: match_expression(conn, typed))
    found = await db.execute(
        "select count(*) from (select rowid from articles_search "
        "where articles_search match ? limit ?)",
        [expression, DENSE_MATCHES],
    )
    return expression, found.first()[0] >= DENSE_MATCHES


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """`?_search=` on `articles`: Polish-aware (archive/search.py), what was typed kept in the
    URL and the search box. Runs last, so its search context replaces Datasette's (none:
    `articles` has no FTS table of its own)."""
    from datasette.filters import FilterArguments

    if table != "articles":
        return None
    typed = request.args.get("_search")
    if not typed:
        return FilterArguments([], extra_context={"supports_search": True})

    async def inner():
        raw = request.args.get("_searchmode") == "raw"
        try:
            expression, dense = await search_plan(datasette, database, typed, raw=raw)
        except Exception as error:  # a raw query FTS5 rejects: say so, as Datasette would
            from datasette.utils.asgi import BadRequest

            raise BadRequest(f"Invalid search: {error}") from None
        db = datasette.get_database(database)
        rowid = "+rowid" if dense else "rowid"
        context = {"supports_search": True, "search": typed}
        described = [f'search matches "{typed}"']
        if dense and not request.args.get("_facet"):
            described.append(f"facets skipped above {DENSE_MATCHES:,} matches")
        if not any(not key.startswith("_") or key == "_where" for key in request.args):
            # No other filter: the index counts the matches (50 ms for 650,000 where
            # Datasette's count(*) over the table takes a second; the wrapper turned it off).
            counted = await db.execute(
                "select count(*) from articles_search where articles_search match ?",
                [expression],
            )
            context["filtered_table_rows_count"] = counted.first()[0]
        return FilterArguments(
            [
                f"{rowid} in (select rowid from articles_search "
                "where articles_search match :kronika_search)"
            ],
            {"kronika_search": expression},
            described,
            context,
        )

    return inner


_TABLE_PATH = re.compile(r"^/(?P<db>[^/]+)/articles(?P<format>\.json|\.csv|\.excel)?$")
_RANKED_PATH = re.compile(r"^/(?P<db>[^/]+)/search(?:\.\w+)?$")
RANKED_QUERY = "search"
# Table filters the ranked search query takes as its own parameters; any other filter keeps
# the request on the table view (date order, facets, every matching row).
_RANKED_FILTERS = {
    "source_id": "source_id",
    "region": "region",
    "published__gte": "since",
    "published__lte": "until",
}
_TABLE_ONLY_ARGS = {"_sort", "_sort_desc", "_next", "_stream", "_facet", "_where", "_nocount"}


DEFAULT_ARTICLE_SORT = "published_order"


def form_kept_default_sort(pairs: list[tuple[str, str]]) -> bool:
    """Whether a table form submission carries the table's default sort unchanged."""
    args = dict(pairs)
    return "_sort_by_desc" in args and args.get("_sort", "") in ("", DEFAULT_ARTICLE_SORT)


def ranked_search_request(db: str, format_: str, pairs: list[tuple[str, str]]) -> tuple | None:
    """The canned `search` query (ordered by relevance) standing for a table search, or None.

    A search of the articles table without an explicit sort is answered by relevance; with
    `_sort`/`_sort_desc`, a filter the query cannot express or a full CSV stream, it stays a
    table search.
    """
    table_only = any(k in _TABLE_ONLY_ARGS or k.startswith("_facet") for k, _ in pairs)
    # A filter typed into the table page's form: Datasette turns it into a column filter.
    filtering = any(k.startswith("_filter_value") and v for k, v in pairs)
    if format_ == ".excel" or table_only or filtering:
        return None
    query = []
    for key, value in pairs:
        if key == "_search":
            query.append(("q", value))
        elif key in _RANKED_FILTERS:
            query.append((_RANKED_FILTERS[key], value))
        elif key.startswith("_") and "__" not in key:
            if key != "_searchmode" and not key.startswith("_filter_"):
                query.append((key, value))
        else:
            return None
    return f"/{db}/{RANKED_QUERY}{format_}", query


def table_search_pairs(pairs: list, dense: bool) -> list:
    """A table search's arguments with Datasette's slow parts turned off: its count(*) reads
    the whole table (filters_from_request counts from the index instead), and facets over
    more than DENSE_MATCHES rows cannot finish within their time limit."""
    keys = {k for k, _ in pairs}
    pairs = list(pairs) + ([] if "_nocount" in keys else [("_nocount", "1")])
    if not dense or "_nofacet" in keys or any(k.startswith("_facet") for k in keys):
        return pairs
    return pairs + [("_nofacet", "1")]


@hookimpl
def asgi_wrapper(datasette):
    """Searches of `articles` go by relevance; `.excel` streams an Excel-ready CSV."""
    from urllib.parse import parse_qsl, urlencode

    def wrap(app):
        async def kronika_app(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            path = scope.get("path", "")
            pairs = parse_qsl(
                scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True
            )
            table = _TABLE_PATH.match(path)
            ranked = _RANKED_PATH.match(path)
            typed = ""
            plan = None
            if table:
                typed = next((v for k, v in pairs if k == "_search"), "")
                if typed and form_kept_default_sort(pairs):
                    # The table page's form always sends its (hidden) sort controls; left
                    # as they were, they ask for nothing: the search goes by relevance.
                    pairs = [(k, v) for k, v in pairs if k not in ("_sort", "_sort_by_desc")]
                rerouted = typed and ranked_search_request(
                    table["db"], table["format"] or "", pairs
                )
                if rerouted:
                    path, pairs = rerouted
                    ranked = _RANKED_PATH.match(path)
                elif typed:
                    plan = await _plan_or_none(datasette, table["db"], typed)
                    if plan is not None:
                        pairs = table_search_pairs(pairs, plan[3])
            if ranked:
                typed = next((v for k, v in pairs if k == "q"), "")
            excel = path.endswith(".excel")
            streamed = _STREAMABLE.match(path) and (
                excel or (path.endswith(".csv") and ("_stream", "on") in pairs)
            )
            if streamed:
                # A whole table, in one SQL query: Datasette's own stream re-sorts the rest of
                # the table for every 1,000 rows when the table has a sort order.
                done = await stream_table_csv(datasette, send, path, pairs, excel)
                if done:
                    return
            if excel:
                # Datasette's own CSV, streamed whole (a query's `_stream` is ignored: it
                # has one page), rewritten on the way out.
                path = path[: -len(".excel")] + ".csv"
                pairs = [(k, v) for k, v in pairs if k not in ("_stream", "_dl", "_size")]
                pairs += [("_dl", "on"), ("_stream", "on")]
            scope = {
                **scope,
                "path": path,
                "raw_path": path.encode("utf-8"),
                "query_string": urlencode(pairs).encode("utf-8"),
            }
            database = (table or ranked)["db"] if (table or ranked) else None
            if typed and database and plan is None:
                plan = await _plan_or_none(datasette, database, typed, probe=False)
            plan_token = _PLAN.set(plan)
            from archive.search import MATCH_NOTHING

            searched = plan[2] if plan and plan[2] != MATCH_NOTHING else None
            token = _SEARCHED.set(searched)
            if excel:
                send = excel_csv_sender(send)
            if block_robots(datasette):
                send = noindex_sender(send)
            try:
                await app(scope, receive, send)
            finally:
                _SEARCHED.reset(token)
                _PLAN.reset(plan_token)

        return kronika_app

    return wrap


async def _plan_or_none(
    datasette, database: str, typed: str, probe: bool = True
) -> tuple[str, str, str, bool] | None:
    """The search plan for the wrapper: None for an unknown database or an archive without
    the search index (Datasette then answers as it would). Without `probe`, only the match
    expression (for highlighting a ranked search), not how many articles it finds."""
    try:
        if probe:
            expression, dense = await search_plan(datasette, database, typed)
        else:
            from archive.search import match_expression

            db = datasette.get_database(database)
            expression = await db.execute_fn(lambda conn: match_expression(conn, typed))
            dense = False
    except Exception:
        return None
    return database, typed, expression, dense


_STREAMABLE = re.compile(r"^/(?P<db>[^/]+)/(?P<name>[^/]+)\.(?:csv|excel)$")
_DATASETTE_LIMIT = re.compile(r"\s+limit\s+\d+(?:\s+offset\s+\d+)?\s*$", re.I)


async def stream_table_csv(datasette, send, path: str, pairs: list, excel: bool) -> bool:
    """Stream every row of a table view (its filters, search and order) as CSV; False when
    `path` is not a table (a canned query: Datasette answers it, with its time limit)."""
    import asyncio
    import sqlite3
    from urllib.parse import urlencode

    from archive.export import csv_chunk

    match = _STREAMABLE.match(path)
    skip = {"_stream", "_dl", "_size", "_next", "_nofacet", "_nocount", "_shape"}
    query = [(k, v) for k, v in pairs if k not in skip]
    query += [("_size", "1"), ("_nofacet", "1"), ("_nocount", "1")]
    response = await datasette.client.get(f"/{match['db']}/{match['name']}.json?{urlencode(query)}")
    if response.status_code != 200:
        return False
    data = response.json()
    database = datasette.databases.get(match["db"])
    if not data.get("table") or data.get("is_view") or database is None or not database.path:
        return False
    sql = _DATASETTE_LIMIT.sub("", data["query"]["sql"])
    connection = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True, check_same_thread=False)
    try:
        register_search_functions(connection)
        cursor = await asyncio.to_thread(connection.execute, sql, data["query"]["params"])
        columns = [c[0] for c in cursor.description]
        download = excel or ("_dl", "on") in pairs
        headers = [
            (
                b"content-type",
                b"text/csv; charset=utf-8" if download else b"text/plain; charset=utf-8",
            )
        ]
        if download:
            name = f"{match['name']}.csv".replace('"', "")
            headers.append((b"content-disposition", f'attachment; filename="{name}"'.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        chunk = csv_chunk(columns, [], header=True, excel=excel)
        while True:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            rows = await asyncio.to_thread(cursor.fetchmany, 2000)
            if not rows:
                break
            chunk = csv_chunk(columns, rows, excel=excel)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        connection.close()
    return True


def noindex_sender(send):
    """An ASGI `send` adding `X-Robots-Tag: noindex` to every response."""

    async def noindex_send(message):
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []), (b"x-robots-tag", b"noindex, nofollow")]
            message = {**message, "headers": headers}
        return await send(message)

    return noindex_send


def excel_csv_sender(send):
    """An ASGI `send` turning Datasette's streamed CSV into one Excel opens cleanly."""
    from archive.export import ExcelCsvRewriter

    rewriter = ExcelCsvRewriter()
    state = {"csv": True}

    async def excel_send(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            content_type = next(
                (v for k, v in headers if k.lower() == b"content-type"), b""
            ).decode("latin-1")
            state["csv"] = message["status"] == 200 and "text/" in content_type
            if state["csv"]:
                headers = [
                    (k, v)
                    for k, v in headers
                    if k.lower() not in (b"content-type", b"content-length")
                ]
                headers.append((b"content-type", b"text/csv; charset=utf-8"))
            message = {**message, "headers": headers}
            return await send(message)
        if message["type"] == "http.response.body" and state["csv"]:
            more = message.get("more_body", False)
            data = rewriter.feed(message.get("body", b""), final=not more)
            return await send({"type": "http.response.body", "body": data, "more_body": more})
        return await send(message)

    return excel_send


@hookimpl
def register_output_renderer(datasette):
    """`.excel` on every table and query page; `.atom` on queries shaped as a feed."""
    return [
        {"extension": "excel", "render": render_excel, "can_render": lambda: True},
        {"extension": "atom", "render": render_atom, "can_render": can_render_atom},
    ]


ATOM_COLUMNS = {"atom_id", "atom_title", "atom_updated"}
_ATOM_NS = "http://www.w3.org/2005/Atom"


def can_render_atom(columns) -> bool:
    """A query can be a feed when it names each entry's id, title and update time."""
    return ATOM_COLUMNS.issubset(columns or [])


def _rfc3339(value: object) -> str:
    text = str(value or "").strip().replace(" ", "T")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text + "T00:00:00Z"
    if text and not re.search(r"(Z|[+-]\d{2}:?\d{2})$", text):
        return text + "Z"
    return text


def atom_feed(title: str, self_url: str, columns: list[str], rows: list[dict]) -> bytes:
    """An Atom 1.0 document for rows with atom_id, atom_title, atom_updated and, when
    present, atom_link, atom_content (plain text) and atom_author_name."""
    from datetime import UTC, datetime
    from xml.etree import ElementTree as ET

    ET.register_namespace("", _ATOM_NS)

    def add(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{_ATOM_NS}}}{tag}", attrs)
        if text is not None:
            # XML 1.0 cannot carry most control characters: drop them, never fail the feed.
            element.text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", str(text))
        return element

    feed = ET.Element(f"{{{_ATOM_NS}}}feed")
    add(feed, "title", title)
    add(feed, "id", self_url)
    add(feed, "link", href=self_url, rel="self")
    updated = [_rfc3339(row["atom_updated"]) for row in rows if row.get("atom_updated")]
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    add(feed, "updated", max(updated) if updated else now)
    add(feed, "generator", "Kronika (Datasette)")
    for row in rows:
        entry = add(feed, "entry")
        add(entry, "id", row["atom_id"])
        add(entry, "title", row["atom_title"] or row["atom_id"])
        add(entry, "updated", _rfc3339(row["atom_updated"]) or now)
        link = safe_url(row.get("atom_link"))
        if link:
            add(entry, "link", href=link, rel="alternate")
        if row.get("atom_author_name"):
            add(add(entry, "author"), "name", row["atom_author_name"])
        if row.get("atom_content"):
            add(entry, "content", row["atom_content"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def render_atom(datasette, request, columns, rows, database, query_name):
    """A feed of the query's rows (see the `feed` canned query in metadata.yml)."""
    from datasette.utils.asgi import Response

    title = "Kronika"
    if query_name:
        queries = (datasette.metadata(database=database) or {}).get("queries") or {}
        title = (queries.get(query_name) or {}).get("title") or query_name
    filters = [
        f"{key}: {request.args.get(key)}"
        for key in request.args.keys()
        if request.args.get(key) and not key.startswith("_")
    ]
    if filters:
        title += " (" + ", ".join(filters) + ")"
    body = atom_feed(title, request.url, list(columns), [dict(row) for row in rows])
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def render_excel(rows, columns):
    """One page of rows as Excel-ready CSV.

    Datasette needs a renderer to offer the link; requests for `.excel` are answered by the
    wrapper above, which streams every row, so this runs only if that wrapper is bypassed.
    """
    from datasette.utils.asgi import Response

    from archive.export import excel_csv

    return Response(
        excel_csv(columns, (list(row) for row in rows)),
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="kronika.csv"'},
    )


ROBOTS_ALLOW = (
    "User-agent: *\n"
    # Articles and institutions may be indexed; endless filter, search and export URLs not.
    "Disallow: /*?\n"
    "Disallow: /*.json\n"
    "Disallow: /*.csv\n"
    "Disallow: /*.excel\n"
    "Disallow: /-/\n"
)
ROBOTS_BLOCK = "User-agent: *\nDisallow: /\n"


def block_robots(datasette) -> bool:
    """Whether `kronika serve --block-robots` asked search engines to stay out."""
    return bool((datasette.plugin_config("kronika") or {}).get("block_robots"))


async def robots_txt(datasette):
    from datasette.utils.asgi import Response

    return Response.text(ROBOTS_BLOCK if block_robots(datasette) else ROBOTS_ALLOW)


async def raw_capture(datasette, request):
    """An article's page as fetched (WARC capture), shown as plain text: never run."""
    import sqlite_utils
    from datasette.utils.asgi import NotFound, Response

    from archive.encoding import content_type_charset, decode_html
    from archive.store import capture_location
    from archive.warc import read_capture, warc_folder

    name = request.url_vars["database"]
    url = request.args.get("url") or ""
    version = request.args.get("version")
    try:
        db = datasette.get_database(name)
        number = int(version) if version else None
    except (KeyError, ValueError):
        raise NotFound("no such archive or version") from None
    if not db.path:
        raise NotFound("this database has no captures")
    try:
        found = await db.execute_fn(
            lambda conn: capture_location(sqlite_utils.Database(conn), url, number)
        )
    except IndexError as error:
        raise NotFound(str(error)) from None
    if not found:
        raise NotFound(f"no raw capture of {url}")
    try:
        capture = read_capture(warc_folder(db.path), found[0], found[1])
    except (OSError, LookupError) as error:
        raise NotFound(f"capture {found[0]}:{found[1]} cannot be read: {error}") from None
    content_type = next((v for k, v in capture.headers if k.lower() == "content-type"), None)
    text, _ = decode_html(capture.body, content_type_charset(content_type))
    head = [f"HTTP {capture.status}  {capture.url}  pobrano {capture.fetched_at}"]
    head += [f"{k}: {v}" for k, v in capture.headers]
    return Response(
        "\n".join(head) + "\n\n" + text,
        content_type="text/plain; charset=utf-8",
        headers={
            # Shown as source text: the crawled page's scripts never run on our origin.
            "content-security-policy": "default-src 'none'; sandbox",
            "x-content-type-options": "nosniff",
        },
    )


@hookimpl
def register_routes():
    return [
        (r"^/robots\.txt$", robots_txt),
        (r"^/-/kronika/capture/(?P<database>[^/]+)$", raw_capture),
    ]


def capture_path(datasette, database: str, url: str, version: int | None = None) -> str:
    """Where the raw capture of an article (version N from 1, or the latest) is served."""
    from urllib.parse import urlencode

    query = {"url": url, **({"version": version} if version else {})}
    return datasette.urls.path(f"/-/kronika/capture/{database}?" + urlencode(query))
