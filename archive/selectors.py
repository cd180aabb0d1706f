"""Every selector, class pattern and boilerplate phrase extraction relies on, in one place."""

from __future__ import annotations

import re

# Elements that never carry article text.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "canvas",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "template",
    "object",
    "embed",
    "map",
)

# Page chrome: navigation, sidebars and footers, dropped before locating the main content.
CHROME_TAGS = ("nav", "aside", "footer", "menu")

# Class/id word tokens (split on - _ and spaces) marking page chrome.
CHROME_TOKENS = frozenset(
    {
        "nav",
        "navbar",
        "navigation",
        "menu",
        "mainmenu",
        "topmenu",
        "submenu",
        "menubar",
        "breadcrumb",
        "breadcrumbs",
        "okruszki",
        "sciezka",
        "pathway",
        "cookie",
        "cookies",
        "rodo",
        "gdpr",
        "consent",
        "footer",
        "stopka",
        "sidebar",
        "sidebox",
        "aside",
        "widget",
        "widgets",
        "share",
        "sharing",
        "social",
        "socials",
        "addthis",
        "print",
        "drukuj",
        "contrast",
        "kontrast",
        "wcag",
        "accessibility",
        "dostepnosc",
        "skip",
        "skiplinks",
        "search",
        "szukaj",
        "wyszukiwarka",
        "banner",
        "related",
        "pokrewne",
        "latest",
        "najnowsze",
        "pagination",
        "pager",
        "paginacja",
        "stronicowanie",
        "comments",
        "komentarze",
        "tags",
        "tagi",
        "newsletter",
        "toolbar",
        "tools",
        "narzedzia",
        "fontsize",
        "resizer",
        "logo",
        "copyright",
        "back",
        "powrot",
        "wstecz",
        "hidden",
        "sronly",
    }
)

# Class/id tokens that mark chrome when a token starts with them ("relatedposts",
# "sharedaddy", "breadcrumbs-wrap", "cookienotice", "widget_recent_entries").
CHROME_PREFIXES = (
    "related",
    "share",
    "social",
    "breadcrumb",
    "cookie",
    "navig",
    "navbar",
    "sidebar",
    "widget",
    "footer",
    "comment",
    "pagination",
    "newsletter",
    "addtoany",
    "wcag",
)

# Multi-token class names that mark chrome, matched on the whole class string.
CHROME_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:sr-only|visually-hidden|screen-reader|skip-link|site-header|"
    r"site-footer|top-bar|topbar|post-navigation|nav-links|entry-meta-share|cookie-?bar|"
    r"wersja-?kontrastowa|font-?size|moduletable|module-?box)(?:$|[\s_-])",
    re.I,
)

# Selectors tried first for the article body, most specific first.
BODY_SELECTORS = (
    "[itemprop='articleBody']",
    ".entry-content",
    ".post-content",
    ".article-content",
    ".article-body",
    ".news-content",
    ".itemFullText",
    ".tresc",
    ".content-text",
)

# Heading-like elements that may hold an article title besides h1-h3.
TITLE_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:title|tytul|contentheading|entry-title|post-title|article-title|"
    r"news-title|page-title|itemTitle|naglowek)(?:$|[\s_-])",
    re.I,
)

LEAD_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:lead|intro|introtext|zajawka|wstep|summary|excerpt|abstract|"
    r"itemIntroText)(?:$|[\s_-])",
    re.I,
)

# Whole lines that are interface text, not article content ("Drukuj", "A A A", ...).
BOILERPLATE_LINE_RE = re.compile(
    r"^\s*[«‹<]{0,2}\s*(?:"
    r"drukuj|wydrukuj|wersja do druku|drukuj stronę|print|"
    r"wstecz|powrót|wróć|« ?wróć|"
    r"(?:powrót|wróć|powróć) do (?:listy|aktualności|wiadomości|strony głównej|"
    r"poprzedniej strony|informacji|ogłoszeń|archiwum)|"
    r"wszystkie (?:aktualności|wiadomości|artykuły|wpisy)|więcej aktualności|szczegóły|"
    r"zobacz wszystkie(?: aktualności)?|lista aktualności|"
    r"udostępnij|udostępnij na facebooku|udostępnij:|podziel się|share|tweet|"
    r"facebook|twitter|linkedin|wykop|e-?mail|wyślij|wyślij e-?mail|poleć znajomemu|"
    r"następny artykuł|poprzedni artykuł|następny|poprzedni|"
    r"czytaj więcej|czytaj dalej|więcej|zobacz więcej|read more|"
    r"wersja kontrastowa|kontrast|wysoki kontrast|a ?a ?a|a\+|a-|"
    r"rozmiar czcionki|zmień rozmiar czcionki|"
    r"najnowsze aktualności|ostatnie aktualności|zobacz także|zobacz też|"
    r"zapisz się do (?:naszego )?newslettera\b.*|obserwuj nas na\b.*|polub nas na\b.*|"
    r"śledź nas na\b.*|dołącz do nas na\b.*|"
    r"(?:metryczka|rejestr zmian)|"
    r"załączniki:?|pliki do pobrania:?|do pobrania:?|"
    r"(?:strona główna|start)\s*(?:[»>/|›]\s*.*)?|"
    r"[»«›‹|•·\-–—]+"
    r")\s*[»«›‹]?\s*$",
    re.I,
)

