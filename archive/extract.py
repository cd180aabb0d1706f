"""Article extraction in small stages: decode → parse → clean → locate title and body → metadata."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from archive import selectors as S
from archive.contact import Contact, extract_contact
from archive.content import (
    combine_bodies,
    drop_quote_headers,
    find_thread,
    json_ld_body,
    thread_is_main,
    trafilatura_text,
)
from archive.dates import find_modified, find_published, parse_date
from archive.encoding import decode_html
from archive.mentions import find_mentions

HtmlElement = lxml.html.HtmlElement

BLOCK_TAGS = frozenset(
    "p div td th tr li ul ol dl dt dd table tbody thead tfoot h1 h2 h3 h4 h5 h6 section article "
    "main header footer aside address blockquote pre figure figcaption hr center form fieldset "
    "caption details summary".split()
)
HEADING_TAGS = ("h1", "h2", "h3", "h4")
TITLE_SEPARATORS_RE = re.compile(r"\s+[|–—:»«/\\•·-]+\s+|\s*\|\s*|\s+::\s+")
DATE_ONLY_RE = re.compile(
    r"^\s*(?:data\s*(?:publikacji|dodania)?\s*:?|dodano\s*:?|opublikowano\s*:?|dn\.|dnia)?\s*"
    r"(?:[a-ząćęłńóśźż]+,?\s+)?[\d.\-/ ]{0,12}[a-ząćęłńóśźż]*[\d.\-/ ]{0,12}\s*r?\.?\s*"
    r"(?:,?\s*(?:godz\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?\s*$",
    re.I,
)


@dataclass(frozen=True)
class ListingHints:
    """What the listing page said about an article: its link text and the date beside it."""

    title: str | None = None
    published: str | None = None  # ISO date


@dataclass
class Article:
    """What extraction found on one page."""

    url: str
    title: str | None = None
    published: str | None = None
    published_source: str | None = None
    modified: str | None = None
    lead: str | None = None
    body: str = ""
    body_source: str = ""  # selector, kronika, trafilatura, trafilatura+kronika, thread, json-ld
    attachments: list[dict[str, Any]] = field(default_factory=list)
    encoding: str = "utf-8"
    is_article: bool = False
    reason: str = ""

    def as_record(self) -> dict[str, Any]:
        """Fields stored in the `articles` table."""
        record = asdict(self)
        for key in ("is_article", "reason"):
            record.pop(key)
        return record


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    return " ".join(text.split())  # str.split() also splits on non-breaking spaces


def _key(text: str) -> str:
    """Comparison key for titles: lowercase, no punctuation or diacritics differences."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", " ", text).strip()


# ---------------------------------------------------------------- stage 1: decode and parse


def _html_parser() -> lxml.html.HTMLParser:
    """lxml's HTML parser with every element an HtmlElement, looked up in C.

    lxml.html's own lookup runs a Python function for each element proxy (forms, inputs and
    labels get classes of their own); it was a tenth of the extraction time and we use none
    of those classes.
    """
    parser = lxml.html.HTMLParser()
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


_HTML_PARSER = _html_parser()


def parse_document(html: bytes | str, header_charset: str | None = None) -> tuple[HtmlElement, str]:
    """Decode raw bytes (any Polish encoding) and parse them into an lxml tree."""
    if isinstance(html, bytes):
        text, encoding = decode_html(html, header_charset)
    else:
        text, encoding = html, "unicode"
    # lxml refuses str input that still carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    text = text.replace("\x00", "")
    if not text.strip():
        text = "<html><body></body></html>"
    try:
        root = lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html><body></body></html>", parser=_HTML_PARSER)
    return root, encoding


# ---------------------------------------------------------------- stage 2: clean


def _class_tokens(el: HtmlElement) -> set[str]:
    attrs = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
    return {t for t in re.split(r"[\s_\-]+", attrs.lower()) if t}


