"""The pipeline: extract each fetched page and store it in the archive, one row per URL."""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archive.contact import Contact, extract_contact, issue_message, merge_contacts
from archive.extract import ListingHints, extract_article, parse_document
from archive.mentions import find_mentions
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


class ArchivePipeline:
    """Extracts articles and contacts from raw pages and writes them to SQLite."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("KRONIKA_DB", "archive.db")
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "removed": 0}
        self.rejected = 0
        self.footer_contact = Contact()
        self.page_contact = Contact()

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

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        spider = spider or self.crawler.spider
        try:
            if isinstance(item, PageItem):
                self._store_page(item, spider)
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
            spider.errors.append((getattr(item, "url", "?"), reason))
            self.crawler.stats.inc_value("kronika/errors")
        return item

    def _store_check(self, item: CheckItem) -> None:
        """A re-checked known article: unchanged (304) or gone from the site (404/410)."""
        if item.status == 304:
            mark_checked(self.db, item.url)
            self.counts["unchanged"] += 1
        elif mark_removed(self.db, item.url):
            self.counts["removed"] += 1
            progress.info("%s: removed from the site: %s", item.source_id, item.url)

    def _store_page(self, item: PageItem, spider: Spider) -> None:
        article = extract_article(
            item.body,
            item.url,
            header_charset=item.header_charset,
            selectors=spider.source.selectors,
            hints=ListingHints(title=item.listing_title, published=item.listing_date),
        )
        if article.is_article and not article.published and item.via != "listing":
            article.is_article, article.reason = False, "no publication date"
        if not article.is_article:
            self.rejected += 1
            self.crawler.stats.inc_value("kronika/pages_rejected")
            log.info("not an article: %s (%s)", item.url, article.reason)
            return
        record = article.as_record()
        record.update(
            source_id=item.source_id,
            fetched_at=item.fetched_at,
            warc_file=item.warc_file,
            warc_offset=item.warc_offset,
        )
        outcome = save_article(self.db, record)
        save_fetch_state(
            self.db, record["url"], item.source_id, "article", 200, item.etag, item.last_modified
        )
        save_mentions(
            self.db,
            record["url"],
            item.source_id,
            (m.as_record() for m in find_mentions(article.body)),
        )
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
        if reason != "finished":
            status = "interrupted"  # Ctrl-C or SIGTERM: what was stored stays stored
        elif spider.listing_successes == 0:
            status = "failed"
        elif errors:
            status = "partial"
        else:
            status = "ok"
        summary = None
        if spider.errors:
            url, reason = spider.errors[0]
            more = f" and {errors - 1} more error(s)" if errors > 1 else ""
            summary = f"{reason} ({url}){more}"
        save_crawl_errors(self.db, spider.run_id, source_id, spider.errors)
        finish_run(
            self.db,
            spider.run_id,
            source_id,
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
