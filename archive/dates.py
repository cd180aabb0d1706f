"""Find dates in Polish texts and the publication date of a news page."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import html

__all__ = [
    "find_dates",
    "find_modified",
    "find_published",
    "guess_main",
    "guess_title",
    "parse_date",
    "parse_iso_date",
]

HtmlElement = html.HtmlElement

MIN_YEAR = 1990

try:
    _WARSAW: ZoneInfo | None = ZoneInfo("Europe/Warsaw")
except ZoneInfoNotFoundError:  # pragma: no cover - tzdata missing; dates then stay as written
    _WARSAW = None

# Every case form and abbreviation a Polish (or English-template) CMS prints, diacritics optional.
_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("styczeń", "stycznia", "styczniu", "sty", "january", "jan"),
    2: ("luty", "lutego", "lutym", "lut", "february", "feb"),
    3: ("marzec", "marca", "marcu", "mar", "march"),
    4: ("kwiecień", "kwietnia", "kwietniu", "kwi", "april", "apr"),
    5: ("maj", "maja", "maju", "may"),
    6: ("czerwiec", "czerwca", "czerwcu", "cze", "june", "jun"),
    7: ("lipiec", "lipca", "lipcu", "lip", "july", "jul"),
    8: ("sierpień", "sierpnia", "sierpniu", "sie", "august", "aug"),
    9: ("wrzesień", "września", "wrześniu", "wrz", "september", "sept", "sep"),
    10: ("październik", "października", "październiku", "paź", "october", "oct"),
    11: ("listopad", "listopada", "listopadzie", "lis", "november", "nov"),
    12: ("grudzień", "grudnia", "grudniu", "gru", "december", "dec"),
}


def _fold(text: str) -> str:
    """Lowercase and strip Polish diacritics (ł has no decomposition, so map it by hand)."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_MONTHS: dict[str, int] = {}
for _number, _forms in _MONTH_FORMS.items():
    for _form in _forms:
        _MONTHS[_form] = _number
        _MONTHS[_fold(_form)] = _number
