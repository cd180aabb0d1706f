"""Polish date forms in text and the publication date of a news page."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from archive.dates import find_dates, find_modified, find_published, parse_date, parse_iso_date

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 stycznia 2011r.", date(2011, 1, 24)),
        ("24 stycznia 2011 r.", date(2011, 1, 24)),
        ("28.01.2011", date(2011, 1, 28)),
        ("28-01-2011", date(2011, 1, 28)),
        ("28/01/2011", date(2011, 1, 28)),
        ("2011-01-28", date(2011, 1, 28)),
        ("2011.01.28", date(2011, 1, 28)),
        ("dn. 07.05.2020r.", date(2020, 5, 7)),
        ("środa, 25 lutego 2015 14:05", date(2015, 2, 25)),
        ("25 lut 2015", date(2015, 2, 25)),
        ("25 lut. 2015", date(2015, 2, 25)),
        ("Luty 25, 2015", date(2015, 2, 25)),
        ("February 25, 2015", date(2015, 2, 25)),
        ("25 Feb 2015", date(2015, 2, 25)),
        ("24 I 2011", date(2011, 1, 24)),
        ("24.I.2011", date(2011, 1, 24)),
        ("3.IV.2012", date(2012, 4, 3)),
        ("11 XII 2013", date(2013, 12, 11)),
        ("2015-02-25T14:05:00+01:00", date(2015, 2, 25)),
        ("Opublikowano 1.5.2020, godz. 10:00", date(2020, 5, 1)),
    ],
)
def test_parse_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("form", "month"),
    [
        ("styczeń", 1),
        ("stycznia", 1),
        ("styczen", 1),
        ("luty", 2),
        ("lutego", 2),
        ("marzec", 3),
        ("marca", 3),
        ("kwiecień", 4),
        ("kwietnia", 4),
        ("kwiecien", 4),
        ("maj", 5),
        ("maja", 5),
        ("czerwiec", 6),
        ("czerwca", 6),
        ("lipiec", 7),
        ("lipca", 7),
        ("sierpień", 8),
        ("sierpnia", 8),
        ("wrzesień", 9),
        ("września", 9),
        ("wrzesnia", 9),
        ("październik", 10),
        ("października", 10),
        ("pazdziernika", 10),
        ("listopad", 11),
        ("listopada", 11),
        ("grudzień", 12),
        ("grudnia", 12),
        ("GRUDNIA", 12),
        ("Września", 9),
    ],
)
def test_every_month_form(form: str, month: int) -> None:
    assert parse_date(f"Toruń, 5 {form} 2014 r.", today=TODAY) == date(2014, month, 5)


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2011",
        "30 lutego 2012",
        "12.12.2030",
        "1 stycznia 1985",
        "stycznia 2011",
        "Spotkanie 24 i 25 2011",
        "tel. 56 621 23 45",
        "",
    ],
)
def test_rejects_impossible_future_ancient_and_non_dates(text: str) -> None:
    assert parse_date(text, today=TODAY) is None


def test_future_is_relative_to_today() -> None:
    assert parse_date("2 czerwca 2024", today=TODAY) is None
    assert parse_date("1 czerwca 2024", today=TODAY) == TODAY


def test_first_date_wins_and_find_dates_spans() -> None:
    text = "W dniu 24 stycznia 2011r. we Wrocławiu; raport z 28.01.2011 i 2011-02-01."
    assert parse_date(text, today=TODAY) == date(2011, 1, 24)
    found = find_dates(text, today=TODAY)
    assert [d for d, _, _ in found] == [date(2011, 1, 24), date(2011, 1, 28), date(2011, 2, 1)]
    for _value, start, end in found:
        assert parse_date(text[start:end], today=TODAY) == _value


def test_parse_iso_date_converts_to_warsaw_time() -> None:
    assert parse_iso_date("2015-02-24T23:30:00Z", today=TODAY) == date(2015, 2, 25)
    assert parse_iso_date("2015-02-25", today=TODAY) == date(2015, 2, 25)
    assert parse_iso_date("25.02.2015", today=TODAY) == date(2015, 2, 25)


# ---------------------------------------------------------------- find_published


def published(markup: str, url: str = "https://rops.example.pl/aktualnosci/1") -> object:
    """Run find_published on a page string with a fixed today."""
    return find_published(html.fromstring(markup), url, today=TODAY)


DARR = """<html><head><title>DARR S.A.</title></head><body>
<div id="header"><a href="/">Dolnośląska Agencja Rozwoju Regionalnego</a>
<ul id="menu"><li>Aktualności</li><li>Kontakt</li></ul></div>
<div id="content">
<h2>24 stycznia 2011r.we Wrocławiu odbyła się konferencja podsumowująca Projekt</h2>
<p>W dniu 24 stycznia 2011r. we Wrocławiu, w Hotelu Mercure Wrocław Panorama, odbyła się
konferencja podsumowująca Projekt pn. „Badanie Ścieżek Migracyjnych klientów pomocy społecznej”.</p>
<p>Informacja o konferencji pojawiła się w dniu 24 stycznia 2011r. w regionalnym programie
telewizji polskiej.</p>
<p>28.01.2011</p>
</div>
<div id="sidebar"><h3>Najnowsze aktualności</h3>
<ul><li><span class="date">05.02.2011</span> <a href="/a/2">Nabór wniosków</a></li></ul></div>
<div id="footer">ul. Szczawieńska 2, 58-310 Szczawno Zdrój</div>
</body></html>"""


def test_darr_trailing_standalone_date_beats_event_date() -> None:
    assert published(DARR) == (date(2011, 1, 28), "standalone")


def test_darr_trailing_date_after_line_break() -> None:
    markup = DARR.replace(
        "telewizji polskiej.</p>\n<p>28.01.2011</p>", "polskiej.<br><br>28.01.2011</p>"
    )
    assert published(markup) == (date(2011, 1, 28), "standalone")


def test_darr_without_standalone_date_falls_back_to_text() -> None:
    markup = DARR.replace("<p>28.01.2011</p>", "")
    assert published(markup) == (date(2011, 1, 24), "text")


def test_label_beats_event_date_and_sidebar() -> None:
    markup = """<html><body>
    <header><p>Dziś jest sobota, 1 czerwca 2024</p></header>
    <article><h1>Konferencja o współpracy instytucji</h1>
    <p>Spotkanie odbyło się 16 czerwca 2014 roku w Toruniu.</p>
    <div class="metryczka">Data publikacji: 23.06.2014 r.<br>Data modyfikacji: 30.06.2014</div>
    </article>
    <aside><h3>Najnowsze aktualności</h3><ul><li>01.05.2024 Inny artykuł</li></ul></aside>
    </body></html>"""
    root = html.fromstring(markup)
    assert find_published(root, "https://rops.example.pl/a/1", today=TODAY) == (
        date(2014, 6, 23),
        "label",
    )
    assert find_modified(root, "https://rops.example.pl/a/1", today=TODAY) == (
        date(2014, 6, 30),
        "label",
    )


@pytest.mark.parametrize(
    "label",
    ["Opublikowano:", "Dodano:", "Data dodania:", "Data wytworzenia:", "Publikacja:", "Data:"],
)
def test_labels(label: str) -> None:
    markup = f"""<html><body><div id="content"><h1>Nabór do projektu</h1>
    <p>Zapraszamy na szkolenie w dniu 3 marca 2015 r.</p>
    <p class="info"><span>{label}</span> <span>25.02.2015</span></p></div></body></html>"""
    assert published(markup) == (date(2015, 2, 25), "label")


def test_modified_label_alone_is_not_publication() -> None:
    markup = """<html><body><div id="content"><h1>Ogłoszenie</h1>
    <p>Treść ogłoszenia bez dat.</p><p>Zaktualizowano: 10.03.2015</p></div></body></html>"""
    assert published(markup, "https://x.example.pl/ogloszenie") is None


def test_meta_tag_is_most_trusted() -> None:
    markup = """<html><head>
    <meta property="article:published_time" content="2015-02-24T23:30:00+00:00">
    <meta property="article:modified_time" content="2015-03-01T10:00:00+01:00">
    </head><body><article><h1>Tytuł</h1><p>Data publikacji: 20.02.2015</p></article>
    </body></html>"""
    root = html.fromstring(markup)
    assert find_published(root, "u", today=TODAY) == (date(2015, 2, 25), "meta")
    assert find_modified(root, "u", today=TODAY) == (date(2015, 3, 1), "meta")


def test_json_ld() -> None:
    markup = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle",
     "datePublished": "2019-11-05T08:00:00+01:00", "dateModified": "2019-11-07"}]}
    </script></head><body><article><h1>T</h1><p>Tekst z 1 maja 2019.</p></article></body></html>"""
    root = html.fromstring(markup)
    assert find_published(root, "u", today=TODAY) == (date(2019, 11, 5), "json-ld")
    assert find_modified(root, "u", today=TODAY) == (date(2019, 11, 7), "json-ld")


