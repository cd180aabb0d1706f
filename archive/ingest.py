"""One fetched page made ready to store: extraction, mentions and search text, in one call.

Pure (bytes and URL in, plain data out) and picklable both ways, so the crawler can run it
in a worker process while its own process keeps fetching (crawler/pipelines.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from archive.extract import ListingHints, extract_article
from archive.mentions import find_mentions
from archive.search import normalize_text

__all__ = ["PreparedPage", "prepare_page"]


@dataclass
class PreparedPage:
    """What storing one page needs: the article record, or why it is not one."""

    is_article: bool
    reason: str | None = None
    record: dict[str, Any] = field(default_factory=dict)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    # Title and body as the search index holds them, and the word forms met on the way.
    search: tuple[str, str, dict[str, str]] | None = None
    cpu_seconds: float = 0.0  # CPU time this took, wherever it ran


def prepare_page(
    body: bytes,
    url: str,
    *,
    header_charset: str | None = None,
    selectors: dict[str, str] | None = None,
    listing_title: str | None = None,
    listing_date: str | None = None,
    via: str = "listing",
) -> PreparedPage:
    """Extract an article from a page, with its mentions and its search text."""
    started = time.process_time()
    article = extract_article(
        body,
        url,
        header_charset=header_charset,
        selectors=selectors,
        hints=ListingHints(title=listing_title, published=listing_date),
    )
    if article.is_article and not article.published and via != "listing":
        article.is_article, article.reason = False, "no publication date"
    if not article.is_article:
        return PreparedPage(False, article.reason, cpu_seconds=time.process_time() - started)
    lexicon: dict[str, str] = {}
    search = (
        normalize_text(article.title, lexicon),
        normalize_text(article.body, lexicon),
        lexicon,
    )
    return PreparedPage(
        True,
        record=article.as_record(),
        mentions=[m.as_record() for m in find_mentions(article.body)],
        search=search,
        cpu_seconds=time.process_time() - started,
    )