_MONTH_ALT = "|".join(sorted((re.escape(k) for k in _MONTHS), key=len, reverse=True))
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
_ROMAN |= {"VII": 7, "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12}
_LETTER = "a-ząćęłńóśźż"

_ISO_RE = re.compile(r"(?<![\d.\-/])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d])")
_DMY_RE = re.compile(r"(?<![\d.\-/])(\d{1,2}) ?([-./]) ?(\d{1,2}) ?\2 ?(\d{4})(?!\d)")
_DAY_NAME_RE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\.?\s*(?:-\s*)?({_MONTH_ALT})(?![{_LETTER}])\.?,?\s*(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_NAME_DAY_RE = re.compile(
    rf"(?<![{_LETTER}])({_MONTH_ALT})(?![{_LETTER}])\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# Roman months are upper case only: a lower-case "i" is the Polish word "and".
_ROMAN_RE = re.compile(
    r"(?<![\d\w])(\d{1,2})\s*[.\-/ ]\s*(XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)"
    r"\s*[.\-/ ]\s*(\d{4})(?!\d)"
)


def _valid(year: int, month: int, day: int, today: date) -> date | None:
    """Build a date if it exists, is not before 1990 and not after today."""
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if value.year < MIN_YEAR or value > today:
        return None
    return value


def _candidates(text: str) -> Iterator[tuple[int, int, int, int, int]]:
    """Yield (start, end, year, month, day) for every date-shaped match, valid or not."""
    for m in _ISO_RE.finditer(text):
        yield m.start(), m.end(), int(m[1]), int(m[3]), int(m[4])
    for m in _DMY_RE.finditer(text):
        yield m.start(), m.end(), int(m[4]), int(m[3]), int(m[1])
    for m in _DAY_NAME_RE.finditer(text):
        month = _MONTHS.get(m[2].lower()) or _MONTHS.get(_fold(m[2]))
        if month:
            yield m.start(), m.end(), int(m[3]), month, int(m[1])
    for m in _NAME_DAY_RE.finditer(text):
        month = _MONTHS.get(m[1].lower()) or _MONTHS.get(_fold(m[1]))
        if month:
            yield m.start(), m.end(), int(m[3]), month, int(m[2])
    for m in _ROMAN_RE.finditer(text):
        yield m.start(), m.end(), int(m[3]), _ROMAN[m[2]], int(m[1])


def find_dates(text: str, *, today: date | None = None) -> list[tuple[date, int, int]]:
    """Return every plausible date in text with its (start, end) span, in text order."""
    today = today or date.today()
    found: list[tuple[date, int, int]] = []
    last_end = -1
    # Earliest start wins; on equal starts the longer match (more context) wins.
    for start, end, year, month, day in sorted(_candidates(text), key=lambda c: (c[0], -c[1])):
        if start < last_end:
            continue
        value = _valid(year, month, day, today)
        if value is not None:
            found.append((value, start, end))
            last_end = end
    return found


def parse_date(text: str, *, today: date | None = None) -> date | None:
    """Return the first plausible date written in text, or None."""
    found = find_dates(text, today=today)
    return found[0][0] if found else None


def parse_iso_date(value: str, *, today: date | None = None) -> date | None:
    """Parse a machine date (ISO 8601 from meta/JSON-LD/time), converting offsets to Warsaw time."""
    today = today or date.today()
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return parse_date(value, today=today)
    if moment.tzinfo is not None and _WARSAW is not None:
        # A page published at 00:30 Warsaw time is stamped 23:30Z of the previous day.
        moment = moment.astimezone(_WARSAW)
    return _valid(moment.year, moment.month, moment.day, today)


# ---------------------------------------------------------------------------
# Page structure helpers


_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option", "button"})
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_EXCLUDED_TAGS = frozenset({"nav", "aside"})
_CELL_MARK = "\x01"
# Zones listing other articles' dates, the site's "today", or navigation.
_EXCLUDED_ATTR_RE = re.compile(
    r"nav|menu|footer|stopka|sidebar|side-bar|aside|breadcrumb|okruszk|cookie|related"
    r"|powiazan|latest|najnowsz|recent|popular|polecan|imieniny|nameday|today|dzisiaj|pogoda"
    r"|weather|share|social|comment|komentarz",
    re.IGNORECASE,
)
_ARTICLE_TAGS = frozenset({"article", "main"})


def _attrs(el: HtmlElement) -> str:
    """Return an element's class and id joined, for keyword tests."""
    return f"{el.get('class', '')} {el.get('id', '')}"


def _is_excluded(el: HtmlElement) -> bool:
    """Tell whether el itself starts a navigation/sidebar/footer zone."""
    tag = el.tag
    if not isinstance(tag, str):
        return True
    if tag in _SKIP_TAGS or tag in _EXCLUDED_TAGS:
        return True
    if tag in ("header", "footer"):
        # An article's own header/footer holds its byline; the site's hold "today" and contacts.
        return not any(a.tag in _ARTICLE_TAGS for a in el.iterancestors())
    attrib = el.attrib
    if not attrib:
        return False
    if attrib.get("role") in ("navigation", "complementary", "contentinfo", "banner"):
        return True
    cls, ident = attrib.get("class"), attrib.get("id")
    if cls is None and ident is None:
        return False
    return _EXCLUDED_ATTR_RE.search(f"{cls} {ident}") is not None


def _excluded_between(el: HtmlElement, stop: HtmlElement | None) -> bool:
    """Tell whether el or an ancestor below stop is an excluded zone."""
    node: HtmlElement | None = el
    while node is not None and node is not stop:
        if _is_excluded(node):
            return True
        node = node.getparent()
    return False


def _is_data_cell(el: HtmlElement) -> bool:
    """Tell whether el is a list item or a short cell of a multi-column (data) table row."""
    if el.tag in ("li", "dd", "dt"):
        return True
    if el.tag not in ("td", "th"):
        return False
    row = el.getparent()
    cells = (
        0 if row is None else sum(1 for c in row if c.tag in ("td", "th") and not _is_excluded(c))
    )
    if cells < 2:
        return False
    # Layout tables put the whole article in one long cell; schedules have short cells.
    return len(el.text_content()) <= 200


class _Linear:
    """Text of a subtree with newlines at block boundaries, remembering one element's span."""

    def __init__(
        self,
        scope: HtmlElement,
        mark: HtmlElement | None = None,
        skip: HtmlElement | None = None,
    ) -> None:
        self.parts: list[str] = []
        self.cell_depth = 0
        self.mark = mark
        self.skip = skip
        self._mark_parts: tuple[int, int] | None = None
        self._walk(scope, top=True)
        self.text = "".join(self.parts)
        self.mark_span: tuple[int, int] | None = None
        if self._mark_parts is not None:
            first, last = self._mark_parts
            start = sum(len(p) for p in self.parts[:first])
            self.mark_span = (start, start + sum(len(p) for p in self.parts[first:last]))

    def _walk(self, el: HtmlElement, top: bool = False) -> None:
        if not top and (el is self.skip or _is_excluded(el)):
            return
        parts = self.parts
        cell = _is_data_cell(el)
        self.cell_depth += cell
        # Lines inside table cells and list items carry a marker: schedules are not bylines.
        newline = "\n" + _CELL_MARK if self.cell_depth else "\n"
        block = el.tag in _BLOCK_TAGS or el.tag == "br"
        first = len(parts)
        if block:
            parts.append(newline)
        if el.text:
            parts.append(el.text)
        for child in el:
            self._walk(child)
            if child.tail:
                parts.append(child.tail)
        self.cell_depth -= cell
        if block:
            parts.append(newline)
        if el is self.mark:
            self._mark_parts = (first, len(parts))


_MAIN_IDS = ("content", "main", "tresc", "main-content")
_MAIN_XPATH = (
    "//article|//main|//*[@role='main']|//*[@itemprop='articleBody']/..|"
    + "//*["
    + " or ".join(f"@id='{i}'" for i in _MAIN_IDS)
    + "]"
)


def _main_rank(el: HtmlElement) -> int:
    """Rank a main-content candidate: article, main, role=main, articleBody parent, #content."""
    if el.tag == "article":
        return 0
    if el.tag == "main":
        return 1
    if el.get("role") == "main":
        return 2
    if el.find("*[@itemprop='articleBody']") is not None:
        return 3
    return 4


def guess_main(root: HtmlElement) -> HtmlElement:
    """Return the element most likely holding the article: article, main, #content, or body."""
    best: tuple[int, HtmlElement] | None = None
    # One XPath pass in document order; priority decides among the hits.
    for el in root.xpath(_MAIN_XPATH):
        rank = _main_rank(el)
        if (best is None or rank < best[0]) and not _excluded_between(el, None):
            best = (rank, el)
            if rank == 0:
                break
    if best is not None:
        return best[1]
    body = root.find("body")
    return body if body is not None else root


def guess_title(root: HtmlElement, main: HtmlElement | None = None) -> HtmlElement | None:
    """Return the article's heading: the first h1 (then h2) in main, else in the page."""
    for scope in (main, root):
        if scope is None:
            continue
        for tag in ("h1", "h2"):
            for el in scope.iter(tag):
                if not _excluded_between(el, scope) and el.text_content().strip():
                    return el
    return None


# ---------------------------------------------------------------------------
# Publication / modification date

_META_PUBLISHED = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article.published",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "published-date",
    "publication_date",
    "citation_publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "created",
    "creation_date",
)
_META_MODIFIED = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
    "modified",
    "revised",
)

_MODIFIED_WORDS = (
    r"data\s+(?:ostatniej\s+)?(?:modyfikacji|aktualizacji|zmiany|edycji)|zaktualizowan[oay]"
    r"|ostatni[aej]*\s+(?:aktualizacj[ai]|modyfikacj[ai]|zmian[ay])|zmodyfikowan[oay]"
    r"|aktualizacja|modyfikacja|edytowan[oay]|zmienion[oy]|last\s+modified|modified|updated"
)
_PUBLISHED_STRONG = (
    r"data\s+(?:publikacji|opublikowania|dodania|wprowadzenia|udost[eę]pnienia|umieszczenia)"
    r"|opublikowan[oay]|dodan[oy]|publikacja|wprowadzon[oy]|udost[eę]pnion[oy]"
    r"|published(?:\s+on)?|posted(?:\s+on)?"
)
_PUBLISHED_WEAK = r"data\s+(?:wytworzenia|utworzenia|wydania)|wytworzon[oy]|utworzon[oy]|data"
_LABEL_RE = re.compile(
    rf"(?<![{_LETTER}])(?:(?P<mod>{_MODIFIED_WORDS})|(?P<strong>{_PUBLISHED_STRONG})"
    rf"|(?P<weak>{_PUBLISHED_WEAK}))(?![{_LETTER}])\s*(?P<colon>:)?",
    re.IGNORECASE,
)
# Every label alternative starts with one of these (lower-case) stems.
_LABEL_STEMS = (
    "dat",
    "opubl",
    "doda",
    "publ",
    "wprow",
    "udost",
    "wytw",
    "utwo",
    "post",
    "zaktu",
    "ostatn",
    "zmod",
    "aktu",
    "modyf",
    "edyt",
    "zmien",
    "last",
    "modif",
    "upda",
)
_LABEL_WINDOW = 80
_LABEL_LINE_MAX = 200
_LONG_LINE = "\x02"
_LABEL_MAX_GAP = 45
_DATE_CLASS_RE = re.compile(r"date|data|time|czas|created|publish|posted|pubdate", re.I)
_NOT_PUBLISHED_CLASS_RE = re.compile(
    r"modif|updat|zmian|aktualizac|edit|event|wydarzen|termin|start|end|deadline", re.I
)
_EVENT_LINE_RE = re.compile(
    r"(?:termin|kiedy|data\s+(?:wydarzenia|szkolenia|spotkania|konferencji|naboru|zakończenia"
    r"|rozpoczęcia)|w\s+dniach?|godzina|miejsce)\s*:?\s*$",
    re.IGNORECASE,
)
# What may surround a date that stands alone: weekday, "dn.", "r.", a time, punctuation.
# A letter's dateline, "Wólka Bagienna, dnia 16.02.2015 r.", dates the notice it heads.
_DATELINE_RE = re.compile(
    r"^\s*[A-ZĄĆĘŁŃÓŚŹŻ][^\d,:;!?]{1,40},\s*(?:dnia|dn\.?)?\s*(?:r\.?|roku)?\s*\.?\s*$"
)
_STANDALONE_FILLER_RE = re.compile(
    r"^(?:\s|[,.;:|()\-–—/]|dn|dnia|r|rok|roku|godz|g|o|w|"
    r"poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|"
    r"pon|wt|śr|czw|pt|sob|nd|niedz|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)*$",
    re.IGNORECASE,
)
_URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$|[^\d])"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.](\d{2})[-_.](\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{2})[-_.](\d{2})[-_.]((?:19|20)\d{2})(?!\d)"),
    re.compile(r"(?<![\d])((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
)
_TEXT_WINDOW = 300
_TITLE_SIBLINGS_BEFORE = 3
_TITLE_SIBLINGS_AFTER = 5


