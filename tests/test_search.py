"""Polish-aware search: any inflected form, with or without diacritics (archive/search.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from archive import publish
from archive.schema import open_db
from archive.search import fold, normalize_query, normalize_text
from archive.store import save_article

ARTICLES = {
    "https://rops.example.pl/1": (
        "Konferencja o pomocy społecznej",
        "Regionalny Ośrodek Polityki Społecznej w Łodzi zorganizował konferencję.",
    ),
    "https://rops.example.pl/2": (
        "Szkolenie kadr",
        "Pracownicy powiatowych urzędów pracy uczyli się obsługi nowego systemu.",
    ),
    "https://rops.example.pl/3": (
        "Festyn rodzinny",
        "Zapraszamy na festyn w parku miejskim.",
    ),
}


def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_db(str(path))
    for url, (title, body) in ARTICLES.items():
        save_article(db, {"url": url, "source_id": "rops", "title": title, "body": body})
    db.close()
    return path


def search(path: Path, typed: str) -> list[str]:
    ds = publish.make_datasette(str(path))

    async def fetch():
        return await ds.client.get(
            "/archive/articles.json", params={"_search": typed, "_shape": "objects"}
        )

    response = asyncio.run(fetch())
    assert response.status_code == 200, response.text
    return sorted(row["url"][-1] for row in response.json()["rows"])


def test_any_form_with_or_without_diacritics(tmp_path: Path) -> None:
    path = archive(tmp_path)
    assert search(path, "pomoc społeczna") == ["1"]
    assert search(path, "pomocy spolecznej") == ["1"]  # inflected, typed without diacritics
    assert search(path, "spoleczna") == ["1"]
    assert search(path, "lodz") == ["1"]  # "w Łodzi"
    assert search(path, "urząd pracy") == ["2"]  # "urzędów pracy"
    assert search(path, "konfer*") == ["1"]  # prefix
    assert search(path, '"pomocy społecznej"') == ["1"]  # phrase
    assert search(path, '"społecznej pomocy"') == []  # word order matters in a phrase
    assert search(path, "festyn OR szkolenie") == ["2", "3"]
    assert search(path, "festyn NOT park") == []


def test_normalization() -> None:
    assert fold("Społeczna ŁÓDŹ") == "spoleczna lodz"
    assert normalize_text("Powiatowego Urzędu Pracy") == "powiatowy urzad praca"
    assert normalize_query('"ośrodka pomocy" AND konfer*') == '"osrodek pomoc" AND "konfer"*'
    assert normalize_query("pomoc społeczna") == '"pomoc" AND "spoleczny"'
    assert normalize_query("AND ( pomoc OR") == '"pomoc"'  # nothing typed breaks the syntax


def test_search_results_mark_the_words_found(tmp_path: Path) -> None:
    path = archive(tmp_path)
    ds = publish.make_datasette(str(path))

    async def fetch():
        return await ds.client.get("/archive/articles", params={"_search": "spoleczna konfer*"})

    html = asyncio.run(fetch()).text
    assert "<mark>społecznej</mark>" in html  # found without diacritics, shown as written
    assert "<mark>konferencję</mark>" in html  # found by prefix
    assert "<mark>Konferencja</mark> o pomocy <mark>społecznej</mark>" in html  # the title


def test_marked_snippets_stay_escaped(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    db = open_db(str(path))
    body = "Spotkanie <script>alert(1)</script> i <img src=x onerror=alert(1)> w sprawie festynu."
    save_article(db, {"url": "https://x.pl/1", "source_id": "s", "title": "Festyn", "body": body})
    db.close()
    ds = publish.make_datasette(str(path))

    async def fetch():
        return await ds.client.get("/archive/articles", params={"_search": "festyn"})

    html = asyncio.run(fetch()).text
    assert "<mark>festynu</mark>" in html
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)" in html
