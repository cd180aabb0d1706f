"""Reading a news listing: which links are articles, which are further listing pages, feeds."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit, urlunsplit

import lxml.html

from archive import selectors as S
from archive.dates import find_dates
from archive.extract import (
    drop_chrome,
    drop_noise,
    is_attachment_url,
    is_chrome,
    normalize_space,
)

HtmlElement = lxml.html.HtmlElement


@dataclass
class ListingItem:
    """One news item of a listing: its link, the link's text and the date shown beside it."""

    url: str
    title: str | None = None
    published: date | None = None


@dataclass
class Listing:
    """Links found on one listing page."""

    articles: list[ListingItem] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


# The URL helpers below are cached: a listing page's pager repeats the same few hundred URLs
# on every page, and each link is compared with the listing several ways (measured: a
# 270-link listing took 12 ms to read, mostly in urllib's parsing).
@lru_cache(maxsize=16384)
def canonical_url(url: str) -> str:
    """URL without fragment, with a default path, as used for deduplication."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@lru_cache(maxsize=16384)
def _host(url: str) -> str:
    """Host and port of a URL, lowercased, without a leading "www."."""
    return urlsplit(url).netloc.lower().removeprefix("www.")


def same_origin(url: str, base: str) -> bool:
    """Whether two URLs share scheme-less host and port (www. prefix ignored)."""
    return _host(url) == _host(base)


def _page_query(query: str) -> list[tuple[str, str]]:
    """A query's parameters other than page numbers, sorted."""
    return sorted((k, v) for k, v in parse_qsl(query) if k.lower() not in S.PAGE_PARAMS)


@lru_cache(maxsize=16384)
def _page_key(url: str) -> tuple[str, str, str]:
    """What every page of a listing shares: host, path without page number, and query."""
    parts = urlsplit(url)
    return parts.netloc.lower(), S.PAGE_PATH_RE.sub("", parts.path).rstrip("/"), parts.query


def page_variant(url: str, listing_url: str) -> bool:
    """Whether `url` is another page of the listing at `listing_url` (?start=N, /page/N/...)."""
    netloc, stem, query = _page_key(url)
    listing_netloc, listing_stem, listing_query = _page_key(listing_url)
    if (netloc, stem) != (listing_netloc, listing_stem):
        return False
    if canonical_url(url) == canonical_url(listing_url):
        return False
    return query == listing_query or _page_query(query) == _page_query(listing_query)


def _signature(a: HtmlElement, depth: int = 5) -> str:
    """Structural path of a link: ancestor tags and first class, without positions."""
    parts = []
    node = a
    for _ in range(depth):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            break
        cls = (node.get("class") or "").split()
        parts.append(f"{node.tag}.{cls[0]}" if cls else node.tag)
    return ">".join(reversed(parts))


def _item_container(
    a: HtmlElement, own_url: str, urls_at: dict[HtmlElement, set[str]]
) -> HtmlElement:
    """The largest ancestor of a link that holds no other candidate article URL: its item."""
    node = a
    while True:
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return node
        urls = urls_at.get(parent)
        # Another URL below the parent (no set difference: a list's <ul> holds them all).
        if urls and (len(urls) > 1 or own_url not in urls):
            return node
        if len(parent.text_content()) > 1500:
            return node
        node = parent


def _urls_by_ancestor(links: list[tuple[str, str, HtmlElement]]) -> dict[HtmlElement, set[str]]:
    """For every ancestor of a candidate link, the candidate URLs below it."""
    found: dict[HtmlElement, set[str]] = defaultdict(set)
    for url, _, a in links:
        for ancestor in a.iterancestors():
            found[ancestor].add(url)
    return found


def _primary_links(
    links: list[tuple[str, str, HtmlElement]],
) -> list[tuple[str, str, HtmlElement]]:
    """Drop a short link sharing its parent with a longer one ("Tytuł (kategoria)")."""
    longest: dict[HtmlElement, int] = {}
    for _, text, a in links:
        parent = a.getparent()
        longest[parent] = max(longest.get(parent, 0), len(text))
    return [
        (url, text, a)
        for url, text, a in links
        if len(text) >= longest[a.getparent()] or len(text) >= 25 or S.READ_MORE_RE.match(text)
    ]


def _taxonomy_label(a: HtmlElement) -> bool:
    """Whether a link follows a label such as "dział:", "kategoria:" or "tagi:"."""
    previous = a.getprevious()
    before = (previous.tail if previous is not None else a.getparent().text) or ""
    return bool(S.TAXONOMY_LABEL_RE.search(before))


def find_feeds(root: HtmlElement, base_url: str) -> list[str]:
    """RSS/Atom feeds a page declares with <link rel=alternate>."""
    base_url = document_base(root, base_url)
    feeds = []
    for link in root.iterfind(".//link"):
        kind = (link.get("type") or "").lower()
        if "alternate" in (link.get("rel") or "").lower() and ("rss" in kind or "atom" in kind):
            href = link.get("href")
            if href:
                feeds.append(canonical_url(urljoin(base_url, href)))
    return feeds


