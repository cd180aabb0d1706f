"""Run the news spider over several sources in one process (`python -m crawler.run`)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from archive.redact import install_redaction
from archive.registry import RegistryError, Source, load_sources, select_sources
from crawler.pipelines import STAGE_CPU, shutdown_extraction_pool
from crawler.spiders.news import NewsSpider


def is_loopback(url: str) -> bool:
    """Whether a URL points at this machine (demo and test sites need no politeness delay)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def source_settings(base: Settings, source: Source) -> Settings:
    """Settings for one source's crawler: its own delay, no throttling on loopback."""
    settings = base.copy()
    if source.delay is not None:
        settings.set("DOWNLOAD_DELAY", source.delay, priority="spider")
    if source.max_pages is not None:
        settings.set("KRONIKA_MAX_PAGES", source.max_pages, priority="spider")
    if source.timeout is not None:
        settings.set("DOWNLOAD_TIMEOUT", source.timeout, priority="spider")
    if source.max_mb is not None:
        settings.set("DOWNLOAD_MAXSIZE", int(source.max_mb * 1024 * 1024), priority="spider")
        settings.set("DOWNLOAD_WARNSIZE", int(source.max_mb * 1024 * 1024) // 4, priority="spider")
    if is_loopback(source.homepage):
        settings.set("DOWNLOAD_DELAY", 0, priority="spider")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        settings.set("KRONIKA_RETRY_BACKOFF", 0.2, priority="spider")
        # Two requests in flight cap Scrapy near 15 pages/s here whatever the server (measured
        # on loopback: 200 pages take 12-15 s at 2, 2 s at 8); politeness is for real hosts.
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 8, priority="spider")
        settings.set("KRONIKA_WORKER_AFTER_PAGES", 100, priority="spider")
    return settings


def configure_progress(stream: object = sys.stderr) -> None:
    """Send `kronika.progress` lines to stderr as plain text."""
    logger = logging.getLogger("kronika.progress")
    handler = logging.StreamHandler(stream)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(message)s"))
    # Its level also tells the redaction which records will be written (archive/redact.py).
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def run_crawl(
    sources: list[Source],
    db_path: str,
    run_id: str,
    *,
    log_level: str = "ERROR",
    log_file: str | None = None,
    recheck: bool = False,
    overlap: int = 1,
    extract_workers: int | None = None,
) -> None:
    """Crawl every source concurrently, one Scrapy crawler each, into one archive file."""
    base = Settings()
    base.setmodule("crawler.settings", priority="project")
    if extract_workers is not None:
        base.set("KRONIKA_EXTRACT_WORKERS", extract_workers, priority="cmdline")
    base.set("KRONIKA_DB", db_path, priority="cmdline")
    base.set("KRONIKA_RECHECK", recheck, priority="cmdline")
    base.set("KRONIKA_OVERLAP_PAGES", overlap, priority="cmdline")
    base.set("LOG_LEVEL", log_level, priority="cmdline")
    if log_file:
        base.set("LOG_FILE", log_file, priority="cmdline")
    elif log_level not in ("DEBUG", "INFO"):
        # Without --verbose, stderr carries Kronika's progress lines only: failures are
        # reported per source there, not as Scrapy tracebacks.
        base.set("LOG_ENABLED", False, priority="cmdline")
    # Records below the log level are not even made: Scrapy logs two DEBUG lines per page,
    # each formatted and passed to every handler only to be dropped (root stays at NOTSET).
    for name in ("scrapy", "crawler", "archive", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(log_level)
    # Scrapy's own log (--log-file, --verbose) may quote URLs: no password or token in it.
    install_redaction()
    process = CrawlerProcess(base)
    for index, source in enumerate(sources):
        # The first crawler installs the reactor, as CrawlerProcess does for its own.
        crawler = Crawler(NewsSpider, source_settings(base, source), init_reactor=index == 0)
        process.crawl(crawler, source=source, run_id=run_id)
    started = time.perf_counter()
    try:
        process.start()
    finally:
        STAGE_CPU["crawl_s"] = time.perf_counter() - started
        shutdown_extraction_pool()


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def exit_with_parent(parent_pid: int) -> bool:
    """Have Linux send this process SIGTERM when its parent dies, even by SIGKILL, so a killed
    `kronika crawl` leaves no crawler running on; SIGTERM closes the spiders and records the
    runs as interrupted. Returns False if the parent is already gone."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent forwards SIGTERM itself
        pass
    # The parent may have died before the request above: then no signal will come.
    return os.getppid() == parent_pid


def write_stats(path: str) -> None:
    """CPU seconds per stage, pages and peak memory of this crawl, as JSON (bench/crawl.py)."""
    import json
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the extraction workers, ended
    stats = {
        "pages": STAGE_CPU["pages"],
        "crawl_s": round(STAGE_CPU["crawl_s"], 3),  # from the reactor's start to its stop
        "extract_cpu_s": round(STAGE_CPU["extract"], 3),
        "store_cpu_s": round(STAGE_CPU["store"], 3),
        "crawler_cpu_s": round(own.ru_utime + own.ru_stime, 3),
        "crawler_peak_mb": round(own.ru_maxrss / 1024, 1),
        "workers_cpu_s": round(workers.ru_utime + workers.ru_stime, 3),
        "worker_peak_mb": round(workers.ru_maxrss / 1024, 1),
    }
    Path(path).write_text(json.dumps(stats), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Entry point used by `kronika crawl`, which runs it in a child process."""
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("--sources", default="sources.toml")
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--db", default="archive.db")
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--log-level", default="ERROR")
    parser.add_argument("--log-file")
    parser.add_argument("--recheck", action="store_true")
    parser.add_argument("--overlap", type=int, default=1)
    parser.add_argument("--extract-workers", type=int, help="0: extract in this process")
    parser.add_argument("--stats-file", help="write CPU per stage and peak memory here (JSON)")
    parser.add_argument(
        "--exit-with-parent", type=int, metavar="PID", help="stop when process PID ends"
    )
    args = parser.parse_args(argv)
    if args.exit_with_parent and not exit_with_parent(args.exit_with_parent):
        print("error: the process that started this crawl has ended", file=sys.stderr)
        return 1
    try:
        registry = load_sources(args.sources)
        chosen = select_sources(registry, args.source) if args.source else registry
    except RegistryError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    configure_progress()
    run_crawl(
        chosen,
        args.db,
        args.run_id,
        log_level=args.log_level,
        log_file=args.log_file,
        recheck=args.recheck,
        overlap=args.overlap,
        extract_workers=args.extract_workers,
    )
    if args.stats_file:
        write_stats(args.stats_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
