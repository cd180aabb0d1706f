"""Publishing for readers: ranked search, facets, canned queries, Excel CSV, feeds, safety."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import itertools
import sqlite3
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from archive import publish
from archive.export import ExcelCsvRewriter, excel_cell
from archive.schema import ensure_schema, open_db
from archive.store import save_article, save_sources
from archive.warc import Capture, WarcWriter, warc_folder

SOURCES = [
    {
        "id": "rops-lodz",
        "name": "Regionalne Centrum Polityki Społecznej w Łodzi",
        "kind": "rops",
        "region": "łódzkie",
        "homepage": "https://rops.example.pl/",
    },
    {
        "id": "wup-gdansk",
        "name": "Wojewódzki Urząd Pracy w Gdańsku",
        "kind": "wup",
        "region": "pomorskie",
        "homepage": "https://wup.example.pl/",
    },
]
ARTICLES = [
    # url, source, published, title, body
    ("https://rops.example.pl/a", "rops-lodz", "2023-03-01", "Sprawozdanie roczne",
     "W sprawozdaniu wspomniano raz o pomocy społecznej."),
    ("https://rops.example.pl/b", "rops-lodz", "2024-05-10", "Konferencja o pomocy społecznej",
     "Konferencja o pomocy społecznej: pomoc społeczna w regionie, pomocy społecznej nigdy dość."),
    ("https://wup.example.pl/c", "wup-gdansk", "2024-06-02", "Targi pracy",
     "Na targach pracy był stoisko ośrodka pomocy społecznej. =HYPERLINK(\"http://x\")"),
    ("https://wup.example.pl/d", "wup-gdansk", "2022-01-15", "Szkolenie",
     "Szkolenie z obsługi systemu dla doradców zawodowych."),
]  # fmt: skip


def make_archive(path: Path) -> Path:
    db = open_db(str(path))
    save_sources(db, SOURCES)
    for url, source, published, title, body in ARTICLES:
        record = {"url": url, "source_id": source, "published": published, "title": title}
        save_article(db, {**record, "body": body, "lead": body.split(".")[0]})
    db.close()
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "archive.db")


def get(path: Path, url: str, params: dict | None = None, **options):
    ds = publish.make_datasette(str(path), **options)

    async def fetch():
        return await ds.client.get(url, params=params)

    return asyncio.run(fetch())


def test_search_is_ranked_by_relevance_and_keeps_what_was_typed(db_path: Path) -> None:
    typed = "pomocy spolecznej"
    response = get(db_path, "/archive/articles.json", {"_search": typed, "_shape": "array"})
    urls = [row["url"][-1] for row in response.json()]
    # Title and body full of the words first; a passing mention last.
    assert urls[0] == "b" and set(urls) == {"a", "b", "c"}
    html = get(db_path, "/archive/articles", {"_search": typed}).text
    assert f'value="{typed}"' in html  # the search box shows what was typed, not lemmas
    assert "pomoc" not in html.split('value="')[1].split('"')[0].replace("pomocy", "")


def test_table_form_search_goes_by_relevance_unless_a_sort_was_chosen(db_path: Path) -> None:
    form = {"_search": "targi", "_filter_column": "", "_filter_op": "exact", "_filter_value": ""}
    form |= {"_sort": "published_order", "_sort_by_desc": "on"}  # the form's hidden controls
    html = get(db_path, "/archive/articles", form).text
    assert 'name="q" value="targi"' in html  # the ranked search page
    chosen = get(db_path, "/archive/articles", {**form, "_sort": "title"})
    assert chosen.status_code == 302
    assert "_sort=title" in chosen.headers["location"]  # kept: Datasette sorts by title
    filtered = get(
        db_path, "/archive/articles", {**form, "_filter_column": "kind", "_filter_value": "wup"}
    )
    assert filtered.status_code == 302 and "kind__exact=wup" in filtered.headers["location"]


def test_date_sorted_search_is_the_table_with_facets_and_paging(db_path: Path) -> None:
    params = {"_search": "pomoc społeczna", "_sort_desc": "published_order", "_size": "1"}
    data = get(db_path, "/archive/articles.json", params).json()
    assert [row[0][-1] for row in data["rows"]] == ["c"]
    assert "_search=pomoc+spo%C5%82eczna" in data["next_url"]  # paging keeps the typed query
    second = get(db_path, data["next_url"].split("localhost", 1)[-1]).json()
    assert [row[0][-1] for row in second["rows"]] == ["b"]
    html = get(db_path, "/archive/articles", params).text
    assert 'value="pomoc społeczna"' in html


def test_table_search_counts_from_the_index_and_keeps_the_search_box(db_path: Path) -> None:
    assert 'id="_search"' in get(db_path, "/archive/articles").text
    params = {"_search": "pomocy spolecznej", "_sort_desc": "published_order"}
    html = get(db_path, "/archive/articles", params).text
    assert "3 rows where search matches" in html
    assert 'class="facet-info' in html  # few matches: facets are counted
    raw = get(db_path, "/archive/articles.json", {**params, "_searchmode": "raw", "_search": '"'})
    assert raw.status_code == 400 and "Invalid search" in raw.text


def test_default_facets_region_kind_and_year(db_path: Path) -> None:
    data = get(db_path, "/archive/articles.json").json()
    facets = {name: {r["value"]: r["count"] for r in f["results"]}
              for name, f in data["facet_results"].items()}  # fmt: skip
    assert facets["region"] == {"łódzkie": 2, "pomorskie": 2}
    assert facets["kind"] == {"rops": 2, "wup": 2}
    assert facets["year"] == {"2024": 2, "2023": 1, "2022": 1}
    assert set(facets["source_id"]) == {"rops-lodz", "wup-gdansk"}
    assert [row[0][-1] for row in data["rows"]] == ["c", "b", "a", "d"]  # newest first


def test_region_follows_the_registry_and_old_archives_are_filled(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "archive.db")
    db = open_db(str(path))
    save_sources(db, [{**SOURCES[0], "region": "mazowieckie"}])
    assert db.execute("select region from articles where url like '%/a'").fetchone()[0] == (
        "mazowieckie"
    )
    # An archive from before these columns, still with the old plain FTS table.
    db.execute("drop index idx_articles_region_published")
    for column in ("region", "kind", "year"):
        db.execute(f"alter table articles drop column {column}")
    db["articles"].enable_fts(["title", "body"], create_triggers=True)
    db.conn.commit()
    ensure_schema(db)
    assert db.execute("select year, kind from articles where url like '%/d'").fetchone() == (
        "2022",
        "wup",
    )
    assert not db["articles_fts"].exists()
    assert not [t for t in db.execute("select name from sqlite_master where type = 'trigger'")]


def test_canned_queries(db_path: Path) -> None:
    between = {"phrase": "pomocy spolecznej", "from": "2024-01-01", "to": "2024-12-31"}
    rows = get(db_path, "/archive/phrase_between_dates.json", {**between, "_shape": "array"})
    assert [r["url"][-1] for r in rows.json()] == ["c", "b"]
    between["phrase"] = "konferencji o pomocy"
    rows = get(db_path, "/archive/phrase_between_dates.json", {**between, "_shape": "array"})
    assert [r["url"][-1] for r in rows.json()] == ["b"]
    between["phrase"] = "pomocy konferencji"
    rows = get(db_path, "/archive/phrase_between_dates.json", {**between, "_shape": "array"})
    assert rows.json() == []  # a phrase keeps its word order
    between |= {"phrase": "pomocy spolecznej", "to": ""}  # an empty bound is no bound
    rows = get(db_path, "/archive/phrase_between_dates.json", {**between, "_shape": "array"})
    assert [r["url"][-1] for r in rows.json()] == ["c", "b"]
    latest = get(db_path, "/archive/latest_per_region.json", {"_shape": "array"}).json()
    assert {r["region"]: r["url"][-1] for r in latest} == {"łódzkie": "b", "pomorskie": "c"}
    params = {"source_id": "wup-gdansk", "_shape": "array"}
    of_source = get(db_path, "/archive/articles_of_source.json", params)
    assert [r["url"][-1] for r in of_source.json()] == ["c", "d"]
    ranked = get(db_path, "/archive/search", {"q": "targi", "region": "pomorskie"}).text
    assert "/archive/articles/https~3A~2F~2Fwup~2Eexample~2Epl~2Fc" in ranked  # title opens it


def test_canned_query_pages_have_a_polish_form(db_path: Path) -> None:
    from html.parser import HTMLParser

    html = get(db_path, "/archive/search", {"q": "pomocy spolecznej", "region": "pomorskie"}).text
    form = html.split('<form class="kronika-query"')[1].split("</form>")[0]
    for label in ("Szukane słowa", "Instytucja", "Województwo", "Od dnia", "Do dnia"):
        assert f">{label}</label>" in form
    assert 'type="date" id="kq-since" name="since"' in form
    # Institutions by name, regions in Polish order ("łódzkie" before "pomorskie"), and the
    # chosen one kept.
    assert form.index("Regionalne Centrum Polityki Społecznej w Łodzi") < form.index(
        "Wojewódzki Urząd Pracy w Gdańsku"
    )
    assert form.index('value="łódzkie"') < form.index('value="pomorskie" selected')
    assert '<input type="submit" value="Szukaj">' in form
    assert '<p class="kronika-count">1 wynik.' in " ".join(html.split())  # Gdańsk's fair
    assert 'href="/archive/search.excel?' in html.split('class="kronika-count"')[1]
    # Datasette's English SQL form stays for "Pokaż SQL", hidden on these pages.
    assert "kronika-query-page" in html.split("<body")[1].split(">")[0]
    assert ".kronika-query-page form.sql" in html and "Pokaż SQL" in html
    none = get(db_path, "/archive/search", {"q": "zzzyx"}).text
    assert "Brak wyników." in none
    assert "Brak wyników." not in get(db_path, "/archive/search").text  # nothing asked yet
    many = get(db_path, "/archive/phrase_between_dates", {"phrase": "pomocy spolecznej"}).text
    assert '<p class="kronika-count">3 wyniki.' in " ".join(many.split())
    HTMLParser().feed(html)  # well-formed enough to parse


def read_excel(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def test_excel_csv_streams_every_row_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "archive.db")
    db = open_db(str(path))
    for n in range(150):  # more than one page (100 rows)
        record = {"url": f"https://rops.example.pl/x{n:03}", "source_id": "rops-lodz"}
        body = "Zażółć gęślą jaźń.\n\nDrugi akapit."
        save_article(db, {**record, "title": f"Żółć {n}", "body": body})
    db.close()
    response = get(path, "/archive/articles.excel")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = read_excel(response.content)
    assert rows[0][:3] == ["url", "source_id", "title"]
    assert len(rows) == 1 + 154
    body = rows[0].index("body")
    assert "Zażółć gęślą jaźń.\n\nDrugi akapit." in {r[body] for r in rows}
    formula = next(r[body] for r in rows if "HYPERLINK" in r[body])
    assert formula.startswith("Na targach")  # not at the start: left alone
    searched = read_excel(get(path, "/archive/articles.excel", {"_search": "targi"}).content)
    assert [r[0][-1] for r in searched[1:]] == ["c"]
    query = read_excel(get(path, "/archive/search.excel", {"q": "pomoc"}).content)
    assert query[0][0] == "title" and len(query) == 4


def test_excel_rewriter_survives_any_chunking() -> None:
    source = 'a,b\r\n"=1+1","Łódź, ""centrum""\r\nnowa linia"\r\n-5,@x\r\n'
    expected = read_excel(ExcelCsvRewriter().feed(source.encode("utf-8"), final=True))
    assert expected == [["a", "b"], ["'=1+1", 'Łódź, "centrum"\r\nnowa linia'], ["-5", "'@x"]]
    data = source.encode("utf-8")
    for a, b in itertools.combinations(range(1, len(data)), 2):
        rewriter = ExcelCsvRewriter()
        out = b"".join(rewriter.feed(chunk) for chunk in (data[:a], data[a:b], data[b:]))
        out += rewriter.feed(b"", final=True)
        assert read_excel(out) == expected, (a, b)
    assert excel_cell("x" * 40_000).endswith("pełny tekst w archiwum)")
    assert len(excel_cell("x" * 40_000)) == 32_767


def test_atom_feed_filters_by_source_region_and_query(db_path: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}

    def entries(**params: str) -> list[str]:
        response = get(db_path, "/archive/feed.atom", params)
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        assert feed.find("a:updated", ns).text
        return sorted(e.find("a:id", ns).text[-1] for e in feed.findall("a:entry", ns))

    assert entries() == ["a", "b", "c", "d"]
    assert entries(source_id="wup-gdansk") == ["c", "d"]
    assert entries(region="łódzkie") == ["a", "b"]
    assert entries(q="pomocy spolecznej", region="pomorskie") == ["c"]
    assert entries(q="nic takiego") == []  # an empty feed is still a valid feed
    feed = get(db_path, "/archive/feed.atom", {"source_id": "rops-lodz"}).text
    assert "<name>Regionalne Centrum Polityki Społecznej w Łodzi</name>" in feed


def test_served_read_only(db_path: Path) -> None:
    for sql in ("delete from articles", "update articles set title = 'x'", "pragma query_only=0"):
        response = get(db_path, "/archive.json", {"sql": sql})
        assert response.status_code == 400, sql
    ds = publish.make_datasette(str(db_path))

    async def write():
        await ds.get_database("archive").execute_write("delete from articles")

    with pytest.raises(sqlite3.OperationalError, match="readonly|query_only"):
        asyncio.run(write())
    assert sqlite3.connect(db_path).execute("select count(*) from articles").fetchone()[0] == 4


def test_robots(db_path: Path) -> None:
    robots = get(db_path, "/robots.txt").text
    assert "Disallow: /*?" in robots and "Disallow: /\n" not in robots
    assert "x-robots-tag" not in get(db_path, "/archive/articles").headers
    blocked = get(db_path, "/robots.txt", block_robots=True).text
    assert blocked == "User-agent: *\nDisallow: /\n"
    headers = get(db_path, "/archive/articles", block_robots=True).headers
    assert headers["x-robots-tag"] == "noindex, nofollow"


def test_article_page_links_its_raw_capture_shown_as_text(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = open_db(str(path))
    url = "https://rops.example.pl/z"
    page = "<html><body><h1>Stara wersja</h1><script>alert(1)</script></body></html>"
    writer = WarcWriter(warc_folder(path))
    name, offset = writer.write(
        Capture(url, 200, [("Content-Type", "text/html; charset=utf-8")], page.encode())
    )
    writer.close()
    record = {"url": url, "source_id": "rops-lodz", "title": "Zmiana", "body": "Tekst."}
    save_article(db, {**record, "warc_file": name, "warc_offset": offset})
    db.close()
    html = get(path, "/archive/articles/https~3A~2F~2Frops.example.pl~2Fz").text
    link = html.split('class="kronika-captures"')[1].split('href="')[1].split('"')[0]
    capture = get(path, link.replace("&amp;", "&"))
    assert capture.status_code == 200
    assert capture.headers["content-type"] == "text/plain; charset=utf-8"
    assert capture.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert "<script>alert(1)</script>" in capture.text  # as text: shown, never run
    missing = get(path, "/-/kronika/capture/archive", {"url": "https://rops.example.pl/none"})
    assert missing.status_code == 404


def test_immutable_snapshot_folds_the_write_ahead_log_in(tmp_path: Path) -> None:
    path = make_archive(tmp_path / "archive.db")
    publish.prepare_archive(path, immutable=True)
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    args = publish.datasette_args(str(path), immutable=True)
    assert args[:3] == ["serve", "--immutable", str(path)]
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    assert connection.execute("select count(*) from articles").fetchone()[0] == 4
