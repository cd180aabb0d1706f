"""The one generic spider: from a source's homepage and news listings to article pages."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.encoding import content_type_charset, looks_binary
from archive.extract import parse_document
from archive.registry import Source, load_sources, select_sources
from archive.store import utc_now
from crawler.items import CheckItem, ContactPageItem, FetchStateItem, PageItem
from crawler.links import (
    analyze_listing,
    canonical_url,
    feed_links,
    find_contact_link,
    find_feeds,
    page_variant,
    same_origin,
    sitemap_locations,
)

progress = logging.getLogger("kronika.progress")


def header_charset(response: Response) -> str | None:
    """The charset the HTTP Content-Type header declares, if any."""
    return content_type_charset(response.headers.get(b"Content-Type", b"").decode("latin-1"))


def is_html(response: Response) -> bool:
    """Whether a response is an HTML page (not a PDF or image served under a page URL)."""
    kind = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "html" in kind or "xhtml" in kind:
        return True
    return not kind and response.body[:512].lstrip().lower().startswith((b"<!doctype", b"<html"))


class NewsSpider(scrapy.Spider):
    """Crawl one source: its listings (with pagination), feeds, sitemaps and contact page."""

    name = "news"

    def __init__(
        self,
        source: Source | str | None = None,
        sources: str | None = None,
        run_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if source is None:
            raise ValueError("the news spider needs -a source=ID")
        if isinstance(source, str):
            source = select_sources(load_sources(sources or "sources.toml"), [source])[0]
        self.source: Source = source
        self.run_id = run_id or utc_now()
        self.allowed_domains = sorted(
            {urlsplit(u).hostname or "" for u in (source.homepage, *source.news)} - {""}
        )
        # (url, reason, what it was requested as: "article", "listing" or "page")
        self.errors: list[tuple[str, str, str]] = []
        # Article and listing URLs earlier runs failed on, asked again in this one.
        self.retries: list[tuple[str, str]] = []
        # Why the crawl stopped early because the archive could not be written (a full disk).
        self.storage_full: str | None = None
        self.listing_successes = 0
        self.listing_pages: dict[str, int] = {}
        self.contact_requested = bool(source.contact)
        self.sitemaps_requested = False
        self.requests_made = 0
        self.max_pages = 5000
        self.page_limit_hit = False
        self.listing_limit_hit: set[str] = set()
        self.max_listing_pages = 300
        self.overlap_pages = 1
        self.recheck = False
        # What the archive already holds for this source (filled from the database).
        self.known: dict[str, dict[str, Any]] = {}
        self.incremental = False
        self.known_listing_pages: dict[str, int] = {}
        self.requested_listings: set[str] = {canonical_url(url) for url in source.news}
        self.listing_validators: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.max_pages = settings.getint("KRONIKA_MAX_PAGES", 5000)
        spider.max_listing_pages = settings.getint("KRONIKA_MAX_LISTING_PAGES", 300)
        spider.overlap_pages = max(settings.getint("KRONIKA_OVERLAP_PAGES", 1), 1)
        spider.recheck = settings.getbool("KRONIKA_RECHECK", False)
        spider.load_archive_state(settings.get("KRONIKA_DB", "archive.db"))
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        return spider

    def load_archive_state(self, db_path: str) -> None:
        """Known articles, listing validators and whether the last run finished."""
        from archive.schema import open_db
        from archive.store import (
            known_articles,
            page_validators,
            previous_run_complete,
            urls_to_retry,
        )

        db = open_db(db_path)
        try:
            self.known = known_articles(db, self.source.id)
            self.retries = urls_to_retry(db, self.source.id)
            self.incremental = previous_run_complete(db, self.source.id, self.run_id)
            for url in self.source.news:
                self.listing_validators[canonical_url(url)] = page_validators(
                    db, canonical_url(url)
                )
        finally:
            db.close()
        if self.known:
            progress.info(
                "%s: %d articles already archived; %s",
                self.source.id,
                len(self.known),
                "incremental run" if self.incremental else "full walk (last run did not finish)",
            )

    # ------------------------------------------------------------ requests

    def _on_site(self, url: str) -> bool:
        """Whether a URL is on the source's own host (homepage's or a listing's)."""
        return any(same_origin(url, home) for home in (self.source.homepage, *self.source.news))

    def _request(
        self, url: str, callback: Any, validators: dict[str, Any] | None = None, **meta: Any
    ) -> scrapy.Request | None:
        """A request within the source's host and page budget, or None.

        With `validators` (a stored ETag / Last-Modified) it is conditional: the site may
        answer 304 and send no body.
        """
        if not self._on_site(url):
            return None
        if self.requests_made >= self.max_pages:
            if not self.page_limit_hit:
                # A site linking more pages than a run may fetch: recorded once, the run is
                # partial, and the next run goes on (the known pages are then skipped).
                self.page_limit_hit = True
                reason = f"page limit reached: {self.max_pages} requests per run (max_pages)"
                self.errors.append((url, reason, self.request_kind(callback)))
                progress.warning("%s: %s", self.source.id, reason)
            return None
        self.requests_made += 1
        headers = {}
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
            meta["handle_httpstatus_list"] = [304, 404, 410]
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, meta=meta, headers=headers or None
        )

    async def start(self) -> AsyncIterator[Any]:
        """Listings first, then the homepage (contact footer, feeds) and the contact page."""
        progress.info("%s: crawling %s", self.source.id, ", ".join(self.source.news))
        for url in self.source.news:
            validators = (
                self.listing_validators.get(canonical_url(url)) if self.incremental else None
            )
            request = self._request(
                canonical_url(url), self.parse_listing, validators, listing=url, page=1
            )
            if request:
                yield request
        if self.retries:
            progress.info(
                "%s: %d page(s) that earlier runs failed on, asked again",
                self.source.id,
                len(self.retries),
            )
        for url, kind in self.retries:
            if kind == "listing":
                if url in self.requested_listings:
                    continue
                self.requested_listings.add(url)
                root = next((n for n in self.source.news if page_variant(url, n)), url)
                request = self._request(url, self.parse_listing, listing=root, page=2)
            else:
                request = self._request(url, self.parse_article, via="retry")
            if request:
                yield request
        if self.recheck:
            # Every known article, asked "changed since?": unchanged ones cost no body.
            for url, validators in self.known.items():
                request = self._request(
                    url, self.parse_article, validators or {"etag": None}, via="recheck"
                )
                if request:
                    yield request
        home = self._request(canonical_url(self.source.homepage), self.parse_homepage)
        if home:
            home.priority = 10
            yield home
        if self.source.contact:
            contact = self._request(self.source.contact, self.parse_contact)
            if contact:
                yield contact

    # ------------------------------------------------------------ callbacks

    def parse_homepage(self, response: Response) -> Iterator[Any]:
        """Footer contact block, declared feeds and the "Kontakt" menu link."""
        if not is_html(response):
            return
        yield ContactPageItem(
            response.url, self.source.id, response.body, header_charset(response), False
        )
        root, _ = parse_document(response.body, header_charset(response))
        for feed in find_feeds(root, response.url):
            request = self._request(feed, self.parse_feed)
            if request:
                yield request
        yield from self._contact_request(root, response.url)

    def _contact_request(self, root: Any, url: str) -> Iterator[scrapy.Request]:
        if self.contact_requested:
            return
        link = find_contact_link(root, url)
        if link:
            self.contact_requested = True
            request = self._request(link, self.parse_contact)
            if request:
                yield request

    def parse_contact(self, response: Response) -> Iterator[Any]:
        """The page the menu links as "Kontakt"."""
        if is_html(response):
            yield ContactPageItem(
                response.url, self.source.id, response.body, header_charset(response), True
            )

    def parse_listing(self, response: Response) -> Iterator[Any]:
        """Article links and further pages of a news listing."""
        listing_root = response.meta["listing"]
        if response.status in (304, 404, 410):
            if response.status == 304:
                # The listing has not changed since the last run: nothing new to find there.
                self.listing_successes += 1
                progress.info("%s: %s not modified", self.source.id, response.url)
                yield FetchStateItem(response.url, self.source.id, "listing", 304, None, None)
            else:
                self.record_error(response.url, f"HTTP {response.status}", "listing")
            return
        if not is_html(response):
            return
        self.listing_successes += 1
        yield FetchStateItem(
            canonical_url(response.url),
            self.source.id,
            "listing",
            200,
            _header(response, b"ETag"),
            _header(response, b"Last-Modified"),
        )
        root, _ = parse_document(response.body, header_charset(response))
        if response.meta.get("page") == 1:
            # The listing's footer carries the contact block too (and is all there is when
            # the listing is the homepage, whose own request the dupe filter then drops).
            yield ContactPageItem(
                response.url, self.source.id, response.body, header_charset(response), False
            )
            yield from self._contact_request(root, response.url)
            if not self.sitemaps_requested:
                self.sitemaps_requested = True
                robots = f"{urlsplit(response.url).scheme}://{urlsplit(response.url).netloc}"
                request = self._request(f"{robots}/robots.txt", self.parse_robots)
                if request:
                    request.meta["dont_obey_robotstxt"] = True
                    yield request
        listing = analyze_listing(root, response.url, self.source.selectors)
        progress.debug(
            "%s: listing %s: %d articles, %d pages",
            self.source.id,
            response.url,
            len(listing.articles),
            len(listing.pages),
        )
        for feed in listing.feeds:
            request = self._request(feed, self.parse_feed)
            if request:
                yield request
        fresh = [item for item in listing.articles if item.url not in self.known]
        for item in fresh:
            request = self._request(
                item.url,
                self.parse_article,
                via="listing",
                listing_title=item.title,
                listing_date=item.published.isoformat() if item.published else None,
            )
            if request:
                yield request
        if self.incremental and listing.articles and not fresh:
            # Every article here is archived already: older pages hold older ones.
            seen = self.known_listing_pages.get(listing_root, 0) + 1
            self.known_listing_pages[listing_root] = seen
            if seen >= self.overlap_pages:
                progress.debug("%s: %s: all known, stopping", self.source.id, response.url)
                return
        # A pager links the same pages from every page: only pages not requested yet count
        # against the source's budgets (max_pages, KRONIKA_MAX_LISTING_PAGES).
        pages = [url for url in listing.pages if url not in self.requested_listings]
        if self.incremental:
            # One page at a time, so a page of known articles can stop the walk before the
            # pager's links to every older page are all queued.
            pages = pages[:1]
        for url in pages:
            if url in self.requested_listings:
                # Requested meanwhile from another page of the same pager: this generator is
                # consumed lazily, interleaved with other pages' (the budgets count requests).
                continue
            count = self.listing_pages.get(listing_root, 1)
            if count >= self.max_listing_pages:
                if listing_root not in self.listing_limit_hit:
                    self.listing_limit_hit.add(listing_root)
                    self.record_error(
                        url,
                        f"listing page limit reached: {self.max_listing_pages} pages "
                        "(KRONIKA_MAX_LISTING_PAGES)",
                        "listing",
                    )
                break
            request = self._request(
                url, self.parse_listing, listing=listing_root, page=response.meta["page"] + 1
            )
            if request:
                self.requested_listings.add(url)
                self.listing_pages[listing_root] = count + 1
                request.priority = 5
                yield request

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Items of an RSS or Atom feed are articles."""
        for link in feed_links(response.body):
            url = canonical_url(response.urljoin(link))
            if url in self.known:
                continue  # archived already; --recheck revalidates it
            request = self._request(url, self.parse_article)
            if request:
                request.meta["via"] = "feed"
                yield request

    def parse_robots(self, response: Response) -> Iterator[Any]:
        """Sitemaps declared in robots.txt."""
        text = response.body.decode("utf-8", "replace")
        for match in re.finditer(r"(?im)^\s*sitemap\s*:\s*(\S+)", text):
            request = self._request(response.urljoin(match.group(1)), self.parse_sitemap, depth=0)
            if request:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Sitemap entries under a news listing's path; nested sitemaps one level deep."""
        pages, nested = sitemap_locations(response.body)
        depth = response.meta.get("depth", 0)
        if depth < 2:
            for url in nested:
                request = self._request(response.urljoin(url), self.parse_sitemap, depth=depth + 1)
                if request:
                    yield request
        prefixes = [news_prefix(url) for url in self.source.news]
        for url in pages:
            path = urlsplit(url).path
            if canonical_url(url) in self.known:
                continue
            if any(prefix and path.startswith(prefix) and path != prefix for prefix in prefixes):
                request = self._request(canonical_url(url), self.parse_article, via="sitemap")
                if request:
                    yield request

    def parse_article(self, response: Response) -> Iterator[Any]:
        """A candidate article page goes to the pipeline raw; extraction decides."""
        if response.status in (304, 404, 410):
            # Only re-checks of known articles accept these: unchanged, or gone from the site.
            yield CheckItem(response.request.url, self.source.id, response.status)
            return
        if not is_html(response) or not self._on_site(response.url):
            # Not a page, or a redirect that left the source's host.
            return
        if looks_binary(response.body):
            self.record_error(response.url, "binary content served as an HTML page", "article")
            return
        warc_file, warc_offset = response.meta.get("warc") or (None, None)
        yield PageItem(
            url=canonical_url(response.url),
            source_id=self.source.id,
            body=response.body,
            header_charset=header_charset(response),
            fetched_at=utc_now(),
            via=response.meta.get("via", "listing"),
            listing_title=response.meta.get("listing_title"),
            listing_date=response.meta.get("listing_date"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            warc_file=warc_file,
            warc_offset=warc_offset,
        )

    def on_error(self, failure: Failure) -> None:
        """Record a failed request; a failed listing counts against the source."""
        from scrapy.spidermiddlewares.httperror import HttpError

        from crawler.middlewares import TruncatedBody

        request = failure.request  # type: ignore[attr-defined]
        message = failure.getErrorMessage()
        if failure.check(IgnoreRequest) and not failure.check(HttpError, TruncatedBody):
            if "redirect" not in message.lower():
                # robots.txt said no (or another policy filter did): a decision, not a failure.
                self.crawler.stats.inc_value("kronika/ignored")
                progress.debug("%s: %s: %s", self.source.id, request.url, message)
                return
        reason = describe_failure(failure)
        retries = request.meta.get("retry_times")
        if retries:
            reason += f" (after {retries} retries)"
        self.record_error(request.url, reason, self.request_kind(request.callback))

    def record_error(self, url: str, reason: str, kind: str = "page") -> None:
        """One URL the run could not archive, why, and what it was requested as: "article",
        "listing" or "page" (crawl_errors, crawl_runs.errors)."""
        self.errors.append((url, reason, kind))
        self.crawler.stats.inc_value("kronika/errors")
        progress.warning("%s: %s: %s", self.source.id, url, reason)

    def on_request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """A redirect back to a URL already requested: a redirect loop, dropped by Scrapy's
        duplicate filter without an error of its own."""
        if spider is self and request.meta.get("redirect_urls"):
            first = request.meta["redirect_urls"][0]
            self.record_error(
                first,
                f"redirect loop: leads back to {request.url}",
                self.request_kind(request.callback),
            )

    def request_kind(self, callback: Any) -> str:
        """What a request's callback fetches: "article", "listing" or "page"."""
        name = getattr(callback, "__name__", "")
        return {"parse_article": "article", "parse_listing": "listing"}.get(name, "page")


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def news_prefix(url: str) -> str | None:
    """Path prefix under which a listing's articles live, if it is more specific than /."""
    path = urlsplit(url).path
    if not path or path == "/":
        return None
    directory = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return directory if directory != "/" else None


def describe_failure(failure: Failure) -> str:
    """One line saying why a request failed."""
    from scrapy import exceptions as scrapy_errors
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet import error as tx

    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    if failure.check(scrapy_errors.CannotResolveHostError, tx.DNSLookupError):
        return "host unreachable: DNS lookup failed"
    if failure.check(scrapy_errors.DownloadConnectionRefusedError, tx.ConnectionRefusedError):
        return "host unreachable: connection refused"
    if failure.check(scrapy_errors.DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError):
        return "timed out (download timeout)"
    message = failure.getErrorMessage()
    if failure.check(scrapy_errors.DownloadCancelledError) and "max size" in message:
        return "refused: larger than the download size limit (max_mb)"
    if failure.check(tx.ConnectionLost, tx.ConnectionDone, scrapy_errors.DownloadFailedError):
        return "connection lost before the response was complete"
    from crawler.middlewares import TruncatedBody

    if failure.check(TruncatedBody):
        return message
    return f"{failure.type.__name__}: {message}"[:300]
