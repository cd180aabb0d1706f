"""Main-text extractors and the rules that combine their answers.

Three opinions about where the article text is:
- trafilatura (precision mode, on the tree we already parsed): strongest on news layouts;
- our own readability-style block (`extract.locate_main`): knows Polish public-sector pages;
- a thread reader for discussion pages, whose text is a run of repeated posts.

`combine_bodies` keeps trafilatura's paragraphs when the two block extractors agree on the
article and drops the paragraphs only trafilatura saw (related links, promos, "about us"
boxes); when they disagree, trafilatura's answer stands and ours fills in when it is empty.
Every threshold here was measured with bench/extraction.py.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.html import HtmlElement

from archive import selectors as S

# Share of our shingles that trafilatura must also hold, and share of trafilatura's words our
# block must hold, before its extra paragraphs count as noise (bench/extraction.py, aeb-dev).
AGREE_OURS_COVERED = 0.6
AGREE_THEIRS_COVERED = 0.7
# A trafilatura paragraph belongs to our block when this share of its shingles is there too.
PARAGRAPH_FOUND = 0.5

_WORD_RE = re.compile(r"\w+")


def json_ld_body(root: HtmlElement) -> str:
    """The page's JSON-LD articleBody, as plain paragraphs, or "".

    Used only when neither block extractor found text: measured on aeb-dev, preferring it
    to them lowered F1 from 0.969 to 0.958 (bodies cut short, or holding teaser text only).
    """
    import json

    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "") or "articleBody" not in (script.text or ""):
            continue
        raw = (script.text or "").strip().removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                body = node.get("articleBody")
                if isinstance(body, str) and body.strip():
                    if "<" in body:  # some sites put HTML in it
                        body = lxml.html.fromstring(f"<div>{body}</div>").text_content()
                    return "\n\n".join(
                        " ".join(p.split()) for p in re.split(r"\n\s*\n|\r\n", body) if p.strip()
                    )
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return ""


def trafilatura_text(root: HtmlElement, url: str) -> str:
    """trafilatura's main text of an already parsed page (it copies the tree; ours stays)."""
    import trafilatura

    try:
        text = trafilatura.extract(
            root, url=url, fast=True, favor_precision=True, include_comments=False
        )
    except (ValueError, TypeError, AttributeError):  # a malformed tree is not worth a crash
        return ""
    if not text:
        return ""
    # One line per paragraph from trafilatura; blank lines separate our paragraphs.
    text = text.replace("\xa0", " ")
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def is_table_row(paragraph: str) -> bool:
    """Whether a paragraph is a table row as trafilatura writes one: "| cell | cell |"."""
    return paragraph.startswith("|") and paragraph.endswith("|")


def unframe_row(paragraph: str) -> str:
    """A one-cell row's prose without the frame; rows of a real data table keep their bars."""
    inner = paragraph.strip("|").strip()
    return inner if "|" not in inner.replace("\\|", "") else paragraph


def _tokens(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def _shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}


def paragraph_found(tokens: list[str], shingles: set[tuple[str, ...]], joined: str) -> bool:
    """Whether most of a paragraph's words (as tokens) also appear in the other text."""
    if len(tokens) < 4:
        return " ".join(tokens) in joined
    own = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
    return sum(s in shingles for s in own) / len(own) >= PARAGRAPH_FOUND