def is_chrome(el: HtmlElement) -> bool:
    """Whether an element is page chrome (navigation, footer, sidebar, cookie bar...)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in S.CHROME_TAGS:
        return True
    if not el.attrib:  # most elements carry no attribute at all: nothing more to test
        return False
    if el.get("aria-hidden") == "true" or "display:none" in el.get("style", "").replace(" ", ""):
        return True
    role = el.get("role", "")
    if role in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    tokens = _class_tokens(el)
    if tokens & S.CHROME_TOKENS or any(t.startswith(S.CHROME_PREFIXES) for t in tokens):
        return True
    return bool(S.CHROME_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}"))


def chrome_elements(
    body: HtmlElement, memo: dict[HtmlElement, bool] | None = None
) -> set[HtmlElement]:
    """Every element that is chrome or sits inside chrome (one pass, parents first).

    `memo`, when given, receives each is_chrome verdict, so `drop_chrome` need not test
    the same elements again.
    """
    inside: set[HtmlElement] = set()
    articles: set[HtmlElement] = set()
    for el in body.iter():
        # <body class="right-sidebar"> describes the layout, not the body as chrome.
        if not isinstance(el.tag, str) or el is body:
            continue
        parent = el.getparent()
        if parent in articles or el.tag in ("article", "main"):
            articles.add(el)
        if parent in inside:
            inside.add(el)
            continue
        verdict = is_chrome(el)
        if memo is not None:
            memo[el] = verdict
        if verdict or el.tag == "header" and parent not in articles:
            inside.add(el)
    return inside


def _in_article(el: HtmlElement) -> bool:
    return any(a.tag in ("article", "main") for a in el.iterancestors())


def drop_noise(root: HtmlElement) -> None:
    """Remove scripts, styles, forms and comments; JSON-LD stays for date detection."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for br in root.iter("br"):
        # text_content() glues "Tytuł<br>ciąg dalszy" into one word; a space keeps them apart.
        br.tail = " " + (br.tail or "")
    for el in list(root.iter("a")):
        # "javascript:history.back()" and print links are interface, never content.
        if (el.get("href") or "").strip().lower().startswith("javascript:"):
            _drop(el)
    for el in list(root.iter(*S.DROP_TAGS)):
        if el.tag == "script" and "ld+json" in el.get("type", ""):
            continue
        if el.tag == "form" and len(el.text_content()) > 2000:
            # ASP.NET pages wrap the whole page in one form: keep its content.
            el.drop_tag()
            continue
        _drop(el)


def drop_layout_tags(root: HtmlElement, keep: list[HtmlElement] | None = None) -> None:
    """Remove <nav>, <aside>, <footer> and <menu> elements, never an ancestor of `keep`."""
    protected = {a for el in keep or [] for a in (el, *el.iterancestors())}
    for el in list(root.iter(*S.CHROME_TAGS)):
        if el not in protected:
            _drop(el)


def drop_chrome(
    root: HtmlElement,
    keep: list[HtmlElement] | None = None,
    memo: dict[HtmlElement, bool] | None = None,
) -> None:
    """Remove navigation, sidebars, footers and similar chrome, never an ancestor of `keep`.

    `memo` holds is_chrome verdicts already reached (by title_candidates) for this tree.
    """
    protected: set[HtmlElement] = set()
    for el in keep or []:
        protected.add(el)
        protected.update(el.iterancestors())
    body = root.find("body")
    if body is None:
        return
    body_chars = len(body.text_content())
    # Walk top-down and do not descend into what was dropped: its descendants are gone too.
    stack = list(reversed(body))
    while stack:
        el = stack.pop()
        if isinstance(el.tag, str) and el not in protected and el.tag not in ("main", "article"):
            header = el.tag == "header" and not _in_article(el)
            flagged = memo[el] if memo is not None and el in memo else is_chrome(el)
            if header or flagged and not _holds_main_text(el, body_chars):
                _drop(el)
                continue
        stack.extend(reversed(el))


def _holds_main_text(el: HtmlElement, body_chars: int) -> bool:
    """Whether a chrome-classed element is really the page text (class="content hidden-print")."""
    if el.tag in S.CHROME_TAGS or el.get("role") in ("navigation", "contentinfo"):
        return False
    chars = len(el.text_content())
    return chars > 0.5 * body_chars and chars > 500 and _link_density(el) < 0.25


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in the tree."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# ---------------------------------------------------------------- stage 3: title


def _meta(root: HtmlElement, *names: str) -> str | None:
    for name in names:
        for el in root.iterfind(".//meta"):
            if (el.get("property") or el.get("name") or el.get("itemprop") or "").lower() == name:
                content = normalize_space(el.get("content") or "")
                if content:
                    return content
    return None


