"""Property tests: the date parser, the contact extractor and encoding detection never raise on
arbitrary input, and read back what they are given in the forms they claim to read."""

from __future__ import annotations

from datetime import date

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.contact import extract_contact
from archive.dates import parse_date
from archive.encoding import decode_html, has_mojibake, looks_binary

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MONTHS_GENITIVE = [
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
]  # fmt: skip
# Polish geographic area codes (a phone library checks numbers against them).
AREA_CODES = [
    12, 13, 14, 15, 16, 17, 18, 22, 23, 24, 25, 29, 32, 33, 34, 41, 42, 43, 44, 46, 48, 52,
    54, 55, 56, 58, 59, 61, 62, 63, 65, 67, 68, 71, 74, 75, 76, 77, 81, 82, 83, 84, 85, 86,
    87, 89, 91, 94, 95,
]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
POLISH_TEXT = st.text(
    alphabet="aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄCĆEĘLŁNŃOÓSŚZŹŻ ,.", min_size=40, max_size=400
).filter(lambda t: sum(c in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ" for c in t) >= 8)
CHARSET_LABELS = st.sampled_from(
    [None, "utf-8", "UTF8", "windows-1250", "iso-8859-2", "latin2", "cp1250", "x-garbage", ""]
)


def written(day: date, form: int) -> str:
    """A date as Polish pages write it."""
    forms = [
        f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} r.",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.year}-{day.month:02d}-{day.day:02d}",
        f"{day.day} {ROMAN[day.month - 1]} {day.year}",
        f"{day.day}.{day.month:02d}.{day.year}r.",
    ]
    return forms[form % len(forms)]


@FUZZ
@given(st.text())
def test_the_date_parser_never_raises(text: str) -> None:
    found = parse_date(text, today=date(2026, 11, 24))
    assert found is None or isinstance(found, date)


@FUZZ
@given(
    st.dates(min_value=date(1995, 1, 1), max_value=date(2026, 11, 24)),
    st.integers(0, 4),
    st.sampled_from(["Opublikowano: ", "Data publikacji ", "", "Kielce, dnia "]),
    st.sampled_from(["", " godz. 12:15", ". Zapraszamy!"]),
)
def test_the_date_parser_reads_the_polish_forms_it_claims(
    day: date, form: int, before: str, after: str
) -> None:
    assert parse_date(before + written(day, form) + after, today=date(2026, 11, 24)) == day


def footer(text: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body><p>Artykuł</p><footer>{text}</footer></body></html>")


@FUZZ
@given(st.text(max_size=600))
def test_the_contact_extractor_never_raises(text: str) -> None:
    text = text.replace("\x00", "")
    root = footer(_escape(text))
    contact = extract_contact(root, "https://www.example.gov.pl/")
    assert all(phone.startswith("+48") for phone in contact.phones)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nip_with_checksum(digits: list[int]) -> str | None:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
    return None if check == 10 else "".join(map(str, digits)) + str(check)


def regon_with_checksum(digits: list[int]) -> str:
    weights = (8, 9, 2, 3, 4, 5, 6, 7)
    return "".join(map(str, digits)) + str(
        sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10
    )


@FUZZ
@given(
    st.lists(st.integers(0, 9), min_size=9, max_size=9),
    st.lists(st.integers(0, 9), min_size=8, max_size=8),
    st.sampled_from(AREA_CODES),
    st.integers(2_000_000, 8_999_999),
    st.booleans(),
)
def test_the_contact_extractor_reads_numbers_it_writes(
    nip_digits: list[int], regon_digits: list[int], area: int, number: int, dashed: bool
) -> None:
    nip = nip_with_checksum(nip_digits)
    regon = regon_with_checksum(regon_digits)
    if nip is None or nip.startswith("000") or regon.startswith("00"):
        return  # no such number is issued
    shown_nip = f"{nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}" if dashed else nip
    local = f"{number:07d}"
    phone = f"({area}) {local[:3]} {local[3:5]} {local[5:]}"
    root = footer(
        f"<p>Urząd Gminy Przykład<br>ul. Długa 1, 00-950 Przykład<br>tel. {phone}<br>"
        f"NIP: {shown_nip}, REGON: {regon}</p>"
    )
    contact = extract_contact(root, "https://www.example.gov.pl/")
    assert contact.nip == nip
    assert contact.regon == regon
    assert contact.phones == [f"+48{area}{local}"]


@FUZZ
@given(st.binary(max_size=3000), CHARSET_LABELS)
def test_encoding_detection_never_raises(body: bytes, label: str | None) -> None:
    text, name = decode_html(body, label)
    assert isinstance(text, str) and isinstance(name, str)
    assert isinstance(looks_binary(body), bool)


@FUZZ
@given(POLISH_TEXT, st.sampled_from(["utf-8", "cp1250", "iso8859-2"]), st.integers(0, 2))
def test_polish_text_comes_back_whatever_the_charset_and_its_declaration(
    text: str, codec: str, declared: int
) -> None:
    page = f"<html><head><title>Aktualności</title></head><body><p>{text}</p></body></html>"
    body = page.encode(codec)
    label = [None, codec, "utf-8" if codec != "utf-8" else "iso-8859-2"][
        declared
    ]  # none, right, wrong
    decoded, _ = decode_html(body, label)
    assert text in decoded
    assert not has_mojibake(decoded)
