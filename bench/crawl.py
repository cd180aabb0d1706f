"""Crawl speed: a bare Scrapy spider against the full Kronika pipeline, in the same run.

Run from the project root:  .venv/bin/python bench/crawl.py [--articles 5000]

A generated news site (demo/generated.py: listing pages of 20, one page per article) is
served by Twisted's static file server (`twist web`) on 127.0.0.1. It is crawled twice:
(a) by a bare Scrapy spider that only follows the listing's article and pager links, and
(b) by `python -m crawler.run`, the full pipeline: extraction, contacts, mentions, search
text, WARC capture and SQLite storage.
Both run with the same loopback settings (8 requests per host, no delay, robots.txt obeyed).
The bench prints pages/s of both, their ratio, the CPU time per page by stage and the peak
memory of each process, for each of --repeat runs (a then b), and the median ratio: on two
cores shared with the server, one run's ratio moves by about 0.1.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.generated import write_news_site  # noqa: E402
from demo.serve import free_port, wait_until_answering  # noqa: E402

SOURCE = """[[source]]
id = "bench-crawl"
name = "Powiatowy Urząd Pracy w Wałbrzychu"
kind = "county-labour-office"
region = "dolnośląskie"
homepage = "{base}/"
news = ["{base}/aktualnosci.html"]
max_pages = {max_pages}
"""

BARE_SPIDER = r"""
import json, resource, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess

class Bare(scrapy.Spider):
    name = "bare"
    start_urls = [sys.argv[1]]
    pages = 0

    def parse(self, response):
        self.pages += 1
        for href in response.css("ul.news a::attr(href), .pagination a::attr(href)").getall():
            listing = "aktualnosci" in href.split("/")[-1]
            yield response.follow(href, callback=self.parse if listing else self.article)

    def article(self, response):
        self.pages += 1

settings = {
    "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
}
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler)
started = time.perf_counter()
process.start()
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"pages": crawler.spider.pages, "crawl_s": time.perf_counter() - started,
                  "cpu_s": own.ru_utime + own.ru_stime, "peak_mb": own.ru_maxrss / 1024}))