def _meta_date(root: HtmlElement, keys: tuple[str, ...], today: date) -> date | None:
    """Return the date of the most trusted meta key present."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        if not key and meta.get("http-equiv", "").lower() == "last-modified":
            key = "last-modified"
        content = meta.get("content")
        if key and content:
            found.setdefault(key.strip().lower(), content)
    for key in keys:
        if key in found:
            value = parse_iso_date(found[key], today=today)
            if value is not None:
                return value
    return None


def _walk_json(node: object) -> Iterator[dict[str, object]]:
    """Yield every dict in a JSON-LD document, @graph included."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk_json(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_json(item)


def _json_ld_date(root: HtmlElement, key: str, today: date) -> date | None:
    """Return the first parseable JSON-LD value for key (datePublished or dateModified)."""
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or ""):
            continue
        raw = (script.text or "").strip()
        if key not in raw:
            continue
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        for obj in _walk_json(data):
            value = obj.get(key)
            if isinstance(value, str):
                parsed = parse_iso_date(value, today=today)
                if parsed is not None:
                    return parsed
    return None


def _element_date(el: HtmlElement, today: date) -> date | None:
    """Read a date from an element's machine attributes, falling back to its text."""
    for attr in ("datetime", "content", "title"):
        value = el.get(attr)
        if value:
            parsed = parse_iso_date(value, today=today)
            if parsed is not None:
                return parsed
    text = el.text_content()
    return parse_date(text[:200], today=today) if len(text) < 400 else None


