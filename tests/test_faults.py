"""A crawl of a site that fails in every way: it finishes, stores every good article, records
every fault with its URL and reason, and stores nothing bad (tests/faults/server.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import kronika
from tests.faults.server import BIG_LISTING_PAGES, GOOD, FaultServer

REGISTRY = """[[source]]
id = "usterki"
name = "Powiatowe Centrum Usterek w Awarii"
kind = "other"
region = "mazowieckie"
homepage = "{base}/"
news = ["{base}/aktualnosci.html"]
timeout = 2
max_mb = 5

[[source]]
id = "usterki-komunikaty"
name = "Powiatowe Centrum Usterek w Awarii, komunikaty"
kind = "other"
region = "mazowieckie"
homepage = "{base}/"
news = ["{base}/komunikaty.html"]
max_pages = 40
"""


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("faults")
    with FaultServer() as server:
        sources = tmp / "sources.toml"
        sources.write_text(REGISTRY.format(base=server.base_url), encoding="utf-8")
        db = tmp / "archive.db"
        result = kronika("crawl", "--sources", str(sources), "--db", str(db), timeout=240)
        hits = dict(server.hits)
        base = server.base_url
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    return {"result": result, "db": connection, "hits": hits, "base": base, "path": db}


def errors(crawl: dict, source: str = "usterki") -> dict[str, str]:
    rows = crawl["db"].execute("select url, reason from crawl_errors where source_id = ?", [source])
    return {row["url"].removeprefix(crawl["base"]): row["reason"] for row in rows}


def articles(crawl: dict, source: str = "usterki") -> dict[str, sqlite3.Row]:
    rows = crawl["db"].execute("select * from articles where source_id = ?", [source])
    return {row["url"].removeprefix(crawl["base"]): row for row in rows}


def test_the_crawl_finishes_and_says_it_was_partial(crawl: dict) -> None:
    assert crawl["result"].returncode == 0, crawl["result"].stderr
    runs = {r["source_id"]: r for r in crawl["db"].execute("select * from crawl_runs")}
    assert runs["usterki"]["status"] == "partial"
    assert runs["usterki"]["errors"] == len(errors(crawl)) == 7
    assert crawl["db"].execute("pragma integrity_check").fetchone()[0] == "ok"


def test_every_good_article_is_stored(crawl: dict) -> None:
    stored = articles(crawl)
    for path in GOOD:
        assert path in stored
        assert "Zażółć gęślą jaźń" in stored[path]["body"]


def test_503_twice_is_retried_with_back_off_and_stored(crawl: dict) -> None:
    assert crawl["hits"]["/art/przeciazony.html"] == 3
    assert "/art/przeciazony.html" in articles(crawl)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/art/blad-500.html", "HTTP 500 (after 2 retries)"),
        ("/art/kroplowka.html", "timed out (download timeout) (after 2 retries)"),
        ("/art/zerwane.html", "connection lost before the response was complete"),
        ("/art/ogromny.html", "refused: larger than the download size limit (max_mb)"),
        ("/art/petla.html", "redirect loop: leads back to"),
        ("/art/binarny.html", "binary content served as an HTML page"),
        ("/art/gzip-uciety.html", "truncated gzip body: the stream ends early"),
    ],
)
def test_each_fault_is_recorded_and_nothing_bad_stored(crawl: dict, path: str, reason: str) -> None:
    assert errors(crawl)[path].startswith(reason)
    assert path not in articles(crawl)


def test_the_slow_server_is_cut_off_by_the_download_timeout(crawl: dict) -> None:
    # Three attempts of two seconds each (plus back-off), not a byte a second for a minute.
    assert crawl["hits"]["/art/kroplowka.html"] == 3


def test_invalid_bytes_in_a_declared_encoding_spoil_only_themselves(crawl: dict) -> None:
    page = articles(crawl)["/art/zle-bajty.html"]
    assert page["encoding"] == "utf-8"
    assert "Zażółć gęślą jaźń" in page["body"] and "\ufffd" in page["body"]


def test_a_page_of_100000_nested_tags_is_read(crawl: dict) -> None:
    page = articles(crawl)["/art/zagniezdzony.html"]
    assert page["title"] == "100 000 zagnieżdżonych znaczników"
    assert "pierwszy akapit" in page["body"]


def test_robots_txt_keeps_the_crawler_out_of_a_section(crawl: dict) -> None:
    assert "/prywatne/tajne.html" not in crawl["hits"]
    assert "/prywatne/tajne.html" not in articles(crawl)


def test_a_listing_of_10000_pages_stops_at_the_sources_page_limit(crawl: dict) -> None:
    fetched = [p for p in crawl["hits"] if p.startswith("/duzo/")]
    assert 0 < len(fetched) < 40 < BIG_LISTING_PAGES
    recorded = errors(crawl, "usterki-komunikaty")
    assert list(recorded.values()) == ["page limit reached: 40 requests per run (max_pages)"]
    run = (
        crawl["db"]
        .execute("select status from crawl_runs where source_id = 'usterki-komunikaty'")
        .fetchone()
    )
    assert run["status"] == "partial"


def test_kronika_status_and_the_log_name_the_faults(crawl: dict) -> None:
    stderr = crawl["result"].stderr
    assert "HTTP 500 (after 2 retries)" in stderr
    assert "page limit reached" in stderr
    assert Path(crawl["path"]).exists()
