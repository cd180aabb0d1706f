"""The sources registry: institutions to crawl, read and validated from ``sources.toml``."""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

KINDS: frozenset[str] = frozenset(
    {
        "regional-social-policy-centre",
        "regional-development-agency",
        "voivodeship-labour-office",
        "county-labour-office",
        "municipal-social-welfare-centre",
        "other",
    }
)

REGIONS: tuple[str, ...] = (
    "dolnośląskie",
    "kujawsko-pomorskie",
    "lubelskie",
    "lubuskie",
    "łódzkie",
    "małopolskie",
    "mazowieckie",
    "opolskie",
    "podkarpackie",
    "podlaskie",
    "pomorskie",
    "śląskie",
    "świętokrzyskie",
    "warmińsko-mazurskie",
    "wielkopolskie",
    "zachodniopomorskie",
)

SELECTOR_KEYS: frozenset[str] = frozenset({"title", "date", "body", "article_links", "next_page"})

REQUIRED_KEYS: tuple[str, ...] = ("id", "name", "kind", "region", "homepage", "news")
OPTIONAL_KEYS: tuple[str, ...] = (
    "contact",
    "selectors",
    "verified",
    "delay",
    "max_pages",
    "timeout",
    "max_mb",
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KIND_RE = re.compile(r"^[a-z][a-z0-9-]*$")


def _fold(text: str) -> str:
    """Lowercase without Polish diacritics, for lenient voivodeship matching."""
    return (
        unicodedata.normalize("NFKD", text.lower().replace("ł", "l"))
        .encode("ascii", "ignore")
        .decode()
    )


def canonical_region(value: object) -> str | None:
    """The voivodeship's canonical name for 'Dolnośląskie', 'dolnoslaskie', ..., else None."""
    if not isinstance(value, str):
        return None
    folded = _fold(value.strip()).removeprefix("wojewodztwo ")
    for region in REGIONS:
        if _fold(region) == folded:
            return region
    return None


_HEADER_RE = re.compile(r"^\s*\[\[\s*source\s*\]\]\s*(#.*)?$")
_TABLE_RE = re.compile(r"^\s*\[")
_TOML_LINE_RE = re.compile(r"at line (\d+)")
_MAX_KNOWN_SHOWN = 10


class RegistryError(Exception):
    """A registry problem, rendered as one line: ``<file>:<line>: <what is wrong>``."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class UnknownSourceError(RegistryError, KeyError):
    """A source id that the registry does not contain."""

    def __init__(self, source_id: str, known: Iterable[str]) -> None:
        known = list(known)
        shown = ", ".join(known[:_MAX_KNOWN_SHOWN]) or "none"
        if len(known) > _MAX_KNOWN_SHOWN:
            shown += ", …"
        self.source_id = source_id
        self.path = ""
        self.line = None
        self.message = f"unknown source id {source_id!r} (known: {shown})"
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Source:
    """One institution whose news the crawler archives."""

    id: str
    name: str
    kind: str
    region: str
    homepage: str
    news: tuple[str, ...]
    contact: str | None = None
    # CSS selectors overriding the generic extractor; left out of the hash so Source stays hashable.
    selectors: dict[str, str] | None = field(default=None, hash=False)
    verified: bool = True
    delay: float | None = None
    # Per-source limits over the crawler's defaults: requests per run, seconds per download,
    # megabytes per response.
    max_pages: int | None = None
    timeout: float | None = None
    max_mb: float | None = None
    line: int = field(default=0, compare=False)

    def as_row(self) -> dict[str, Any]:
        """The row for the SQLite ``sources`` table."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "region": self.region,
            "homepage": self.homepage,
            "news": json.dumps(list(self.news), ensure_ascii=False),
            "contact_url": self.contact,
            "verified": int(self.verified),
        }


def _is_http_url(value: object) -> bool:
    """Whether value is an absolute http(s) URL with a host."""
    if not isinstance(value, str) or value != value.strip() or not value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _header_lines(text: str) -> list[int]:
    """1-based line numbers of every ``[[source]]`` header, in order."""
    return [n for n, raw in enumerate(text.splitlines(), start=1) if _HEADER_RE.match(raw)]


def _key_line(lines: list[str], header: int, key: str) -> int:
    """Line of ``key =`` inside the table starting at header, else the header's line."""
    key_re = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*[=.]")
    for n in range(header, len(lines)):  # lines[header] is the line after the header
        raw = lines[n]
        if _TABLE_RE.match(raw):
            sub = raw.strip()
            if sub.startswith(f"[source.{key}]") or sub.startswith(f'[source."{key}"]'):
                return n + 1
            if not sub.startswith("[source."):
                break
            continue
        if key_re.match(raw):
            return n + 1
    return header


def _selector_key_line(lines: list[str], header: int, key: str) -> int:
    """Line of a selectors sub-key (inline or sub-table form), else of ``selectors``."""
    base = _key_line(lines, header, "selectors")
    raw = lines[base - 1] if 0 < base <= len(lines) else ""
    if re.search(rf"[{{,]\s*\"?{re.escape(key)}\"?\s*=", raw):
        return base
    key_re = re.compile(rf"^\s*(?:selectors\.)?\"?{re.escape(key)}\"?\s*=")
    for n in range(base, len(lines)):
        if _TABLE_RE.match(lines[n]):
            break
        if key_re.match(lines[n]):
            return n + 1
    return base


