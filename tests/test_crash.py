"""SIGKILL during writes and during a schema upgrade leaves a valid, consistent archive, and
the next run completes the work; Datasette answers while a crawl writes. (A crawl killed
midway, then resumed: tests/test_incremental.py.)"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlite_utils

from archive.schema import open_db
from demo.serve import SiteServer

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys
from archive.schema import open_db
from archive.store import save_article
db = open_db(sys.argv[1])
for n in range(int(sys.argv[2]), int(sys.argv[3])):
    body = f"Ośrodek pomocy społecznej numer {n} zaprasza na spotkanie. " * 40
    save_article(db, {"url": f"https://ops.example.pl/{n}", "source_id": "ops",
                      "title": f"Spotkanie numer {n}", "published": "2024-05-10", "body": body})
    print(n, flush=True)
"""

UPGRADE = """
import sys
from archive.schema import open_db
open_db(sys.argv[1]).close()
print("done", flush=True)
"""


def run_python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after(child: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    if child.poll() is None:
        child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def check(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
    return connection


def test_sigkill_during_writes_never_leaves_half_an_article(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    open_db(str(path)).close()
    for delay in (0.3, 0.5, 0.7, 0.9, 1.1):
        kill_after(run_python(WRITER, str(path), "0", "100000"), delay)
        connection = check(path)
        # Each article is stored whole or not at all: its row, its version, its index entry.
        counts = connection.execute(
            "select (select count(*) from articles), (select count(*) from article_versions),"
            " (select count(*) from articles_search),"
            " (select count(*) from articles a where not exists"
            "  (select 1 from articles_search s where s.rowid = a.rowid))"
        ).fetchone()
        assert counts[0] == counts[1] == counts[2] and counts[3] == 0, counts
        connection.close()
    stored = counts[0]
    assert stored > 0
    finished = run_python(WRITER, str(path), "0", str(stored + 50))
    assert finished.wait(timeout=120) == 0, finished.stderr.read()
    connection = check(path)
    assert connection.execute("select count(*) from articles").fetchone()[0] == stored + 50
    assert connection.execute("select count(*) from articles_search").fetchone()[0] == stored + 50


def old_archive(path: Path, articles: int) -> None:
    """An archive as the first releases wrote it: no region/kind/year/published_order, no
    Polish-aware index, SQLite's plain FTS with its triggers."""
    db = open_db(str(path))
    rows = [
        {"url": f"https://pup.example.pl/{n}", "source_id": "pup", "title": f"Nabór {n}",
         "published": "2023-02-01",
         "body": f"Powiatowy urząd pracy numer {n} ogłasza nabór wniosków o dotacje. " * 30}
        for n in range(articles)
    ]  # fmt: skip
    db["articles"].insert_all(rows)
    db["sources"].insert({"id": "pup", "name": "PUP", "kind": "pup", "region": "opolskie",
                          "homepage": "https://pup.example.pl/"})  # fmt: skip
    db.execute("drop index idx_articles_region_published")
    db.execute("drop index idx_articles_published_order")
    for column in ("region", "kind", "year", "published_order"):
        db.execute(f"alter table articles drop column {column}")
    db.execute("drop table articles_search")
    db["articles"].enable_fts(["title", "body"], create_triggers=True)
    db.conn.commit()
    db.close()


def test_sigkill_during_a_schema_upgrade_then_the_next_run_completes_it(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    old_archive(path, 6000)
    interrupted = 0
    for delay in (0.8, 1.6, 2.4):
        child = run_python(UPGRADE, str(path))
        kill_after(child, delay)
        interrupted += "done" not in child.stdout.read()
        check(path).close()
    assert interrupted >= 2  # the kills landed while the upgrade was running
    upgrade = run_python(UPGRADE, str(path))
    assert upgrade.wait(timeout=300) == 0, upgrade.stderr.read()
    db = sqlite_utils.Database(check(path))
    assert not db["articles_fts"].exists()
    assert not list(db.execute("select name from sqlite_master where type = 'trigger'"))
    assert (
        db.execute(
            "select count(*) from articles where region = 'opolskie' and year = '2023'"
            " and published_order like '2023-02-01 https://pup.example.pl/%'"
        ).fetchone()[0]
        == 6000
    )
    assert db.execute("select count(*) from articles_search").fetchone()[0] == 6000
    hit = db.execute(
        "select count(*) from articles_search where articles_search match '\"dotacja\"'"
    ).fetchone()[0]
    assert hit == 6000


SOURCE = """[[source]]
id = "pup-gen"
name = "PUP"
kind = "county-labour-office"
region = "dolnośląskie"
homepage = "{base}/"
news = ["{base}/aktualnosci.html"]
max_pages = 3000
"""


def start_crawl(tmp_path: Path, base_url: str, db: Path) -> subprocess.Popen:
    """`kronika crawl` of the site at base_url, in its own session (killed whole by a test)."""
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCE.format(base=base_url), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "crawl", "--sources", str(sources), "--db", str(db)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def stored_articles(db: Path) -> int:
    try:
        with sqlite3.connect(db) as connection:
            return connection.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def wait_for_articles(db: Path, count: int, crawl: subprocess.Popen) -> int:
    """Wait until the crawl has stored `count` articles; fail if it ends first."""
    deadline = time.monotonic() + 60
    while stored_articles(db) < count and crawl.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert crawl.poll() is None, "the crawl ended before the test could act on it"
    return stored_articles(db)


def end_session(process: subprocess.Popen) -> None:
    """SIGKILL whatever is left of a process's session, and reap the process."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@pytest.fixture
def news_site(tmp_path: Path) -> Iterator[Callable[[int], SiteServer]]:
    """Serves a generated news site of N articles (demo/generated.py) on 127.0.0.1, in
    tmp_path/site, until the test ends."""
    from demo.generated import write_news_site
    from demo.serve import serve_site

    servers: list[SiteServer] = []

    def serve(articles: int) -> SiteServer:
        write_news_site(tmp_path / "site", articles, per_page=20)
        servers.append(serve_site(tmp_path / "site"))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()


def test_datasette_keeps_answering_while_a_crawl_writes(tmp_path: Path, news_site) -> None:
    import urllib.request

    from demo.serve import kronika_serving

    pages = news_site(2000)
    path = tmp_path / "archive.db"
    open_db(str(path)).close()
    with kronika_serving(path) as served:
        base = served + "/archive"
        crawl = start_crawl(tmp_path, pages.base_url, path)
        try:
            before = wait_for_articles(path, 50, crawl)
            latencies, counts = [], []
            for _ in range(40):
                started = time.perf_counter()
                url = base + "/articles.json?_shape=objects&_size=1&_nofacet=1&_search=spotkanie"
                with urllib.request.urlopen(url, timeout=10) as response:
                    assert response.status == 200
                    counts.append(response.read().count(b'"url"'))
                latencies.append(time.perf_counter() - started)
                time.sleep(0.02)
            after = stored_articles(path)
            assert crawl.poll() is None, "the crawl ended before the searches did"
            assert 50 <= before < after < 2000  # the crawl wrote all along
        finally:
            end_session(crawl)
    latencies.sort()
    print(f"Datasette during a crawl ({before} -> {after} articles): "
          f"p50 {latencies[20] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
          f"over {len(latencies)} searches")  # fmt: skip
    assert latencies[-1] < 5  # never blocked behind the writer
    assert counts[-1] >= 1
    check(path).close()


def test_a_killed_crawl_keeps_the_errors_it_met(tmp_path: Path, news_site) -> None:
    from demo.generated import article_path

    pages = news_site(1500)
    (tmp_path / "site" / article_path(1500).lstrip("/")).unlink()  # listed first: a 404
    path = tmp_path / "archive.db"
    crawl = start_crawl(tmp_path, pages.base_url, path)
    try:
        wait_for_articles(path, 100, crawl)
    finally:
        end_session(crawl)  # the command and its crawler, mid-write
    connection = check(path)
    assert connection.execute("select status from crawl_runs").fetchall() == [("running",)]
    errors = connection.execute("select url, reason from crawl_errors").fetchall()
    assert errors == [(pages.base_url + article_path(1500), "HTTP 404")]


def running(pid: int) -> bool:
    """Whether a process exists and has not ended (a zombie waiting to be reaped has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_crawl_command_leaves_no_crawler_running(
    tmp_path: Path, signum: int, news_site
) -> None:
    pages = news_site(1500)
    path = tmp_path / "archive.db"
    cli = start_crawl(tmp_path, pages.base_url, path)
    try:
        wait_for_articles(path, 50, cli)
        children = Path(f"/proc/{cli.pid}/task/{cli.pid}/children").read_text().split()
        assert len(children) == 1, "the crawler process was not found"
        crawler = int(children[0])
        cli.send_signal(signum)  # the command only, not its process group
        cli.wait(timeout=30)
        deadline = time.monotonic() + 30
        while running(crawler) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not running(crawler), "the crawler kept running after its command was killed"
    finally:
        end_session(cli)
    connection = check(path)
    # SIGTERM, passed on or sent by Linux at the command's death: the run is closed properly.
    assert connection.execute("select status from crawl_runs").fetchall() == [("interrupted",)]
    assert 50 <= connection.execute("select count(*) from articles").fetchone()[0] < 1500


# The crawler, with storage that fills up after 20 pages: the archive's writes (SQLite's
# SQLITE_FULL) or the WARC capture's (ENOSPC). Patched here, in the test's own process.
FULL_DISK = """
import errno, sqlite3, sys
import crawler.middlewares, crawler.pipelines
from crawler.run import main

calls = 0

def filling(real, error):
    def write(*args, **kwargs):
        global calls
        calls += 1
        if calls > 20:
            raise error
        return real(*args, **kwargs)
    return write

if sys.argv[1] == "archive":
    crawler.pipelines.save_article = filling(
        crawler.pipelines.save_article, sqlite3.OperationalError("database or disk is full"))
else:
    writer = crawler.middlewares.WarcWriter
    writer.write = filling(writer.write, OSError(errno.ENOSPC, "No space left on device"))
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("full", ["archive", "warc"])
def test_a_full_disk_stops_the_crawl_and_says_so(tmp_path: Path, full: str, news_site) -> None:
    pages = news_site(1000)
    path = tmp_path / "archive.db"
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCE.format(base=pages.base_url), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", FULL_DISK, full, "--sources", str(sources),
         "--db", str(path), "--run-id", "r1", "--extract-workers", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "storage full, crawl stopped" in run.stderr
    connection = check(path)
    status, fetched, summary = connection.execute(
        "select status, pages_fetched, error_summary from crawl_runs"
    ).fetchone()
    assert status == "failed"
    assert summary.startswith("storage full, crawl stopped: ")
    assert fetched < 300  # stopped, not 1,050 pages of failures
    stored = connection.execute("select count(*) from articles").fetchone()[0]
    assert 0 < stored <= 20  # what was written before the disk filled stays (the WARC count
    # includes listing pages and robots.txt, so fewer articles there)


# The crawler with an extractor that never finishes one page, a 2-second limit per page, and
# the extraction workers from the first page on.
STUCK = """
import sys
import crawler.pipelines, crawler.run, crawler.settings
from crawler.run import main
from tests.faults.stuck_extraction import prepare_page

crawler.pipelines.prepare_page = prepare_page
crawler.settings.KRONIKA_EXTRACT_TIMEOUT = 2.0
loopback_settings = crawler.run.source_settings

def workers_at_once(base, source):  # a loopback site, yet no pages read before the workers
    settings = loopback_settings(base, source)
    settings.set("KRONIKA_WORKER_AFTER_PAGES", 0, priority="cmdline")
    return settings

crawler.run.source_settings = workers_at_once
sys.exit(main(sys.argv[1:]))
"""


def test_a_page_that_sends_extraction_into_a_loop_does_not_hang_the_crawl(
    tmp_path: Path, news_site
) -> None:
    from demo.generated import article_path

    pages = news_site(60)
    path = tmp_path / "archive.db"
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCE.format(base=pages.base_url), encoding="utf-8")
    command = [sys.executable, "-c", STUCK, "--sources", str(sources), "--db", str(path)]
    started = time.monotonic()
    first = subprocess.run(
        [*command, "--run-id", "r1", "--extract-workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    connection = check(path)
    stored_first = connection.execute("select count(*) from articles").fetchone()[0]
    # The next run asks the stuck page again (an earlier run failed on it): it fails
    # within the limit again, and nothing else changes.
    second = subprocess.run(
        [*command, "--run-id", "r2", "--extract-workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    print(f"stuck page: run 1 took {elapsed:.1f} s and stored {stored_first} of 59")
    assert elapsed < 60, f"the crawl took {elapsed:.0f} s"
    connection = check(path)
    errors = connection.execute("select url, reason, kind from crawl_errors").fetchall()
    stuck_url = pages.base_url + article_path(25)
    assert (stuck_url, "not stored: RuntimeError: extraction took longer than 2 s", "article") in [
        tuple(e) for e in errors
    ]
    # Every other page is stored, those the killed pool was reading included (taken again).
    assert stored_first == 59
    assert connection.execute("select count(*) from articles").fetchone()[0] == 59
    status = connection.execute("select status from crawl_runs order by run_id").fetchall()
    assert status == [("partial",), ("partial",)]
