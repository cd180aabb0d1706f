"""The pipeline: extract each fetched page and store it in the archive, one row per URL."""

from __future__ import annotations

import asyncio
import errno
import logging
import multiprocessing
import sqlite3
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import sqlite_utils
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archive.contact import Contact, extract_contact, issue_message, merge_contacts
from archive.extract import parse_document
from archive.ingest import PreparedPage, prepare_page
from archive.redact import redact_secrets
from archive.schema import open_db
from archive.store import (
    finish_run,
    mark_checked,
    mark_removed,
    save_article,
    save_contact,
    save_crawl_errors,
    save_fetch_state,
    save_mentions,
    save_sources,
    start_run,
)
from crawler.items import CheckItem, ContactPageItem, FetchStateItem, PageItem

log = logging.getLogger(__name__)
progress = logging.getLogger("kronika.progress")

_databases: dict[str, sqlite_utils.Database] = {}


def shared_db(path: str) -> sqlite_utils.Database:
    """One connection per archive file per process, shared by every source's crawler."""
    if path not in _databases:
        _databases[path] = open_db(path)
    return _databases[path]


# CPU seconds per stage and pages, summed over every source's crawler in this process
# (`python -m crawler.run --stats-file` writes them out; bench/crawl.py reads them).
STAGE_CPU: Counter[str] = Counter()

_pool: ProcessPoolExecutor | None = None


def extraction_pool(workers: int) -> ProcessPoolExecutor | None:
    """The worker processes pages are extracted in (shared by every crawler), or None for
    extraction in this process (`KRONIKA_EXTRACT_WORKERS` = 0)."""
    global _pool
    if workers <= 0:
        return None
    if _pool is None:
        # spawn: never fork a process that runs a reactor and threads.
        context = multiprocessing.get_context("spawn")
        _pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_load_extractor)
    return _pool