def find_contact_link(root: HtmlElement, base_url: str) -> str | None:
    """The page a site's menu links as "Kontakt", on the same host."""
    base = document_base(root, base_url)
    for a in root.iter("a"):
        text = normalize_space(a.text_content())
        url = _link_target(a, base)
        if url and S.CONTACT_LINK_RE.match(text):
            if same_origin(url, base_url) and not is_attachment_url(url):
                return url
    return None


def document_base(root: HtmlElement, url: str) -> str:
    """The URL relative links resolve against: <base href> when the page declares one."""
    base = root.find(".//base")
    href = base.get("href") if base is not None else None
    return urljoin(url, href.strip()) if href and href.strip() else url


def _link_target(a: HtmlElement, base: str) -> str | None:
    """Absolute, canonical URL of a link, or None for mailto:, javascript: and anchors."""
    return _resolve_href(a.get("href") or "", base)


@lru_cache(maxsize=16384)
def _resolve_href(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("mailto:", "javascript:", "tel:", "#", "data:")):
        return None
    if href[0] == "/" and not href.startswith("//") and not _UNUSUAL_PATH_RE.search(href):
        # "/aktualnosci/x.html", most links of most sites: the site's origin and the path, as
        # urljoin and canonical_url would give, at a tenth of their time.
        origin = _origin(base)
        if origin:
            return origin + href.split("#", 1)[0]
    return canonical_url(urljoin(base, href))


# Dot segments, backslashes and whitespace inside: left to urljoin's rules.
_UNUSUAL_PATH_RE = re.compile(r"/\.|[\\\s]")


