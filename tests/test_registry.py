"""Tests for the sources registry (archive/registry.py and the shipped sources.toml)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from archive.registry import (
    REGIONS,
    RegistryError,
    Source,
    UnknownSourceError,
    load_sources,
    select_sources,
)

SHIPPED = Path(__file__).resolve().parent.parent / "sources.toml"

GOOD = """\
[[source]]
id = "alpha"
name = "Alpha"
kind = "other"
region = "mazowieckie"
homepage = "https://alpha.example.pl/"
news = ["https://alpha.example.pl/aktualnosci"]
"""


def write(tmp_path: Path, text: str) -> Path:
    """Write a registry file and return its path."""
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    """Load a malformed registry and return the error message."""
    path = write(tmp_path, text)
    with pytest.raises(RegistryError) as info:
        load_sources(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def assert_at(tmp_path: Path, text: str, line: int, *fragments: str) -> None:
    """The registry fails with a message pointing at the given line."""
    message = error_for(tmp_path, text)
    path = tmp_path / "sources.toml"
    assert message.startswith(f"{path}:{line}: "), message
    for fragment in fragments:
        assert fragment in message, message


# --- the shipped registry -------------------------------------------------------------


def test_shipped_registry_loads() -> None:
    sources = load_sources(SHIPPED)
    assert len(sources) == 33
    kinds = Counter(s.kind for s in sources)
    assert kinds["regional-social-policy-centre"] == 16
    assert kinds["voivodeship-labour-office"] == 16
    assert kinds["regional-development-agency"] >= 1


def test_shipped_registry_covers_every_region_once_per_kind() -> None:
    sources = load_sources(SHIPPED)
    for kind in ("regional-social-policy-centre", "voivodeship-labour-office"):
        regions = [s.region for s in sources if s.kind == kind]
        assert sorted(regions) == sorted(REGIONS), kind


def test_shipped_registry_seed_institutions() -> None:
    by_id = {s.id: s for s in load_sources(SHIPPED)}
    assert by_id["darr"].kind == "regional-development-agency"
    assert by_id["darr"].region == "dolnośląskie"
    assert by_id["rops-torun"].kind == "regional-social-policy-centre"
    assert by_id["rops-torun"].region == "kujawsko-pomorskie"


def test_shipped_registry_lines_point_at_headers() -> None:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    for source in load_sources(SHIPPED):
        assert lines[source.line - 1].strip() == "[[source]]"
        assert lines[source.line].strip() == f'id = "{source.id}"'


# --- a good registry ------------------------------------------------------------------


def test_good_registry_and_row(tmp_path: Path) -> None:
    text = GOOD + 'contact = "https://alpha.example.pl/kontakt"\ndelay = 2\nverified = false\n'
    text += '\n[source.selectors]\ntitle = "h1"\nnext_page = "a.next"\n'
    (source,) = load_sources(write(tmp_path, text))
    assert isinstance(source, Source)
    assert source.line == 1
    assert source.news == ("https://alpha.example.pl/aktualnosci",)
    assert source.selectors == {"title": "h1", "next_page": "a.next"}
    assert source.delay == 2.0
    assert source.verified is False
    hash(source)
    row = source.as_row()
    assert row == {
        "id": "alpha",
        "name": "Alpha",
        "kind": "other",
        "region": "mazowieckie",
        "homepage": "https://alpha.example.pl/",
        "news": json.dumps(["https://alpha.example.pl/aktualnosci"]),
        "contact_url": "https://alpha.example.pl/kontakt",
        "verified": 0,
    }


def test_defaults(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, GOOD))
    assert source.verified is True
    assert source.contact is None
    assert source.selectors is None
    assert source.delay is None
    assert source.as_row()["verified"] == 1


# --- malformed registries -------------------------------------------------------------


def test_syntax_error(tmp_path: Path) -> None:
    text = GOOD.replace('name = "Alpha"', 'name = "Alpha')
    assert_at(tmp_path, text, 3, "TOML syntax error")


def test_missing_key(tmp_path: Path) -> None:
    text = "# comment\n\n" + GOOD.replace('region = "mazowieckie"\n', "")
    assert_at(tmp_path, text, 3, "source 'alpha'", "missing required key 'region'")


def test_bad_news_url(tmp_path: Path) -> None:
    text = GOOD.replace('["https://alpha.example.pl/aktualnosci"]', '["ftp://alpha.example.pl"]')
    assert_at(tmp_path, text, 7, "source 'alpha': 'news' must be a non-empty list of http(s) URLs")


def test_empty_news(tmp_path: Path) -> None:
    text = GOOD.replace('["https://alpha.example.pl/aktualnosci"]', "[]")
    assert_at(tmp_path, text, 7, "'news'")


def test_bad_homepage(tmp_path: Path) -> None:
    text = GOOD.replace('"https://alpha.example.pl/"', '"alpha.example.pl"')
    assert_at(tmp_path, text, 6, "'homepage' must be an http(s) URL")


def test_duplicate_id(tmp_path: Path) -> None:
    text = GOOD + "\n" + GOOD.replace('name = "Alpha"', 'name = "Alpha again"')
    assert_at(tmp_path, text, 10, "source 'alpha'", "duplicate id", "line 1")


def test_unknown_key(tmp_path: Path) -> None:
    text = GOOD + "\n" + GOOD.replace('id = "alpha"', 'id = "beta"') + 'colour = "red"\n'
    assert_at(tmp_path, text, 16, "source 'beta'", "unknown key 'colour'")


def test_bad_selectors_key_inline(tmp_path: Path) -> None:
    text = GOOD + 'selectors = { title = "h1", headline = "h2" }\n'
    assert_at(tmp_path, text, 8, "unknown selectors key 'headline'")


def test_bad_selectors_key_subtable(tmp_path: Path) -> None:
    text = GOOD + '\n[source.selectors]\ntitle = "h1"\nheadline = "h2"\n'
    assert_at(tmp_path, text, 11, "unknown selectors key 'headline'")


def test_selectors_value_not_string(tmp_path: Path) -> None:
    text = GOOD + "selectors = { body = 3 }\n"
    assert_at(tmp_path, text, 8, "selectors.body")


def test_bad_region(tmp_path: Path) -> None:
    text = GOOD.replace('"mazowieckie"', '"Mazowsze"')
    assert_at(tmp_path, text, 5, "'region'", "'Mazowsze'")


def test_region_spelling_is_lenient(tmp_path: Path) -> None:
    for spelling in ("Mazowieckie", "województwo mazowieckie", "MAZOWIECKIE"):
        path = tmp_path / "sources.toml"
        path.write_text(GOOD.replace('"mazowieckie"', f'"{spelling}"'), encoding="utf-8")
        assert load_sources(path)[0].region == "mazowieckie"
    path.write_text(
        GOOD.replace('"mazowieckie"', '"dolnoslaskie"').replace('"other"', '"county-office"'),
        encoding="utf-8",
    )
    source = load_sources(path)[0]
    assert (source.region, source.kind) == ("dolnośląskie", "county-office")


def test_bad_kind(tmp_path: Path) -> None:
    text = GOOD.replace('kind = "other"', 'kind = "Ośrodek pomocy"')
    assert_at(tmp_path, text, 4, "'kind'")


def test_bad_id(tmp_path: Path) -> None:
    text = GOOD.replace('id = "alpha"', 'id = "Alpha_1"')
    assert_at(tmp_path, text, 2, "'id'")


def test_bad_verified_and_delay(tmp_path: Path) -> None:
    assert_at(tmp_path, GOOD + 'verified = "yes"\n', 8, "'verified'")
    assert_at(tmp_path, GOOD + "delay = -1\n", 8, "'delay'")
    assert_at(tmp_path, GOOD + "delay = true\n", 8, "'delay'")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = 'title = "registry"\n\n' + GOOD
    assert_at(tmp_path, text, 1, "unknown top-level key 'title'")


def test_empty_registry(tmp_path: Path) -> None:
    assert_at(tmp_path, "# nothing here\n", 1, "no [[source]] entries")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(RegistryError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "not found" in str(info.value)


# --- select_sources -------------------------------------------------------------------


def test_select_sources_in_given_order() -> None:
    sources = load_sources(SHIPPED)
    chosen = select_sources(sources, ["rops-torun", "darr"])
    assert [s.id for s in chosen] == ["rops-torun", "darr"]


def test_select_sources_unknown_id() -> None:
    sources = load_sources(SHIPPED)
    with pytest.raises(UnknownSourceError) as info:
        select_sources(sources, ["darr", "nope"])
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, RegistryError)
    message = str(info.value)
    assert message.startswith("unknown source id 'nope' (known: darr, ")
    assert message.endswith("…)")
    assert message.count(",") == 10
