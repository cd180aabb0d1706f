"""Institution contact blocks: address, phones, e-mails, registry numbers, office hours."""

from __future__ import annotations

from lxml import html

from archive.contact import Contact, extract_contact, issue_message, merge_contacts
from archive.extract import parse_document

DARR_URL = "https://www.darr.pl/aktualnosci/konferencja"
DARR = """<html><body>
<div id="header"><a href="/">DARR</a></div>
<div id="content"><h2>Konferencja</h2>
<p>W konferencji uczestniczyło 120 osób; zapisy pod numerem 600 123 456, ul. Długa 5,
50-001 Wrocław. NIP organizatora 886-000-34-34.</p><p>28.01.2011</p></div>
<div id="footer">
  <div class="col"><h4>CONTACT</h4>
    <p>ul. Szczawieńska 2,<br>58-310 Szczawno Zdrój<br>tel. (+48) (74) 648 04 00<br>
    fax (+48) (74) 648 04 17<br>e-mail: <a href="mailto:darr@darr.pl">darr@darr.pl</a></p>
  </div>
  <div class="col">
    <p>NIP: 886-000-34-33<br>REGON: P-890004750<br>KRS: 0000043944</p>
    <p>godziny pracy:<br>pn. - pt. 8.00 - 16.00</p>
    <img src="/img/bip.png" alt="bip logo footer2">
  </div>
</div></body></html>"""


def contact_of(markup: str, url: str = "https://rops.example.pl/", **kwargs: bool) -> Contact:
    """Parse a page string and extract its contact block."""
    return extract_contact(html.fromstring(markup), url, **kwargs)


def test_darr_footer() -> None:
    contact = contact_of(DARR, DARR_URL)
    assert contact.street == "ul. Szczawieńska 2"
    assert contact.postal_code == "58-310"
    assert contact.city == "Szczawno Zdrój"
    assert contact.phones == ["+48746480400"]
    assert contact.fax == ["+48746480417"]
    assert contact.emails == ["darr@darr.pl"]
    assert contact.nip == "8860003433"
    assert contact.regon == "890004750"
    assert contact.krs == "0000043944"
    assert contact.hours == "pn. - pt. 8.00 - 16.00"
    assert contact.page_url == DARR_URL
    # The article's numbers (phone, address, a bad NIP) must not leak into the contact.
    assert contact.issues == []


def test_as_record_and_is_empty() -> None:
    contact = contact_of(DARR, DARR_URL)
    record = contact.as_record()
    assert "issues" not in record
    assert record["phones"] == ["+48746480400"]
    assert record["page_url"] == DARR_URL
    record["phones"].append("+48000")
    assert contact.phones == ["+48746480400"]
    assert not contact.is_empty()
    assert Contact(page_url="https://x.pl", issues=[NIP_ISSUE]).is_empty()


def test_obfuscated_emails() -> None:
    markup = """<html><body><footer><p>E-mail: biuro[at]rops.pl, Kadry (małpa) rops.pl,
    info at rops dot pl, sekretariat&#64;mops.gda.pl, pomoc(at)pcpr(dot)torun(dot)pl
    <a href="mailto:Dyrektor%40ROPS.pl?subject=Pytanie">Napisz do dyrektora</a>
    <a href="mailto:biuro@rops.pl">biuro@rops.pl</a></p></footer></body></html>"""
    assert contact_of(markup).emails == [
        "biuro@rops.pl",
        "kadry@rops.pl",
        "info@rops.pl",
        "sekretariat@mops.gda.pl",
        "pomoc@pcpr.torun.pl",
        "dyrektor@rops.pl",
    ]


def test_cloudflare_protected_email() -> None:
    key = 0x5A
    encoded = bytes([key, *(b ^ key for b in b"biuro@rops.pl")]).hex()
    markup = f"""<html><body><footer><a class="__cf_email__" data-cfemail="{encoded}">
    [email&#160;protected]</a></footer></body></html>"""
    assert contact_of(markup).emails == ["biuro@rops.pl"]


def test_tel_fax_extensions_and_hours() -> None:
    markup = """<html><body><footer><p>Regionalny Ośrodek Polityki Społecznej w Toruniu<br>
    ul. Szosa Chełmińska 30/32, 87-100 Toruń<br>
    tel./fax: 56 62 12 345<br>
    tel.: 56 621-23-46 wew. 12, +48 600 123 456<br>
    Fax: +48 56 621-23-47</p>
    <p>Sekretariat czynny: poniedziałek – piątek 7:30 – 15:30</p></footer></body></html>"""
    contact = contact_of(markup)
    assert contact.street == "ul. Szosa Chełmińska 30/32"
    assert contact.postal_code == "87-100"
    assert contact.city == "Toruń"
    assert contact.phones == ["+48566212345", "+48566212346", "+48600123456"]
    assert contact.fax == ["+48566212345", "+48566212347"]
    assert contact.hours == "poniedziałek – piątek 7:30 – 15:30"