def test_time_element_in_article_not_sidebar() -> None:
    markup = """<html><body>
    <aside class="sidebar"><time datetime="2024-05-01">1 maja 2024</time></aside>
    <article><header><h1>Tytuł</h1><time datetime="2018-09-12T10:00:00+02:00">12.09.2018</time>
    </header><p>Wydarzenie 20 września 2018 r.</p></article></body></html>"""
    assert published(markup) == (date(2018, 9, 12), "time")


def test_time_inside_running_text_is_an_event() -> None:
    markup = """<html><body><article><h1>Tytuł</h1>
    <p>Zapraszamy na spotkanie, które odbędzie się <time datetime="2018-09-20">20 września</time>
    w siedzibie ośrodka przy ulicy Głównej.</p>
    <p class="podpis">Dodano: 12.09.2018</p></article></body></html>"""
    assert published(markup) == (date(2018, 9, 12), "label")


def test_near_title_date_class() -> None:
    markup = """<html><body><div id="content"><div class="news">
    <h2 class="title">Konkurs ofert</h2><span class="news-date">25 lutego 2015</span>
    <p>Termin składania ofert upływa 10 marca 2015 r.</p></div></div></body></html>"""
    assert published(markup) == (date(2015, 2, 25), "near-title")


def test_event_date_class_is_not_publication() -> None:
    markup = """<html><body><div id="content"><h2>Szkolenie</h2>
    <p>Zapraszamy.</p><p class="data-wydarzenia">10.03.2015</p></div></body></html>"""
    assert published(markup, "https://x.example.pl/s") == (date(2015, 3, 10), "standalone")