def title_references(root: HtmlElement) -> tuple[list[str], str | None]:
    """Candidate title strings from <title> and meta tags, and the site name if declared."""
    site_name = _meta(root, "og:site_name", "application-name")
    refs: list[str] = []
    for value in (_meta(root, "og:title", "twitter:title", "headline", "dc.title"),):
        if value:
            refs.append(value)
    title_el = root.find(".//title")
    if title_el is not None:
        full = normalize_space(title_el.text_content())
        if full:
            refs.append(full)
            refs.extend(title_segments(full))
    return refs, site_name


def title_segments(full: str) -> list[str]:
    """Every run of consecutive parts of a <title> split at separators ("A – B | Site")."""
    pieces = TITLE_SEPARATORS_RE.split(full)
    seps = TITLE_SEPARATORS_RE.findall(full)
    if len(pieces) > 8:  # a title with many separators is not "title + site name"
        return []
    segments = []
    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces) + 1):
            text = pieces[i]
            for k in range(i + 1, j):
                text += seps[k - 1] + pieces[k]
            if len(text) > 3 and (i, j) != (0, len(pieces)):
                segments.append(text.strip())
    return segments


TitleCandidate = tuple[int, HtmlElement, str]


def fallback_title(root: HtmlElement, site_key: str | None) -> str | None:
    """A title from metadata when no heading qualifies: og:title, else <title> minus the site."""
    og = _meta(root, "og:title", "twitter:title")
    if og and _key(og) != site_key:
        return og
    title_el = root.find(".//title")
    full = normalize_space(title_el.text_content()) if title_el is not None else ""
    if not full:
        return None
    pieces = TITLE_SEPARATORS_RE.split(full)
    if site_key and len(pieces) > 1:
        if _key(pieces[-1]) == site_key:
            return full[: full.rfind(pieces[-1])].rstrip(" |–—-:»/").strip() or full
        if _key(pieces[0]) == site_key:
            return full[len(pieces[0]) :].lstrip(" |–—-:»/").strip() or full
    return full


def title_candidates(
    root: HtmlElement,
    selector: str | None = None,
    hint: str | None = None,
    memo: dict[HtmlElement, bool] | None = None,
) -> tuple[list[TitleCandidate], str | None]:
    """Headings that may be the article's title, ranked (lower is better), and a fallback text.

    `memo`, when given, receives is_chrome verdicts for drop_chrome to reuse.
    """
    refs, site_name = title_references(root)
    site_key = _key(site_name) if site_name else None
    fallback = fallback_title(root, site_key)
    body = root.find("body")
    found: list[TitleCandidate] = []
    if selector:
        for el in root.cssselect(selector):
            text = normalize_space(el.text_content())
            if text:
                found.append((0, el, text))
    if body is None:
        return found, fallback
    ref_keys = {_key(r) for r in refs if r}
    full_title = _key(refs[-1]) if refs else ""
    # The listing's link text names the article: a heading equal to it (or to its
    # untruncated form, when the listing cut it with "...") is the title.
    hint_key = _key(hint.rstrip(".… ")) if hint and len(hint) >= 8 else None

    in_chrome = chrome_elements(body, memo)
    menu = first_menu(body)
    past_menu = menu is None
    menu_nodes = set(menu.iter()) if menu is not None else set()

    def usable(el: HtmlElement) -> str | None:
        if el in in_chrome:
            return None
        raw = el.text_content()
        if len(raw) < 3 or len(raw) > 3000:  # a title's 300 characters, however indented
            return None
        text = normalize_space(raw)
        if not (3 <= len(text) <= 300):
            return None
        if site_key and _key(text) == site_key:
            return None
        if S.MENU_TEXT_RE.match(text) and el.tag != "h1":
            return None
        return text

    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el is menu:
            past_menu = True
        heading = el.tag in HEADING_TAGS or (
            el.tag in ("td", "div", "span", "p", "strong", "b", "a")
            and S.TITLE_CLASS_RE.search(el.get("class", "") + " " + el.get("id", ""))
        )
        # A bold line or cell can be a title on old pages; a large container cannot.
        styled = el.tag in ("b", "strong", "font", "span", "div", "td", "p") and len(el) <= 4
        if not heading and not styled:
            continue
        text = usable(el)
        if not text:
            continue
        key = _key(text)
        # A heading above the site's menu is its masthead (the site's name, however well it
        # matches a <title> that only names the site): it ranks below every later heading.
        masthead = 0 if past_menu and el not in menu_nodes else 10
        if hint_key and (key == hint_key or len(hint_key) >= 20 and key.startswith(hint_key)):
            found.append((1 if heading else 2, el, text))
        elif key in ref_keys:
            # A heading (or a bold line on old pages) equal to <title> or one of its parts.
            found.append(((2 if heading else 4) + masthead, el, text))
        elif heading and len(text) >= 12 and key in full_title:
            found.append((3 + masthead, el, text))
        elif heading and (el.tag == "h1" or not S.NON_ARTICLE_TITLE_RE.match(text)):
            rank = {"h1": 5, "h2": 6, "h3": 6}.get(el.tag, 7)
            found.append((rank + masthead, el, text))
        elif not masthead and el.tag in ("p", "div", "td", "center") and is_bold_line(el, text):
            # Old pages set the title as a bold paragraph: <P><B><FONT SIZE=4>Tytuł</FONT></B>.
            found.append((6, el, text))
    return found, fallback