def _time_date(scopes: list[HtmlElement], today: date, *, modified: bool) -> date | None:
    """Return a date from <time>/itemprop elements inside the given scopes."""
    wanted = "datemodified" if modified else "datepublished"
    for scope in scopes:
        # XPath runs in C; walking every element in Python would dominate the page budget.
        for el in scope.xpath(".//time|.//*[@itemprop]"):
            itemprop = (el.get("itemprop") or "").lower()
            if itemprop == wanted:
                pass
            elif el.tag == "time" and not itemprop:
                is_modified = bool(_NOT_PUBLISHED_CLASS_RE.search(_attrs(el)))
                if (is_modified or _preceded_by_modified_label(el)) != modified:
                    continue
                if _in_running_text(el):
                    continue
            else:
                continue
            if _excluded_between(el, scope):
                continue
            value = _element_date(el, today)
            if value is not None:
                return value
    return None


def _in_running_text(el: HtmlElement) -> bool:
    """Tell whether a <time> sits inside a body paragraph (an event mention, not a byline)."""
    own = len(el.text_content())
    for ancestor in el.iterancestors("p", "blockquote"):
        return len(ancestor.text_content()) > 3 * own + 40
    return False


def _preceded_by_modified_label(el: HtmlElement) -> bool:
    """Tell whether the text right before el is a modification label."""
    before = el.getprevious()
    parent = el.getparent()
    if before is not None:
        text = before.tail
    else:
        text = parent.text if parent is not None else ""
    if before is not None and not (text or "").strip():
        text = before.text_content()
    tail = (text or "")[-40:]
    labels = _find_labels(tail)
    return bool(labels) and labels[-1].group("mod") is not None


