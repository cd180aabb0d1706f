"""Downloader middlewares: every response into the WARC capture; retries that back off."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from archive.store import utc_now
from archive.warc import Capture, WarcWriter, warc_folder
from crawler.pipelines import is_storage_full, stop_for_full_storage

# One writer per folder per process: every source's crawler appends to the same files.
_writers: dict[str, WarcWriter] = {}

# Headers describing the bytes as sent; the capture stores the decoded body.
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcCaptureMiddleware:
    """Writes each response (pages, listings, 304s, errors) to the archive's WARC files and
    records where in `request.meta["warc"]`, so the article version can point at it."""

    def __init__(self, folder: str, max_bytes: int) -> None:
        if folder not in _writers:
            _writers[folder] = WarcWriter(folder, max_bytes)
        self.writer = _writers[folder]
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        folder = settings.get("KRONIKA_WARC_DIR") or str(
            warc_folder(settings.get("KRONIKA_DB", "archive.db"))
        )
        middleware = cls(folder, settings.getint("KRONIKA_WARC_MAX_MB", 100) * 1024 * 1024)
        middleware.crawler = crawler
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Any:
        headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, values in response.headers.items()
            if key.decode("latin-1").lower() not in _TRANSFER_HEADERS
            for value in values
        ]
        capture = Capture(response.url, response.status, headers, response.body, utc_now())
        try:
            request.meta["warc"] = self.writer.write(capture)
        except OSError as error:
            crawler = self.crawler
            if not is_storage_full(error) or crawler is None or crawler.spider is None:
                raise
            self.writer.close()  # the next write starts a new file, past the cut record
            spider = crawler.spider
            spider.record_error(
                response.url, f"not archived: {error}", spider.request_kind(request.callback)
            )
            stop_for_full_storage(crawler, spider, error)
            raise IgnoreRequest(f"not archived: {error}") from error
        return response


class TruncatedBody(IgnoreRequest):
    """A compressed response that ends before its compressed stream does."""


class CompressedBodyCheckMiddleware:
    """Refuses a gzip or deflate body cut short (a dropped connection, a full disk on the
    server): decompressed, it would be half a page, and half a page is not an article."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        encoding = response.headers.get(b"Content-Encoding", b"").strip().lower()
        if encoding in (b"gzip", b"x-gzip", b"deflate") and not compressed_stream_complete(
            response.body, gzip_wrapped=encoding != b"deflate"
        ):
            raise TruncatedBody(f"truncated {encoding.decode()} body: the stream ends early")
        return response


def compressed_stream_complete(body: bytes, gzip_wrapped: bool = True) -> bool:
    """Whether a gzip (or zlib/raw deflate) stream runs to its end marker."""
    import zlib

    modes = (16 + zlib.MAX_WBITS,) if gzip_wrapped else (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    for wbits in modes:
        stream = zlib.decompressobj(wbits)
        try:
            while body:
                stream.decompress(body, 1 << 20)
                body = stream.unconsumed_tail
                if stream.eof:
                    break
        except zlib.error:
            continue
        if stream.eof:
            return True
    return False


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (500/502/503/504/522/524/408/429, dropped connections), each after a
    wait: KRONIKA_RETRY_BACKOFF seconds, doubled per attempt, or the site's Retry-After.

    An overloaded public-sector server that answers 503 gets time to recover instead of
    three requests within a second.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("KRONIKA_RETRY_BACKOFF", 2.0)
        self.max_wait = settings.getfloat("KRONIKA_RETRY_MAX_WAIT", 60.0)

    async def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, response.headers.get(b"Retry-After"))
        return result

    async def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, retry_after: bytes | None) -> None:
        from scrapy.utils.defer import deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        attempt = max(int(retry.meta.get("retry_times", 1)), 1)
        seconds = self.backoff * 2 ** (attempt - 1)
        if retry_after and retry_after.strip().isdigit():
            seconds = max(seconds, float(retry_after.strip()))
        seconds = min(seconds, self.max_wait)
        if seconds > 0:
            await deferred_to_future(deferLater(reactor, seconds, lambda: None))
