"""A generated news site of any size, for incremental-crawl tests and benches.

`write_news_site` writes static files that `demo.serve` serves: a paginated "Aktualności"
listing (newest first, `?page=N` pages stored as `aktualnosci.html@page=N`), one page per
article and a contact footer. `add_articles`, `edit_article` and `remove_article` change it
the way a real site changes between two crawls.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

TOPICS = (
    ("Szkolenie dla pracowników socjalnych", "szkolenie"),
    ("Nabór wniosków o dofinansowanie", "nabor"),
    ("Konferencja o współpracy instytucji", "konferencja"),
    ("Dyżur doradcy zawodowego", "dyzur"),
    ("Spotkanie informacyjne dla pracodawców", "spotkanie"),
)
FOOTER = (
    "<footer><p>Powiatowy Urząd Pracy w Wałbrzychu, ul. Ogrodowa 5b, 58-306 Wałbrzych<br>"
    "tel. 74 886 52 00, e-mail: pup@example.pl<br>NIP 886-297-12-37</p></footer>"
)
MENU = (
    '<nav><ul><li><a href="/">Strona główna</a></li><li><a href="/aktualnosci.html">'
    'Aktualności</a></li><li><a href="/kontakt.html">Kontakt</a></li></ul></nav>'
)
START = date(2019, 1, 1)


def published(number: int) -> date:
    """Article `number` was published `number` days after the site started."""
    return START + timedelta(days=number)


def article_path(number: int) -> str:
    return f"/aktualnosci/komunikat-{number}.html"


def _title(number: int) -> str:
    topic = TOPICS[number % len(TOPICS)][0]
    return f"{topic} – komunikat nr {number}"


def _article_html(number: int, revision: int = 0) -> str:
    day = published(number)
    paragraphs = [
        f"Powiatowy Urząd Pracy w Wałbrzychu informuje o wydarzeniu numer {number}, "
        f"zaplanowanym w siedzibie urzędu. Zapraszamy wszystkie zainteresowane osoby.",
        f"Szczegółowe informacje można uzyskać pod numerem telefonu 74 886 52 {number % 90 + 10} "
        "lub osobiście w pokoju nr 12 w godzinach pracy urzędu.",
    ]
    if revision:
        paragraphs.append(f"Aktualizacja nr {revision}: zmieniono termin spotkania.")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang=pl><head><meta charset=utf-8><title>{_title(number)} – "
        f"PUP Wałbrzych</title></head><body>{MENU}<main><article><h1>{_title(number)}</h1>"
        f'<p class="date">Data publikacji: {day:%d.%m.%Y}</p>{body}</article></main>'
        f"{FOOTER}</body></html>"
    )


def _listing_html(numbers: list[int], page: int, pages: int) -> str:
    items = "".join(
        f'<li><a href="{article_path(n)}">{_title(n)}</a> <span class="date">'
        f"{published(n):%d.%m.%Y}</span></li>"
        for n in numbers
    )
    # Page 1 is the listing itself, as on real sites (`?page=1` would be a broken link).
    pager = " ".join(
        f"<b>{p}</b>"
        if p == page
        else f'<a href="/aktualnosci.html{"" if p == 1 else f"?page={p}"}">{p}</a>'
        for p in range(1, pages + 1)
    )
    if page < pages:
        pager += f' <a href="/aktualnosci.html?page={page + 1}">Następna »</a>'
    return (
        "<!DOCTYPE html><html lang=pl><head><meta charset=utf-8><title>Aktualności – PUP "
        f'Wałbrzych</title></head><body>{MENU}<main><h1>Aktualności</h1><ul class="news">'
        f'{items}</ul><div class="pagination">{pager}</div></main>{FOOTER}</body></html>'
    )


def _write_listing(root: Path, numbers: list[int], per_page: int) -> None:
    newest_first = sorted(numbers, reverse=True)
    pages = max(1, -(-len(newest_first) // per_page))
    for page in range(1, pages + 1):
        chunk = newest_first[(page - 1) * per_page : page * per_page]
        html = _listing_html(chunk, page, pages)
        name = "aktualnosci.html" if page == 1 else f"aktualnosci.html@page={page}"
        _write_if_changed(root / name, html)


def _write_if_changed(path: Path, text: str) -> None:
    """Write only real changes, so unchanged pages keep their ETag and Last-Modified."""
    data = text.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def _state(root: Path) -> dict:
    return json.loads((root / "generated.json").read_text(encoding="utf-8"))


def _save_state(root: Path, state: dict) -> None:
    (root / "generated.json").write_text(json.dumps(state), encoding="utf-8")


def write_news_site(root: Path, count: int, per_page: int = 20) -> None:
    """A site of `count` articles, `per_page` links per listing page."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "aktualnosci").mkdir(exist_ok=True)
    (root / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    (root / "site.json").write_text(
        json.dumps({"charset_header": None, "headers": {}, "redirects": {}, "status": {}}),
        encoding="utf-8",
    )
    home = "<!DOCTYPE html><html><head><meta charset=utf-8><title>PUP Wałbrzych</title></head>"
    _write_if_changed(root / "index.html", home + f"<body>{MENU}<h1>PUP</h1>{FOOTER}</body></html>")
    _write_if_changed(
        root / "kontakt.html",
        home + f"<body>{MENU}<main><h1>Kontakt</h1>{FOOTER}</main></body></html>",
    )
    numbers = list(range(1, count + 1))
    for number in numbers:
        _write_if_changed(root / article_path(number).lstrip("/"), _article_html(number))
    _write_listing(root, numbers, per_page)
    _save_state(root, {"numbers": numbers, "per_page": per_page, "revisions": {}})


def add_articles(root: Path, how_many: int) -> list[int]:
    """Publish `how_many` new articles at the top of the listing; return their numbers."""
    state = _state(root)
    first = max(state["numbers"], default=0) + 1
    new = list(range(first, first + how_many))
    for number in new:
        _write_if_changed(root / article_path(number).lstrip("/"), _article_html(number))
    state["numbers"] += new
    _write_listing(root, state["numbers"], state["per_page"])
    _save_state(root, state)
    return new


def edit_article(root: Path, number: int) -> None:
    """Silently change an article's text (its listing entry stays as it was)."""
    state = _state(root)
    revision = state["revisions"].get(str(number), 0) + 1
    state["revisions"][str(number)] = revision
    _write_if_changed(root / article_path(number).lstrip("/"), _article_html(number, revision))
    _save_state(root, state)


def remove_article(root: Path, number: int) -> None:
    """Delete an article's page (the site answers 404 for it) and its listing entry."""
    state = _state(root)
    (root / article_path(number).lstrip("/")).unlink()
    state["numbers"].remove(number)
    _write_listing(root, state["numbers"], state["per_page"])
    _save_state(root, state)