def test_label_on_previous_line_and_slash_separated_numbers() -> None:
    markup = """<html><body><div id="kontakt"><p>Fax:</p><p>74 648 04 17</p>
    <p>Telefon</p><p>74 648 04 00 / 74 648 04 01</p></div></body></html>"""
    contact = contact_of(markup)
    assert contact.fax == ["+48746480417"]
    assert contact.phones == ["+48746480400", "+48746480401"]


def test_invalid_registry_numbers_go_to_issues() -> None:
    markup = """<html><body><div class="stopka">Szczawieńska 2, 58-310 Szczawno-Zdrój<br>
    NIP 886-000-34-34 REGON 123456789 KRS 43944</div></body></html>"""
    url = "https://www.darr.pl/"
    contact = contact_of(markup, url)
    assert contact.nip is None
    assert contact.regon is None
    assert contact.krs == "0000043944"
    assert contact.street == "Szczawieńska 2"
    assert contact.city == "Szczawno-Zdrój"
    assert contact.issues == [
        {"field": "nip", "value": "886-000-34-34", "reason": "fails checksum", "page_url": url},
        {"field": "regon", "value": "123456789", "reason": "fails checksum", "page_url": url},
    ]
    assert issue_message(contact.issues[0]) == f"NIP 886-000-34-34 fails checksum ({url})"


def test_address_element_and_other_street_prefixes() -> None:
    markup = """<html><body><address>Miejski Ośrodek Pomocy Społecznej<br>
    al. Jana Pawła II 10<br>85-001 Bydgoszcz<br>Godziny urzędowania: pn.-pt. 7.30-15.30
    </address></body></html>"""
    contact = contact_of(markup)
    assert contact.street == "al. Jana Pawła II 10"
    assert (contact.postal_code, contact.city) == ("85-001", "Bydgoszcz")
    assert contact.hours == "pn.-pt. 7.30-15.30"


def test_normal_page_ignores_article_numbers() -> None:
    markup = """<html><body><article><h1>Nabór</h1><p>Informacje: tel. 600 123 456,
    e-mail: nabor@projekt.pl, ul. Długa 5, 80-001 Gdańsk.</p></article></body></html>"""
    contact = contact_of(markup)
    assert contact.is_empty()
    assert contact.page_url is None


def test_contact_page_reads_main_content() -> None:
    markup = """<html><body><nav><a href="/kontakt">Kontakt</a></nav><main><h1>Kontakt</h1>
    <p>Powiatowy Urząd Pracy<br>ul. Długa 5<br>80-001 Gdańsk</p>
    <p>Tel. 58 123 45 67<br>E-mail: pup@gdansk.example.pl</p>
    <p>Godziny otwarcia:</p><p>pon. 8.00-17.00</p><p>wt.-pt. 7.30-15.30</p></main>
    </body></html>"""
    url = "https://pup.example.pl/kontakt"
    contact = contact_of(markup, url, contact_page=True)
    assert contact.street == "ul. Długa 5"
    assert (contact.postal_code, contact.city) == ("80-001", "Gdańsk")
    assert contact.phones == ["+48581234567"]
    assert contact.emails == ["pup@gdansk.example.pl"]
    assert contact.hours == "pon. 8.00-17.00; wt.-pt. 7.30-15.30"
    assert contact.page_url == url


NIP_ISSUE = {"field": "nip", "value": "1", "reason": "fails checksum", "page_url": "u"}
REGON_ISSUE = {"field": "regon", "value": "2", "reason": "fails checksum", "page_url": "u"}


def test_merge_contacts() -> None:
    primary = Contact(
        street="ul. Długa 5",
        phones=["+48581234567"],
        emails=["a@x.pl"],
        issues=[NIP_ISSUE],
        page_url="https://x.pl/kontakt",
    )
    fallback = Contact(
        street="ul. Krótka 1",
        city="Gdańsk",
        phones=["+48600123456", "+48581234567"],
        nip="8860003433",
        issues=[NIP_ISSUE, REGON_ISSUE],
        page_url="https://x.pl/",
    )
    merged = merge_contacts(primary, fallback)
    assert merged.street == "ul. Długa 5"
    assert merged.city == "Gdańsk"
    assert merged.nip == "8860003433"
    assert merged.phones == ["+48581234567", "+48600123456"]
    assert merged.emails == ["a@x.pl"]
    assert merged.issues == [NIP_ISSUE, REGON_ISSUE]
    assert merged.page_url == "https://x.pl/kontakt"
    assert primary.phones == ["+48581234567"]


