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

from datasette.utils import tilde_encode, urlsafe_components
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
def render_cell(value, column, table, database, datasette):
    searched = _SEARCHED.get()
    if searched and table == "articles" and column in ("body", "title") and isinstance(value, str):
        return search_snippet(value, searched, whole=column == "title")
    return render_json_list(column, value)


# The normalized search of the request being served (set by the asgi wrapper below):
# render_cell has no request argument in Datasette 0.65.
_SEARCHED: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kronika_searched", default=None
)


_TERM = re.compile(r'"([^"]+)"(\*?)')


def search_snippet(text: str, normalized_query: str, whole: bool = False) -> Markup:
    """The words a search found, marked, in a window of the text around the first of them.

    `normalized_query` is the `_search` value after the plugin's rewrite: quoted lemmas
    without diacritics, a `*` after prefixes; each word of the text is compared by its lemma.
    """
    from archive.search import fold, lemma

    lemmas, prefixes = set(), []
    for term, star in _TERM.findall(normalized_query):
        for part in term.split():
            (prefixes.append(part) if star else lemmas.add(part))
    spans = [
        m.span()
        for m in re.finditer(r"\w+", text)
        if lemma(m.group()) in lemmas or any(fold(m.group()).startswith(p) for p in prefixes)
    ]
    if not spans:
        return escape(text if whole or len(text) <= 300 else text[:300] + "…")
    start, end = 0, len(text)
    if not whole:
        start = max(spans[0][0] - 120, 0)
        end = min(spans[0][1] + 180, len(text))
    out = Markup("…" if start else "")
    cursor = start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        out += escape(text[cursor:a]) + Markup("<mark>{}</mark>").format(text[a:b])
        cursor = b
    out += escape(text[cursor:end]) + Markup("…" if end < len(text) else "")
    return out


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


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table not in ("articles", "sources") or request is None:
        return {}

    async def inner():
        pks = urlsafe_components(request.url_vars.get("pks", ""))
        if len(pks) != 1:
            return {}
        if table == "sources":
            return {"kronika_source": await source_context(datasette, database, pks[0])}
        return {"kronika_article": await article_context(datasette, database, pks[0])}

    return inner


_SEARCHABLE = re.compile(r"^/(?P<db>[^/]+)/articles(?:\.json|\.csv)?$")


@hookimpl
def asgi_wrapper(datasette):
    """Rewrite `_search` on the articles table into a query over lemmas (archive/search.py)."""
    from urllib.parse import parse_qsl, urlencode

    from archive.search import lexicon_lookup, normalize_query

    def wrap(app):
        async def search_app(scope, receive, send):
            match = _SEARCHABLE.match(scope.get("path", "")) if scope["type"] == "http" else None
            query = scope.get("query_string", b"").decode("utf-8", "replace")
            if match and "_search=" in query:
                pairs = parse_qsl(query, keep_blank_values=True)
                typed = next((v for k, v in pairs if k == "_search"), "")
                lexicon = {}
                lookup = lexicon_lookup(typed)
                if lookup is not None:
                    try:
                        rows = await datasette.get_database(match["db"]).execute(*lookup)
                        lexicon = {r[0]: r[1] for r in rows}
                    except Exception:  # an unknown database or an old archive: search as typed
                        lexicon = {}
                normalized = normalize_query(typed, lexicon)
                pairs = [(k, normalized if k == "_search" else v) for k, v in pairs]
                # Our query is built from quoted terms: Datasette must not escape it again.
                pairs = [(k, v) for k, v in pairs if k != "_searchmode"]
                pairs.append(("_searchmode", "raw"))
                scope = {**scope, "query_string": urlencode(pairs).encode("utf-8")}
                token = _SEARCHED.set(normalized)
                try:
                    await app(scope, receive, send)
                finally:
                    _SEARCHED.reset(token)
                return
            await app(scope, receive, send)

        return search_app

    return wrap