def combine_bodies(theirs: str, ours: str) -> tuple[str, str]:
    """Merge trafilatura's text with ours; return the text and which extractor it came from."""
    if not theirs.strip():
        return ours, "kronika"
    if not ours.strip():
        return theirs, "trafilatura"
    our_tokens = _tokens(ours)
    our_shingles = _shingles(our_tokens)
    joined = " ".join(our_tokens)
    paragraphs = [p for p in theirs.split("\n\n") if p.strip()]
    tokens = [_tokens(p) for p in paragraphs]
    their_shingles = set().union(*(_shingles(t) for t in tokens))
    covered = len(our_shingles & their_shingles) / (len(our_shingles) or 1)
    found = [paragraph_found(t, our_shingles, joined) for t in tokens]
    # trafilatura flattens layout tables into rows; rows our block left out are page layout.
    keep = [not (is_table_row(p) and not f) for p, f in zip(paragraphs, found, strict=True)]
    if not all(keep):
        paragraphs = [p for p, k in zip(paragraphs, keep, strict=True) if k]
        tokens = [t for t, k in zip(tokens, keep, strict=True) if k]
        found = [f for f, k in zip(found, keep, strict=True) if k]
        theirs = "\n\n".join(paragraphs)
        if not paragraphs:
            return ours, "kronika"
    words = [len(t) for t in tokens]
    total = sum(words) or 1
    framed = sum(
        w for w, p, f in zip(words, paragraphs, found, strict=True) if f and is_table_row(p)
    )
    if framed / total >= 0.5:
        # The text sits in a layout table: trafilatura gives each cell as one run-on line
        # (title, date, text and "wróć | drukuj" together); our paragraphs are finer and clean.
        return ours, "kronika"
    shared = sum(w for w, f in zip(words, found, strict=True) if f) / total
    if covered < AGREE_OURS_COVERED or shared < AGREE_THEIRS_COVERED:
        return theirs, "trafilatura"
    # Paragraphs before the first shared one stay: stand-firsts and intros often sit in a
    # block of their own that ours did not take; noise trafilatura adds sits after or between.
    first = found.index(True) if True in found else len(found)
    kept = [
        unframe_row(p) if is_table_row(p) else p
        for i, (p, f) in enumerate(zip(paragraphs, found, strict=True))
        if f or i < first and not is_table_row(p)
    ]
    return "\n\n".join(fill_announced_lists(kept, ours)), "trafilatura+kronika"


def fill_announced_lists(kept: list[str], ours: str) -> list[str]:
    """Add back what follows a line ending in a colon when trafilatura dropped it.

    "Do wniosku należy dołączyć:" announces a list; precision mode sometimes drops the list
    items while our block keeps them, so ours supply the items up to the next shared line.
    """
    if not any(p.endswith(":") for p in kept):
        return kept
    ours_paragraphs = [p for p in ours.split("\n\n") if p.strip()]
    ours_keys = [" ".join(_tokens(p)) for p in ours_paragraphs]
    kept_keys = {" ".join(_tokens(p)) for p in kept}
    out: list[str] = []
    for paragraph in kept:
        out.append(paragraph)
        if not paragraph.endswith(":"):
            continue
        key = " ".join(_tokens(paragraph))
        if key not in ours_keys:
            continue
        start = ours_keys.index(key) + 1
        for follower, follower_key in zip(ours_paragraphs[start:], ours_keys[start:], strict=True):
            if follower_key in kept_keys:
                break
            out.append(follower)
    return out


# ---------------------------------------------------------------- discussion threads

# Elements that can hold a post or its message; inline tags and bare paragraphs cannot.
_POST_TAGS = frozenset("div article section li table td blockquote dd".split())
# A message's link text may be at most this share of its text (menus and link lists are not).
MESSAGE_LINK_SHARE = 0.2
# Descend to an inner message group while it keeps this share of the outer group's text.
MESSAGE_INNER_SHARE = 0.4
# A message holds at most this share of its post: the rest is author, date, post number.
MESSAGE_OF_POST = 0.95
# A main block outside the thread with less than this share of its text is a teaser or widget.
MAIN_BESIDE_THREAD = 0.25


def _signature(el: HtmlElement) -> str:
    """Tag, classes and id with digits masked: post 17 and post 18 share one signature."""
    classes = " ".join(sorted(re.sub(r"\d+", "#", c) for c in el.get("class", "").split()))
    ident = el.get("id", "")
    return (
        f"{el.tag}.{classes}#{re.sub(r'[0-9]+', '#', ident) if re.search(r'[0-9]', ident) else ''}"
    )


def _text_length(el: HtmlElement) -> tuple[int, int]:
    """Characters of text and of link text inside an element, whitespace collapsed."""
    text = len(" ".join(el.text_content().split()))
    links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return text, links


def _inside(el: HtmlElement, ancestors: set[HtmlElement]) -> HtmlElement | None:
    for parent in el.iterancestors():
        if parent in ancestors:
            return parent
    return None


