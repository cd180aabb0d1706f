"""Scheduled runs: fetch only what changed, keep every version, notice removals."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlite_utils

from demo.generated import add_articles, article_path, edit_article, remove_article, write_news_site
from demo.serve import serve_site
from tests.conftest import kronika

SOURCE = """[[source]]
id = "pup-gen"
name = "Powiatowy Urząd Pracy w Wałbrzychu"
kind = "county-labour-office"
region = "dolnośląskie"
homepage = "{base}/"
news = ["{base}/aktualnosci.html"]
"""


def crawl(sources: Path, db: Path, *extra: str) -> dict:
    result = kronika("crawl", "--sources", str(sources), "--db", str(db), *extra)
    assert result.returncode == 0, result.stderr
    rows = list(sqlite_utils.Database(db)["crawl_runs"].rows)
    return max(rows, key=lambda r: r["run_id"])


def test_runs_fetch_only_what_changed_and_keep_versions(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_news_site(site, 30, per_page=10)
    server = serve_site(site)
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(SOURCE.format(base=server.base_url), encoding="utf-8")
        db_path = tmp_path / "archive.db"
        first = crawl(sources, db_path)
        assert first["articles_new"] == 30
        first_requests = len(server.requests)

        server.requests.clear()
        second = crawl(sources, db_path)
        assert (second["articles_new"], second["articles_updated"]) == (0, 0)
        fetched = [path for path, status in server.requests if status == 200]
        assert not [p for p in fetched if p.startswith("/aktualnosci/")]  # no article body
        assert len(server.requests) <= 0.25 * first_requests
        assert ("/aktualnosci.html", 304) in server.requests  # asked "changed since?"

        new = add_articles(site, 3)
        edit_article(site, 5)
        third = crawl(sources, db_path)
        assert (third["articles_new"], third["articles_updated"]) == (3, 0)

        server.requests.clear()
        fourth = crawl(sources, db_path, "--recheck")
        assert (fourth["articles_new"], fourth["articles_updated"]) == (0, 1)
        assert fourth["articles_unchanged"] == 32
        bodies = [p for p, status in server.requests if status == 200 and "komunikat" in p]
        assert bodies == [article_path(5)]  # the others answered 304

        remove_article(site, 7)
        fifth = crawl(sources, db_path, "--recheck")
        assert fifth["articles_removed"] == 1
    finally:
        server.stop()

    db = sqlite_utils.Database(db_path)
    base = server.base_url
    assert db["articles"].count == 33
    assert {r["url"] for r in db["articles"].rows} >= {base + article_path(n) for n in new}
    versions = list(db["article_versions"].rows_where("url = ?", [base + article_path(5)]))
    assert len(versions) == 2
    assert "Aktualizacja nr 1" in db["articles"].get(base + article_path(5))["body"]
    assert not any("Aktualizacja" in v["body"] for v in versions if v["fetched_at"] == min(
        x["fetched_at"] for x in versions))  # fmt: skip
    removed = db["articles"].get(base + article_path(7))
    assert removed["removed_at"] and removed["body"]  # marked, not deleted

    status = kronika("status", "--db", str(db_path), "--runs", "5")
    assert status.returncode == 0, status.stderr
    assert status.stdout.count("pup-gen") == 5 and "removed" in status.stdout
    listing = db["fetch_state"].get(base + "/aktualnosci.html")
    assert listing["etag"] and listing["last_modified"]

    # Raw captures: every response of the five runs went to WARC; each version points at its
    # own, and warc-replay shows the page as it was fetched then.
    warcs = list((tmp_path / "archive.warc").glob("kronika-*.warc.gz"))
    assert warcs
    from warcio.archiveiterator import ArchiveIterator

    records = 0
    for path in warcs:
        with open(path, "rb") as stream:
            records += sum(1 for r in ArchiveIterator(stream) if r.rec_type == "response")
    assert records >= 30 + 3 + 33 + 33 + 10  # articles, rechecks (304s too), listings...
    assert all(v["warc_file"] and v["warc_offset"] is not None for v in versions)
    url5 = base + article_path(5)
    old = kronika("warc-replay", url5, "--db", str(db_path), "--version", "1")
    new = kronika("warc-replay", url5, "--db", str(db_path), "--headers")
    assert old.returncode == 0 and new.returncode == 0, old.stderr + new.stderr
    assert "komunikat nr 5" in old.stdout and "Aktualizacja nr 1" not in old.stdout
    assert "Aktualizacja nr 1" in new.stdout and new.stdout.startswith("HTTP 200")
    assert "etag:" in new.stdout.lower()
    missing = kronika("warc-replay", base + "/nie-ma.html", "--db", str(db_path))
    assert missing.returncode == 2 and "no capture" in missing.stderr


def test_a_crawl_killed_midway_resumes_and_loses_nothing(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    site = tmp_path / "site"
    write_news_site(site, 300, per_page=20)
    server = serve_site(site)
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(SOURCE.format(base=server.base_url), encoding="utf-8")
        db_path = tmp_path / "archive.db"
        command = [sys.executable, "-m", "archive.cli", "crawl", "--sources", str(sources)]
        child = subprocess.Popen(
            [*command, "--db", str(db_path)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        stored = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            try:
                stored = sqlite_utils.Database(db_path)["articles"].count
            except Exception:  # the file or table may not exist yet
                stored = 0
            if stored >= 30:
                break
            time.sleep(0.02)
        assert child.poll() is None, "the crawl finished before it could be killed"
        os.killpg(child.pid, signal.SIGKILL)  # the CLI and its crawler, mid-write
        child.wait()
        db = sqlite_utils.Database(db_path)
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        before = db["articles"].count
        assert 30 <= before < 300

        resumed = crawl(sources, db_path)
    finally:
        server.stop()
    db = sqlite_utils.Database(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db["articles"].count == 300  # every article, each once (the URL is the key)
    assert resumed["articles_new"] == 300 - before
    assert resumed["status"] == "ok", resumed["error_summary"]
    statuses = sorted(r["status"] for r in db["crawl_runs"].rows)
    assert statuses == ["ok", "running"]  # the killed run could not record its end


def test_a_page_that_cannot_be_stored_is_an_error_of_the_run(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from archive.registry import Source
    from crawler.items import PageItem
    from crawler.pipelines import ArchivePipeline
    from crawler.spiders.news import NewsSpider

    source = Source(
        id="pup-gen", name="PUP", kind="county-labour-office", region="dolnośląskie",
        homepage="http://127.0.0.1:9/", news=["http://127.0.0.1:9/aktualnosci.html"],
    )  # fmt: skip
    settings = {"KRONIKA_DB": str(tmp_path / "a.db"), "KRONIKA_EXTRACT_WORKERS": 0}
    crawler = get_crawler(NewsSpider, settings)
    spider = NewsSpider(source=source, run_id="r1")
    spider.crawler = crawler
    crawler.spider = spider
    pipeline = ArchivePipeline(crawler)
    pipeline.open_spider(spider)
    broken = PageItem("http://127.0.0.1:9/a", "pup-gen", None, None, "now", "listing")  # type: ignore[arg-type]
    assert asyncio.run(pipeline.process_item(broken, spider)) is broken
    assert spider.errors and "not stored" in spider.errors[0][1]


def test_pages_a_run_failed_on_are_asked_again_by_the_next_runs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_news_site(site, 300, per_page=20)
    # A bad night: an article deep in the listing and a whole listing page do not answer.
    article = site / article_path(100).lstrip("/")
    listing = site / "aktualnosci.html@page=5"  # articles 220..201
    moved = {path: path.with_name(path.name + ".away") for path in (article, listing)}
    for path, away in moved.items():
        path.rename(away)
    gone = article_path(150)  # and one listed article is gone for good
    (site / gone.lstrip("/")).unlink()
    server = serve_site(site)
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(SOURCE.format(base=server.base_url), encoding="utf-8")
        db_path = tmp_path / "archive.db"
        first = crawl(sources, db_path)
        assert first["status"] == "partial" and first["errors"] == 3
        db = sqlite_utils.Database(db_path)
        lost = 1 + 20  # article 100, and the articles only page 5 lists
        assert db["articles"].count == 300 - lost - 1
        kinds = {r["kind"] for r in db["crawl_errors"].rows}
        assert kinds == {"article", "listing"}
        status = kronika("status", "--db", str(db_path))
        assert status.stdout.splitlines()[0].endswith("to retry")
        assert status.stdout.splitlines()[1].split()[-1] == "3"

        for path, away in moved.items():
            away.rename(path)  # the site is back
        # Incremental: page 1 is unchanged, so the walk ends there; the failed pages are
        # asked again all the same.
        second = crawl(sources, db_path)
        assert second["articles_new"] == lost
        assert db["articles"].count == 300 - 1
        statuses = [second["status"]] + [crawl(sources, db_path)["status"] for _ in range(2)]
    finally:
        server.stop()
    # The page gone for good failed in runs 1, 2 and 3; run 4 gave it up.
    assert statuses == ["partial", "partial", "ok"]
    failed_runs = db.execute(
        "select count(distinct run_id) from crawl_errors where url like ?", ["%" + gone]
    ).fetchone()[0]
    assert failed_runs == 3


def test_a_failed_page_fetched_since_is_not_asked_again(tmp_path: Path) -> None:
    from archive.schema import open_db
    from archive.store import save_crawl_errors, save_fetch_state, urls_to_retry

    db = open_db(str(tmp_path / "a.db"))
    errors = [
        ("https://ops.example.pl/a", "HTTP 503 (after 2 retries)", "article"),
        ("https://ops.example.pl/lista?page=9", "timed out", "listing"),
        ("https://ops.example.pl/", "HTTP 500", "page"),  # the homepage: not asked again
        ("https://ops.example.pl/b", "HTTP 404", "article"),
    ]
    save_crawl_errors(db, "r1", "ops", errors)
    assert sorted(urls_to_retry(db, "ops")) == [
        ("https://ops.example.pl/a", "article"),
        ("https://ops.example.pl/b", "article"),
        ("https://ops.example.pl/lista?page=9", "listing"),
    ]
    # Read since, though not an article (a page "w budowie"): done with.
    save_fetch_state(db, "https://ops.example.pl/a", "ops", "not-article", 200, None, None)
    save_crawl_errors(db, "r2", "ops", errors[3:])
    save_crawl_errors(db, "r3", "ops", errors[3:])
    # /b failed in three runs: given up.
    assert urls_to_retry(db, "ops") == [("https://ops.example.pl/lista?page=9", "listing")]
    assert urls_to_retry(db, "other-source") == []
