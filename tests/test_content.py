"""How the extractors' answers are combined, and discussion threads (archive/content.py)."""

from __future__ import annotations

from archive.content import combine_bodies, find_thread, thread_is_main
from archive.extract import extract_article, parse_document

ARTICLE = [
    "Regionalny Ośrodek Polityki Społecznej zorganizował w czwartek szkolenie dla "
    "pracowników socjalnych z całego województwa, poświęcone pracy z rodziną.",
    "W zajęciach wzięło udział czterdzieści osób z ośrodków pomocy społecznej, "
    "powiatowych centrów pomocy rodzinie oraz organizacji pozarządowych.",
    "Kolejne spotkanie odbędzie się jesienią, a materiały szkoleniowe są dostępne "
    "w siedzibie ośrodka dla wszystkich zainteresowanych uczestników.",
]


def test_agreeing_extractors_drop_what_only_trafilatura_saw() -> None:
    theirs = "\n\n".join([*ARTICLE, "Zobacz również: Konkurs grantowy 2014 dla organizacji"])
    ours = "\n\n".join(ARTICLE)
    text, source = combine_bodies(theirs, ours)
    assert source == "trafilatura+kronika"
    assert text == ours


def test_paragraphs_before_the_first_shared_one_stay() -> None:
    lead = "Prawie stu uczestników, trzy panele dyskusyjne i wspólne wnioski na kolejny rok."
    theirs = "\n\n".join([lead, *ARTICLE])
    text, _ = combine_bodies(theirs, "\n\n".join(ARTICLE))
    assert text.startswith(lead)


def test_disagreement_keeps_trafilatura_and_an_empty_answer_defers() -> None:
    other = "Zupełnie inny tekst o czymś innym, bez jednego wspólnego zdania z artykułem."
    assert combine_bodies("\n\n".join(ARTICLE), other)[1] == "trafilatura"
    assert combine_bodies("", other) == (other, "kronika")
    assert combine_bodies(other, "") == (other, "trafilatura")


def test_layout_table_rows_give_way_to_our_paragraphs() -> None:
    # trafilatura writes each layout cell as one run-on "| ... |" line.
    theirs = "\n\n".join(
        [
            "| Strona główna | O nas | Aktualności | Kontakt |",
            "| " + " ".join(ARTICLE) + " « wróć | drukuj |",
            "| Ośrodek Pomocy Społecznej, ul. Długa 1, NIP 123-456-32-18 |",
        ]
    )
    text, source = combine_bodies(theirs, "\n\n".join(ARTICLE))
    assert source == "kronika"
    assert "wróć" not in text and "NIP" not in text


def test_list_announced_by_a_colon_is_filled_from_our_block() -> None:
    intro = "Do wniosku należy dołączyć:"
    items = ["zaświadczenie o dochodach,", "kopię decyzji o przyznaniu świadczenia."]
    ours = "\n\n".join([ARTICLE[0], intro, *items, ARTICLE[1]])
    theirs = "\n\n".join([ARTICLE[0], intro, ARTICLE[1]])
    text, _ = combine_bodies(theirs, ours)
    assert text.split("\n\n") == [ARTICLE[0], intro, *items, ARTICLE[1]]


def _post(number: int, author: str, text: str) -> str:
    return f"""
    <div class="post bg{number % 2 + 1}" id="p{number}">
      <div class="postbody">
        <h3><a href="#p{number}">Re: Zasiłek celowy</a></h3>
        <p class="author">przez <b>{author}</b> » 12 mar 2014, 10:{number:02d}</p>
        <div class="content">{text}</div>
      </div>
      <dl class="postprofile" id="profile{number}">
        <dt><a href="/memberlist.php?u={number}">{author}</a></dt>
        <dd><strong>Posty:</strong> {number * 7}</dd>
        <dd><strong>Dołączył(a):</strong> 3 sty 2012</dd>
      </dl>
    </div>"""


