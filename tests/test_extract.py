"""Extraction on saved pages: every record field, and what must not reach the body."""

from __future__ import annotations

from pathlib import Path

from archive.encoding import has_mojibake
from archive.extract import ListingHints, extract_article, extract_page

PAGES = Path(__file__).parent / "fixtures" / "pages"


def test_darr_conference_note() -> None:
    raw = (PAGES / "darr-conference.html").read_bytes()
    article, contact = extract_page(raw, "https://www.darr.pl/aktualnosci/konferencja")
    assert article.is_article
    assert article.title.startswith("24 stycznia 2011r.we Wrocławiu odbyła się konferencja")
    # The standalone date after the text is the note's date; 24 January is the event.
    assert article.published == "2011-01-28"
    assert article.body.startswith("W dniu 24 stycznia 2011r. we Wrocławiu")
    assert "uczestniczyło 120 przedstawicieli" in article.body
    for chrome in ("Strona główna", "CONTACT", "Szczawieńska", "28.01.2011", "bip logo"):
        assert chrome not in article.body
    assert article.lead.startswith("W dniu 24 stycznia 2011r.")
    assert contact.as_record() == {
        "street": "ul. Szczawieńska 2",
        "postal_code": "58-310",
        "city": "Szczawno Zdrój",
        "phones": ["+48746480400"],
        "fax": ["+48746480417"],
        "emails": ["darr@darr.pl"],
        "nip": "8860003433",
        "regon": "890004750",
        "krs": "0000043944",
        "epuap": None,
        "bank_account": None,
        "website": None,
        "hours": "pn. - pt. 8.00 - 16.00",
        "hours_json": {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "page_url": "https://www.darr.pl/aktualnosci/konferencja",
    }


def test_rops_news_in_windows_1250_with_page_chrome() -> None:
    raw = (PAGES / "rops-news-cp1250.html").read_bytes()
    article, contact = extract_page(raw, "https://rops.torun.pl/aktualnosci/wspolpraca")
    assert article.title == "Współpraca instytucji pomocy społecznej i instytucji rynku pracy"
    assert article.published == "2014-06-18" and article.published_source == "label"
    assert article.body.startswith("W dniu 16 czerwca 2014 roku w toruńskim hotelu Filmar")
    assert article.body.endswith("W spotkaniu wzięło udział 150 osób.")
    assert "Piotr Całbecki" in article.body
    for chrome in (
        "Wersja kontrastowa",
        "cookies",
        "Jesteś tutaj",
        "Data publikacji",
        "Najnowsze aktualności",
        "Nabór na szkolenie",
        "Drukuj",
        "Wstecz",
        "Udostępnij",
        "Facebook",
        "Załączniki",
        "Program konferencji",
        "Szosa Chełmińska",
        "Regionalny Ośrodek Polityki Społecznej w Toruniu\n",
    ):
        assert chrome not in article.body, chrome
    assert not has_mojibake(article.title + article.body)
    assert article.attachments == [
        {
            "url": "https://rops.torun.pl/files/program-konferencji.pdf",
            "title": "Program konferencji",
            "type": "pdf",
            "size": "120 KB",
        },
        {
            "url": "https://rops.torun.pl/files/prezentacja.pptx",
            "title": "Prezentacja WUP",
            "type": "pptx",
            "size": None,
        },
    ]
    assert contact.emails == ["sekretariat@rops.torun.pl"]
    assert contact.phones == ["+48566522000"] and contact.fax == ["+48566522001"]


def test_listing_hints_pick_the_heading_and_fill_a_missing_date() -> None:
    page = """<html><head><title>GOPS Jodłowice</title></head><body>
    <h1>GOPS Jodłowice</h1><h2>Zebranie sołtysów</h2><h3>Pomoc sąsiedzka</h3>
    <p>Zebranie sołtysów z pracownikami socjalnymi odbyło się w świetlicy wiejskiej, omówiono
    zasady zgłaszania osób potrzebujących pomocy w okresie zimowym.</p></body></html>"""
    plain = extract_article(page, "http://gops.example.pl/a.html")
    assert plain.published is None
    hinted = extract_article(
        page,
        "http://gops.example.pl/a.html",
        hints=ListingHints(title="Pomoc sąsiedzka", published="2015-01-12"),
    )
    assert hinted.title == "Pomoc sąsiedzka"
    assert (hinted.published, hinted.published_source) == ("2015-01-12", "listing")


def test_listing_and_contact_pages_are_not_articles() -> None:
    listing = (
        "<html><body><h1>Aktualności</h1>"
        + "".join(
            f"<div class='item'><h2><a href='/a/{i}'>Wiadomość numer {i} o projekcie EFS+</a></h2>"
            f"<span>0{i}.03.2024</span><p>Krótki opis.</p></div>"
            for i in range(1, 8)
        )
        + "</body></html>"
    )
    assert not extract_article(listing, "http://x.example.pl/aktualnosci").is_article
    contact = """<html><body><h1>Kontakt</h1><p>Miejski Ośrodek Pomocy Społecznej,
    ul. Długa 5, 80-001 Gdańsk, tel. 58 123 45 67, czynne pon.-pt. 7:30-15:30, zapraszamy
    do kontaktu telefonicznego i osobistego w godzinach pracy Ośrodka.</p></body></html>"""
    result = extract_article(contact, "http://x.example.pl/kontakt")
    assert not result.is_article and "non-article" in result.reason


def test_line_break_inside_a_heading_keeps_words_apart() -> None:
    page = (
        "<html><body><h1>Konferencja<br>w Toruniu</h1><p>Data publikacji: 12.03.2015</p><p>"
        + "Tekst artykułu o konferencji regionalnej, który jest dość długi. " * 5
        + "</p></body></html>"
    )
    article = extract_article(page, "http://rops.example.pl/a")
    assert article.title == "Konferencja w Toruniu"
    assert article.published == "2015-03-12"


def test_footer_written_into_the_body_and_attachment_box_after_the_text() -> None:
    page = """<html><body><h1>GOPS Jodłowa Wola</h1>
    <p><a href="/">Strona główna</a> | <a href="/kontakt.htm">Kontakt</a></p><hr>
    <div><table><tr><td class="tytul">Festyn rodzinny w ramach projektu</td></tr>
    <tr><td><p>W niedzielę 1 czerwca 2014 r. na stadionie odbędzie się festyn rodzinny z okazji
    Dnia Dziecka, organizowany w ramach projektu systemowego współfinansowanego z EFS.</p>
    <p>Na festyn zapraszamy szczególnie uczestników projektu wraz z rodzinami.</p></td></tr>
    </table><div class="zalaczniki"><b>Załączniki:</b><br>
    <a href="/pliki/plakat.pdf">plakat.pdf</a></div></div>
    <P><A HREF="/archiwum.html">&lt;&lt; powrót</A></P><hr>
    <center><small><b>Gminny Ośrodek Pomocy Społecznej w Jodłowej Woli</b><br>
    ul. Szkolna 3, 33-162 Jodłowa Wola<br>tel./fax (14) 678 20 15<br>
    e-mail: gops@jodlowawola.pl<br>NIP 873-104-66-24 REGON 851276335<br>
    Ośrodek czynny: pon. - pt. 7:30 - 15:30</small></center></body></html>"""
    article = extract_article(
        page,
        "http://gops.example.pl/news/festyn.htm",
        hints=ListingHints(title="Festyn rodzinny w ramach projektu", published="2014-05-19"),
    )
    assert article.title == "Festyn rodzinny w ramach projektu"
    assert article.body.endswith("wraz z rodzinami.")
    assert [a["url"] for a in article.attachments] == ["http://gops.example.pl/pliki/plakat.pdf"]


def test_word_pasted_page_title_and_letter_date_without_hints() -> None:
    page = """<html><head><title>Świadczenia rodzinne</title></head><body><table><tr>
    <td><p><b>Gminny Ośrodek Pomocy Społecznej</b></p></td></tr><tr><td>
    <p><a href="/">Strona główna</a></p><p><a href="/o_nas.htm">O nas</a></p>
    <p><a href="/swiadczenia.htm">Świadczenia rodzinne</a></p>
    <p><a href="/kontakt.htm">Kontakt</a></p></td><td>
    <p align="right">Bralin, dnia 22.10.2007 r.</p>
    <p class="MsoNormal"><b><span>Zmiany w świadczeniach rodzinnych od 1 listopada 2007 r.</span>
    </b></p>
    <div class="Section1"><p class="MsoNormal">Uprzejmie informujemy, że od 1 listopada 2007 r.
    zmieniają się zasady przyznawania dodatku z tytułu urodzenia dziecka, a wnioski złożone do
    dnia 30 listopada 2007 r. rozpatrzymy w terminie.</p></div></td></tr></table></body></html>"""
    article = extract_article(page, "http://gops.example.pl/aktualnosci/swiadczenia.htm")
    assert article.title == "Zmiany w świadczeniach rodzinnych od 1 listopada 2007 r."
    assert article.published == "2007-10-22"
