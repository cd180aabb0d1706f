"""End-to-end crawls of the fixture sites: links, pagination, records, contacts, re-runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from archive.encoding import has_mojibake
from tests.conftest import ROOT, ServedSite, kronika, write_sources


@pytest.fixture(scope="module")
def crawled(fixture_sites: dict[str, ServedSite], tmp_path_factory) -> dict:
    """All fixture sites crawled once, then a second time into the same archive."""
    tmp = tmp_path_factory.mktemp("crawl")
    sources = write_sources(tmp / "sources.toml", list(fixture_sites.values()))
    db_path = tmp / "archive.db"
    first = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
    db = sqlite_utils.Database(db_path)
    counts_after_first = {t: db[t].count for t in ("articles", "contacts", "sources")}
    second = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
    return {
        "first": first,
        "second": second,
        "db": sqlite_utils.Database(db_path),
        "counts_after_first": counts_after_first,
        "sites": fixture_sites,
    }


def articles_of(db: sqlite_utils.Database, source_id: str) -> dict[str, dict]:
    return {row["url"]: row for row in db["articles"].rows_where("source_id = ?", [source_id])}


def test_crawl_succeeds_and_reports(crawled: dict) -> None:
    first = crawled["first"]
    assert first.returncode == 0, first.stderr
    for name in crawled["sites"]:
        assert name in first.stdout  # summary table
        assert name in first.stderr  # progress lines
    header = first.stdout.splitlines()[0].split()
    assert header[:2] == ["source", "status"] and header[-2:] == ["to", "retry"]


SITES = [
    "joomla-table",
    "wordpress-like",
    "old-cms-1250",
    "small-town",
    "feeds-sitemap",  # one article on the listing, two more only in RSS, one only in the sitemap
    "darr-demo",
    "mops-demo",
    "rops-demo",
    # Written independently of the extractor, as a check that its rules are general.
    "joomla15-latin2",
    "joomla3-utf8",
    "wordpress-utf8",
    "oldcms-1250",
    "handwritten-town",
    "wup-modern",
    # A second independent set, measured once before any rule was changed for it.
    "joomla-latin2",
    "wordpress-theme",
    "mopr-oldcms-1250",
    "smalltown-handwritten",
    # A third independent set, also measured once before any rule was changed for it.
    "joomla-table-latin2",
    "wordpress-arr",
    "old-cms-cp1250",
    "hand-written-town",
    # A fourth independent set, measured once before any rule was changed for it.
    "joomla25-tables-latin2",
    "wp-classic",
    "php-cms-1250",
    "frontpage-town",
    # Contacts in depth, written independently: branches under headings and bold lines,
    # ePUAP, bank accounts (valid and not), websites, hours forms, failed REGON, REGON-14.
    "wup-oddzialy",
    "gops-godziny",
    "pcpr-zmiana",
]


@pytest.mark.parametrize("name", SITES)
def test_every_article_and_nothing_else(crawled: dict, name: str) -> None:
    site: ServedSite = crawled["sites"][name]
    stored = articles_of(crawled["db"], name)
    expected_urls = {site.url(a["path"]) for a in site.expected["articles"]}
    assert set(stored) == expected_urls
    for path in site.expected.get("not_articles", []):
        assert site.url(path) not in stored


@pytest.mark.parametrize("name", SITES)
def test_article_fields(crawled: dict, name: str) -> None:
    site: ServedSite = crawled["sites"][name]
    stored = articles_of(crawled["db"], name)
    for expected in site.expected["articles"]:
        row = stored[site.url(expected["path"])]
        assert row["title"] == expected["title"]
        assert row["published"] == expected["published"], row["url"]
        for text in expected.get("body_contains", []):
            assert text in row["body"], (row["url"], text)
        for text in expected.get("body_excludes", []):
            assert text not in row["body"], (row["url"], text)
        assert not has_mojibake(row["title"] + row["body"])
        assert len(row["content_sha256"]) == 64 and row["fetched_at"]
        attachments = {a["url"] for a in json.loads(row["attachments"])}
        assert attachments == {site.url(p) for p in expected.get("attachments", [])}


def test_no_mojibake_anywhere_in_the_archive(crawled: dict) -> None:
    """Every text cell of every table, from sites in utf-8, windows-1250 and iso-8859-2 with
    charsets declared in the header, in <meta>, in both (disagreeing) or nowhere."""
    db: sqlite_utils.Database = crawled["db"]
    encodings = {row[0] for row in db.execute("select distinct encoding from articles")}
    cells = 0
    for table in db.table_names():
        if table.startswith("articles_fts"):
            continue
        for row in db[table].rows:
            for value in row.values():
                if isinstance(value, str):
                    cells += 1
                    assert not has_mojibake(value), (table, value[:200])
    assert cells > 1000
    assert {"utf-8", "windows-1250", "iso-8859-2"} <= encodings


@pytest.mark.parametrize("name", SITES)
def test_contact_row(crawled: dict, name: str) -> None:
    site: ServedSite = crawled["sites"][name]
    row = crawled["db"]["contacts"].get((name, "siedziba"))
    for key, value in site.expected["contact"].items():
        got = row[key]
        if key in ("phones", "fax", "emails", "hours_json"):
            got = json.loads(got or "null")
        assert got == value, key
    places = {
        r["place"]: r
        for r in crawled["db"]["contacts"].rows_where(
            "source_id = ? and role != 'siedziba'", [name]
        )
    }
    expected_branches = {b["place"]: b for b in site.expected.get("branches", [])}
    assert set(places) == set(expected_branches)
    for place, branch in expected_branches.items():
        for key, value in branch.items():
            got = places[place][key]
            if key in ("phones", "fax", "emails"):
                got = json.loads(got or "[]")
            assert got == value, (place, key)
    issues = {
        (r["field"], r["value"])
        for r in crawled["db"]["contact_issues"].rows_where("source_id = ?", [name])
    }
    assert issues == {(i["field"], i["value"]) for i in site.expected.get("contact_issues", [])}


def test_second_crawl_adds_no_rows(crawled: dict) -> None:
    second = crawled["second"]
    assert second.returncode == 0, second.stderr
    db = crawled["db"]
    assert {t: db[t].count for t in ("articles", "contacts", "sources")} == crawled[
        "counts_after_first"
    ]
    runs = list(db["crawl_runs"].rows)
    assert len(runs) == 2 * len(crawled["sites"])
    first_run, last_run = sorted({r["run_id"] for r in runs})
    errors_first = {r["source_id"]: r["errors"] for r in runs if r["run_id"] == first_run}
    pages_first = {r["source_id"]: r["pages_fetched"] for r in runs if r["run_id"] == first_run}
    for run in runs:
        if run["run_id"] == last_run:
            assert run["articles_new"] == 0 and run["articles_updated"] == 0
            # Incremental: known articles are not fetched again.
            assert run["pages_fetched"] < pages_first[run["source_id"]], run["source_id"]
            # Only broken links the site really has count (joomla3-utf8 links a missing feed),
            # and only those still reached.
            assert run["errors"] <= errors_first[run["source_id"]]
            assert run["status"] == ("partial" if run["errors"] else "ok")


def test_robots_disallowed_section_is_not_fetched(crawled: dict) -> None:
    for site in crawled["sites"].values():
        for url in articles_of(crawled["db"], site.name):
            assert "/prywatne/" not in url


def test_wal_mode(crawled: dict) -> None:
    assert crawled["db"].execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unknown_source_and_bad_registry(tmp_path: Path, fixture_sites) -> None:
    sources = write_sources(tmp_path / "s.toml", [fixture_sites["small-town"]])
    result = kronika(
        "crawl", "--sources", str(sources), "--source", "nope", "--db", str(tmp_path / "a.db")
    )
    assert result.returncode == 2
    assert "unknown source id 'nope'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nid = "x"\nname = \n', encoding="utf-8")
    result = kronika("crawl", "--sources", str(bad), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}:3:")

    missing = kronika("crawl", "--sources", str(tmp_path / "missing.toml"))
    assert missing.returncode == 2 and "missing.toml" in missing.stderr


def test_unreachable_host_fails_that_source_only(tmp_path: Path, fixture_sites) -> None:
    good = fixture_sites["small-town"]
    sources = write_sources(tmp_path / "s.toml", [good])
    with sources.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[source]]\nid = "dead"\nname = "Nieosiągalny"\nkind = "other"\n'
            'region = "opolskie"\nhomepage = "http://127.0.0.1:9/"\n'
            'news = ["http://127.0.0.1:9/aktualnosci"]\n'
        )
    db_path = tmp_path / "a.db"
    result = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
    assert result.returncode == 1
    assert "error: source dead failed: " in result.stderr
    assert "unreachable" in result.stderr
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(good.expected["articles"])
    statuses = {r["source_id"]: r["status"] for r in db["crawl_runs"].rows}
    assert statuses == {"small-town": "ok", "dead": "failed"}


def test_scrapy_crawl_command(tmp_path: Path, fixture_sites) -> None:
    """`scrapy crawl news -a source=ID` runs the same spider and pipeline."""
    site = fixture_sites["small-town"]
    sources = write_sources(tmp_path / "s.toml", [site])
    db_path = tmp_path / "scrapy.db"
    result = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "news",
            "-a", "source=small-town", "-a", f"sources={sources}",
            "-s", f"KRONIKA_DB={db_path}", "-s", "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == len(site.expected["articles"])
    assert db["crawl_runs"].count == 1


def test_news_listing_on_the_homepage(tmp_path: Path, fixture_sites) -> None:
    """When the listing is the homepage, its footer still gives the contact row."""
    site = fixture_sites["rops-demo"]
    sources = tmp_path / "s.toml"
    sources.write_text(
        '[[source]]\nid = "home"\nname = "Strona główna jako lista"\nkind = "other"\n'
        f'region = "świętokrzyskie"\nhomepage = "{site.url("/")}"\nnews = ["{site.url("/")}"]\n',
        encoding="utf-8",
    )
    db_path = tmp_path / "a.db"
    result = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    row = sqlite_utils.Database(db_path)["contacts"].get(("home", "siedziba"))
    assert row["nip"] == site.expected["contact"]["nip"]


def test_mentions_are_stored_per_article(crawled: dict) -> None:
    db: sqlite_utils.Database = crawled["db"]
    rows = list(db["mentions"].rows)
    assert rows and all(r["url"] in {a["url"] for a in db["articles"].rows} for r in rows)
    names = {(r["name"], r["type"], r["city"]) for r in rows}
    assert ("Regionalny Ośrodek Polityki Społecznej w Kielcach", "rops", "Kielce") in names
    assert ("Program Operacyjny Kapitał Ludzki", "program-ue", None) in names
    # A second crawl replaced the rows instead of adding copies.
    keys = [(r["url"], r["position"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_several_extraction_workers_store_every_article(tmp_path: Path) -> None:
    from demo.generated import write_news_site
    from demo.serve import serve_site

    site = tmp_path / "site"
    write_news_site(site, 300, per_page=20)  # past the 100 pages read before workers start
    server = serve_site(site)
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            '[[source]]\nid = "pup-gen"\nname = "PUP"\nkind = "county-labour-office"\n'
            f'region = "dolnośląskie"\nhomepage = "{server.base_url}/"\n'
            f'news = ["{server.base_url}/aktualnosci.html"]\n',
            encoding="utf-8",
        )
        db_path = tmp_path / "archive.db"
        result = kronika("crawl", "--sources", str(sources), "--db", str(db_path), "--workers", "2")
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 300
    assert db.execute("select count(*) from articles_search").fetchone()[0] == 300
    refused = kronika("crawl", "--sources", str(sources), "--db", str(db_path), "--workers", "-1")
    assert refused.returncode == 2 and "--workers" in refused.stderr


def test_real_sites_get_polite_settings_and_workers_from_the_first_page() -> None:
    from scrapy.settings import Settings

    from archive.registry import Source
    from crawler.run import source_settings

    base = Settings()
    base.setmodule("crawler.settings", priority="project")
    real = Source(
        id="ops", name="OPS", kind="ops", region="śląskie", homepage="https://ops.example.pl/",
        news=["https://ops.example.pl/aktualnosci"], delay=3.0,
    )  # fmt: skip
    settings = source_settings(base, real)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getfloat("DOWNLOAD_DELAY") == 3.0
    # Every page of a real crawl is read by a worker, under the time limit.
    assert settings.getint("KRONIKA_WORKER_AFTER_PAGES") == 0
    here = Source(
        id="demo", name="Demo", kind="ops", region="śląskie", homepage="http://127.0.0.1:8101/",
        news=["http://127.0.0.1:8101/aktualnosci"],
    )  # fmt: skip
    loopback = source_settings(base, here)
    assert loopback.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 8
    assert loopback.getint("KRONIKA_WORKER_AFTER_PAGES") == 100
