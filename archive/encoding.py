"""Decode Polish web pages to text despite missing or lying charset declarations."""

from __future__ import annotations

import codecs
import re
from collections import Counter
from functools import lru_cache

__all__ = ["decode_html", "has_mojibake", "normalize_charset", "sniff_meta_charset"]

# Web names we report; callers store them, so keep them stable and WHATWG-like.
_WEB_NAMES = {
    "utf-8": "utf-8",
    "cp1250": "windows-1250",
    "iso8859-2": "iso-8859-2",
    "cp1252": "windows-1252",
    "iso8859-1": "iso-8859-1",
    "ascii": "ascii",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "utf-16": "utf-16",
}

# Labels that Python's codec registry does not know but Polish servers do send.
_ALIAS_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:x-)?(?:win|windows|cp|ms)-?(125\d)$"), r"cp\1"),
    (re.compile(r"^(?:x-)?iso-?8859-?(\d{1,2})(?::\d{4})?$"), r"iso8859-\1"),
    (re.compile(r"^(?:x-)?latin-?2$|^l2$|^iso-?ir-?101$"), "iso8859-2"),
    (re.compile(r"^(?:x-)?utf-?8$|^unicode-1-1-utf-8$"), "utf-8"),
)

_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Typographic characters that legitimately occur in Polish texts in single-byte charsets.
_NEUTRAL = frozenset("„”“‚‘’–—…•€«»§©®°·×éüöäÉÜÖÄ\u00a0")

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16be"),
)

# Bytes that tell the two Polish single-byte charsets apart (ą ś ź Ą Ś Ź).
_CP1250_ONLY = b"\xb9\x9c\x9f\xa5\x8c\x8f"
_LATIN2_ONLY = b"\xb1\xb6\xbc\xa1\xa6\xac"
_CP1250_EVIDENCE = bytes(sorted(set(_CP1250_ONLY) | set(range(0x80, 0xA0))))
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_ASCII_BYTES = bytes(range(0x80))

_META_RE = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
_SNIFF_BYTES = 4096


def content_type_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header value declares: "text/html; charset=UTF-8" -> "UTF-8"."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def normalize_charset(label: str | None) -> str | None:
    """Map a charset label (header, meta, alias) to Python's codec name, or None if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower().replace("_", "-")
    if not name:
        return None
    for pattern, replacement in _ALIAS_PATTERNS:
        if pattern.match(name):
            name = pattern.sub(replacement, name)
            break
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _web_name(codec: str) -> str:
    """Return the stable web-style name reported for a Python codec name."""
    return _WEB_NAMES.get(codec, codec)


def sniff_meta_charset(body: bytes) -> str | None:
    """Return the raw charset label of the first <meta>/XML declaration in the first 4 KB."""
    # Browsers stop at 1024 bytes, but CMS headers with long inline scripts push it further.
    match = _META_RE.search(body[:_SNIFF_BYTES])
    if not match:
        return None
    raw = match.group(1) or match.group(2)
    return raw.decode("ascii", "replace")


def _char_weight(char: str) -> int:
    """Weight one non-ASCII character: Polish letters up, foreign high characters down."""
    if char in _POLISH:
        return 2
    if char in _NEUTRAL:
        return 1
    # C1 controls and stray ± ¶ ¹ ¿ š ť … are what a wrong single-byte charset produces.
    return -3


def _score(text: str) -> int:
    """Score how Polish a decoded text looks."""
    counts = Counter(_NON_ASCII_RE.findall(text))
    return sum(_char_weight(char) * count for char, count in counts.items())


@lru_cache(maxsize=64)
def _byte_table(codec: str) -> tuple[str | None, ...] | None:
    """Map bytes 0x80-0xFF to characters for a single-byte codec (None: undefined byte)."""
    table: list[str | None] = []
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            char = None
        except LookupError:
            return None
        if char is not None and len(char) != 1:
            return None
        table.append(char)
    try:
        # Multi-byte codecs (utf-16, gb2312, ...) cannot be scored byte by byte.
        if len(bytes(range(0x20, 0x7F)).decode(codec)) != 0x5F:
            return None
    except (UnicodeDecodeError, LookupError):
        return None
    return tuple(table)


def _score_bytes(counts: Counter[int], codec: str) -> int | None:
    """Score a single-byte decoding from byte counts alone; None if it would not decode strictly."""
    table = _byte_table(codec)
    if table is None:
        return None
    score = 0
    for byte, count in counts.items():
        char = table[byte - 0x80]
        if char is None:
            return None
        score += _char_weight(char) * count
    return score


def _strict(body: bytes, codec: str) -> str | None:
    """Decode strictly or return None."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_utf8(body: bytes, declared: bool = False) -> bool:
    """Tell whether non-ASCII bytes are nearly all valid UTF-8 (a page with a few broken bytes).

    A page declared UTF-8 needs only twice as many valid characters as broken bytes: a
    windows-1250 page mislabelled UTF-8 has almost no valid multi-byte sequences at all.
    """
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 3 and good >= (2 if declared else 9) * bad


