"""Polish-aware full-text search: any inflected form, with or without diacritics.

SQLite's tokenizer neither lemmatizes Polish nor folds "ł". So the archive keeps a second
FTS5 table, `articles_search`, over normalized text: every word replaced by its dictionary
lemma (Morfeusz 2), lower-cased and without diacritics ("pomocy społecznej" -> "pomoc
spoleczny"). A query is normalized the same way; a word typed without diacritics, which the
dictionary does not know ("spoleczna"), is looked up in `search_lexicon`, the folded forms
seen while indexing and their lemmas. Quoted phrases, prefixes (`konfer*`) and the FTS
operators AND, OR, NOT keep working.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache
from typing import Any

import sqlite_utils

__all__ = [
    "fold",
    "normalize_text",
    "normalize_query",
    "match_expression",
    "index_article",
    "rebuild_search_index",
]

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_QUERY_RE = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT"}


def fold(text: str) -> str:
    """Lower case without diacritics: "Społeczna Łódź" -> "spoleczna lodz"."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The folded dictionary lemma of a word, or the folded word when the dictionary lacks it.

    A form with several possible lemmas takes the shortest ("pracy" -> praca), so every
    form of one word lands on the same term in both the index and the query.
    """
    from archive.mentions import analyses

    lemmas = {lemma.lower() for lemma, tag, _ in analyses(word) if not tag.startswith("ign")}
    if not lemmas:
        return fold(word)
    return fold(min(lemmas, key=lambda x: (len(x), x)))


def normalize_text(text: str, lexicon: dict[str, str] | None = None) -> str:
    """Text as the search index holds it: one folded lemma per word.

    With `lexicon`, every folded form met is recorded with its lemma (for queries typed
    without diacritics).
    """
    out = []
    for word in _WORD_RE.findall(text or ""):
        term = lemma(word)
        out.append(term)
        if lexicon is not None:
            folded = fold(word)
            if folded != term:
                lexicon.setdefault(folded, term)
    return " ".join(out)


# Letters that lose their diacritic when typed on a plain keyboard.
_ACCENTED = {"a": "aą", "c": "cć", "e": "eę", "l": "lł", "n": "nń", "o": "oó", "s": "sś",
             "z": "zźż"}  # fmt: skip


@lru_cache(maxsize=20_000)
def restored_lemmas(word: str) -> frozenset[str]:
    """Lemmas of the Polish words a diacritic-less word may stand for: "spoleczna" ->
    {"spoleczny"}. Every spelling with diacritics put back is looked up in the dictionary."""
    from archive.mentions import analyses

    lowered = word.lower()
    if lowered != fold(lowered) or not lowered.isalpha():
        return frozenset()  # typed with diacritics, or not a plain word
    options = [_ACCENTED.get(c, c) for c in lowered]
    combinations = 1
    for choice in options:
        combinations *= len(choice)
    if combinations > 4096:
        return frozenset()
    found: set[str] = set()
    spellings = [""]
    for choice in options:
        spellings = [s + c for s in spellings for c in choice]
    for spelling in spellings:
        if spelling == lowered:
            continue
        if any(not tag.startswith("ign") for _, tag, _ in analyses(spelling)):
            found.add(lemma(spelling))
    return frozenset(found)


def _candidates(word: str, lexicon: dict[str, str]) -> set[str]:
    """The lemmas one typed word may stand for (several when typed without diacritics)."""
    candidates = {lemma(word)}
    folded = fold(word)
    if folded in lexicon:
        candidates.add(lexicon[folded])
    return candidates | restored_lemmas(word)


# A phrase typed without diacritics may read several ways; past this many, the first reading
# of each word is kept (the query stays small; FTS5 has no OR inside a phrase).
_MAX_PHRASE_READINGS = 16


def _phrase(words: list[str], lexicon: dict[str, str]) -> str:
    """Words that must stand together, as an FTS5 phrase (or phrases, one per reading)."""
    readings = [""]
    for word in words:
        options = sorted(_candidates(word, lexicon), key=lambda c: (c != lemma(word), c))
        if len(readings) * len(options) > _MAX_PHRASE_READINGS:
            options = options[:1]
        readings = [f"{r} {o}".strip() for r in readings for o in options]
    if len(readings) == 1:
        return f'"{readings[0]}"'
    return "(" + " OR ".join(f'"{r}"' for r in readings) + ")"


def _term(word: str, lexicon: dict[str, str]) -> str:
    """One query word as an FTS5 expression over lemmas."""
    words = _WORD_RE.findall(word)
    if not words:
        return ""
    if len(words) > 1:  # "Kujawsko-Pomorskie", "e-mail": a phrase of their lemmas
        return _phrase(words, lexicon)
    candidates = _candidates(word, lexicon)
    if len(candidates) == 1:
        return f'"{candidates.pop()}"'
    return "(" + " OR ".join(f'"{c}"' for c in sorted(candidates)) + ")"


def normalize_query(query: str, lexicon: dict[str, str] | None = None) -> str:
    """A user's search as an FTS5 query over the normalized index."""
    lexicon = lexicon or {}
    parts: list[str] = []
    for token in _QUERY_RE.findall(query or ""):
        if token in ("(", ")") or token in _OPERATORS:
            parts.append(token)
        elif token.startswith('"'):
            words = _WORD_RE.findall(token)
            if words:
                parts.append(_phrase(words, lexicon))
        elif token.endswith("*") and _WORD_RE.search(token):
            prefix = fold("".join(_WORD_RE.findall(token)))
            parts.append(f'"{prefix}"*')
        else:
            term = _term(token, lexicon)
            if term:
                parts.append(term)
    return " ".join(_well_formed(parts))