def _find_labels(text: str) -> list[re.Match[str]]:
    """Return label matches in order, trying the regex only where a label stem occurs."""
    low = text.lower()
    if len(low) != len(text):
        return list(_LABEL_RE.finditer(text))
    # str.find runs in C; the alternation regex tried at every offset costs ~100 ns/char.
    positions: set[int] = set()
    for stem in _LABEL_STEMS:
        index = low.find(stem)
        while index >= 0:
            positions.add(index)
            index = low.find(stem, index + 1)
    labels: list[re.Match[str]] = []
    end = -1
    for position in sorted(positions):
        if position < end:
            continue
        match = _LABEL_RE.match(text, position)
        if match:
            labels.append(match)
            end = match.end()
    return labels


def _short_lines(text: str) -> str:
    """Blank out long lines (body paragraphs): bylines and metadata boxes are short."""
    return "\n".join(
        line if len(line) <= _LABEL_LINE_MAX else _LONG_LINE for line in text.split("\n")
    )


def _label_dates(text: str, today: date) -> Iterator[tuple[str, date]]:
    """Yield (kind, date) for each 'label: date' in text; kind is mod, strong or weak."""
    text = _short_lines(text)
    labels = _find_labels(text)
    for index, label in enumerate(labels):
        kind = next(k for k in ("mod", "strong", "weak") if label.group(k))
        if kind == "weak" and label.group(0).strip().lower() == "data" and not label.group("colon"):
            # A bare "data" is an everyday noun; only "Data:" is a label.
            continue
        if not label.group("colon"):
            # Without a colon only a short line is a byline; in a sentence it is narrative.
            line_start = text.rfind("\n", 0, label.start()) + 1
            line_end = text.find("\n", label.end())
            line_end = len(text) if line_end < 0 else line_end
            if line_end - line_start > 80:
                continue
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        window = text[label.end() : min(stop, label.end() + _LABEL_WINDOW)]
        window = window.split(_LONG_LINE, 1)[0]
        found = find_dates(window, today=today)
        if found and found[0][1] <= _LABEL_MAX_GAP:
            yield kind, found[0][0]