@lru_cache(maxsize=1024)
def _origin(url: str) -> str | None:
    """ "scheme://host:port" of an http(s) URL, lowercased as canonical_url writes it."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def find_pagination(root: HtmlElement, url: str) -> list[str]:
    """Further pages of a listing: page-numbered variants of its URL and "Następna"-style links."""
    base = document_base(root, url)
    here = canonical_url(url)
    pages: list[str] = []

    # Links share ancestors: each element's class is read once, not once per link below it.
    @cache
    def is_pager(el: HtmlElement) -> bool:
        return bool(S.PAGINATION_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}"))

    is_sidebar = cache(is_chrome)

    for a in root.iter("a"):
        target = _link_target(a, base)
        if target is None or target == here or not same_origin(target, url):
            continue
        if is_attachment_url(target):
            continue
        text = normalize_space(a.text_content() or a.get("title") or "")
        ancestors = list(a.iterancestors())
        # Joomla 1.0 puts class="pagenav" on the link itself.
        in_pager = any(is_pager(p) for p in [a, *ancestors])
        # A "»" in a sidebar calendar or a menu is not the listing's pager.
        in_sidebar = not in_pager and any(is_sidebar(p) for p in ancestors)
        if page_variant(target, url) and (in_pager or S.PAGINATION_TEXT_RE.match(text) or not text):
            pages.append(target)
        elif in_sidebar:
            continue
        elif S.PAGINATION_TEXT_RE.match(text) and not text.isdigit():
            # "Starsze wiadomości »" on hand-written sites points to an unrelated file name.
            if not S.MENU_TEXT_RE.match(text):
                pages.append(target)
        elif in_pager and text.isdigit():
            pages.append(target)
    return list(dict.fromkeys(pages))


def _selected_links(root: HtmlElement, selector: str, base: str) -> list[tuple[str, str]]:
    """(URL, text) of links matched by a CSS selector, or found inside what it matches."""
    found: list[tuple[str, str]] = []
    for el in root.cssselect(selector):
        for a in [el] if el.tag == "a" else el.iter("a"):
            target = _link_target(a, base)
            if target:
                found.append((target, normalize_space(a.text_content())))
    return found


def analyze_listing(
    root: HtmlElement, url: str, selectors: dict[str, str] | None = None
) -> Listing:
    """Split the links of a listing page into articles, further pages, feeds and files.

    A source's `article_links` / `next_page` selectors, when the registry gives them, replace
    the generic link grouping and pagination detection.
    """
    base = document_base(root, url)
    here = canonical_url(url)
    selectors = selectors or {}
    if selectors.get("article_links") or selectors.get("next_page"):
        listing = Listing(feeds=find_feeds(root, url))
        if selectors.get("next_page"):
            listing.pages = [u for u, _ in _selected_links(root, selectors["next_page"], base)]
        else:
            listing.pages = find_pagination(root, url)
        if selectors.get("article_links"):
            items = _selected_links(root, selectors["article_links"], base)
            titles: dict[str, str] = {}
            for target, text in items:
                if not S.READ_MORE_RE.match(text) and len(text) > len(titles.get(target, "")):
                    titles[target] = text
            listing.articles = [
                ListingItem(target, titles.get(target))
                for target in dict.fromkeys(t for t, _ in items)
                if same_origin(target, url) and not is_attachment_url(target)
            ]
            return listing
        generic = analyze_listing(root, url)
        listing.articles = generic.articles
        return listing
    # Pagination lives in chrome-like containers (class "pagination"), so read it before cleaning.
    listing = Listing(feeds=find_feeds(root, url), pages=find_pagination(root, url))
    pages = set(listing.pages)

    drop_noise(root)
    drop_chrome(root)
    body = root.find("body")
    if body is None:
        return listing
    groups: dict[str, list[tuple[str, str, HtmlElement]]] = defaultdict(list)
    for a in body.iter("a"):
        target = _link_target(a, base)
        if target is None:
            continue
        if is_attachment_url(target):
            listing.attachments.append(target)
            continue
        if target == here or target in pages or not same_origin(target, url):
            continue
        rel = (a.get("rel") or "").lower()
        if any(word in rel for word in ("tag", "category", "author", "nofollow")):
            continue
        if S.NON_ARTICLE_PATH_RE.search(unquote(urlsplit(target).path)):
            continue
        if urlsplit(target).path in ("", "/") and not urlsplit(target).query:
            continue
        text = normalize_space(a.text_content() or a.get("title") or "")
        if S.MENU_TEXT_RE.match(text) or any(is_chrome(p) for p in a.iterancestors()):
            continue
        if _taxonomy_label(a):
            continue
        groups[_signature(a)].append((target, text, a))

    for sig, links in groups.items():
        groups[sig] = _primary_links(links)
    listing.articles = _choose_article_groups(groups)
    return listing


def _choose_article_groups(
    groups: dict[str, list[tuple[str, str, HtmlElement]]],
) -> list[ListingItem]:
    """Pick the repeated link groups that are news items, in page order, with title and date."""
    urls_at = _urls_by_ancestor([link for links in groups.values() for link in links])
    stats: dict[str, tuple[float, float]] = {}
    scored: list[tuple[float, str]] = []
    item_date: dict[str, date] = {}
    for sig, links in groups.items():
        # "Czytaj więcej" links say nothing about whether a group holds titles or dates: they
        # share markup with menus on hand-written pages. They follow their titles' group.
        own = [(u, t, a) for u, t, a in links if t and not S.READ_MORE_RE.match(t)]
        if not own:
            continue
        urls = {u for u, _, _ in own}
        mean_len = sum(len(t) for _, t, _ in own) / len(own)
        dated = 0
        for url, _, a in own:
            container = _item_container(a, url, urls_at)
            found = find_dates(normalize_space(container.text_content())[:600])
            if found:
                dated += 1
                item_date.setdefault(url, found[0][0])
        stats[sig] = (mean_len, dated / len(own))
        scored.append((len(urls) * min(mean_len / 20, 2.0) * (1 + 2 * dated / len(own)), sig))
    if not scored:
        return []
    scored.sort(key=lambda pair: pair[0], reverse=True)
    best_sig = scored[0][1]
    best_len = stats[best_sig][0]
    accepted = set()
    for _score, sig in scored:
        mean_len, dated_share = stats[sig]
        if sig == best_sig and (mean_len >= 12 or dated_share >= 0.5):
            accepted.add(sig)
        elif mean_len >= max(15.0, best_len / 2) and dated_share >= 0.5:
            accepted.add(sig)
    accepted_urls = {
        u for sig in accepted for u, t, _ in groups[sig] if not S.READ_MORE_RE.match(t)
    }
    titles: dict[str, str] = {}
    for links in groups.values():
        for target, text, _ in links:
            if target in accepted_urls and not S.READ_MORE_RE.match(text):
                if len(text) > len(titles.get(target, "")):
                    titles[target] = text
    items: dict[str, ListingItem] = {}
    for links in groups.values():
        for target, _, _ in links:
            if target in accepted_urls and target not in items:
                items[target] = ListingItem(target, titles.get(target), item_date.get(target))
    return list(items.values())


def sitemap_locations(xml: bytes) -> tuple[list[str], list[str]]:
    """Page URLs and nested sitemap URLs listed in a sitemap or sitemap index."""
    text = xml.decode("utf-8", "replace")
    locs = [unescape_xml(m) for m in re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", text)]
    if re.search(r"<sitemapindex", text):
        return [], locs
    return locs, []


def feed_links(xml: bytes) -> list[str]:
    """Item links of an RSS 2.0 or Atom feed."""
    text = xml.decode("utf-8", "replace")
    links = re.findall(r"<item\b.*?<link>\s*(?:<!\[CDATA\[)?\s*([^<\s\]]+)", text, re.S)
    for entry in re.findall(r"<entry\b.*?</entry>", text, re.S):
        match = re.search(r"<link\b[^>]*href=[\"']([^\"']+)[\"']", entry)
        if match:
            links.append(match.group(1))
    return [unescape_xml(link) for link in links]


def unescape_xml(text: str) -> str:
    """Undo the five predefined XML entities."""
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