def _check_source(raw: Mapping[str, Any], header: int, lines: list[str], path: str) -> Source:
    """Validate one ``[[source]]`` table and build its Source."""
    sid = raw.get("id")
    label = f"source {sid!r}" if isinstance(sid, str) else "source"

    def fail(key: str | None, message: str, at: int | None = None) -> RegistryError:
        line = at if at is not None else (_key_line(lines, header, key) if key else header)
        return RegistryError(path, line, f"{label}: {message}")

    for key in raw:
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
            allowed = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
            raise fail(key, f"unknown key {key!r} (allowed: {allowed})")
    for key in REQUIRED_KEYS:
        if key not in raw:
            raise fail(None, f"missing required key {key!r}")

    if not isinstance(sid, str) or not ID_RE.match(sid):
        raise fail("id", "'id' must match ^[a-z0-9][a-z0-9_-]*$")
    name = raw["name"]
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "'name' must be a non-empty string")
    kind = raw["kind"]
    if not isinstance(kind, str) or not KIND_RE.match(kind):
        # Kinds are an open list (KINDS names the usual ones); a slug is all that is required.
        raise fail(
            "kind", f"'kind' must be a slug such as {', '.join(sorted(KINDS))}, not {kind!r}"
        )
    region = canonical_region(raw["region"])
    if region is None:
        raise fail(
            "region", f"'region' must be a voivodeship (e.g. 'dolnośląskie'), not {raw['region']!r}"
        )
    homepage = raw["homepage"]
    if not _is_http_url(homepage):
        raise fail("homepage", "'homepage' must be an http(s) URL")
    news = raw["news"]
    if not isinstance(news, list) or not news or not all(_is_http_url(u) for u in news):
        raise fail("news", "'news' must be a non-empty list of http(s) URLs")
    contact = raw.get("contact")
    if contact is not None and not _is_http_url(contact):
        raise fail("contact", "'contact' must be an http(s) URL")

    selectors = raw.get("selectors")
    chosen: dict[str, str] | None = None
    if selectors is not None:
        if not isinstance(selectors, dict):
            raise fail("selectors", "'selectors' must be a table of CSS selectors")
        for key, value in selectors.items():
            if key not in SELECTOR_KEYS:
                allowed = ", ".join(sorted(SELECTOR_KEYS))
                at = _selector_key_line(lines, header, key)
                raise fail(None, f"unknown selectors key {key!r} (allowed: {allowed})", at)
            if not isinstance(value, str) or not value.strip():
                at = _selector_key_line(lines, header, key)
                raise fail(None, f"selectors.{key} must be a non-empty string", at)
        chosen = dict(selectors)

    verified = raw.get("verified", True)
    if not isinstance(verified, bool):
        raise fail("verified", "'verified' must be true or false")
    delay = raw.get("delay")
    if delay is not None:
        if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
            raise fail("delay", "'delay' must be a non-negative number of seconds")
        delay = float(delay)
    limits: dict[str, float | int | None] = {}
    for key, integer, meaning in (
        ("max_pages", True, "a positive whole number of requests per run"),
        ("timeout", False, "a positive number of seconds"),
        ("max_mb", False, "a positive number of megabytes"),
    ):
        value = raw.get(key)
        wrong = isinstance(value, bool) or not isinstance(value, int if integer else int | float)
        if value is not None and (wrong or value <= 0):
            raise fail(key, f"'{key}' must be {meaning}")
        limits[key] = None if value is None else (int(value) if integer else float(value))

    return Source(
        id=sid,
        name=name,
        kind=kind,
        region=region,
        homepage=homepage,
        news=tuple(news),
        contact=contact,
        selectors=chosen,
        verified=verified,
        delay=delay,
        max_pages=limits["max_pages"],  # type: ignore[arg-type]
        timeout=limits["timeout"],
        max_mb=limits["max_mb"],
        line=header,
    )


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a registry file, returning its sources in file order."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(where, None, "registry file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(where, None, f"cannot read registry file: {exc}") from None

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE_RE.search(str(exc))
        line = int(found.group(1)) if found else None
        message = str(exc).split(" (at ")[0]
        raise RegistryError(where, line, f"TOML syntax error: {message}") from None

    lines = text.splitlines()
    for key in data:
        if key != "source":
            line = next(
                (
                    n
                    for n, raw in enumerate(lines, start=1)
                    if re.match(rf"^\s*\[*\s*\"?{re.escape(key)}\"?\s*[\]=.]", raw)
                ),
                1,
            )
            raise RegistryError(
                where, line, f"unknown top-level key {key!r} (only [[source]] tables allowed)"
            )
    tables = data.get("source", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RegistryError(where, 1, "'source' must be an array of tables ([[source]])")
    if not tables:
        raise RegistryError(where, 1, "registry has no [[source]] entries")

    headers = _header_lines(text)
    if len(headers) != len(tables):  # e.g. inline array form; fall back to line 1
        headers = [1] * len(tables)

    sources: list[Source] = []
    seen: dict[str, int] = {}
    for raw, header in zip(tables, headers, strict=True):
        source = _check_source(raw, header, lines, where)
        if source.id in seen:
            raise RegistryError(
                where,
                _key_line(lines, header, "id"),
                f"source {source.id!r}: duplicate id (first defined at line {seen[source.id]})",
            )
        seen[source.id] = header
        sources.append(source)
    return sources


def select_sources(sources: Iterable[Source], ids: Iterable[str]) -> list[Source]:
    """The sources with the given ids, in the order the ids are given."""
    by_id = {s.id: s for s in sources}
    chosen: list[Source] = []
    for sid in ids:
        if sid not in by_id:
            raise UnknownSourceError(sid, by_id)
        chosen.append(by_id[sid])
    return chosen