"""


def paged_by_path(site: Path) -> None:
    """Listing pages as plain files (`aktualnosci-2.html`), which a static server can serve:
    the generated site keeps them as `?page=N`, which only demo/serve.py maps to files."""
    for page in site.glob("aktualnosci.html@page=*"):
        page.rename(site / f"aktualnosci-{page.name.split('=')[1]}.html")
    for listing in site.glob("aktualnosci*.html"):
        text = listing.read_text(encoding="utf-8")
        listing.write_text(
            re.sub(r"/aktualnosci\.html\?page=(\d+)", r"/aktualnosci-\1.html", text),
            encoding="utf-8",
        )


def crawl_bare(spider: Path, base: str) -> dict:
    """(a): the bare spider, in its own process; its figures as it prints them."""
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, str(spider), base + "/aktualnosci.html"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - started
    figures["rate"] = figures["pages"] / figures["crawl_s"]
    return figures


def crawl_full(workdir: Path, base: str, articles: int, extract_workers: int) -> dict:
    """(b): `python -m crawler.run` into a new archive; its stage figures and run row."""
    workdir.mkdir()
    sources = workdir / "sources.toml"
    # Room for every page: the default budget (5,000 requests a run) is below this site.
    budget = articles + articles // 20 + 50
    sources.write_text(SOURCE.format(base=base, max_pages=budget), encoding="utf-8")
    stats_file = workdir / "stats.json"
    started = time.perf_counter()
    log = subprocess.run(
        [sys.executable, "-m", "crawler.run", "--sources", str(sources),
         "--db", str(workdir / "archive.db"), "--run-id", "bench",
         "--extract-workers", str(extract_workers), "--stats-file", str(stats_file)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    figures = json.loads(stats_file.read_text(encoding="utf-8"))
    figures["wall_s"] = time.perf_counter() - started
    figures["log"] = log.stderr.strip().splitlines()[-1]
    with sqlite3.connect(workdir / "archive.db") as connection:
        figures["run"] = connection.execute(
            "select status, pages_fetched, articles_new, errors, error_summary from crawl_runs"
        ).fetchone()
    figures["rate"] = figures["run"][1] / figures["crawl_s"]  # pages fetched, as for (a)
    return figures


def report(bare: dict, full: dict, extract_workers: int) -> None:
    """One run's figures: pages/s of both, their ratio, CPU per page by stage, peak memory."""
    run = full["run"]
    print(
        f"(a) bare spider:  {bare['pages']:,} pages in {bare['crawl_s']:.1f} s "
        f"(wall {bare['wall_s']:.1f} s with start-up): {bare['rate']:.0f} pages/s; "
        f"CPU {bare['cpu_s'] / bare['pages'] * 1000:.2f} ms/page; peak {bare['peak_mb']:.0f} MB"
    )
    print(f"(b) full Kronika: {run[1]:,} pages ({run[2]:,} articles stored) in "
          f"{full['crawl_s']:.1f} s (wall {full['wall_s']:.1f} s with start-up): "
          f"{full['rate']:.0f} pages/s, {run[2] / full['crawl_s']:.0f} articles/s; "
          f"extract workers: {extract_workers}")  # fmt: skip
    print(f"    log: {full['log']}")
    print(f"    run: {run[0]}, {run[1]:,} pages fetched, {run[2]:,} articles stored, "
          f"{run[3]} errors{': ' + run[4] if run[4] else ''}")  # fmt: skip
    print(f"    ratio (b)/(a): {full['rate'] / bare['rate']:.2f}")
    per_page = {k: full[k] / max(full["pages"], 1) * 1000 for k in full if k.endswith("cpu_s")}
    crawler_other = (
        per_page["crawler_cpu_s"]
        - per_page["store_cpu_s"]
        - (per_page["extract_cpu_s"] if extract_workers == 0 else 0)
    )
    print(f"    CPU per page: extraction {per_page['extract_cpu_s']:.2f} ms "
          f"({'worker' if extract_workers else 'crawler process'}), "
          f"storage {per_page['store_cpu_s']:.2f} ms, Scrapy and the rest "
          f"{crawler_other:.2f} ms; crawler process {per_page['crawler_cpu_s']:.2f} ms, "
          f"workers {per_page['workers_cpu_s']:.2f} ms")  # fmt: skip
    print(f"    peak memory: crawler process {full['crawler_peak_mb']:.0f} MB, "
          f"largest worker {full['worker_peak_mb']:.0f} MB, "
          f"together {full['crawler_peak_mb'] + full['worker_peak_mb']:.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--extract-workers", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of (a) then (b); the median ratio is the figure"
    )
    args = parser.parse_args()
    ratios: list[float] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        write_news_site(site, args.articles, per_page=20)
        paged_by_path(site)
        port = free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("twist")), "web", "--path", str(site),
             "--listen", f"tcp:{port}:interface=127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(base + "/aktualnosci.html", server)
            spider = Path(tmp) / "bare_spider.py"  # a file: Scrapy reads its callbacks' source
            spider.write_text(BARE_SPIDER, encoding="utf-8")
            print(f"site: {args.articles:,} articles, {args.articles // 20} listing pages, "
                  f"twist web; {args.repeat} run(s) of (a) then (b)")  # fmt: skip
            for attempt in range(1, args.repeat + 1):
                bare = crawl_bare(spider, base)
                full = crawl_full(Path(tmp) / f"run{attempt}", base, args.articles,
                                  args.extract_workers)  # fmt: skip
                print(f"run {attempt}:")
                report(bare, full, args.extract_workers)
                ratios.append(full["rate"] / bare["rate"])
                peaks.append(full["crawler_peak_mb"] + full["worker_peak_mb"])
        finally:
            server.terminate()
            server.wait()
    print(
        f"ratio (b)/(a): median {statistics.median(ratios):.2f} over {len(ratios)} run(s) "
        f"(each: {', '.join(f'{r:.2f}' for r in ratios)}); "
        f"peak memory at most {max(peaks):.0f} MB"
    )


if __name__ == "__main__":
    main()
