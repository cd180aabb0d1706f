"""Contact data over time: versions kept when a footer changes, failed numbers kept apart."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import sqlite_utils

from archive.schema import open_db
from archive.store import save_contact
from demo.serve import serve_site
from tests.conftest import FIXTURE_SITES, ServedSite, kronika, write_sources


def test_changed_footer_leaves_one_version_with_the_old_values(tmp_path: Path) -> None:
    site_dir = tmp_path / "small-town"
    shutil.copytree(FIXTURE_SITES / "small-town", site_dir)
    expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
    server = serve_site(site_dir)
    try:
        site = ServedSite("small-town", server, expected)
        sources = write_sources(tmp_path / "sources.toml", [site])
        db_path = tmp_path / "archive.db"
        first = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
        assert first.returncode == 0, first.stderr
        # The office moves its phone number: every page's footer and the contact page change.
        for page in site_dir.rglob("*.html"):
            text = page.read_bytes().decode("utf-8", "replace")
            page.write_text(text.replace("421 50 66", "421 50 77"), encoding="utf-8")
        second = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
        assert second.returncode == 0, second.stderr
        third = kronika("crawl", "--sources", str(sources), "--db", str(db_path))
        assert third.returncode == 0, third.stderr
    finally:
        server.stop()
    db = sqlite_utils.Database(db_path)
    current = db["contacts"].get(("small-town", "siedziba"))
    assert json.loads(current["phones"]) == ["+48774215077"]
    versions = list(db["contact_versions"].rows)
    assert len(versions) == 1  # the unchanged third crawl adds none
    assert json.loads(versions[0]["phones"]) == ["+48774215066"]
    assert versions[0]["nip"] == current["nip"] == "9590722413"
    assert versions[0]["seen_from"] <= versions[0]["seen_to"] <= current["first_seen"]


def test_failed_numbers_are_kept_with_their_page(tmp_path: Path) -> None:
    db = open_db(str(tmp_path / "a.db"))
    issue = {
        "field": "regon",
        "value": "123456789",
        "reason": "fails checksum",
        "page_url": "https://gops.example.pl/kontakt",
    }
    assert save_contact(db, "gops", {"city": "Jodłowice", "regon": None}, [issue]) == "new"
    assert save_contact(db, "gops", {"city": "Jodłowice", "regon": None}, [issue]) == "unchanged"
    rows = list(db["contact_issues"].rows)
    assert len(rows) == 1
    assert rows[0]["value"] == "123456789" and rows[0]["page_url"].endswith("/kontakt")
    assert db["contacts"].get(("gops", "siedziba"))["regon"] is None  # never stored as valid
    assert db["contact_versions"].count == 0


def test_branches_are_rows_and_an_old_archive_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    # The foundation's layout: one contact row per source, keyed by source_id alone.
    old["contacts"].insert({"source_id": "wup", "city": "Wałbrzych"}, pk="source_id")
    old.close()
    db = open_db(str(path))
    assert db["contacts"].pks == ["source_id", "place"]
    assert db["contacts"].get(("wup", "siedziba"))["city"] == "Wałbrzych"
    save_contact(db, "wup", {"city": "Legnica"}, place="Oddział w Legnicy", role="oddział")
    rows = {r["place"]: r["role"] for r in db["contacts"].rows}
    assert rows == {"siedziba": "siedziba", "Oddział w Legnicy": "oddział"}
