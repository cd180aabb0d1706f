"""kronika export --csv: a file Excel opens with Polish letters intact."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from archive.cli import main
from archive.export import EXCEL_CELL_LIMIT
from archive.schema import open_db
from archive.search import rebuild_search_index


def archive_with_articles(path: Path) -> Path:
    db = open_db(str(path))
    db["sources"].insert(
        {"id": "rops", "name": "Regionalny Ośrodek Polityki Społecznej w Toruniu",
         "kind": "rops", "region": "kujawsko-pomorskie", "homepage": "https://rops.example.pl/"}
    )  # fmt: skip
    rows = [
        ("a", "2014-06-16", "Konferencja o współpracy", "Zażółć gęślą jaźń: pomoc społeczna."),
        ("b", "2013-01-10", '=HYPERLINK("http://zly.example")', "Szkolenie dla kadr."),
        ("c", "2012-05-05", "Długi tekst", "ż" * (EXCEL_CELL_LIMIT + 100)),
    ]
    for key, published, title, body in rows:
        db["articles"].insert(
            {"url": f"https://rops.example.pl/{key}", "source_id": "rops", "title": title,
             "published": published, "body": body,
             "attachments": '[{"url": "https://rops.example.pl/p.pdf", "title": "P"}]'}
        )  # fmt: skip
    db["articles"].insert(
        {"url": "https://rops.example.pl/old", "source_id": "rops", "title": "Usunięty",
         "published": "2015-01-01", "body": "x", "removed_at": "2016-01-01"}
    )  # fmt: skip
    rebuild_search_index(db)  # rows inserted directly, not through save_article
    db.close()
    return path


def test_export_is_excel_friendly_and_filters(tmp_path: Path) -> None:
    db = archive_with_articles(tmp_path / "a.db")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", "--csv", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["url"][-1] for r in rows] == ["a", "b", "c"]  # newest first, removed left out
    assert rows[0]["body"] == "Zażółć gęślą jaźń: pomoc społeczna."
    assert rows[0]["institution"].startswith("Regionalny Ośrodek")
    assert rows[0]["attachments"] == "https://rops.example.pl/p.pdf"
    assert rows[1]["title"].startswith("'=HYPERLINK")  # never a live formula
    assert len(rows[2]["body"]) == EXCEL_CELL_LIMIT and rows[2]["body"].endswith("archiwum)")

    CliRunner().invoke(
        main, ["export", "--csv", str(out), "--db", str(db), "--since", "2013-01-01",
               "--query", "pomocy spolecznej"]
    )  # fmt: skip
    with open(out, encoding="utf-8-sig", newline="") as f:
        assert [r["url"][-1] for r in csv.DictReader(f, delimiter=";")] == ["a"]


def test_export_errors_are_one_line_and_leave_no_file(tmp_path: Path) -> None:
    db = archive_with_articles(tmp_path / "a.db")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["export", "--csv", str(out), "--db", str(db),
                                       "--query", 'AND "'])  # fmt: skip
    assert result.exit_code == 2 and "cannot run the query" in result.output
    assert not out.exists() and not Path(str(out) + ".part").exists()
    result = CliRunner().invoke(
        main, ["export", "--csv", str(out), "--db", str(tmp_path / "no.db")]
    )
    assert result.exit_code == 2 and "no archive" in result.output
    result = CliRunner().invoke(main, ["export", "--csv", str(out), "--since", "wczoraj"])
    assert result.exit_code == 2
