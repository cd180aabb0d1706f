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
from collections import Counter

from lxml.html import HtmlElement

# Share of our shingles that trafilatura must also hold, and share of trafilatura's words our
# block must hold, before its extra paragraphs count as noise (bench/extraction.py, aeb-dev).
AGREE_OURS_COVERED = 0.6
AGREE_THEIRS_COVERED = 0.7
# A trafilatura paragraph belongs to our block when this share of its shingles is there too.
PARAGRAPH_FOUND = 0.5

_WORD_RE = re.compile(r"\w+")


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


def paragraph_found(paragraph: str, shingles: set[tuple[str, ...]], joined: str) -> bool:
    """Whether most of a paragraph's text also appears in the other extractor's text."""
    tokens = _tokens(paragraph)
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
    their_shingles = _shingles(_tokens(theirs))
    covered = len(our_shingles & their_shingles) / (len(our_shingles) or 1)
    paragraphs = [p for p in theirs.split("\n\n") if p.strip()]
    joined = " ".join(our_tokens)
    found = [paragraph_found(p, our_shingles, joined) for p in paragraphs]
    # trafilatura flattens layout tables into rows; rows our block left out are page layout.
    rows = [i for i, p in enumerate(paragraphs) if is_table_row(p) and not found[i]]
    if rows:
        paragraphs = [p for i, p in enumerate(paragraphs) if i not in rows]
        found = [f for i, f in enumerate(found) if i not in rows]
        theirs = "\n\n".join(paragraphs)
        if not paragraphs:
            return ours, "kronika"
    words = Counter({i: len(_tokens(p)) for i, p in enumerate(paragraphs)})
    total = sum(words.values()) or 1
    framed = sum(words[i] for i, p in enumerate(paragraphs) if found[i] and is_table_row(p))
    if framed / total >= 0.5:
        # The text sits in a layout table: trafilatura gives each cell as one run-on line
        # (title, date, text and "wróć | drukuj" together); our paragraphs are finer and clean.
        return ours, "kronika"
    shared = sum(words[i] for i, f in enumerate(found) if f) / total
    if covered < AGREE_OURS_COVERED or shared < AGREE_THEIRS_COVERED:
        return theirs, "trafilatura"
    # Paragraphs before the first shared one stay: stand-firsts and intros often sit in a
    # block of their own that ours did not take; noise trafilatura adds sits after or between.
    first = found.index(True) if True in found else len(found)
    found = [
        f or i < first and not is_table_row(p)
        for i, (p, f) in enumerate(zip(paragraphs, found, strict=True))
    ]
    kept = [
        unframe_row(p) if is_table_row(p) else p
        for p, f in zip(paragraphs, found, strict=True)
        if f
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