FORUM = f"""<html><head><title>Zasiłek celowy - Forum pomocy społecznej</title></head><body>
<div id="wrap"><div class="headerbar"><h1>Forum pomocy społecznej</h1></div>
<div class="navbar"><a href="/">Strona główna forum</a> <a href="/faq.php">FAQ</a></div>
<h2><a href="/viewtopic.php?t=12">Zasiłek celowy</a></h2>
{_post(1, "ania_k", "Czy ośrodek pomocy społecznej może odmówić zasiłku celowego na leki?")}
{
    _post(
        2,
        "marek77",
        "ania_k napisał(a):<br>Czy ośrodek może odmówić?<br>Może, ale musi wydać "
        "decyzję administracyjną, od której przysługuje odwołanie do SKO.",
    )
}
{_post(3, "pracownik_socjalny", "Warto dołączyć zaświadczenie lekarskie i rachunki za leki.")}
<div class="copyright">Powered by phpBB</div></div></body></html>"""


def test_forum_thread_keeps_every_post_and_drops_authors() -> None:
    article = extract_article(FORUM.encode(), "https://forum.example.pl/viewtopic.php?t=12")
    assert article.body_source == "thread"
    for sentence in (
        "Czy ośrodek pomocy społecznej może odmówić zasiłku celowego na leki?",
        "musi wydać decyzję administracyjną",
        "Warto dołączyć zaświadczenie lekarskie",
    ):
        assert sentence in article.body
    for chrome in ("napisał(a)", "Posty:", "Dołączył(a)", "marek77", "Powered by phpBB"):
        assert chrome not in article.body


def test_news_article_with_comments_is_not_a_thread() -> None:
    comments = "".join(
        f'<div class="comment" id="comment-{n}"><p class="comment-author">Gość {n}</p>'
        f'<div class="comment-text"><p>Komentarz numer {n}: bardzo dobra inicjatywa, '
        f"szkoda że tak mało miejsc dla chętnych z naszej gminy i okolic.</p></div></div>"
        for n in range(1, 9)
    )
    page = f"""<html><head><title>Szkolenie dla pracowników socjalnych - ROPS</title></head>
    <body><div class="content"><h1>Szkolenie dla pracowników socjalnych</h1>
    <div class="entry">{"".join(f"<p>{p}</p>" for p in ARTICLE)}</div>
    <div class="comments"><h3>Komentarze</h3>{comments}</div></div></body></html>"""
    article = extract_article(page.encode(), "https://rops.example.pl/aktualnosci/szkolenie")
    assert article.body_source != "thread"
    assert ARTICLE[0] in article.body and ARTICLE[2] in article.body
    assert "Komentarz numer" not in article.body


def test_find_thread_needs_posts_with_a_message_inside() -> None:
    root, _ = parse_document(FORUM)
    messages, posts = find_thread(root)
    assert [m.get("class") for m in messages] == ["content"] * 3
    assert len(posts) == 3
    # A list of teasers with no author part around the text is no thread.
    teasers = "".join(
        f'<div class="post"><p>Tekst {n} ' + "słowo " * 30 + "</p></div>" for n in range(4)
    )
    root, _ = parse_document(f"<html><body>{teasers}</body></html>")
    assert find_thread(root) == ([], set())
    assert not thread_is_main([], set(), None)


def test_json_ld_body_only_when_the_page_shows_no_text() -> None:
    body = (
        "Wojewódzki Urząd Pracy ogłasza nabór wniosków o dofinansowanie szkoleń.\\n\\n"
        "Wnioski można składać do końca miesiąca w siedzibie urzędu lub przez ePUAP."
    )
    page = f"""<html><head><title>Nabór wniosków - WUP</title>
    <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Nabór wniosków",
    "articleBody": "{body}"}}
    </script></head><body><div id="app"><h1>Nabór wniosków</h1></div></body></html>"""
    article = extract_article(page.encode(), "https://wup.example.pl/aktualnosci/nabor")
    assert article.body_source == "json-ld"
    assert article.body.startswith("Wojewódzki Urząd Pracy ogłasza nabór")
    assert "przez ePUAP." in article.body
    # When the page shows its text, that text wins over the structured copy.
    shown = page.replace('<div id="app"><h1>Nabór wniosków</h1></div>',
                         "<article><h1>Nabór wniosków</h1>"
                         + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</article>")  # fmt: skip
    article = extract_article(shown.encode(), "https://wup.example.pl/aktualnosci/nabor")
    assert article.body_source != "json-ld" and ARTICLE[0] in article.body