# Phrases marking a cookie notice paragraph.
COOKIE_RE = re.compile(
    r"(?:pliki? cookies?|ciasteczk|polityk[aię] prywatności|cookies policy)", re.I
)

# Breadcrumb lines: "Jesteś tutaj: Start » Aktualności » ...".
BREADCRUMB_RE = re.compile(r"^\s*(?:jesteś tutaj|jesteś w|znajdujesz się|ścieżka)\s*:", re.I)

# Labels that introduce metadata lines inside the article.
META_LINE_RE = re.compile(
    r"^\s*(?:data (?:publikacji|dodania|wytworzenia|modyfikacji|aktualizacji)|"
    r"opublikowano|dodano|autor|wytworzył|wprowadził|odsłon\w*|liczba odsłon|"
    r"zaktualizowano|ostatnia (?:aktualizacja|modyfikacja)|kategoria|tagi|poprawiony|"
    r"utworzono|wyświetle\w*|źródło zdjęć|czytano)\b.*$",
    re.I,
)

# Link extensions stored as attachments rather than crawled as pages.
ATTACHMENT_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "odt",
        "rtf",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "ppt",
        "pptx",
        "odp",
        "zip",
        "rar",
        "7z",
        "txt",
        "xml",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "mp3",
        "mp4",
        "avi",
    }
)
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp", "zip"}
)

# Link texts of menu entries that are never articles.
MENU_TEXT_RE = re.compile(
    r"^\s*(?:strona główna|start|home|kontakt|kontakty|o nas|o ośrodku|o urzędzie|"
    r"o agencji|bip|biuletyn informacji publicznej|mapa strony|deklaracja dostępności|"
    r"dostępność|polityka prywatności|polityka cookies|rodo|ochrona danych osobowych|"
    r"klauzula informacyjna|regulamin|ogłoszenia|projekty|galeria|aktualności|"
    r"przetargi|zamówienia publiczne|kariera|praca|oferty pracy|"
    r"english|en|pl|de|facebook|twitter|youtube|instagram|linkedin|rss)\s*$",
    re.I,
)

# Link texts that lead to the contact page.
CONTACT_LINK_RE = re.compile(r"^\s*(?:kontakt|kontakty|dane kontaktowe|contact)\s*$", re.I)

# Link texts of pagination controls.
PAGINATION_TEXT_RE = re.compile(
    r"^\s*[«‹<]{0,2}\s*(?:\d{1,4}|następna(?: strona)?|następne|dalej|kolejna|"
    r"starsze(?: [a-ząćęłńóśźż]+)?|wcześniejsze(?: [a-ząćęłńóśźż]+)?|poprzednia(?: strona)?|"
    r"poprzednie|nowsze(?: [a-ząćęłńóśźż]+)?|pierwsza|ostatnia|koniec|początek|next|"
    r"archiwum(?: aktualności| wiadomości)?(?: (?:z )?\d{4}(?: r\.?)?)?|"
    r"previous|older(?: posts| entries)?|newer(?: posts| entries)?|[»«›‹>]{1,2}|[<]{1,2})"
    r"\s*[»«›‹>]{0,2}\s*$",
    re.I,
)

PAGINATION_CLASS_RE = re.compile(
    r"(?:pagination|pager|paginacja|page-numbers|pagenav|nav-links|stronicowanie|"
    r"pages|paging|wp-pagenavi)",
    re.I,
)

