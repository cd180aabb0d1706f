"""Downloader middleware: every response the crawler receives goes to the WARC capture."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.store import utc_now
from archive.warc import Capture, WarcWriter, warc_folder

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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        folder = settings.get("KRONIKA_WARC_DIR") or str(
            warc_folder(settings.get("KRONIKA_DB", "archive.db"))
        )
        return cls(folder, settings.getint("KRONIKA_WARC_MAX_MB", 100) * 1024 * 1024)

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
        request.meta["warc"] = self.writer.write(capture)
        return response