def shutdown_extraction_pool() -> None:
    """Stop the worker processes (after the crawl)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def kill_extraction_pool() -> None:
    """Kill the worker processes at once (one is stuck on a page) and drop the pool; the
    next page starts a new one."""
    global _pool
    if _pool is not None:
        # The executor has no way to stop one running task: its processes are ended.
        for process in list(getattr(_pool, "_processes", {}).values()):
            process.kill()
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _load_extractor() -> None:
    """Load the dictionaries in a new worker before its first page, not during it."""
    from archive.search import lemma

    lemma("przygotowanie")


def is_storage_full(error: BaseException) -> bool:
    """Whether an error says the disk, the user's quota or the file system's file size limit
    is reached: every next page would fail the same way."""
    if isinstance(error, sqlite3.OperationalError):
        return "full" in str(error)  # SQLITE_FULL: "database or disk is full"
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def stop_for_full_storage(crawler: Crawler, spider: Spider, error: BaseException) -> None:
    """Close a source's crawl when the archive cannot be written: fetching on would only
    load the site for pages that cannot be kept (the next run fetches them again)."""
    from scrapy.utils.defer import deferred_from_coro

    if getattr(spider, "storage_full", None) is not None:
        return  # already closing
    spider.storage_full = f"storage full, crawl stopped: {error}"[:300]
    progress.error("%s: %s", spider.source.id, spider.storage_full)
    # Kept on the spider: a Deferred nobody holds may be collected before it runs.
    spider.closing = deferred_from_coro(crawler.engine.close_spider_async(reason="storage_full"))


class ArchivePipeline:
    """Extracts articles and contacts from raw pages and writes them to SQLite."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("KRONIKA_DB", "archive.db")
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "removed": 0}
        self.rejected = 0
        self.footer_contact = Contact()
        self.page_contact = Contact()
        self.workers = crawler.settings.getint("KRONIKA_EXTRACT_WORKERS", 1)
        self.extract_timeout = crawler.settings.getfloat("KRONIKA_EXTRACT_TIMEOUT", 60.0)
        self.worker_after_pages = crawler.settings.getint("KRONIKA_WORKER_AFTER_PAGES", 0)
        self.errors_saved = 0  # how many of the spider's errors are in crawl_errors already

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.db = shared_db(self.db_path)
        save_sources(self.db, [spider.source.as_row()])
        start_run(self.db, spider.run_id, spider.source.id)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        spider = spider or self.crawler.spider
        if getattr(spider, "storage_full", None):
            return item  # the crawl is closing: this page is fetched again next run
        try:
            if len(spider.errors) > self.errors_saved:
                self._save_new_errors(spider)
            if isinstance(item, PageItem):
                prepared = await self._prepare(item, spider)
                started = time.thread_time()
                self._store_page(item, prepared)
                STAGE_CPU["store"] += time.thread_time() - started
            elif isinstance(item, ContactPageItem):
                self._collect_contact(item)
            elif isinstance(item, CheckItem):
                self._store_check(item)
            elif isinstance(item, FetchStateItem):
                save_fetch_state(
                    self.db, item.url, item.source_id, item.kind, item.status, item.etag,
                    item.last_modified,
                )  # fmt: skip
        except Exception as error:  # one bad page must not end the crawl, nor vanish unseen
            reason = f"not stored: {type(error).__name__}: {error}"[:300]
            log.exception("%s: %s", getattr(item, "url", "?"), reason)
            progress.warning("%s: %s: %s", spider.source.id, getattr(item, "url", "?"), reason)
            kind = "article" if isinstance(item, PageItem | CheckItem) else "page"
            spider.errors.append((getattr(item, "url", "?"), reason, kind))
            self.crawler.stats.inc_value("kronika/errors")
            if is_storage_full(error):
                stop_for_full_storage(self.crawler, spider, error)
        return item

    def _save_new_errors(self, spider: Spider) -> None:
        """Errors into crawl_errors as the crawl goes, not only at its end: a killed run
        keeps the list of what it could not archive."""
        save_crawl_errors(
            self.db, spider.run_id, spider.source.id, spider.errors[self.errors_saved :]
        )
        self.errors_saved = len(spider.errors)

    def _store_check(self, item: CheckItem) -> None:
        """A re-checked known article: unchanged (304) or gone from the site (404/410)."""
        if item.status == 304:
            mark_checked(self.db, item.url)
            self.counts["unchanged"] += 1
        elif mark_removed(self.db, item.url):
            self.counts["removed"] += 1
            progress.info("%s: removed from the site: %s", item.source_id, item.url)

    async def _prepare(self, item: PageItem, spider: Spider) -> PreparedPage:
        """Extraction, mentions and search text: in a worker process, so this process keeps
        fetching while a page is read (both cores work)."""
        arguments = {
            "header_charset": item.header_charset,
            "selectors": spider.source.selectors,
            "listing_title": item.listing_title,
            "listing_date": item.listing_date,
            "via": item.via,
        }
        # KRONIKA_WORKER_AFTER_PAGES: pages read in this process before a worker starts (the
        # first of them have no time limit).
        if self.workers > 0 and STAGE_CPU["pages"] >= self.worker_after_pages:
            prepared = await self._prepare_in_worker(item, arguments)
        else:
            prepared = prepare_page(item.body, item.url, **arguments)
        STAGE_CPU["extract"] += prepared.cpu_seconds
        STAGE_CPU["pages"] += 1
        return prepared

    async def _prepare_in_worker(self, item: PageItem, arguments: dict[str, Any]) -> PreparedPage:
        """One page through the worker pool, within KRONIKA_EXTRACT_TIMEOUT: a page that
        sends the extractor into a loop must not hang an unattended crawl (the scheduled
        runs after it would find the lock held and skip, night after night)."""
        for attempt in (1, 2):
            pool = extraction_pool(self.workers)
            assert pool is not None
            future = pool.submit(prepare_page, item.body, item.url, **arguments)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self.extract_timeout)
            except TimeoutError:
                kill_extraction_pool()  # the pages in the other workers go to a new pool
                raise RuntimeError(
                    f"extraction took longer than {self.extract_timeout:g} s"
                ) from None
            except BrokenProcessPool:
                # A worker died (killed, out of memory, or stopped for another page's time
                # limit): a new pool takes this page once more.
                shutdown_extraction_pool()
                if attempt == 2:
                    raise RuntimeError("the extraction worker died on this page") from None
        raise AssertionError("unreachable")

    def _store_page(self, item: PageItem, prepared: PreparedPage) -> None:
        if not prepared.is_article:
            self.rejected += 1
            self.crawler.stats.inc_value("kronika/pages_rejected")
            log.info("not an article: %s (%s)", item.url, prepared.reason)
            # Fetched and read: a page an earlier run failed on is not asked again.
            save_fetch_state(self.db, item.url, item.source_id, "not-article", 200, None, None)
            return
        record = dict(prepared.record)
        record.update(
            source_id=item.source_id,
            fetched_at=item.fetched_at,
            warc_file=item.warc_file,
            warc_offset=item.warc_offset,
        )
        outcome = save_article(self.db, record, prepared.search)
        save_fetch_state(
            self.db, record["url"], item.source_id, "article", 200, item.etag, item.last_modified
        )
        save_mentions(self.db, record["url"], item.source_id, prepared.mentions)
        self.counts[outcome] += 1
        stored = sum(self.counts.values())
        if stored % 25 == 0:
            progress.info(
                "%s: %d articles stored (%d new)", item.source_id, stored, self.counts["new"]
            )

    def _collect_contact(self, item: ContactPageItem) -> None:
        root, _ = parse_document(item.body, item.header_charset)
        contact = extract_contact(root, item.url, contact_page=item.contact_page)
        if item.contact_page:
            self.page_contact = merge_contacts(self.page_contact, contact)
        else:
            self.footer_contact = merge_contacts(self.footer_contact, contact)

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        source_id = spider.source.id
        contact = merge_contacts(self.page_contact, self.footer_contact)
        for issue in contact.issues:
            log.warning("%s: contact: %s", source_id, issue_message(issue))
            progress.warning("%s: contact: %s", source_id, issue_message(issue))
        if not contact.is_empty() or contact.issues:
            save_contact(self.db, source_id, contact.as_record(), contact.issues)
        for branch in contact.branches:
            save_contact(
                self.db, source_id, branch.as_record(), place=branch.name or "", role=branch.role
            )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Record the run's outcome; Scrapy gives the close reason only with this signal."""
        source_id = spider.source.id
        stats = self.crawler.stats
        pages = stats.get_value("response_received_count", 0)
        errors = len(spider.errors)
        if reason == "storage_full":
            status = "failed"  # the disk is full: nothing more could be stored
        elif reason != "finished":
            status = "interrupted"  # Ctrl-C or SIGTERM: what was stored stays stored
        elif spider.listing_successes == 0:
            status = "failed"
        elif errors:
            status = "partial"
        else:
            status = "ok"
        summary = None
        if spider.errors:
            url, reason, _ = spider.errors[0]
            more = f" and {errors - 1} more error(s)" if errors > 1 else ""
            summary = redact_secrets(f"{reason} ({url}){more}")
        if getattr(spider, "storage_full", None):
            summary = spider.storage_full
        try:
            self._record_run(spider, status, pages, errors, summary)
        except sqlite3.Error as error:
            # A full disk may refuse this last write too: the run stays "running" in the
            # archive, and the reason is on stderr.
            progress.error("%s: the run's outcome could not be recorded: %s", source_id, error)
            return
        progress.info(
            "%s: %s — %d pages, %d new, %d updated, %d unchanged, %d not articles, %d errors",
            source_id,
            status,
            pages,
            self.counts["new"],
            self.counts["updated"],
            self.counts["unchanged"],
            self.rejected,
            errors,
        )

    def _record_run(
        self, spider: Spider, status: str, pages: int, errors: int, summary: str | None
    ) -> None:
        """The run's errors still unsaved, and its row in crawl_runs."""
        self._save_new_errors(spider)
        finish_run(
            self.db,
            spider.run_id,
            spider.source.id,
            {
                "status": status,
                "pages_fetched": pages,
                "articles_new": self.counts["new"],
                "articles_updated": self.counts["updated"],
                "articles_unchanged": self.counts["unchanged"],
                "articles_removed": self.counts["removed"],
                "errors": errors,
                "error_summary": summary,
            },
        )
