"""Screenshots of the demo archive in Chromium: search results, an article, an institution.

Run from the project root:  .venv/bin/python docs/screenshots.py
Crawls the demo sites into a temporary archive (as `make demo` does), serves it with
`kronika serve` on 127.0.0.1 and writes docs/search.png, docs/article.png, docs/source.png.
Needs Debian's chromium (or KRONIKA_CHROMIUM) and the playwright package (`.[test]`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.serve import kronika_serving  # noqa: E402
from tests.test_browser import chromium_path  # noqa: E402

SEARCH = "pomocy spolecznej"  # inflected, typed without diacritics


def main() -> None:
    executable = chromium_path()
    if executable is None:
        raise SystemExit("Chromium not found: apt install chromium, or set KRONIKA_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run([sys.executable, "-m", "demo.run", "--db", str(db), "--no-serve"],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        with kronika_serving(db) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/demo/articles")
            page.fill("#_search", SEARCH)
            page.press("#_search", "Enter")
            page.wait_for_load_state()
            page.screenshot(path=ROOT / "docs" / "search.png")
            page.click("td.col-title a")
            page.wait_for_load_state()
            page.screenshot(path=ROOT / "docs" / "article.png")
            page.click(".kronika-meta a")
            page.wait_for_load_state()
            page.screenshot(path=ROOT / "docs" / "source.png", full_page=True)
            browser.close()
    print("docs/search.png, docs/article.png, docs/source.png written")


if __name__ == "__main__":
    main()
