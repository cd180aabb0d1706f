"""An extractor that never finishes one page, for tests/test_crash.py.

The test's crawler process puts `prepare_page` below in place of archive.ingest's. The
extraction workers are new interpreters; they find this function by its module name.
"""

from __future__ import annotations

import time
from typing import Any

from archive.ingest import PreparedPage
from archive.ingest import prepare_page as real_prepare_page

STUCK_PAGE = "komunikat-25.html"


def prepare_page(body: bytes, url: str, **arguments: Any) -> PreparedPage:
    """As archive.ingest.prepare_page, except that one page takes an hour."""
    if url.endswith(STUCK_PAGE):
        time.sleep(3600)
    return real_prepare_page(body, url, **arguments)