def test_street_keeps_premises_number() -> None:
    markup = """<html><body><footer><p>Ośrodek Wsparcia Ekonomii Społecznej<br>
    ul. Piłsudskiego 40 lok. 3, 08-110 Siedlce<br>tel. 25 632 14 00, kom. 512 340 780</p>
    </footer></body></html>"""
    contact = contact_of(markup)
    assert contact.street == "ul. Piłsudskiego 40 lok. 3"
    assert (contact.postal_code, contact.city) == ("08-110", "Siedlce")
    assert contact.phones == ["+48256321400", "+48512340780"]


def test_hours_stop_before_a_dated_line() -> None:
    page = html.fromstring(
        "<html><body><div id='stopka'><p>GOPS, ul. Szkolna 3, 46-320 Jodłowice<br>"
        "Ośrodek czynny od poniedziałku do piątku w godz. 7.00-15.00</p>"
        "<p>Ostatnia aktualizacja: 25.02.2015</p></div></body></html>"
    )
    assert extract_contact(page, "http://gops.example.pl/").hours == (
        "od poniedziałku do piątku w godz. 7.00-15.00"
    )


def test_old_phone_forms_and_spaced_email() -> None:
    page = html.fromstring(
        "<html><body><footer><p>ul. Rynek 1, 59-900 Zawidów Śląski<br>"
        "tel. (0-75) 778 62 14, 778 62 15, fax (094) 347 28 11<br>"
        "e-mail: gops (at) wolkabagienna . pl, biuro [at] mops [dot] pl<br>"
        "czynne pn.-pt. 8.00 - 16.00</p></footer></body></html>"
    )
    contact = extract_contact(page, "http://mops.example.pl/")
    assert contact.phones == ["+48757786214", "+48757786215"]
    assert contact.fax == ["+48943472811"]
    assert contact.emails == ["gops@wolkabagienna.pl", "biuro@mops.pl"]


def test_contact_page_table_with_icon_labels_and_cells() -> None:
    page = html.fromstring(
        "<html><body><div id='content'><h1>Kontakt</h1><table>"
        "<tr><td>Adres:</td><td>ul. Słowackiego 7<br>59-970 Zawidów Śląski</td></tr>"
        "<tr><td><img src='tel.png' alt='Telefon: '></td><td>(094) 347 28 10</td></tr>"
        "<tr><td><img src='fax.png' alt='Fax: '></td><td>(094) 347 28 11</td></tr>"
        "<tr><td>REGON:</td><td>023156840</td></tr></table>"
        "<p>Ośrodek czynny: pon.-pt. 7.30 - 15.30</p>"
        "<p>Kierownik przyjmuje interesantów w środy w godz. 10.00 - 14.00</p>"
        "</div></body></html>"
    )
    contact = extract_contact(page, "http://mops.example.pl/kontakt", contact_page=True)
    assert contact.phones == ["+48943472810"]
    assert contact.fax == ["+48943472811"]
    assert contact.regon == "023156840"
    assert contact.hours == "pon.-pt. 7.30 - 15.30"
    assert (contact.postal_code, contact.city) == ("59-970", "Zawidów Śląski")


def test_branch_sections_stay_out_of_the_seat_row() -> None:
    page = html.fromstring(
        "<html><body><main><h1>Kontakt</h1><h2>Siedziba</h2>"
        "<p>ul. Bohaterów Westerplatte 9<br>65-034 Zielona Góra<br>tel. 68 329 78 00</p>"
        "<p>Biuro czynne od poniedziałku do piątku w godz. 7:30 - 15:30.</p>"
        "<h2>Oddział w Gorzowie Wielkopolskim</h2>"
        "<p>ul. Sikorskiego 7<br>66-400 Gorzów Wielkopolski<br>tel. 95 722 40 16</p>"
        "</main></body></html>"
    )
    contact = extract_contact(page, "http://arr.example.pl/kontakt/", contact_page=True)
    assert contact.phones == ["+48683297800"]
    assert (contact.postal_code, contact.city) == ("65-034", "Zielona Góra")
    assert contact.hours == "od poniedziałku do piątku w godz. 7:30 - 15:30"