# Query parameters and path forms that number listing pages.
PAGE_PARAMS = frozenset(
    {
        "start",
        "page",
        "strona",
        "pg",
        "limitstart",
        "limit",
        "paged",
        "offset",
        "str",
        "pn",
        "pagenum",
    }
)
PAGE_PATH_RE = re.compile(r"(?:/page/\d+/?$|/strona[-/]\d+/?$|[,_-]\d{1,4}(?=\.[a-z]{2,5}$))", re.I)

# URL path words of taxonomy and utility pages that are never articles.
NON_ARTICLE_PATH_RE = re.compile(
    r"/(?:category|categories|kategoria|kategorie|tag|tagi|tags|author|autor|"
    r"feed|rss|search|szukaj|wp-login\.php|wp-admin|login|logowanie|kontakt|contact|"
    r"mapa-strony|sitemap|deklaracja-dostepnosci|polityka-prywatnosci|rodo)(?:/|$|\.)",
    re.I,
)

# Titles of pages that are not articles, whatever their shape.
NON_ARTICLE_TITLE_RE = re.compile(
    r"^\s*(?:kontakt|kontakty|dane kontaktowe|o nas|aktualności|archiwum aktualności|"
    r"wiadomości|ogłoszenia|mapa strony|deklaracja dostępności|polityka prywatności|"
    r"strona główna|404|nie znaleziono strony|błąd)\s*$",
    re.I,
)

# Link texts that only repeat the item's own link.
READ_MORE_RE = re.compile(
    r"^\s*(?:czytaj (?:więcej|dalej|całość)|więcej|zobacz(?: więcej)?|rozwiń|dalej|read more|"
    r"more|szczegóły|pełna treść)\s*[»›>.…]*\s*$",
    re.I,
)

# Text right before a taxonomy link: "dział: Komunikaty", "Kategoria: Projekty".
TAXONOMY_LABEL_RE = re.compile(
    r"(?:dział|działy|kategoria|kategorie|kategorii|tag|tagi|tagged|autor|author|"
    r"opublikowano w|filed under|posted in|temat)\s*:?\s*$",
    re.I,
)

# Lines of a contact footer that old pages write straight into the body, after the article.
FOOTER_LINE_RE = re.compile(
    r"^\s*(?:(?:ul|al|pl|os)\.\s.{0,80}\d{2}-\d{3}|\d{2}-\d{3}\s+\w|"
    r"tel\b|tel\.|telefon|fax|faks|e-?mail|NIP\b|REGON\b|KRS\b|nr konta|konto bankowe|"
    r"godziny (?:pracy|urzędowania|otwarcia)|(?:ośrodek|urząd|biuro|sekretariat) czynn|"
    r"czynne\b|copyright|©|\(c\)\s*\d{4}|wszelkie prawa zastrzeżone|"
    r"(?:stronę|serwis) (?:prowadzi|redaguje|administruje)|(?:projekt i )?wykonanie\b|"
    r"ostatnia aktualizacja|strona aktualizowana)",
    re.I,
)

# A short line naming an institution, as footers start ("Gminny Ośrodek Pomocy Społecznej").
INSTITUTION_LINE_RE = re.compile(
    r"(?:ośrodek|urząd|centrum|agencja|stowarzyszenie|fundacja|gmina|starostwo|powiat|"
    r"s\.a\.|sp\. z o\.o\.)",
    re.I,
)

# Lines a forum engine writes into posts: quote headers, reply buttons, phone-app signatures.
THREAD_LINE_RE = re.compile(
    r"^\s*(?:(?:cytat|cytuj|quote|odpowiedz|reply)\s*:?|"
    r"napisane przez\b.{0,60}|"
    r".{0,60}\b(?:napisał(?:\(a\)|a)?|napisała|wrote|said)\s*:|"
    r"(?:wysłane|wysłano)\s+(?:z|ze|przy użyciu)\b.{0,80}|sent from my\b.{0,60})\s*$",
    re.I,
)

# Class or id words that name the posts of a discussion thread (phpBB, vBulletin, IPS,
# XenForo, SMF and hand-made forums all use one of them).
THREAD_TOKEN_RE = re.compile(r"post|message|comment|reply|replies|entry|msg", re.I)

# Classes of the header above a quoted post ("bbCodeBlock-title", "quotetitle", "quote-header").
QUOTE_HEADER_RE = re.compile(
    r"quote[_-]?(?:title|header|author|cite)|bbcodeblock-title|ipsquote_citation", re.I
)