def find_thread(root: HtmlElement) -> tuple[list[HtmlElement], set[HtmlElement]]:
    """A discussion thread's message elements in page order and their posts, or ([], set()).

    Posts are a group of elements sharing one signature that names them as posts, messages,
    comments or replies (S.THREAD_TOKEN_RE). Inside the posts, a message group holds one
    element per post with the text, while the rest of each post is its author, date and
    number. The message group with the most text wins, then the innermost group that keeps
    most of that text, so post headers and signatures stay out where the markup allows.
    Run it before chrome is dropped: "comment" classes are chrome on a news page.
    """
    groups: dict[str, list[HtmlElement]] = {}
    for el in root.iter(*_POST_TAGS):
        if S.THREAD_TOKEN_RE.search(f"{el.get('class', '')} {el.get('id', '')}"):
            groups.setdefault(_signature(el), []).append(el)
    best: tuple[int, list[HtmlElement], set[HtmlElement]] | None = None
    for posts in groups.values():
        if not 2 <= len(posts) <= 300:
            continue
        post_set = set(posts)
        if any(_inside(el, post_set) is not None for el in posts):
            continue  # nested repeats: a post's parts, not the posts
        lengths = [_text_length(el)[0] for el in posts]
        if min(lengths) == 0:
            continue
        post_text = sum(lengths)
        inner: dict[str, list[HtmlElement]] = {}
        for number, post in enumerate(posts):
            for el in post.iter(*_POST_TAGS):
                if el is not post and (el.get("class") or el.get("id")):
                    found = inner.setdefault(_signature(el), [])
                    if len(found) == number:  # one per post, in order; else not a message
                        found.append(el)
        candidates: list[tuple[int, list[HtmlElement]]] = []
        for els in inner.values():
            if len(els) != len(posts):
                continue
            sizes = [_text_length(el) for el in els]
            text = sum(t for t, _ in sizes)
            if text == 0 or text > MESSAGE_OF_POST * post_text:
                continue
            if sum(link for _, link in sizes) > MESSAGE_LINK_SHARE * text:
                continue
            candidates.append((text, els))
        if not candidates:
            continue
        top_text, top = max(candidates, key=lambda c: c[0])
        for text, els in sorted(candidates, key=lambda c: c[0]):  # innermost that qualifies
            if text >= MESSAGE_INNER_SHARE * top_text and all(
                top[i] in el.iterancestors() or top[i] is el for i, el in enumerate(els)
            ):
                top_text, top = text, els
                break
        if best is None or top_text > best[0]:
            best = (top_text, top, post_set)
    if best is None:
        return [], set()
    return best[1], best[2]


def thread_is_main(
    messages: list[HtmlElement],
    posts: set[HtmlElement],
    main: HtmlElement | None,
    other_text: str = "",
) -> bool:
    """Whether the page is the thread rather than an article with comments under it.

    True when the main block is a post, sits in one or holds them, or when it is minor beside
    the posts (a guest teaser, a widget) and the other extractor's text (`other_text`,
    trafilatura without comments) is empty or itself taken from the posts.
    """
    if len(messages) < 2:
        return False
    if main is None:
        return True
    around = set(messages) | posts
    if main in around or _inside(main, around) is not None:
        return True
    thread_text = sum(_text_length(m)[0] for m in messages)
    if any(main in m.iterancestors() for m in messages):
        inner = sum(_text_length(m)[0] for m in messages if main in m.iterancestors())
        return inner >= 0.5 * _text_length(main)[0]
    if _text_length(main)[0] >= MAIN_BESIDE_THREAD * thread_text:
        return False
    # trafilatura leaves comments out: when it still finds an article of its own, outside the
    # posts, the page is that article with comments under it.
    other = _shingles(_tokens(other_text))
    if not other:
        return True
    in_posts = _shingles(_tokens(" ".join(m.text_content() for m in messages)))
    return len(other & in_posts) >= 0.5 * len(other)


def drop_quote_headers(messages: list[HtmlElement]) -> None:
    """Remove "X napisał(a): ↑ date" headers of quoted posts, keeping the quoted words.

    Forum engines put them in <cite> inside the quote (phpBB, SMF) or in a block whose class
    names a quote title or header (XenForo, vBulletin, IPS).
    """
    for message in messages:
        heads = [
            el
            for el in message.iter("cite", "div", "span", "p", "strong")
            if el.tag == "cite"
            and any(a.tag == "blockquote" for a in el.iterancestors())
            or S.QUOTE_HEADER_RE.search(f"{el.get('class', '')} {el.get('id', '')}")
        ]
        for el in heads:
            parent = el.getparent()
            if parent is None:
                continue
            tail = el.tail or ""
            previous = el.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + "\n" + tail
            else:
                parent.text = (parent.text or "") + "\n" + tail
            parent.remove(el)
