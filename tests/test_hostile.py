"""A site full of scripts, event handlers and javascript: links, crawled and then served: no
crawled markup ever becomes markup in a reader's browser (tests/fixtures/hostile/)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import lxml.html
import pytest
from datasette.utils import tilde_encode

from archive import publish
from demo.serve import serve_site
from tests.conftest import kronika

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
REGISTRY = """[[source]]
id = "zlosliwy"
name = "Miejski Ośrodek Złośliwy <script>alert('nazwa')</script> '); drop table articles; --"
kind = "ops"
region = "mazowieckie"
homepage = "{base}/"
news = ["{base}/aktualnosci.html"]
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    server = serve_site(HOSTILE)
    try:
        sources = tmp / "sources.toml"
        sources.write_text(REGISTRY.format(base=server.base_url), encoding="utf-8")
        db = tmp / "archive.db"
        result = kronika("crawl", "--sources", str(sources), "--db", str(db))
        assert result.returncode == 0, result.stderr
    finally:
        server.stop()
    return db


def fetch_all(path: Path, urls: list[str]) -> dict[str, object]:
    ds = publish.make_datasette(str(path))

    async def run():
        return {url: await ds.client.get(url) for url in urls}

    return asyncio.run(run())


def crawled_markup(html: str) -> list[str]:
    """What in a served page would run: scripts, handlers, script URLs carrying the payload."""
    found = []
    root = lxml.html.fromstring(html)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "iframe", "svg", "img", "object", "embed"):
            text = (element.text or "") + " ".join(element.attrib.values())
            if "alert" in text:
                found.append(f"<{element.tag}> {text[:80]}")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag} {name}={value[:60]}")
            if name.lower() in ("href", "src", "action", "formaction"):
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"{element.tag} {name}={value[:60]}")
    return found


def test_the_check_finds_the_payloads_in_the_crawled_pages_themselves() -> None:
    found = crawled_markup((HOSTILE / "art" / "skrypty.html").read_text(encoding="utf-8"))
    assert len(found) >= 8  # scripts, onclick, javascript:/data: links, iframe, svg onload
    found = crawled_markup((HOSTILE / "art" / "obrazki.html").read_text(encoding="utf-8"))
    assert any("onerror" in item for item in found)


def test_articles_were_archived_with_their_text(archive: Path) -> None:
    connection = sqlite3.connect(archive)
    rows = dict(connection.execute("select url, body from articles"))
    assert len(rows) == 2
    assert any('<script>alert("tekst")</script> to tylko tekst' in body for body in rows.values())
    assert not any("wstrzyknięty" in body for body in rows.values())  # scripts never ran


def test_no_served_page_carries_crawled_markup(archive: Path) -> None:
    connection = sqlite3.connect(archive)
    article_urls = [row[0] for row in connection.execute("select url from articles")]
    pages = [
        "/",
        "/archive",
        "/archive/articles",
        "/archive/articles?_search=konferencja",
        "/archive/articles?_search=spotkanie&_sort_desc=published_order",
        "/archive/sources",
        "/archive/sources/zlosliwy",
        "/archive/contacts",
        "/archive/mentions",
        "/archive/crawl_errors",
        "/archive/phrase_between_dates?phrase=pomocy&from=&to=",
        *[f"/archive/articles/{tilde_encode(url)}" for url in article_urls],
    ]
    served = fetch_all(archive, pages)
    for url, response in served.items():
        assert response.status_code == 200, url
        assert crawled_markup(response.text) == [], url
    article = served[f"/archive/articles/{tilde_encode(article_urls[0])}"].text
    assert "alert" in article  # the payloads are shown, as text
    assert "&lt;script&gt;" in article


def test_feeds_and_captures_carry_text_only(archive: Path) -> None:
    connection = sqlite3.connect(archive)
    url = connection.execute("select url from articles where url like '%skrypty%'").fetchone()[0]
    served = fetch_all(
        archive,
        [
            "/archive/feed.atom",
            f"/-/kronika/capture/archive?url={url}",
            "/archive/articles.excel",
        ],
    )
    feed = served["/archive/feed.atom"].text
    assert "<script>" not in feed and "&lt;script&gt;" in feed  # escaped XML text
    capture = served[f"/-/kronika/capture/archive?url={url}"]
    assert capture.headers["content-type"] == "text/plain; charset=utf-8"
    assert "sandbox" in capture.headers["content-security-policy"]
    excel = served["/archive/articles.excel"].content.decode("utf-8-sig")
    assert "\n=" not in excel and ";=" not in excel  # no cell starts a formula


def test_no_sql_can_be_injected_through_the_registry_or_the_command_line(
    archive: Path, tmp_path: Path
) -> None:
    connection = sqlite3.connect(archive)
    name = connection.execute("select name from sources").fetchone()[0]
    assert name.endswith("'); drop table articles; --")  # stored as written
    assert connection.execute("select count(*) from articles").fetchone()[0] == 2
    out = tmp_path / "out.csv"
    for option, value in (("--source", "x' or '1'='1"), ("--query", "') or 1=1; --")):
        result = kronika("export", "--db", str(archive), "--csv", str(out), option, value)
        assert result.returncode in (0, 1), result.stderr
        rows = out.read_text(encoding="utf-8-sig").splitlines()[1:] if out.exists() else []
        assert rows == [], (option, rows)
    assert connection.execute("select count(*) from articles").fetchone()[0] == 2
