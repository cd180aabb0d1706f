"""Items the spider hands to the pipeline: raw pages, extracted later."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PageItem:
    """A fetched page that may be an article."""

    url: str
    source_id: str
    body: bytes
    header_charset: str | None
    fetched_at: str
    via: str  # listing, feed or sitemap: how the spider reached it
    listing_title: str | None = None  # the link text on the listing
    listing_date: str | None = None  # ISO date shown beside the link on the listing
    etag: str | None = None  # HTTP validators, for the next run's conditional request
    last_modified: str | None = None
    warc_file: str | None = None  # where the raw response was captured
    warc_offset: int | None = None


@dataclass
class ContactPageItem:
    """A fetched page whose footer or content carries the publisher's contact block."""

    url: str
    source_id: str
    body: bytes
    header_charset: str | None
    contact_page: bool


@dataclass
class CheckItem:
    """A known article re-checked with a conditional request: 304 (unchanged) or 404/410."""

    url: str
    source_id: str
    status: int


@dataclass
class FetchStateItem:
    """A listing page's HTTP validators (or its 304), remembered for the next run."""

    url: str
    source_id: str
    kind: str
    status: int
    etag: str | None
    last_modified: str | None