def first_menu(body: HtmlElement) -> HtmlElement | None:
    """The first element holding three or more menu links (Strona główna, O nas, Kontakt...)."""
    counts: dict[HtmlElement, int] = {}
    for a in body.iter("a"):
        if S.MENU_TEXT_RE.match(normalize_space(a.text_content())):
            for ancestor in a.iterancestors():
                counts[ancestor] = counts.get(ancestor, 0) + 1
                if ancestor is body:
                    break
    for el in body.iter("p", "div", "ul", "td", "nav", "table", "center", "span"):
        # The innermost such element: a layout table around the whole page is not the menu.
        if counts.get(el, 0) >= 3 and not any(counts.get(child, 0) >= 3 for child in el):
            return el
    return None


def is_bold_line(el: HtmlElement, text: str) -> bool:
    """Whether an element's whole text is one bold line, as a title, not a sentence."""
    if not 10 <= len(text) <= 200 or text.endswith((":", ";", ",")):
        return False
    if text.endswith(".") and not re.search(r"\d\s*r\.$", text):
        # A sentence (a bold lead), unless the full stop abbreviates "rok": "… 2007 r."
        return False
    if el.find(".//a") is not None:
        return False
    for bold in el.iter("b", "strong"):
        if normalize_space(bold.text_content()) == text:
            return True
    return False


def choose_title(
    candidates: list[TitleCandidate], fallback: str | None, main: HtmlElement | None
) -> tuple[HtmlElement | None, str | None]:
    """The best-ranked candidate; among equals the one nearest before (or inside) the main text."""
    alive = [c for c in candidates if c[1].getroottree().getroot() is not None and _attached(c[1])]
    if not alive:
        return None, fallback
    best_rank = min(rank for rank, _, _ in alive)
    best = [c for c in alive if c[0] == best_rank]
    if main is None or len(best) == 1:
        return best[0][1], best[0][2]
    order = {el: i for i, el in enumerate(main.getroottree().getroot().iter())}
    # Measure from where the text starts: the first block inside main with a real sentence.
    start_el = next(
        (el for el in main.iter() if isinstance(el.tag, str) and len(_own_text(el)) >= 80), main
    )
    start = order.get(start_el, 0)

    def distance(candidate: TitleCandidate) -> int:
        index = order.get(candidate[1], 0)
        if index > start and start_el in candidate[1].iterancestors():
            return 0  # a bold line opening the text block itself (<font><b>Tytuł</b><br>…)
        return start - index if index <= start else 100_000 + index - start

    chosen = min(best, key=distance)
    return chosen[1], chosen[2]


def _attached(el: HtmlElement) -> bool:
    """Whether an element is still in its document (not dropped with its ancestor)."""
    return any(a.tag == "html" for a in el.iterancestors()) or el.tag == "html"


# ---------------------------------------------------------------- stage 4: main content


