"""A reader in a real browser: Playwright drives Debian's Chromium against `kronika serve`.

Searches without diacritics in an inflected form, opens an article, downloads the Excel CSV.
Skipped, saying why, only where Chromium (or the playwright package) is missing.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from archive.schema import open_db
from archive.store import save_article, save_sources
from demo.serve import kronika_serving

CHROMIUM_CANDIDATES = (
    "/usr/lib/chromium/chromium",  # Debian's binary (/usr/bin/chromium is a shell wrapper)
    "chromium",
    "chromium-browser",
    "google-chrome",
)


def chromium_path() -> str | None:
    """Debian's Chromium, or the browser named by KRONIKA_CHROMIUM."""
    for candidate in (os.environ.get("KRONIKA_CHROMIUM"), *CHROMIUM_CANDIDATES):
        found = candidate and (shutil.which(candidate) or None)
        if found:
            return found
    return None


@pytest.fixture
def served(tmp_path: Path):
    path = tmp_path / "archive.db"
    db = open_db(str(path))
    save_sources(
        db,
        [
            {
                "id": "rops-torun",
                "name": "Regionalny Ośrodek Polityki Społecznej w Toruniu",
                "kind": "rops",
                "region": "kujawsko-pomorskie",
                "homepage": "https://rops.example.pl/",
            }
        ],
    )
    articles = [
        ("https://rops.example.pl/aktualnosci/1", "2024-05-10", "Konferencja o pomocy społecznej",
         "Zażółć gęślą jaźń: ośrodki pomocy społecznej z całego województwa spotkały się w "
         "Toruniu.\n\nRozmawiano o usługach społecznych."),
        ("https://rops.example.pl/aktualnosci/2", "2024-04-02", "Szkolenie dla asystentów rodziny",
         "Szkolenie odbyło się w Bydgoszczy."),
    ]  # fmt: skip
    for url, published, title, body in articles:
        record = {"url": url, "source_id": "rops-torun", "published": published}
        save_article(db, {**record, "title": title, "body": body})
    db.close()
    with kronika_serving(path) as base:
        yield base


def test_search_read_and_download_in_chromium(served: str, tmp_path: Path) -> None:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt install chromium, or set KRONIKA_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(served + "/archive/articles")
            page.fill("#_search", "pomocy spolecznej")  # inflected, no diacritics
            page.press("#_search", "Enter")
            page.wait_for_load_state()
            assert page.input_value("input[name=q]") == "pomocy spolecznej"
            marked = page.locator("td.col-title mark").all_inner_texts()
            assert marked == ["pomocy", "społecznej"]
            assert "Szkolenie" not in page.content()

            page.click("td.col-title a")
            page.wait_for_load_state()
            assert page.inner_text("article h1") == "Konferencja o pomocy społecznej"
            assert "Zażółć gęślą jaźń" in page.inner_text("article")
            assert "Regionalny Ośrodek Polityki Społecznej w Toruniu" in page.inner_text("article")

            page.goto(served + "/archive/articles")
            with page.expect_download() as download_info:
                page.click("p.export-links a:text-is('excel')")
            saved = tmp_path / "download.csv"
            download_info.value.save_as(saved)
        finally:
            browser.close()
    data = saved.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    assert len(rows) == 2
    assert [row["title"] for row in rows] == [  # newest first
        "Konferencja o pomocy społecznej",
        "Szkolenie dla asystentów rodziny",
    ]
    assert "Zażółć gęślą jaźń: ośrodki pomocy społecznej" in rows[0]["body"]
