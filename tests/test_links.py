"""Listing analysis: article links, pagination styles, feeds, site selectors."""

from __future__ import annotations

import lxml.html
import pytest

from archive.extract import extract_article
from crawler.links import analyze_listing, page_variant

LISTING = """<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>
<body><nav><a href="/o-nas">O nas</a> <a href="/kontakt">Kontakt</a></nav>
<div id="lista">
 <div class="wpis"><h2><a href="/a/1">Konferencja o ekonomii społecznej w regionie</a></h2>
  <span>12.03.2015</span> <a href="/kategoria/konferencje">Konferencje</a></div>
 <div class="wpis"><h2><a href="/a/2">Nabór wniosków w programie EFS+ na rok 2024</a></h2>
  <span>10.03.2015</span> <a href="/a/2">Czytaj więcej</a></div>
 <div class="wpis"><h2><a href="/a/3">Szkolenie dla pracowników socjalnych z powiatu</a></h2>
  <span>01.03.2015</span></div>
</div>
<div class="pagination"><a href="/aktualnosci?page=2">2</a>
 <a href="/aktualnosci?page=2">»</a></div>
<aside><h3>Kalendarz</h3><a href="/kalendarz?m=4">»</a></aside>
</body></html>"""


def listing(html: str, url: str = "http://ops.example.pl/aktualnosci", **kw) -> object:
    return analyze_listing(lxml.html.document_fromstring(html), url, **kw)


def test_generic_listing() -> None:
    found = listing(LISTING)
    assert [a.url for a in found.articles] == [f"http://ops.example.pl/a/{i}" for i in (1, 2, 3)]
    assert found.articles[1].title == "Nabór wniosków w programie EFS+ na rok 2024"
    assert str(found.articles[0].published) == "2015-03-12"
    assert found.pages == ["http://ops.example.pl/aktualnosci?page=2"]
    assert found.feeds == ["http://ops.example.pl/rss.xml"]


@pytest.mark.parametrize(
    ("url", "listing_url"),
    [
        (
            "http://x.pl/index.php?option=com_content&start=10",
            "http://x.pl/index.php?option=com_content",
        ),
        ("http://x.pl/aktualnosci?page=3", "http://x.pl/aktualnosci"),
        ("http://x.pl/aktualnosci/page/2/", "http://x.pl/aktualnosci/"),
        ("http://x.pl/aktualnosci,2.html", "http://x.pl/aktualnosci,1.html"),
        ("http://x.pl/news.php?strona=2&kat=1", "http://x.pl/news.php?kat=1"),
        (
            "http://x.pl/index.php?option=com_content&task=blogcategory&id=5&limit=5&limitstart=5",
            "http://x.pl/index.php?option=com_content&task=blogcategory&id=5",
        ),
    ],
)
def test_page_variants(url: str, listing_url: str) -> None:
    assert page_variant(url, listing_url)


@pytest.mark.parametrize(
    ("url", "listing_url"),
    [
        (
            "http://x.pl/index.php?option=com_content&view=article&id=5",
            "http://x.pl/index.php?option=com_content&view=category",
        ),
        ("http://x.pl/aktualnosc,123,tytul.html", "http://x.pl/aktualnosci,1.html"),
        ("http://y.pl/aktualnosci?page=2", "http://x.pl/aktualnosci"),
    ],
)
def test_not_page_variants(url: str, listing_url: str) -> None:
    assert not page_variant(url, listing_url)


def test_site_selectors_replace_the_generic_rules() -> None:
    html = """<html><body><table class="news">
      <tr><td><a class="t" href="/n?id=7">Zebranie</a></td><td><a href="/n?id=7">»</a></td></tr>
      <tr><td><a class="t" href="/n?id=8">Dożynki</a></td></tr></table>
      <a class="dalej" href="/lista?od=20">dalej</a></body></html>"""
    found = listing(
        html,
        "http://gops.example.pl/lista",
        selectors={"article_links": "table.news a.t", "next_page": "a.dalej"},
    )
    assert [(a.url, a.title) for a in found.articles] == [
        ("http://gops.example.pl/n?id=7", "Zebranie"),
        ("http://gops.example.pl/n?id=8", "Dożynki"),
    ]
    assert found.pages == ["http://gops.example.pl/lista?od=20"]


def test_site_selectors_for_article_fields() -> None:
    page = """<html><body><div class="hdr">Gminny Ośrodek</div>
    <div class="tyt">Dożynki gminne 2015</div><div class="kiedy">dodano 30.08.2015</div>
    <div class="tresc"><p>W niedzielę odbyły się dożynki gminne, na których stoisko miał
    Gminny Ośrodek Pomocy Społecznej z informacją o formach wsparcia dla rodzin.</p></div>
    <div class="inne"><p>Inny tekst, który nie jest częścią artykułu i nie może trafić do
    treści, nawet jeśli jest dłuższy od samego artykułu, bo tak ułożono stronę.</p></div>
    </body></html>"""
    article = extract_article(
        page,
        "http://gops.example.pl/n?id=8",
        selectors={"title": ".tyt", "date": ".kiedy", "body": ".tresc"},
    )
    assert article.title == "Dożynki gminne 2015"
    assert (article.published, article.published_source) == ("2015-08-30", "selector")
    assert article.body.startswith("W niedzielę odbyły się dożynki gminne")
    assert "Inny tekst" not in article.body