def _own_text(el: HtmlElement, skip: frozenset[str] = frozenset()) -> str:
    """Text of an element without the text of its block-level children (nor of `skip` tags)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS and child.tag not in skip:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return normalize_space(" ".join(parts))


# Containers scored for text written straight into them; a <font> inside a cell is scored on its
# own, so the cell must not count the same words again.
SCORED_CONTAINERS = frozenset({"div", "td", "section", "font"})


def _link_density(el: HtmlElement) -> float:
    text_len = len(normalize_space(el.text_content())) or 1
    link_len = sum(len(normalize_space(a.text_content())) for a in el.iter("a"))
    return min(1.0, link_len / text_len)


def locate_main(root: HtmlElement, selector: str | None = None) -> HtmlElement | None:
    """Find the element holding the article text (readability-style paragraph scoring)."""
    if selector:
        found = root.cssselect(selector)
        if found:
            return found[0]
    for css in S.BODY_SELECTORS:
        for el in root.cssselect(css):
            if len(normalize_space(el.text_content())) >= 80:
                return el
    body = root.find("body")
    if body is None:
        return None
    scores: dict[HtmlElement, float] = {}
    for el in body.iter("p", "td", "pre", "blockquote", "div", "li", "dd", "section", "font"):
        container = el.tag in SCORED_CONTAINERS
        text = _own_text(el, skip=SCORED_CONTAINERS if container else frozenset())
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + min(len(text) / 100, 3)
        parent = el.getparent()
        if container:
            # Text written straight into a container: the container itself is a candidate.
            scores[el] = scores.get(el, 0) + score
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + score
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + score / 2
    if not scores:
        return body
    best = max(scores, key=lambda e: scores[e] * (1 - _link_density(e)))
    return best


def common_scope(title_el: HtmlElement | None, main: HtmlElement | None) -> HtmlElement | None:
    """The smallest element holding both the title and the main text."""
    if title_el is None or main is None:
        return main
    ancestors = [main, *main.iterancestors()]
    title_chain = {title_el, *title_el.iterancestors()}
    for el in ancestors:
        if el in title_chain:
            return el
    return main


# ---------------------------------------------------------------- stage 5: text


def element_text(el: HtmlElement, start_after: HtmlElement | None = None) -> str:
    """Plain text of an element with paragraphs separated by blank lines.

    With `start_after` (the title inside the main element), text before it is skipped: on
    pages whose main element is the whole body, that is the masthead.
    """
    out: list[str] = []
    skipping = [start_after is not None]

    def walk(node: HtmlElement) -> None:
        if skipping[0]:
            if node is start_after:
                skipping[0] = False
                out.append("\n\n" + (node.tail or ""))
                return
            for child in node:
                walk(child)
            return
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style"):
            out.append(node.tail or "")
            return
        block = tag in BLOCK_TAGS
        if tag == "br":
            out.append("\n")
        elif block:
            out.append("\n\n" if tag not in ("li", "tr", "dt", "dd") else "\n")
        out.append(node.text or "")
        for child in node:
            walk(child)
        if block:
            out.append("\n\n" if tag not in ("li", "tr", "dt", "dd", "td", "th") else "\n")
        out.append(node.tail or "")

    walk(el)
    text = "".join(out).replace("\xa0", " ").replace("\r", "")
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in chunk.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _is_date_line(line: str) -> bool:
    return len(line) <= 60 and bool(DATE_ONLY_RE.match(line)) and parse_date(line) is not None


def is_boilerplate_line(line: str) -> bool:
    """Whether a line is interface text only ("Drukuj", "« powrót | drukuj", "A A A")."""
    if S.BOILERPLATE_LINE_RE.match(line):
        return True
    parts = re.split(r"\s*[|•·]\s*", line)
    words = [p for p in parts if p.strip()]
    return len(parts) > 1 and bool(words) and all(S.BOILERPLATE_LINE_RE.match(p) for p in words)


def trim_interface_tail(line: str) -> str:
    """Cut interface text glued after a sentence: "… w siedzibie. « wróć | wersja do druku".

    trafilatura gives a table cell or a paragraph with its trailing links as one line.
    """
    if line.startswith("|"):
        return line  # a table row keeps its frame: combine_bodies reads it
    for match in re.finditer(r"(?<=[.!?…])\s+", line):
        rest = line[match.end() :]
        if re.search(r"\w", rest) and is_boilerplate_line(rest):
            return line[: match.start()]
    return line


def trim_footer(paragraphs: list[str]) -> list[str]:
    """Drop a contact footer (address, phones, NIP, hours) left at the end of the body."""
    lines = [(i, line) for i, p in enumerate(paragraphs) for line in p.split("\n")]
    cut = len(lines)
    while cut and S.FOOTER_LINE_RE.match(lines[cut - 1][1]) and len(lines[cut - 1][1]) < 160:
        cut -= 1
    if cut == len(lines):
        return paragraphs
    while cut and len(lines[cut - 1][1]) < 100 and not lines[cut - 1][1].endswith((".", "!", "?")):
        # The institution's name heads the block: "Gminny Ośrodek Pomocy Społecznej w ...".
        if not S.INSTITUTION_LINE_RE.search(lines[cut - 1][1]):
            break
        cut -= 1
    kept: dict[int, list[str]] = {}
    for index, line in lines[:cut]:
        kept.setdefault(index, []).append(line)
    return ["\n".join(kept[i]) for i in sorted(kept)]


def clean_body(text: str, title: str | None, attachment_titles: set[str]) -> str:
    """Drop interface lines, metadata labels, standalone dates and the title from body text."""
    title_key = _key(title) if title else None
    kept: list[str] = []
    for paragraph in text.split("\n\n"):
        lines = []
        for line in paragraph.split("\n"):
            stripped = trim_interface_tail(line.strip())
            if not stripped:
                continue
            if is_boilerplate_line(stripped) or S.BREADCRUMB_RE.match(stripped):
                continue
            if len(stripped) < 120 and S.THREAD_LINE_RE.match(stripped):
                continue
            if len(stripped) < 120 and S.META_LINE_RE.match(stripped):
                continue
            if _is_date_line(stripped):
                continue
            # Keys cost a Unicode normalization: only lines short enough to be a title get one.
            if (title_key or attachment_titles) and len(stripped) <= 400:
                key = _key(stripped)
                if key == title_key or key in attachment_titles:
                    continue
            if len(stripped) < 400 and S.COOKIE_RE.search(stripped):
                continue
            lines.append(stripped)
        if lines:
            kept.append("\n".join(lines))
    return "\n\n".join(trim_footer(kept))


# ---------------------------------------------------------------- stage 6: metadata


@lru_cache(maxsize=16384)  # a listing's links are tested here more than once
def _extension(url: str) -> str:
    path = unquote(urlsplit(url).path).lower()
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def is_contact_url(url: str) -> bool:
    """Whether a URL names a contact page."""
    return bool(re.search(r"kontakt|contact", unquote(urlsplit(url).path), re.I))


def is_attachment_url(url: str) -> bool:
    """Whether a link points to a document rather than a page."""
    return _extension(url) in S.ATTACHMENT_EXTENSIONS


def _scope_links(scope: HtmlElement) -> list[HtmlElement]:
    """Links of the article and of the blocks that follow it (a "Załączniki" box)."""
    links = list(scope.iter("a"))
    for sibling in scope.itersiblings():
        if isinstance(sibling.tag, str):
            links.extend(sibling.iter("a"))
    return links


def find_attachments(scope: HtmlElement | None, base_url: str) -> list[dict[str, Any]]:
    """Document links (PDF, DOC, ...) inside the article, with title and type."""
    if scope is None:
        return []
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in _scope_links(scope):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        ext = _extension(url)
        text = normalize_space(a.text_content())
        if ext not in S.DOCUMENT_EXTENSIONS:
            hint = re.search(r"\b(pdf|docx?|odt|xlsx?|rtf)\b", text.lower())
            if not (hint and re.search(r"download|pobierz|plik|file|attachment", url, re.I)):
                continue
            ext = hint.group(1)
        if url in seen:
            continue
        seen.add(url)
        size = None
        context = normalize_space((a.tail or "") + " " + text)
        match = re.search(r"(\d+(?:[.,]\d+)?)\s*(kB|KB|MB|mb|kb|B)\b", context)
        if match:
            size = f"{match.group(1)} {match.group(2)}"
        title = text or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        found.append({"url": url, "title": title, "type": ext, "size": size})
    return found


ATTACHMENT_NOTE_RE = re.compile(
    r"^[\s(\[,;:–-]*(?:(?:pdf|docx?|odt|rtf|xlsx?|ods|pptx?|zip|plik|rozmiar|format)\b[\s,:.]*)*"
    r"(?:\d+(?:[.,]\d+)?\s*(?:[kmg]i?b|bajt\w*))?[\s)\],;.–-]*$",
    re.I,
)


def drop_attachment_lines(main: HtmlElement, urls: set[str], base_url: str) -> None:
    """Remove list items and lines that only hold an attachment link and its size."""
    for a in list(main.iter("a")):
        href = (a.get("href") or "").strip()
        if not href or urljoin(base_url, href).split("#", 1)[0] not in urls:
            continue
        line = a.getparent()
        if line is None:
            continue
        rest = normalize_space(line.text_content()).replace(normalize_space(a.text_content()), "")
        if line.tag in ("li", "p", "div", "td", "span", "dd") and ATTACHMENT_NOTE_RE.match(rest):
            if line is not main:
                _drop(line)
                continue
        if ATTACHMENT_NOTE_RE.match(normalize_space(a.tail or "")):
            a.tail = None
            _drop(a)


def find_lead(scope: HtmlElement | None, body: str) -> str | None:
    """The article's lead: a marked intro element, else the first paragraph if it is short."""
    if scope is not None:
        for el in scope.iter():
            if isinstance(el.tag, str) and S.LEAD_CLASS_RE.search(
                f"{el.get('class', '')} {el.get('id', '')}"
            ):
                text = normalize_space(el.text_content())
                if 20 <= len(text) <= 800:
                    return text
    if not body:
        return None
    first = body.split("\n\n", 1)[0].replace("\n", " ")
    if len(first) <= 600:
        return first
    sentences = re.split(r"(?<=[.!?])\s+", first)
    lead = ""
    for sentence in sentences:
        if len(lead) + len(sentence) > 400:
            break
        lead = f"{lead} {sentence}".strip()
    return lead or first[:400]