def _polish_single_byte(body: bytes) -> str:
    """Choose windows-1250 or iso-8859-2 from the bytes that differ between them."""
    # 0x80-0x9F are C1 controls in iso-8859-2, so any of them points to cp1250.
    cp_hits = len(body) - len(body.translate(None, _CP1250_EVIDENCE))
    latin2_hits = len(body) - len(body.translate(None, _LATIN2_ONLY))
    if latin2_hits > cp_hits or _strict(body, "cp1250") is None:
        return "iso8859-2"
    return "cp1250"


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode an HTML body, returning (text, web name of the encoding used)."""
    for bom, codec, name in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, "replace"), name

    is_ascii = body.isascii()
    if not is_ascii:
        text = _strict(body, "utf-8")
        if text is not None:
            # Valid non-ASCII UTF-8 is almost never accidental; a latin-2 label on it is the lie.
            return text, "utf-8"

    declared: list[str] = []
    for label in (header_charset, sniff_meta_charset(body)):
        codec = normalize_charset(label)
        if codec and codec not in declared and codec != "utf-8-sig":
            declared.append(codec)

    if is_ascii:
        # Every ASCII-compatible charset gives the same text; report what was declared.
        for codec in declared:
            if codec in _WEB_NAMES and not codec.startswith("utf-16"):
                return body.decode("ascii"), _web_name(codec)
        return body.decode("ascii"), "utf-8"

    if _mostly_utf8(body, declared="utf-8" in declared):
        # A UTF-8 page with a few broken bytes: replacing them beats mojibake everywhere else.
        return body.decode("utf-8", "replace"), "utf-8"

    candidates = [codec for codec in declared if codec != "utf-8"]
    if not candidates:
        codec = _polish_single_byte(body)
        return body.decode(codec, "replace"), _web_name(codec)
    # Headers and metas lie (and may disagree), so the Polish charsets always compete too;
    # a declared one keeps its place only when no alternative reads as better Polish.
    candidates += [codec for codec in ("cp1250", "iso8859-2") if codec not in candidates]
    # Counting high bytes once lets single-byte charsets be scored without decoding the page.
    counts = Counter(body.translate(None, _ASCII_BYTES))
    best: tuple[int, int, str] | None = None
    for rank, codec in enumerate(candidates):
        score = _score_bytes(counts, codec)
        if score is None and _byte_table(codec) is None:
            text = _strict(body, codec)
            score = _score(text) if text is not None else None
        if score is None:
            continue
        if best is None or (score, -rank) > best[:2]:
            best = (score, -rank, codec)
    if best is not None:
        return body.decode(best[2], "replace"), _web_name(best[2])
    return body.decode("utf-8", "replace"), "utf-8"


def _mojibake_pattern() -> re.Pattern[str]:
    """Build a regex of UTF-8 lead+continuation bytes as misread by single-byte charsets."""
    alternatives: set[str] = set()
    for codec in ("cp1250", "iso8859-2", "cp1252", "iso8859-1"):
        leads = "".join(bytes([b]).decode(codec, "ignore") for b in (0xC3, 0xC4, 0xC5))
        conts = "".join(bytes([b]).decode(codec, "ignore") for b in range(0x80, 0xC0))
        alternatives.add(f"[{re.escape(leads)}][{re.escape(conts)}]")
        # „ ” – — … are E2 80 xx in UTF-8; misread they start with "â€" or "â\x80".
        alternatives.add(re.escape(bytes([0xE2, 0x80]).decode(codec, "ignore")))
    alternatives.discard("")
    return re.compile("|".join(sorted(alternatives)))


_MOJIBAKE_RE = _mojibake_pattern()


_MOJIBAKE_LEADS = "ĂÄĹÃÅâÂ"


def has_mojibake(text: str) -> bool:
    """Tell whether text shows UTF-8 that was decoded as latin-2, cp1250 or latin-1."""
    # Substring tests run in C; the regex only confirms when a suspicious lead is present.
    if not any(lead in text for lead in _MOJIBAKE_LEADS):
        return False
    return _MOJIBAKE_RE.search(text) is not None


# Bytes that never occur in a text page: NUL and the C0 controls other than tab, LF, FF, CR.
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})


def looks_binary(body: bytes, sample: int = 4096) -> bool:
    """Whether bytes are a binary file (an image, a PDF, an archive), whatever the server's
    Content-Type says: a NUL byte, or more than 5% control bytes, in the first 4 KB."""
    head = body[:sample]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    return controls > len(head) * 0.05