def _first_label(text: str, kinds: tuple[str, ...], today: date) -> date | None:
    """Return the first labelled date of one of the given kinds in text."""
    for found_kind, value in _label_dates(text, today):
        if found_kind in kinds:
            return value
    return None


def _near_title(title: HtmlElement, today: date) -> date | None:
    """Return a date from a date-classed element next to the title (same container)."""
    candidates: list[HtmlElement] = [title]
    node = title
    # Four levels: Joomla 1.5 puts the heading and td.createdate in sibling tables.
    for _ in range(4):
        parent = node.getparent()
        if parent is None or _is_excluded(parent) and parent.tag != "header":
            break
        siblings = list(parent)
        position = siblings.index(node)
        after = siblings[position + 1 : position + 1 + _TITLE_SIBLINGS_AFTER]
        before = siblings[max(0, position - _TITLE_SIBLINGS_BEFORE) : position][::-1]
        candidates += after + before
        node = parent
    for candidate in candidates:
        if not isinstance(candidate.tag, str) or _is_excluded(candidate):
            continue
        for el in candidate.xpath("descendant-or-self::*[@class or @id]"):
            if el.tag in _SKIP_TAGS:
                continue
            attrs = _attrs(el)
            if not _DATE_CLASS_RE.search(attrs) or _NOT_PUBLISHED_CLASS_RE.search(attrs):
                continue
            if _excluded_between(el, candidate.getparent()):
                continue
            value = _element_date(el, today)
            if value is not None:
                return value
    return None


def _standalone(linear: _Linear, today: date) -> date | None:
    """Return the first date that is the whole of its own line (DARR's trailing '28.01.2011')."""
    previous = ""
    title_span = linear.mark_span
    offset = 0
    for line in linear.text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        in_title = title_span is not None and title_span[0] <= start < title_span[1]
        if len(stripped) <= 60 and not in_title and _CELL_MARK not in line:
            found = find_dates(stripped, today=today)
            if len(found) == 1:
                value, begin, end = found[0]
                rest = stripped[:begin] + " " + stripped[end:]
                # A date introduced by "Termin:" on the line above is the event, not the post.
                standalone = _STANDALONE_FILLER_RE.match(rest) or _DATELINE_RE.match(rest)
                if standalone and not _EVENT_LINE_RE.search(previous):
                    return value
        previous = stripped
    return None


def _line_before_title(title: HtmlElement, today: date) -> date | None:
    """A date line just above the title ("Bralin, dnia 22.10.2007 r." in letter style)."""
    node = title
    for _ in range(2):
        previous = node.getprevious()
        while previous is not None and not (previous.text_content() or "").strip():
            previous = previous.getprevious()
        if previous is not None:
            line = " ".join((previous.text_content() or "").split())
            found = find_dates(line, today=today) if len(line) <= 80 else []
            if len(found) == 1:
                value, begin, end = found[0]
                rest = line[:begin] + " " + line[end:]
                if _STANDALONE_FILLER_RE.match(rest) or _DATELINE_RE.match(rest):
                    return value
            return None
        node = node.getparent()
        if node is None:
            break
    return None


def _text_date(window: str, today: date) -> date | None:
    """Return the first date in window that is not labelled as an event or modification."""
    for value, start, _end in find_dates(window, today=today):
        line_start = window.rfind("\n", 0, start) + 1
        if _CELL_MARK in window[line_start:start]:
            continue
        before = window[line_start:start]
        if not before.strip():
            # The date opens its line: the label, if any, ends the last non-empty line.
            before = window[:line_start].rstrip().rsplit("\n", 1)[-1]
        labels = list(_LABEL_RE.finditer(before))
        if labels and labels[-1].group("mod"):
            continue
        if _EVENT_LINE_RE.search(before.rstrip()):
            continue
        return value
    return None


