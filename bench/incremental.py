"""Incremental crawling on a generated local site of 1,000 articles.

Run from the project root:  .venv/bin/python bench/incremental.py [--articles 1000]

Runs `kronika crawl` four times against a site served on 127.0.0.1 (with ETag and
Last-Modified, answering conditional requests with 304) and prints, per run, the requests the
site saw, how many returned a body, article bodies downloaded, wall time and the run's counts:
1. first crawl of an empty archive;
2. the same site, nothing changed;
3. 10 new articles published and 5 old ones silently edited;
4. the same, with --recheck, which revalidates every archived article.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.generated import add_articles, edit_article, write_news_site  # noqa: E402
from demo.serve import serve_site  # noqa: E402

SOURCE = """[[source]]
id = "bench-pup"
name = "Powiatowy Urząd Pracy (bench)"
kind = "county-labour-office"
region = "dolnośląskie"
homepage = "{base}/"
news = ["{base}/aktualnosci.html"]
"""


def run(sources: Path, db: Path, *extra: str) -> tuple[float, dict]:
    """One `kronika crawl`; its wall time and its crawl_runs row."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "archive.cli", "crawl", "--sources", str(sources), "--db", str(db),
         *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr)
    import sqlite3

    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("select * from crawl_runs order by run_id desc limit 1").fetchone()
    return elapsed, dict(row)


def main() -> None:
    """Build the site, run the four crawls and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--per-page", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        write_news_site(site, args.articles, per_page=args.per_page)
        server = serve_site(site)
        sources = Path(tmp) / "sources.toml"
        sources.write_text(SOURCE.format(base=server.base_url), encoding="utf-8")
        db = Path(tmp) / "archive.db"
        rows = []
        try:
            plan = [
                ("1 first crawl", (), None),
                ("2 nothing changed", (), None),
                ("3 +10 new, 5 edited", (), "change"),
                ("4 same, --recheck", ("--recheck",), None),
            ]
            for label, extra, change in plan:
                if change:
                    add_articles(site, 10)
                    for number in (3, 50, 200, 500, 900):
                        edit_article(site, min(number, args.articles))
                server.requests.clear()
                elapsed, row = run(sources, db, *extra)
                requests = list(server.requests)
                bodies = sum(1 for _, status in requests if status == 200)
                articles = sum(
                    1 for path, status in requests if status == 200 and "/aktualnosci/" in path
                )
                rows.append((label, len(requests), bodies, articles, elapsed, row))
                print(f"{label}: {len(requests)} requests, {elapsed:.1f} s", file=sys.stderr)
        finally:
            server.stop()
    first = rows[0][1]
    header = ("run", "requests", "% of 1st", "with body", "article bodies", "wall s",
              "new", "updated", "unchanged")  # fmt: skip
    print("  ".join(header))
    for label, requests, bodies, articles, elapsed, row in rows:
        print(
            f"{label:22} {requests:8} {100 * requests / first:8.1f} {bodies:9} {articles:14} "
            f"{elapsed:6.1f} {row['articles_new']:4} {row['articles_updated']:7} "
            f"{row['articles_unchanged']:9}"
        )
    print(json.dumps({"site_articles": args.articles, "per_page": args.per_page}))


if __name__ == "__main__":
    main()