def test_units_named_in_labels_or_bold_lines_stay_out() -> None:
    page = html.fromstring(
        "<html><body><main><h1>Kontakt</h1><div class='tresc'>"
        "<b>Miejski Ośrodek Pomocy Społecznej w Mławie</b><br>ul. Stary Rynek 7<br>"
        "06-500 Mława<br>tel. 23 654 33 80, fax 23 654 33 81<br><br>"
        "<b>Dział Świadczeń Rodzinnych</b><br>ul. Sienkiewicza 11, 06-500 Mława<br>"
        "tel. 23 654 33 90<br><br></div>"
        "<p>Sekretariat: 77 441 52 51<br>Dział Szkoleń: 77 441 52 63<br>"
        "Świadczenia rodzinne: tel. 77 441 52 70<br>Faks: 77 441 52 99</p>"
        "</main></body></html>"
    )
    contact = extract_contact(page, "http://mops.example.pl/kontakt", contact_page=True)
    assert contact.phones == ["+48236543380", "+48774415251"]
    assert contact.fax == ["+48236543381", "+48774415299"]
    assert contact.street == "ul. Stary Rynek 7"


def test_epuap_bank_account_website_and_structured_hours() -> None:
    markup = """<html><body><footer>
    <p>Gminny Ośrodek Pomocy Społecznej w Jodłowicach<br>ul. Szkolna 3, 46-320 Jodłowice<br>
    tel. 77 421 50 66<br>www.gops.jodlowice.pl<br>
    Elektroniczna skrzynka podawcza ePUAP: /GOPSJodlowice/SkrytkaESP<br>
    Nr konta: 61 1090 1014 0000 0712 1981 2874<br>
    Godziny pracy: poniedziałek – piątek 7:30 – 15:30</p></footer></body></html>"""
    contact = contact_of(markup, "https://gops.jodlowice.pl/")
    assert contact.epuap == "/GOPSJodlowice/SkrytkaESP"
    assert contact.bank_account == "61109010140000071219812874"
    assert contact.website == "https://www.gops.jodlowice.pl"
    assert contact.hours_json == {
        day: [["07:30", "15:30"]] for day in ("mon", "tue", "wed", "thu", "fri")
    }
    assert contact.phones == ["+48774215066"]  # the account's digits are not a phone
    assert contact.issues == []


def test_bank_account_failing_its_checksum_is_an_issue() -> None:
    markup = """<html><body><div class="stopka">ul. Szkolna 3, 46-320 Jodłowice<br>
    Rachunek bankowy: 61 1090 1014 0000 0712 1981 2875</div></body></html>"""
    contact = contact_of(markup, "https://gops.jodlowice.pl/")
    assert contact.bank_account is None
    assert contact.issues == [
        {
            "field": "bank_account",
            "value": "61 1090 1014 0000 0712 1981 2875",
            "reason": "fails checksum",
            "page_url": "https://gops.jodlowice.pl/",
        }
    ]


def test_branches_get_rows_of_their_own() -> None:
    markup = """<html><body><div id="kontakt"><h2>Siedziba</h2>
    <p>Wojewódzki Urząd Pracy w Wałbrzychu<br>ul. Ogrodowa 5b, 58-306 Wałbrzych<br>
    tel. 74 886 52 00</p>
    <h3>Filia w Jeleniej Górze</h3><p>ul. Wolności 3, 58-500 Jelenia Góra<br>tel. 75 752 39 00</p>
    <p><strong>Oddział w Legnicy</strong><br>ul. Dziennikarska 5, 59-220 Legnica<br>
    tel. 76 856 16 27</p>
    <h3>Dział Szkoleń</h3><p>tel. 74 886 52 10</p></div></body></html>"""
    root, _ = parse_document(markup)
    contact = extract_contact(root, "https://wup.example.pl/kontakt", contact_page=True)
    assert (contact.street, contact.city, contact.phones) == (
        "ul. Ogrodowa 5b",
        "Wałbrzych",
        ["+48748865200"],
    )
    branches = [
        (b.role, b.name, b.street, b.postal_code, b.city, b.phones) for b in contact.branches
    ]
    assert branches == [
        ("filia", "Filia w Jeleniej Górze", "ul. Wolności 3", "58-500", "Jelenia Góra",
         ["+48757523900"]),
        ("oddział", "Oddział w Legnicy", "ul. Dziennikarska 5", "59-220", "Legnica",
         ["+48768561627"]),
    ]  # fmt: skip
    # A department without an address of its own is no branch.
    assert "+48748865210" not in contact.phones