def _url_date(url: str, today: date) -> date | None:
    """Return a date written in the URL path (/2015/02/25/, 2015-02-25, 20150225)."""
    path = url.split("?", 1)[0]
    for index, pattern in enumerate(_URL_DATE_RES):
        for m in pattern.finditer(path):
            if index == 2:
                value = _valid(int(m[3]), int(m[2]), int(m[1]), today)
            else:
                value = _valid(int(m[1]), int(m[2]), int(m[3]), today)
            if value is not None:
                return value
    return None


def _scopes(root: HtmlElement, main: HtmlElement | None) -> list[HtmlElement]:
    """Return the search scopes, main first, then the whole page."""
    return [main, root] if main is not None and main is not root else [root]


def find_published(
    root: HtmlElement,
    url: str,
    *,
    title: HtmlElement | None = None,
    main: HtmlElement | None = None,
    today: date | None = None,
) -> tuple[date, str] | None:
    """Return (publication date, provenance) of a news page, or None when nothing is credible."""
    today = today or date.today()
    value = _meta_date(root, _META_PUBLISHED, today)
    if value is not None:
        return value, "meta"
    value = _json_ld_date(root, "datePublished", today)
    if value is not None:
        return value, "json-ld"

    main = main if main is not None else guess_main(root)
    title = title if title is not None else guess_title(root, main)
    time_scopes = [main]
    if title is not None and title.getparent() is not None:
        parent = title.getparent()
        grand = parent.getparent()
        time_scopes.append(grand if grand is not None else parent)
    value = _time_date(time_scopes, today, modified=False)
    if value is not None:
        return value, "time"

    main_text = _Linear(main, mark=title)
    value = _first_label(main_text.text, ("strong",), today)
    if value is None and main is not root:
        # Metadata boxes (BIP "metryczka") often sit outside the article container.
        value = _first_label(_Linear(root, skip=main).text, ("strong",), today)
    if value is None:
        # A bare "Data:" is trusted inside the article only; page headers print today's date.
        value = _first_label(main_text.text, ("weak",), today)
    if value is not None:
        return value, "label"

    if title is not None:
        value = _near_title(title, today)
        if value is not None:
            return value, "near-title"

    value = _standalone(main_text, today)
    if value is not None:
        return value, "standalone"

    if title is not None:
        value = _line_before_title(title, today)
        if value is not None:
            return value, "standalone"

    if main_text.mark_span is not None:
        # Title inside main: the text after it; the title itself may quote the event date.
        windows = [main_text.text[main_text.mark_span[1] :]]
    else:
        windows = [main_text.text.lstrip()]
        if title is not None:
            windows.append(_text_after(title))
    for window in windows:
        value = _text_date(window[:_TEXT_WINDOW], today)
        if value is not None:
            return value, "text"

    value = _url_date(url, today)
    if value is not None:
        return value, "url"
    return None


def _text_after(title: HtmlElement) -> str:
    """Return the text that follows the title element in its container."""
    parts = [title.tail or ""]
    for sibling in title.itersiblings():
        if _is_excluded(sibling):
            continue
        parts.append(sibling.text_content())
        parts.append(sibling.tail or "")
        if sum(len(p) for p in parts) > _TEXT_WINDOW:
            break
    return "\n".join(parts)


def find_modified(
    root: HtmlElement,
    url: str,
    *,
    title: HtmlElement | None = None,
    main: HtmlElement | None = None,
    today: date | None = None,
) -> tuple[date, str] | None:
    """Return (last-modified date, provenance) shown by a page, or None."""
    today = today or date.today()
    value = _meta_date(root, _META_MODIFIED, today)
    if value is not None:
        return value, "meta"
    value = _json_ld_date(root, "dateModified", today)
    if value is not None:
        return value, "json-ld"
    main = main if main is not None else guess_main(root)
    value = _time_date(_scopes(root, main), today, modified=True)
    if value is not None:
        return value, "time"
    value = _first_label(_Linear(main).text, ("mod",), today)
    if value is None and main is not root:
        value = _first_label(_Linear(root, skip=main).text, ("mod",), today)
    if value is not None:
        return value, "label"
    return None
