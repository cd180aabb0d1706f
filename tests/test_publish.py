"""Publishing the archive with Datasette: metadata, search, escaping, plugin cells."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from archive import publish
from archive.schema import open_db
from archive.search import rebuild_search_index

ARTICLE_URL = "https://www.gmina-przyklad.pl/aktualnosci/konferencja-prasowa"
OTHER_URL = "https://www.gmina-przyklad.pl/aktualnosci/remont-drogi"
EVIL_BODY = (
    "Wójt zaprasza na konferencję prasową w sprawie budżetu gminy.\n\n"
    "<script>alert(1)</script> i <img src=x onerror=alert(1)> to tylko tekst.\n\n"
    "Zapraszamy wszystkich mieszkańców."
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    db = open_db(str(path))
    db["sources"].insert(
        {
            "id": "gmina-przyklad",
            "name": "Urząd Gminy Przykład",
            "kind": "urząd gminy",
            "region": "mazowieckie",
            "homepage": "https://www.gmina-przyklad.pl/",
            "news": ["https://www.gmina-przyklad.pl/aktualnosci"],
            "verified": 1,
        }
    )
    db["contacts"].insert(
        {
            "source_id": "gmina-przyklad",
            "place": "siedziba",
            "role": "siedziba",
            "street": "ul. Długa 1",
            "postal_code": "00-001",
            "city": "Przykład",
            "phones": ["+48221234567"],
            "fax": ["+48221234568"],
            "emails": ["sekretariat@gmina-przyklad.pl"],
            "epuap": "/UGPrzyklad/SkrytkaESP",
            "hours_json": {"mon": [["08:00", "16:00"]], "fri": [["08:00", "14:00"]]},
        }
    )
    db["contact_issues"].insert(
        {
            "source_id": "gmina-przyklad",
            "field": "regon",
            "value": "<b>123456789</b>",
            "reason": "fails checksum",
            "page_url": "https://www.gmina-przyklad.pl/kontakt",
        }
    )
    db["mentions"].insert_all(
        [
            {
                "url": OTHER_URL,
                "position": 0,
                "source_id": "gmina-przyklad",
                "text": "Urzędu Gminy Przykład",
                "name": "Urząd Gminy Przykład",
                "type": "inna",
                "city": "Przykład",
            },
            {
                "url": ARTICLE_URL,
                "position": 10,
                "source_id": "gmina-przyklad",
                "text": "MOPS w Wałbrzychu",
                "name": "Miejski Ośrodek Pomocy Społecznej w Wałbrzychu",
                "type": "ops",
                "city": "Wałbrzych",
            },
        ]
    )
    db["articles"].insert_all(
        [
            {
                "url": ARTICLE_URL,
                "source_id": "gmina-przyklad",
                "title": "Konferencja prasowa wójta",
                "published": "2024-05-10",
                "body": EVIL_BODY,
                "attachments": [
                    {
                        "url": "https://www.gmina-przyklad.pl/pliki/budzet.pdf",
                        "title": "Projekt budżetu",
                        "type": "pdf",
                    },
                    {"url": "javascript:alert(1)", "title": "Zły link", "type": ""},
                ],
            },
            {
                "url": OTHER_URL,
                "source_id": "gmina-przyklad",
                "title": "Remont drogi gminnej",
                "published": "2024-04-02",
                "body": "Rozpoczął się remont drogi w Przykładowie.",
                "attachments": [],
            },
        ]
    )
    rebuild_search_index(db)  # rows inserted directly, not through save_article
    db.close()
    return path


def get(path: Path, url: str):
    ds = publish.make_datasette(str(path))

    async def fetch():
        return await ds.client.get(url)

    return asyncio.run(fetch())


def row_path(url: str) -> str:
    from datasette.utils import tilde_encode

    return tilde_encode(url)


def test_index_database_and_table_pages(db_path: Path) -> None:
    for url in ["/", "/archive", "/archive/articles", "/archive/sources", "/archive/crawl_runs"]:
        response = get(db_path, url)
        assert response.status_code == 200, url
    index = get(db_path, "/").text
    assert "Kronika — archiwum aktualności instytucji publicznych" in index


def test_table_metadata_applies_to_any_db_name(db_path: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    demo.write_bytes(db_path.read_bytes())
    html = get(demo, "/demo/articles").text
    assert "Aktualności" in html
    assert "Data publikacji" in html


def test_full_text_search(db_path: Path) -> None:
    response = get(db_path, "/archive/articles.json?_search=konferencja&_shape=objects")
    assert response.status_code == 200
    urls = [row["url"] for row in response.json()["rows"]]
    assert urls == [ARTICLE_URL]


def test_article_row_page_is_readable_and_escaped(db_path: Path) -> None:
    response = get(db_path, f"/archive/articles/{row_path(ARTICLE_URL)}")
    assert response.status_code == 200
    html = response.text
    assert "Konferencja prasowa wójta" in html
    assert "Urząd Gminy Przykład" in html
    assert "2024-05-10" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<p>Zapraszamy wszystkich mieszkańców.</p>" in html
    assert 'href="https://www.gmina-przyklad.pl/pliki/budzet.pdf"' in html
    assert "Projekt budżetu" in html
    assert 'href="javascript:' not in html
    assert f'href="{ARTICLE_URL}"' in html


def test_source_page_shows_contact_card_and_articles_mentioning_it(db_path: Path) -> None:
    response = get(db_path, "/archive/sources/gmina-przyklad")
    assert response.status_code == 200
    html = response.text
    assert "Dane kontaktowe" in html and "ul. Długa 1" in html and "00-001 Przykład" in html
    assert 'href="mailto:sekretariat@gmina-przyklad.pl"' in html
    assert "ePUAP: /UGPrzyklad/SkrytkaESP" in html
    assert "poniedziałek" in html and "08:00–16:00" in html and "08:00–14:00" in html
    # The article naming it (in the genitive) is listed; the one naming another office is not.
    assert "Remont drogi gminnej" in html and "Urzędu Gminy Przykład" in html
    assert "Konferencja prasowa wójta" not in html.split("Pełny rekord")[0]
    assert "&lt;b&gt;123456789&lt;/b&gt;" in html and "<b>123456789</b>" not in html
    # The raw record stays one click away.
    assert 'href="https://www.gmina-przyklad.pl/aktualnosci"' in html


def test_mentions_faceted_by_type_and_city(db_path: Path) -> None:
    data = get(db_path, "/archive/mentions.json?_shape=objects&_extra=facet_results").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"type", "city"} <= set(facets)
    cities = {v["value"] for v in facets["city"]["results"]}
    assert cities == {"Przykład", "Wałbrzych"}
    name = "Miejski Ośrodek Pomocy Społecznej w Wałbrzychu"
    data = get(db_path, f"/archive/mentioned_in.json?_shape=objects&name={name}").json()
    assert [row["url"] for row in data["rows"]] == [ARTICLE_URL]


def test_contacts_render_json_lists(db_path: Path) -> None:
    html = get(db_path, "/archive/contacts").text
    assert 'href="tel:+48221234567"' in html
    assert 'href="mailto:sekretariat@gmina-przyklad.pl"' in html
    # JSON output is untouched by the plugin
    data = get(db_path, "/archive/contacts.json?_shape=objects").json()
    assert json.loads(data["rows"][0]["phones"]) == ["+48221234567"]


def test_canned_queries(db_path: Path) -> None:
    data = get(
        db_path, "/archive/articles_of_source.json?source_id=gmina-przyklad&_shape=objects"
    ).json()
    assert [row["url"] for row in data["rows"]] == [ARTICLE_URL, OTHER_URL]
    data = get(db_path, "/archive/latest_per_region.json?_shape=objects").json()
    assert data["rows"] == [
        {
            "region": "mazowieckie",
            "published": "2024-05-10",
            "title": "Konferencja prasowa wójta",
            "institution": "Urząd Gminy Przykład",
            "url": ARTICLE_URL,
        }
    ]


def test_render_cell_escapes() -> None:
    sys.path.insert(0, str(publish.PLUGINS_DIR))
    try:
        import kronika
    finally:
        sys.path.remove(str(publish.PLUGINS_DIR))
    html = kronika.render_json_list(
        "attachments", json.dumps([{"url": "https://x.pl/a?b=1&c=2", "title": "<b>x</b>"}])
    )
    assert html == (
        '<a href="https://x.pl/a?b=1&amp;c=2" rel="nofollow noopener">&lt;b&gt;x&lt;/b&gt;</a>'
    )
    assert kronika.render_json_list("emails", '["a\\"b@x.pl"]') == "a&#34;b@x.pl"
    assert kronika.render_json_list("title", '["x"]') is None
    assert kronika.render_json_list("phones", "[]") is None


def test_missing_db_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(FileNotFoundError, match="nope.db"):
        publish.make_datasette(str(missing))
    with pytest.raises(FileNotFoundError):
        publish.datasette_args(str(missing))
    with pytest.raises(FileNotFoundError):
        publish.serve(str(missing), 8001, "127.0.0.1")
    assert not missing.exists()


def test_datasette_args(db_path: Path) -> None:
    args = publish.datasette_args(str(db_path), port=9000, host="0.0.0.0")
    assert args[:2] == ["serve", str(db_path)]
    assert args[args.index("--port") + 1] == "9000"
    assert args[args.index("--host") + 1] == "0.0.0.0"
    assert Path(args[args.index("--metadata") + 1]) == publish.METADATA_PATH
    assert Path(args[args.index("--plugins-dir") + 1]).is_dir()
    assert Path(args[args.index("--template-dir") + 1]).is_dir()
    assert "suggest_facets" in args
    assert publish.REPO_DATASETTE_DIR == Path(__file__).resolve().parent.parent / "datasette"


def test_every_column_of_every_table_is_described() -> None:
    from archive.publish import load_metadata
    from archive.schema import TABLES

    tables = load_metadata("archive")["databases"]["archive"]["tables"]
    undescribed = {
        spec.name: [
            c for c in spec.columns if not (tables.get(spec.name) or {}).get("columns", {}).get(c)
        ]
        for spec in TABLES
    }
    assert {name: columns for name, columns in undescribed.items() if columns} == {}
    assert all(tables[spec.name].get("title") for spec in TABLES)
