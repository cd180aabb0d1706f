"""Decoding Polish pages whatever their (missing, wrong or conflicting) charset labels."""

from __future__ import annotations

import codecs

import pytest

from archive.encoding import decode_html, has_mojibake, normalize_charset, sniff_meta_charset

PANGRAM = "Zażółć gęślą jaźń"
UPPER = "ZAŻÓŁĆ GĘŚLĄ JAŹŃ"
WEB_NAME = {"utf-8": "utf-8", "cp1250": "windows-1250", "iso-8859-2": "iso-8859-2"}
# A label that is wrong for each encoding, to build header/meta disagreements.
WRONG = {"utf-8": "iso-8859-2", "cp1250": "iso-8859-2", "iso-8859-2": "windows-1250"}


def page(encoding: str, meta: str | None = None, padding: int = 0) -> bytes:
    """Build a small Polish news page in the given encoding, optionally declaring a meta charset."""
    head = f'<meta charset="{meta}">' if meta else ""
    filler = f"<script>/*{'x' * padding}*/</script>" if padding else ""
    text = (
        f"<!DOCTYPE html><html><head>{filler}{head}<title>Aktualności</title></head>"
        f"<body><h1>{PANGRAM}</h1><p>{UPPER} - Ośrodek Pomocy Społecznej</p></body></html>"
    )
    return text.encode(encoding)


def assert_polish(text: str) -> None:
    """The pangram survives intact and nothing looks like mojibake."""
    assert PANGRAM in text
    assert UPPER in text
    assert not has_mojibake(text)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso-8859-2"])
def test_declared_in_header(encoding: str) -> None:
    text, used = decode_html(page(encoding), WEB_NAME[encoding])
    assert_polish(text)
    assert used == WEB_NAME[encoding]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso-8859-2"])
def test_declared_only_in_meta(encoding: str) -> None:
    text, used = decode_html(page(encoding, meta=WEB_NAME[encoding]))
    assert_polish(text)
    assert used == WEB_NAME[encoding]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso-8859-2"])
def test_declared_nowhere(encoding: str) -> None:
    text, used = decode_html(page(encoding))
    assert_polish(text)
    assert used == WEB_NAME[encoding]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso-8859-2"])
def test_header_wrong_meta_right(encoding: str) -> None:
    text, used = decode_html(page(encoding, meta=WEB_NAME[encoding]), WRONG[encoding])
    assert_polish(text)
    assert used == WEB_NAME[encoding]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250", "iso-8859-2"])
def test_header_right_meta_wrong(encoding: str) -> None:
    text, used = decode_html(page(encoding, meta=WRONG[encoding]), WEB_NAME[encoding])
    assert_polish(text)
    assert used == WEB_NAME[encoding]


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
@pytest.mark.parametrize("lie", ["iso-8859-1", "windows-1252", "us-ascii"])
def test_western_label_on_polish_bytes_is_distrusted(encoding: str, lie: str) -> None:
    text, used = decode_html(page(encoding, meta=lie), lie)
    assert_polish(text)
    assert used == WEB_NAME[encoding]


def test_latin2_label_on_utf8_bytes_is_the_common_lie() -> None:
    text, used = decode_html(page("utf-8", meta="iso-8859-2"), "ISO-8859-2")
    assert_polish(text)
    assert used == "utf-8"


def test_meta_after_first_kilobyte_is_found() -> None:
    body = page("iso-8859-2", meta="iso-8859-2", padding=1500)
    assert body.index(b"<meta charset") > 1024
    assert sniff_meta_charset(body) == "iso-8859-2"
    text, used = decode_html(body)
    assert_polish(text)
    assert used == "iso-8859-2"


def test_http_equiv_content_type() -> None:
    body = page("cp1250").replace(
        b"<head>",
        b'<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1250">',
    )
    assert sniff_meta_charset(body) == "windows-1250"
    text, used = decode_html(body)
    assert_polish(text)
    assert used == "windows-1250"


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16le"),
    ],
)
def test_bom_wins(bom: bytes, codec: str, name: str) -> None:
    body = bom + page("utf-8").decode("utf-8").encode(codec)
    text, used = decode_html(body, "iso-8859-2")
    assert_polish(text)
    assert used == name


def test_cp1250_only_bytes_decide_without_labels() -> None:
    # "świąteczna ściółka": ś and ą exist only at cp1250 positions 0x9C/0xB9.
    text, used = decode_html("świąteczna ściółka".encode("cp1250"))
    assert text == "świąteczna ściółka"
    assert used == "windows-1250"


def test_latin2_only_bytes_decide_without_labels() -> None:
    text, used = decode_html("świąteczna ściółka".encode("iso-8859-2"))
    assert text == "świąteczna ściółka"
    assert used == "iso-8859-2"


def test_ascii_page_reports_declaration() -> None:
    assert decode_html(b"<p>Aktualnosci</p>", "windows-1250") == (
        "<p>Aktualnosci</p>",
        "windows-1250",
    )
    assert decode_html(b"<p>Aktualnosci</p>") == ("<p>Aktualnosci</p>", "utf-8")


def test_mostly_utf8_with_a_broken_byte_stays_utf8() -> None:
    body = page("utf-8") + b"<p>\xff</p>"
    text, used = decode_html(body, "iso-8859-2")
    assert_polish(text)
    assert used == "utf-8"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("latin2", "iso8859-2"),
        ("ISO8859-2", "iso8859-2"),
        ("iso_8859-2", "iso8859-2"),
        ("win-1250", "cp1250"),
        ("x-cp1250", "cp1250"),
        ("Windows-1250", "cp1250"),
        ("windows1250", "cp1250"),
        ('"UTF8"', "utf-8"),
        ("us-ascii", "ascii"),
        ("bogus-charset", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, expected: str | None) -> None:
    assert normalize_charset(label) == expected


@pytest.mark.parametrize("codec", ["cp1250", "iso-8859-2", "cp1252", "latin-1"])
def test_has_mojibake_detects_utf8_misread(codec: str) -> None:
    garbled = PANGRAM.encode("utf-8").decode(codec, errors="replace")
    assert has_mojibake(garbled)


@pytest.mark.parametrize("sample", ["Ä…", "Ĺ‚", "Å‚", "Ä™", "Ã³", "Å›", "Ĺ›", "â€ž"])
def test_has_mojibake_known_sequences(sample: str) -> None:
    assert has_mojibake(f"Pomoc spo{sample}eczna")


def test_clean_polish_is_not_mojibake() -> None:
    assert not has_mojibake(f"{PANGRAM} {UPPER} „cytat” – 100 € § 5 Ölands café")