def _well_formed(parts: list[str]) -> list[str]:
    """Drop what would make FTS5 reject the query: unbalanced parentheses, dangling
    operators. Every term is already quoted, so nothing typed can become syntax."""
    depth = 0
    for part in parts:
        depth += {"(": 1, ")": -1}.get(part, 0)
        if depth < 0:
            break
    if depth != 0:
        parts = [p for p in parts if p not in ("(", ")")]
    cleaned: list[str] = []
    for part in parts:
        if part in _OPERATORS and (not cleaned or cleaned[-1] in _OPERATORS | {"("}):
            continue
        if part == ")" and cleaned and cleaned[-1] in _OPERATORS:
            cleaned.pop()
        cleaned.append(part)
    while cleaned and cleaned[-1] in _OPERATORS:
        cleaned.pop()
    # FTS5 wants AND spelled out between a term and a parenthesized group.
    joined: list[str] = []
    for part in cleaned:
        operand = part not in _OPERATORS and part != ")"
        if operand and joined and joined[-1] not in _OPERATORS and joined[-1] != "(":
            joined.append("AND")
        joined.append(part)
    return joined


def lexicon_lookup(query: str) -> tuple[str, list[str]] | None:
    """SQL and parameters fetching the lexicon entries a query's words need, or None."""
    forms = [fold(w) for w in _WORD_RE.findall(query or "")]
    if not forms:
        return None
    marks = ",".join("?" for _ in forms)
    return f"select form, lemma from search_lexicon where form in ({marks})", forms


def lexicon_for(db: sqlite_utils.Database, query: str) -> dict[str, str]:
    """The lexicon entries a query's words need."""
    lookup = lexicon_lookup(query)
    if lookup is None or "search_lexicon" not in db.table_names():
        return {}
    return dict(db.execute(*lookup).fetchall())


# FTS5 matches nothing for an empty phrase; an empty MATCH string would be a syntax error.
MATCH_NOTHING = '""'


def match_expression(conn: sqlite3.Connection, query: str) -> str:
    """What a user typed as an FTS5 MATCH expression over `articles_search`, read on `conn`.

    Never raises and never returns an invalid expression: a query with no words matches
    nothing. Registered as an SQL function for Datasette (datasette/plugins/kronika.py).
    """
    lookup = lexicon_lookup(query or "")
    lexicon: dict[str, str] = {}
    if lookup is not None:
        try:
            lexicon = dict(conn.execute(*lookup).fetchall())
        except sqlite3.Error:  # an archive without a lexicon yet: search as typed
            lexicon = {}
    return normalize_query(query or "", lexicon) or MATCH_NOTHING


def index_article(
    db: sqlite_utils.Database,
    url: str,
    normalized: tuple[str, str, dict[str, str]] | None = None,
) -> None:
    """(Re)index one article in `articles_search`, keyed by the article's rowid.

    `normalized` is its title and body already normalized, with the forms met (archive.ingest
    computes them away from the writing process); without it they are computed here.
    """
    row = db.execute("select rowid, title, body from articles where url = ?", [url]).fetchone()
    if row is None:
        return
    if normalized is not None:
        title, body, lexicon = normalized
    else:
        lexicon = {}
        title, body = normalize_text(row[1], lexicon), normalize_text(row[2], lexicon)
    db.execute("delete from articles_search where rowid = ?", [row[0]])
    db.execute(
        "insert into articles_search (rowid, title, body) values (?, ?, ?)", [row[0], title, body]
    )
    _save_lexicon(db, lexicon)


def _save_lexicon(db: sqlite_utils.Database, lexicon: dict[str, str]) -> None:
    if lexicon:
        db.conn.executemany(
            "insert or ignore into search_lexicon (form, lemma) values (?, ?)",
            list(lexicon.items()),
        )


def rebuild_search_index(
    db: sqlite_utils.Database, progress: Any = None, commit: bool = True
) -> int:
    """Normalize every article again into `articles_search`; return how many.

    One transaction: a rebuild killed midway leaves the previous index whole. With
    `commit=False` the caller's transaction holds it.
    """
    if commit:
        with db.atomic():
            return rebuild_search_index(db, progress, commit=False)
    db.execute("delete from articles_search")
    count = 0
    batch: list[tuple[int, str, str]] = []
    lexicon: dict[str, str] = {}
    for rowid, title, body in db.execute("select rowid, title, body from articles"):
        batch.append((rowid, normalize_text(title, lexicon), normalize_text(body, lexicon)))
        if len(batch) >= 1000:
            count += _flush(db, batch, lexicon, progress, count)
    count += _flush(db, batch, lexicon, progress, count)
    return count


def _flush(db: sqlite_utils.Database, batch: list, lexicon: dict, progress: Any, done: int) -> int:
    db.conn.executemany("insert into articles_search (rowid, title, body) values (?, ?, ?)", batch)
    _save_lexicon(db, lexicon)
    written = len(batch)
    batch.clear()
    lexicon.clear()
    if progress:
        progress(done + written)
    return written