def test_termin_line_is_not_standalone() -> None:
    markup = """<html><body><div id="content"><h2>Szkolenie</h2>
    <p>Opis szkolenia bez daty w treści początkowej, zapraszamy wszystkich chętnych.</p>
    <p>Termin:</p><p>10.03.2015</p></div></body></html>"""
    assert published(markup, "https://x.example.pl/2015/02/25/szkolenie") == (
        date(2015, 2, 25),
        "url",
    )


def test_schedule_table_is_not_standalone() -> None:
    markup = """<html><body><div id="content"><h2>Harmonogram</h2>
    <p>Harmonogram naboru wniosków w projekcie, opis bez żadnych dat w tym akapicie.</p>
    <table><tr><td>10.03.2015</td><td>Nabór</td></tr></table></div></body></html>"""
    assert published(markup, "https://x.example.pl/a/2015-02-20-harmonogram") == (
        date(2015, 2, 20),
        "url",
    )


def test_future_dates_are_never_publication() -> None:
    markup = """<html><body><div id="content"><h2>Zaproszenie</h2>
    <p>Data: 15.09.2030</p><p>Spotkanie 15 września 2030 r.</p></div></body></html>"""
    assert published(markup, "https://x.example.pl/zaproszenie") is None


def test_no_date_anywhere() -> None:
    assert (
        published("<html><body><p>Kontakt z ośrodkiem</p></body></html>", "https://x.pl/k") is None
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.pl/2015/02/25/nabor", date(2015, 2, 25)),
        ("https://x.pl/news/2015-02-25-nabor.html", date(2015, 2, 25)),
        ("https://x.pl/news/25-02-2015-nabor.html", date(2015, 2, 25)),
    ],
)
def test_url_dates(url: str, expected: date) -> None:
    assert published("<html><body><p>Tekst</p></body></html>", url) == (expected, "url")


def test_explicit_title_and_main() -> None:
    root = html.fromstring(DARR)
    main = root.get_element_by_id("content")
    title = main.find("h2")
    assert find_published(root, "u", title=title, main=main, today=TODAY) == (
        date(2011, 1, 28),
        "standalone",
    )


def test_bip_metryczka_outside_main() -> None:
    markup = """<html><body><div id="content"><h1>Ogłoszenie o przetargu</h1>
    <p>W dniu 3 marca 2015 r. odbędzie się przetarg nieograniczony, zapraszamy wszystkich.</p>
    </div><div class="metryczka"><table>
    <tr><td>Data wytworzenia:</td><td>20.02.2015</td></tr>
    <tr><td>Data publikacji:</td><td>24.02.2015 10:00</td></tr>
    <tr><td>Data modyfikacji:</td><td>01.03.2015</td></tr></table></div></body></html>"""
    root = html.fromstring(markup)
    assert find_published(root, "u", today=TODAY) == (date(2015, 2, 24), "label")
    assert find_modified(root, "u", today=TODAY) == (date(2015, 3, 1), "label")


def test_byline_without_colon() -> None:
    markup = """<html><body><article><h1>Nabór</h1>
    <div class="entry-meta">Opublikowano 25 lutego 2015 przez Redakcję</div>
    <p>W dniu 3 marca 2015 r. rusza nabór.</p></article></body></html>"""
    assert published(markup) == (date(2015, 2, 25), "label")


def test_old_table_layout_date_line() -> None:
    markup = """<html><body><table><tr><td class="menu">Menu</td><td>24.02.2015<br>
    <b>Konkurs dla organizacji pozarządowych</b><br>Treść bez dat, opis konkursu.</td></tr>
    </table></body></html>"""
    assert published(markup) == (date(2015, 2, 24), "standalone")


def test_letter_dateline_before_the_title_dates_the_notice() -> None:
    page = html.document_fromstring(
        "<html><body><p align='right'><i>Wólka Bagienna, dnia 16.02.2015 r.</i></p>"
        "<h2>Bezpłatna pomoc prawna</h2><p>Informujemy, że od 2 marca 2015 r. w siedzibie "
        "Ośrodka dyżur pełnić będzie radca prawny.</p></body></html>"
    )
    found = find_published(page, "http://gops.example.pl/news/1.htm", today=date(2024, 1, 1))
    assert found is not None and found[0] == date(2015, 2, 16)