def listing_signals(scope: HtmlElement | None, base_url: str) -> tuple[int, float]:
    """Count distinct title-like internal links and their share of the scope's text."""
    if scope is None:
        return 0, 0.0
    host = urlsplit(base_url).netloc
    urls: set[str] = set()
    link_chars = 0
    for a in scope.iter("a"):
        text = normalize_space(a.text_content())
        href = a.get("href") or ""
        url = urljoin(base_url, href).split("#", 1)[0]
        if len(text) < 20 or urlsplit(url).netloc != host or is_attachment_url(url):
            continue
        if url.rstrip("/") == base_url.split("#", 1)[0].rstrip("/"):
            continue
        urls.add(url)
        link_chars += len(text)
    total = len(normalize_space(scope.text_content())) or 1
    return len(urls), link_chars / total


# ---------------------------------------------------------------- the whole pipeline


def extract_article(
    html: bytes | str,
    url: str,
    *,
    header_charset: str | None = None,
    selectors: dict[str, str] | None = None,
    today: date | None = None,
    root: HtmlElement | None = None,
    encoding: str | None = None,
    hints: ListingHints | None = None,
    use_trafilatura: bool = True,
) -> Article:
    """Turn one page into an article record and say whether it is an article at all.

    `use_trafilatura=False` keeps to our own block and thread reader (faster, weaker on
    news layouts; bench/extraction.py measures both).
    """
    selectors = selectors or {}
    hints = hints or ListingHints()
    if root is None:
        root, encoding = parse_document(html, header_charset)
    drop_noise(root)
    # Threads are found before chrome goes: "comment" classes are chrome on news pages.
    messages, posts = ([], set()) if selectors.get("body") else find_thread(root)
    memo: dict[HtmlElement, bool] = {}
    candidates, fallback = title_candidates(
        root, selectors.get("title"), hint=hints.title, memo=memo
    )
    # Menus matter to the title rules above; from here on <nav>, <aside>, <footer> and <menu>
    # are only chrome, and trafilatura would drop them too: it reads a smaller tree (measured
    # 10.5 -> 8.2 ms/page, same text) without scripts, styles and comments (F1 0.975 -> 0.978
    # on aeb-dev), but before our chrome rules prune it.
    drop_layout_tags(root, keep=[el for _, el, _ in candidates])
    theirs = "" if selectors.get("body") or not use_trafilatura else trafilatura_text(root, url)
    drop_chrome(root, keep=[el for _, el, _ in candidates], memo=memo)
    main = locate_main(root, selectors.get("body"))
    title_el, title = choose_title(candidates, fallback, main)
    scope = common_scope(title_el, main)
    published = None
    if selectors.get("date"):
        for el in root.cssselect(selectors["date"]):
            parsed = parse_date(el.text_content(), today=today)
            if parsed:
                published = (parsed, "selector")
                break
    if published is None:
        published = find_published(root, url, title=title_el, main=main, today=today)
    if hints.published and (published is None or published[1] in ("text", "url")):
        # The date printed beside the link on the listing beats a date guessed from the text.
        published = (date.fromisoformat(hints.published), "listing")
    modified = find_modified(root, url, title=title_el, main=main, today=today)
    attachments = find_attachments(scope, url)
    attachment_titles = {_key(a["title"]) for a in attachments if a["title"]}
    if main is not None:
        drop_attachment_lines(main, {a["url"] for a in attachments}, url)
    inside = title_el is not None and main is not None and main in title_el.iterancestors()
    text = element_text(main, start_after=title_el if inside else None) if main is not None else ""
    body = clean_body(text, title, attachment_titles)
    body_source = "selector" if selectors.get("body") else "kronika"
    if thread_is_main(messages, posts, main, theirs):
        # A discussion thread: every post's message, without authors, dates and post numbers.
        drop_quote_headers(messages)
        thread = "\n\n".join(element_text(m) for m in messages)
        body, body_source = clean_body(thread, title, attachment_titles), "thread"
    elif theirs:
        body, body_source = combine_bodies(clean_body(theirs, title, attachment_titles), body)
    if not body and not selectors.get("body"):
        # Both extractors came back empty (text drawn by scripts): the structured data's copy.
        structured = json_ld_body(root)
        if structured:
            body, body_source = clean_body(structured, title, attachment_titles), "json-ld"
    lead = find_lead(scope, body)

    article = Article(
        url=url,
        title=title,
        published=published[0].isoformat() if published else None,
        published_source=published[1] if published else None,
        modified=modified[0].isoformat() if modified else None,
        lead=lead,
        body=body,
        body_source=body_source,
        attachments=attachments,
        encoding=encoding or "unicode",
    )
    article.is_article, article.reason = classify(article, main, url)
    return article


