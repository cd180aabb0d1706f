"""Institutions named in article text, normalized with Morfeusz (archive/mentions.py)."""

from __future__ import annotations

from archive.mentions import find_mentions


def names(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.name, m.type, m.city) for m in find_mentions(text)]


def test_every_case_maps_to_the_nominative() -> None:
    text = (
        "W spotkaniu udział wzięli przedstawiciele Powiatowego Urzędu Pracy w Wałbrzychu, "
        "który współpracuje z Miejskim Ośrodkiem Pomocy Społecznej w Kielcach oraz "
        "Powiatowym Centrum Pomocy Rodzinie w Inowrocławiu. Podziękowania skierowano do "
        "Regionalnemu Ośrodkowi Polityki Społecznej w Opolu."
    )
    assert names(text) == [
        ("Powiatowy Urząd Pracy w Wałbrzychu", "pup", "Wałbrzych"),
        ("Miejski Ośrodek Pomocy Społecznej w Kielcach", "ops", "Kielce"),
        ("Powiatowe Centrum Pomocy Rodzinie w Inowrocławiu", "pcpr", "Inowrocław"),
        ("Regionalny Ośrodek Polityki Społecznej w Opolu", "rops", "Opole"),
    ]


def test_types_ministries_programmes_and_offices() -> None:
    text = (
        "Projekt współfinansowany ze środków Europejskiego Funduszu Społecznego w ramach "
        "Programu Operacyjnego Kapitał Ludzki. Wnioski ocenia Wojewódzki Urząd Pracy w Toruniu, "
        "a nadzór sprawuje Ministerstwo Rodziny, Pracy i Polityki Społecznej oraz Urząd "
        "Marszałkowski Województwa Łódzkiego."
    )
    assert names(text) == [
        ("Europejski Fundusz Społeczny", "program-ue", None),
        ("Program Operacyjny Kapitał Ludzki", "program-ue", None),
        ("Wojewódzki Urząd Pracy w Toruniu", "wup", "Toruń"),
        ("Ministerstwo Rodziny, Pracy i Polityki Społecznej", "ministerstwo", None),
        ("Urząd Marszałkowski Województwa Łódzkiego", "urzad-marszalkowski", None),
    ]


def test_acronyms_coordination_and_what_is_not_an_institution() -> None:
    text = (
        "MOPS w Wałbrzychu i PCPR przygotowały ofertę w ramach POWER. Szkolenie poprowadzili "
        "eksperci Powiatowego Urzędu Pracy i Ośrodka Pomocy Społecznej w Bydgoszczy. "
        "Powiatowe urzędy pracy i ośrodki pomocy społecznej z regionu, firma WYG International "
        "Sp. z o.o. oraz Stowarzyszenie CAL nie są tu wymienione jako instytucje."
    )
    assert names(text) == [
        ("Miejski Ośrodek Pomocy Społecznej w Wałbrzychu", "ops", "Wałbrzych"),
        ("Powiatowe Centrum Pomocy Rodzinie", "pcpr", None),
        ("Program Operacyjny Wiedza Edukacja Rozwój", "program-ue", None),
        ("Powiatowy Urząd Pracy w Bydgoszczy", "pup", "Bydgoszcz"),
        ("Ośrodek Pomocy Społecznej w Bydgoszczy", "ops", "Bydgoszcz"),
    ]
    first = find_mentions(text)[0]
    assert text[first.start : first.end] == first.text == "MOPS w Wałbrzychu"


def test_a_list_does_not_lend_its_place_and_ministries_have_none() -> None:
    text = (
        "Prelegentami byli przedstawiciele Ministerstwa Pracy i Polityki Społecznej, "
        "Regionalnego Ośrodka Polityki Społecznej w Toruniu, Powiatowego Urzędu Pracy "
        "dla Miasta Torunia oraz Powiatowego Urzędu Pracy w Chełmnie."
    )
    assert names(text) == [
        ("Ministerstwo Pracy i Polityki Społecznej", "ministerstwo", None),
        ("Regionalny Ośrodek Polityki Społecznej w Toruniu", "rops", "Toruń"),
        ("Powiatowy Urząd Pracy dla Miasta Torunia", "pup", "Toruń"),
        ("Powiatowy Urząd Pracy w Chełmnie", "pup", "Chełmno"),
    ]


def test_two_word_city_and_neuter_head() -> None:
    assert names("Spotkanie w Powiatowym Centrum Pomocy Rodzinie w Jeleniej Górze.") == [
        ("Powiatowe Centrum Pomocy Rodzinie w Jeleniej Górze", "pcpr", "Jelenia Góra")
    ]


def test_singular_reading_first_and_places_that_look_like_surnames() -> None:
    text = (
        "Starostwa Powiatowego w Turku, Powiatowy Urząd Pracy w Rudzie Śląskiej "
        "i Urzędu Gminy Lipnica Wielka."
    )
    assert names(text) == [
        ("Starostwo Powiatowe w Turku", "inna", "Turek"),
        ("Powiatowy Urząd Pracy w Rudzie Śląskiej", "pup", "Ruda Śląska"),
        ("Urząd Gminy Lipnica Wielka", "inna", "Lipnica Wielka"),
    ]
