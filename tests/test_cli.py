"""The `kronika` command: help everywhere, extract batches, registry listing, clear errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main

PAGE = """<html><head><meta charset="windows-1250"><title>Konferencja o współpracy – ROPS</title>
</head><body><nav><a href="/">Strona główna</a> <a href="/kontakt">Kontakt</a></nav>
<div id="content"><h1>Konferencja o współpracy</h1><p class="date">Data publikacji: 17.06.2014</p>
<p>W dniu 16 czerwca 2014 roku w Toruniu odbyła się konferencja poświęcona współpracy instytucji
pomocy społecznej i rynku pracy. Wzięło w niej udział 150 osób.</p>
<p>Materiały: <a href="/pliki/program.pdf">Program konferencji</a></p></div>
<footer>Regionalny Ośrodek Polityki Społecznej, ul. Szosa Chełmińska 30, 87-100 Toruń,
tel. 56 652 20 00, e-mail: sekretariat(at)rops.torun.pl</footer></body></html>"""


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["crawl"],
        ["serve"],
        ["extract"],
        ["status"],
        ["export"],
        ["reindex"],
        ["warc-replay"],
        ["sources"],
        ["sources", "list"],
    ],
)
def test_help_on_every_command(args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_extract_paths_and_manifest(tmp_path: Path) -> None:
    plain = tmp_path / "a.html"
    plain.write_bytes(PAGE.encode("cp1250"))
    packed = tmp_path / "b.html.gz"
    packed.write_bytes(gzip.compress(PAGE.encode("cp1250")))
    manifest = tmp_path / "pages.jsonl"
    manifest.write_text(
        json.dumps({"path": "b.html.gz", "url": "https://rops.example.pl/aktualnosci/1"}) + "\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["extract", "--url", "https://rops.example.pl/a/2", str(plain)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert set(record) >= {"path", "url", "title", "published", "body", "lead", "attachments"}
    assert record["title"] == "Konferencja o współpracy"
    assert record["published"] == "2014-06-17"
    assert "150 osób" in record["body"] and "Strona główna" not in record["body"]
    assert record["attachments"][0]["url"] == "https://rops.example.pl/pliki/program.pdf"
    assert record["contact"]["emails"] == ["sekretariat@rops.torun.pl"]

    result = runner.invoke(main, ["extract", "--manifest", str(manifest), str(plain)])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["path"] for r in lines] == [str(plain), str(tmp_path / "b.html.gz")]
    assert lines[1]["url"] == "https://rops.example.pl/aktualnosci/1"
    assert lines[1]["title"] == "Konferencja o współpracy"

    result = runner.invoke(main, ["extract", "--no-contact", str(plain)])
    record = json.loads(result.output)
    assert "contact" not in record and record["title"] == "Konferencja o współpracy"
    assert record["encoding"] == "windows-1250"
    assert record["body_source"] in ("kronika", "trafilatura", "trafilatura+kronika")


def test_extract_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["extract"])
    assert result.exit_code == 2 and "PATH" in result.output
    result = runner.invoke(main, ["extract", str(tmp_path / "nope.html")])
    assert result.exit_code == 1 and "nope.html" in result.output
    bad = tmp_path / "m.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = runner.invoke(main, ["extract", "--manifest", str(bad)])
    assert result.exit_code == 2 and "m.jsonl:1:" in result.output


def test_sources_list() -> None:
    result = CliRunner().invoke(main, ["sources", "list"])
    assert result.exit_code == 0
    assert "rops-torun" in result.output and "darr" in result.output


def test_serve_missing_db(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "none.db" in result.output