def classify(article: Article, main: HtmlElement | None, url: str) -> tuple[bool, str]:
    """Decide whether a page is an article rather than a listing, contact or menu page."""
    if not article.title:
        return False, "no title"
    if S.NON_ARTICLE_TITLE_RE.match(article.title):
        return False, f"title {article.title!r} names a non-article page"
    if S.NON_ARTICLE_PATH_RE.search(urlsplit(url).path):
        return False, "URL of a taxonomy, contact or utility page"
    if len(article.body) < 80:
        return False, "too little text"
    # Measured on the text block alone: a related-articles box beside it is not a listing.
    links, share = listing_signals(main, url)
    if links >= 3 and share > 0.5 or links >= 4 and share > 0.3 or links >= 8 and share > 0.15:
        return False, f"listing page ({links} article-like links)"
    return True, ""


def extract_page(
    html: bytes | str,
    url: str,
    *,
    header_charset: str | None = None,
    selectors: dict[str, str] | None = None,
    today: date | None = None,
    contact: bool = True,
) -> tuple[Article, Contact]:
    """Extract the article and (unless `contact` is False) the publisher's contact block."""
    root, encoding = parse_document(html, header_charset)
    found = Contact()
    if contact:
        found = extract_contact(root, url, contact_page=is_contact_url(url))
    article = extract_article(
        html, url, selectors=selectors, today=today, root=root, encoding=encoding
    )
    return article, found


def extract_record(
    html: bytes | str,
    url: str,
    *,
    header_charset: str | None = None,
    selectors: dict[str, str] | None = None,
    today: date | None = None,
    contact: bool = True,
    mentions: bool = True,
) -> dict[str, Any]:
    """The JSON record `kronika extract` prints for one page."""
    article, found = extract_page(
        html, url, header_charset=header_charset, selectors=selectors, today=today, contact=contact
    )
    record = {
        "url": url,
        "title": article.title,
        "published": article.published,
        "published_source": article.published_source,
        "modified": article.modified,
        "body": article.body,
        "body_source": article.body_source,
        "lead": article.lead,
        "attachments": article.attachments,
        "is_article": article.is_article,
        "reason": article.reason,
        "encoding": article.encoding,
    }
    if mentions:
        record["mentions"] = [m.as_record() for m in find_mentions(article.body)]
    if contact:
        record["contact"] = found.as_record()
    return record
