"""Raw captures in WARC files (archive/warc.py)."""

from __future__ import annotations

from pathlib import Path

from archive.warc import Capture, WarcWriter, read_capture, warc_folder


def test_records_read_back_and_files_rotate(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path / "w", max_bytes=1500)
    pages = [
        Capture(
            f"https://rops.example.pl/aktualnosci/{n}",
            200 if n % 3 else 304,
            [("Content-Type", "text/html; charset=windows-1250"), ("ETag", f'"v{n}"')],
            f"<html><body>Zażółć gęślą jaźń {n}</body></html>".encode("cp1250") * 20,
            "2026-11-23T10:00:00Z",
        )
        for n in range(12)
    ]
    locations = [writer.write(page) for page in pages]
    writer.close()
    assert len({name for name, _ in locations}) > 1  # rotated past max_bytes
    for page, (name, offset) in zip(pages, locations, strict=True):
        back = read_capture(tmp_path / "w", name, offset)
        assert (back.url, back.status, back.body) == (page.url, page.status, page.body)
        assert ("ETag", page.headers[1][1]) in back.headers
        assert back.fetched_at == "2026-11-23T10:00:00Z"


def test_folder_sits_beside_the_archive_and_names_stay_inside_it(tmp_path: Path) -> None:
    assert warc_folder(tmp_path / "archive.db") == tmp_path / "archive.warc"
    writer = WarcWriter(tmp_path / "w")
    name, offset = writer.write(Capture("https://x.pl/", 200, [], b"<html></html>"))
    writer.close()
    # A stored name with a path in it cannot reach outside the folder.
    assert read_capture(tmp_path / "w", "../w/" + name, offset).url == "https://x.pl/"
