"""Read an institution's contact block (address, phones, e-mails, NIP/REGON/KRS, hours)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, fields
from urllib.parse import unquote

import phonenumbers
from lxml import etree, html
from stdnum import iban as stdnum_iban
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from archive.hours import parse_schedule

__all__ = ["Contact", "contact_blocks", "extract_contact", "issue_message", "merge_contacts"]

HtmlElement = html.HtmlElement

_LIST_FIELDS = ("phones", "fax", "emails")
_DATA_FIELDS = (
    "street", "postal_code", "city", "phones", "fax", "emails", "nip", "regon", "krs", "epuap",
    "bank_account",
)  # fmt: skip


@dataclass
class Contact:
    """Contact details of one institution as shown on its pages."""

    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    phones: list[str] = field(default_factory=list)
    fax: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    nip: str | None = None
    regon: str | None = None
    krs: str | None = None
    epuap: str | None = None  # ePUAP inbox: "/darr/SkrytkaESP"
    bank_account: str | None = None  # NRB, 26 digits, checksum-checked
    website: str | None = None
    hours: str | None = None  # as shown
    hours_json: dict[str, list[list[str]]] = field(default_factory=dict)  # {"mon": [[..]]}
    page_url: str | None = None
    role: str = "siedziba"  # or oddział, filia, delegatura, punkt...
    name: str | None = None  # a branch's heading: "Oddział w Jeleniej Górze"
    branches: list[Contact] = field(default_factory=list)  # the seat's other addresses
    # Numbers that failed their check: {"field", "value", "reason", "page_url"}; never stored
    # as valid, never silently dropped (the contact_issues table keeps them).
    issues: list[dict[str, str]] = field(default_factory=list)

    def as_record(self) -> dict[str, object]:
        """Return the fields for the contacts table (lists stay lists; issues left out)."""
        return {
            f.name: _copy(getattr(self, f.name))
            for f in fields(self)
            if f.name not in ("issues", "branches", "role", "name")
        }

    def is_empty(self) -> bool:
        """Tell whether no contact detail was found (page_url and issues do not count)."""
        return not any(getattr(self, name) for name in (*_DATA_FIELDS, "hours"))


def _copy(value: object) -> object:
    """Copy lists and dicts so records never alias the dataclass."""
    if isinstance(value, list):
        return list(value)
    return dict(value) if isinstance(value, dict) else value


def merge_contacts(primary: Contact, fallback: Contact) -> Contact:
    """Merge field-wise: primary's non-empty values win, lists are unioned in order."""
    merged = Contact()
    for f in fields(Contact):
        first, second = getattr(primary, f.name), getattr(fallback, f.name)
        if f.name == "issues":
            merged.issues = [*first, *(i for i in second if i not in first)]
        elif f.name == "branches":
            names = {b.name for b in first}
            merged.branches = [*first, *(b for b in second if b.name not in names)]
        elif isinstance(first, list):
            setattr(merged, f.name, _unique([*first, *second]))
        else:
            setattr(merged, f.name, first if first else second)
    return merged


def _unique(items: list[str]) -> list[str]:
    """Drop duplicates, keeping first occurrences in order."""
    return list(dict.fromkeys(items))


# ---------------------------------------------------------------------------
# Where the contact block lives

_BLOCK_ATTR_RE = re.compile(r"footer|stopka|kontakt|contact|address|adres", re.IGNORECASE)
_HEADER_ATTR_RE = re.compile(r"(?:^|[\s_-])(?:header|naglowek|top-?bar)(?:$|[\s_-])", re.I)
# Both tests in one pass over each element's attributes.
_ANY_BLOCK_ATTR_RE = re.compile(f"{_BLOCK_ATTR_RE.pattern}|{_HEADER_ATTR_RE.pattern}", re.I)
# Only tagged or attributed elements can be blocks; XPath picks them out in C.
_BLOCK_XPATH = etree.XPath("//footer|//address|//header|//*[@class or @id or @role]")
_MENU_RE = re.compile(r"(?:^|[\s_-])(?:menu|nav|navbar|navigation)(?:$|[\s_-])", re.I)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option", "nav"})
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt footer form h1 h2 h3 h4 h5 h6 header hr li"
    " main nav ol p pre section table td th tr ul".split()
)


def _attrs(el: HtmlElement) -> str:
    """Return class and id joined, for keyword tests."""
    return f"{el.get('class', '')} {el.get('id', '')}"


def _main_content(root: HtmlElement) -> HtmlElement:
    """Return the content element of a contact page (article, main, #content) or body."""
    for path in (
        "//main",
        "//*[@role='main']",
        "//article",
        "//*[@id='content' or @id='main' or @id='tresc' or @id='main-content']",
    ):
        found = root.xpath(path)
        if found:
            return found[0]
    body = root.find("body")
    if body is None:
        return root
    # Old table layouts: start at the "Kontakt" heading and widen to the block holding an
    # address, so side columns (emergency numbers, menus) stay out.
    for el in body.iter("h1", "h2", "h3", "h4", "b", "strong", "font", "td", "div", "p", "span"):
        if el.find(".//a") is not None or el.xpath("ancestor::a"):
            continue
        if not re.fullmatch(r"\s*kontakt\s*:?\s*", el.text_content() or "", re.IGNORECASE):
            continue
        for ancestor in el.iterancestors():
            if ancestor is body:
                break
            if _POSTAL_CODE_RE.search(ancestor.text_content()):
                return ancestor
    return body


def contact_blocks(root: HtmlElement, *, contact_page: bool = False) -> list[HtmlElement]:
    """Return the elements to read contacts from: main content (contact pages), footers, headers."""
    found: list[HtmlElement] = []
    if contact_page:
        found.append(_main_content(root))
    # XPath (in C) narrows the page down; the regexes then decide on the few candidates.
    for el in _BLOCK_XPATH(root):
        if not (
            el.tag in ("footer", "address", "header")
            or _ANY_BLOCK_ATTR_RE.search(_attrs(el))
            or el.get("role") == "contentinfo"
        ):
            continue
        # Ancestors are checked only for the few matches: walking them for every element
        # was most of this function's time.
        if el.tag in _SKIP_TAGS or any(a.tag in _SKIP_TAGS for a in el.iterancestors()):
            continue
        found.append(el)
    if len(found) == int(contact_page):
        # No footer, address or contact block at all: an old page's last block may be one.
        trailing = _trailing_block(root)
        if trailing is not None and not any(
            trailing is el or el in trailing.iterancestors() for el in found
        ):
            found.append(trailing)
    # Keep only outermost blocks so nothing is read twice.
    chosen = set(found)
    return [
        el
        for index, el in enumerate(found)
        if el not in found[:index] and not any(a in chosen for a in el.iterancestors())
    ]


def _trailing_block(root: HtmlElement) -> HtmlElement | None:
    """The page's last block when it reads as an address: old pages end with a plain
    "<hr><center>Ośrodek …<br>ul. …, 27-200 …<br>NIP …</center>" and no footer markup."""
    body = root.find("body")
    if body is None:
        return None
    for el in reversed(body):
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or el.tag in ("hr", "br"):
            continue
        text = el.text_content()
        if not text.strip():
            continue
        if el.tag in ("article", "main") or el.find(".//h1") is not None:
            return None  # the page's text, not its footer
        if len(text) <= 1500 and _POSTAL_CODE_RE.search(text):
            return el
        return None
    return None


def _cf_email(encoded: str) -> str | None:
    """Decode a Cloudflare-protected e-mail (data-cfemail hex, XOR with its first byte)."""
    try:
        data = bytes.fromhex(encoded)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    return bytes(b ^ data[0] for b in data[1:]).decode("utf-8", "replace")


def _branch_units(block: HtmlElement) -> list[tuple[str, list[HtmlElement]]]:
    """Headings naming a branch or department, each with what follows it up to the next heading.

    A heading is an h2-h5, or a bold line (<b>, <strong>) that old pages use instead.
    """
    units: list[tuple[str, list[HtmlElement]]] = []
    for heading in block.iter("h2", "h3", "h4", "h5", "b", "strong"):
        title = " ".join((heading.text_content() or "").split())
        if not _BRANCH_HEADING_RE.match(title):
            continue
        bold = heading.tag in ("b", "strong")
        parent = heading.getparent()
        if bold and parent is not None and parent.tag == "p" and parent.index(heading) == 0:
            # "<p><strong>Filia w …</strong><br>ul. …<br>tel. …</p>": the paragraph is the unit.
            units.append((title, [parent]))
            continue
        members = [heading]
        for sibling in heading.itersiblings():
            if isinstance(sibling.tag, str) and (
                sibling.tag in ("h1", "h2", "h3", "h4", "h5")
                or bold
                and sibling.tag in ("b", "strong")
                or _opens_unit(sibling)
            ):
                break  # the next heading (a bold line on old pages) starts another unit
            previous = members[-1]
            if bold and sibling.tag == "br" and previous.tag == "br":
                if not (previous.tail or "").strip():
                    break  # "<br><br>": a blank line ends an old page's unit
            members.append(sibling)
        units.append((title, members))
    return units


def _opens_unit(el: HtmlElement) -> bool:
    """Whether a paragraph starts with a bold unit heading: <p><strong>Oddział …</strong>."""
    first = el[0] if len(el) else None
    return (
        el.tag == "p"
        and first is not None
        and first.tag in ("b", "strong")
        and not (el.text or "").strip()
        and bool(_BRANCH_HEADING_RE.match(first.text_content() or ""))
    )


def _branch_sections(block: HtmlElement) -> set[HtmlElement]:
    """Every element of the block's branch and department units."""
    return {el for _, members in _branch_units(block) for el in members}


def _unit_text(members: list[HtmlElement]) -> str:
    """A unit's text: its elements and the text after each (old pages write "<b>Filia</b><br>
    ul. …<br>tel. …" as tails of <br>s)."""
    parts = []
    for el in members:
        wrapper = html.Element("div")
        wrapper.append(copy.deepcopy(el))
        parts.append(_linear_text(wrapper, keep_units=True))
        if el.tail and el.tail.strip():
            parts.append(el.tail.strip())
    return "\n".join(parts)


def _branch_role(heading: str) -> str:
    """The unit's role from its heading's first word: "Oddział w …" -> "oddział"."""
    word = heading.split()[0].lower().rstrip(":")
    return {"oddziały": "oddział", "filie": "filia", "punkty": "punkt"}.get(word, word)


def extract_branches(block: HtmlElement, url: str) -> list[Contact]:
    """Branches with an address of their own (one Contact each, role and name set)."""
    branches: list[Contact] = []
    for title, members in _branch_units(block):
        branch = Contact(role=_branch_role(title), name=title)
        _parse_block(_unit_text(members), url, branch)
        if branch.postal_code or branch.street:
            branch.page_url = url
            branch.issues = []  # a unit's numbers are checked on the seat's row
            branches.append(branch)
    return branches


def _linear_text(block: HtmlElement, keep_units: bool = False) -> str:
    """Return block text with newlines at block boundaries and mailto/tel targets inlined."""
    parts: list[str] = []
    # The seat's row: a branch's or department's numbers belong to that unit, not the seat.
    skipped = set() if keep_units else _branch_sections(block)

    def walk(el: HtmlElement) -> None:
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            return
        cls = el.get("class")
        if cls and _MENU_RE.search(cls) and el is not block:
            # Menus inside headers/footers are long and never hold contact details.
            return
        is_block = el.tag in _BLOCK_TAGS or el.tag == "br"
        if is_block:
            parts.append("\n")
        if el.tag == "img" and _ICON_LABEL_RE.match(el.get("alt") or ""):
            # Joomla's contact page labels numbers with icons: <img alt="Fax: ">.
            parts.append(" " + el.get("alt", "") + " ")
        parts.append(el.text or "")
        for child in el:
            if child in skipped:
                # A unit's lines: the element and the text after it (old pages write
                # "<b>Dział …</b><br>ul. …<br>tel. …" as tails of <br>s).
                continue
            walk(child)
            parts.append(child.tail or "")
        if el.tag == "a":
            href = (el.get("href") or "").strip()
            if href.lower().startswith("mailto:"):
                # The link text may be "Napisz do nas"; the address lives only in href.
                parts.append(" " + unquote(href[7:]).split("?", 1)[0].replace(",", " ") + " ")
            elif href.lower().startswith("tel:"):
                parts.append(" tel. " + unquote(href[4:]) + " ")
        cf = el.get("data-cfemail")
        if cf:
            parts.append(" " + (_cf_email(cf) or "") + " ")
        if is_block:
            parts.append("\n")

    walk(block)
    text = "".join(parts).replace("\xa0", " ").replace("\u200b", "")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------
# Field parsers

_UPPER = "A-ZĄĆĘŁŃÓŚŹŻ"
_LOWER = "a-ząćęłńóśźż"
_WORD = f"{_UPPER}{_LOWER}"

_AT = r"(?:\s*(?:\(|\[|\{|<)\s*(?:at|małpa|malpa|@)\s*(?:\)|\]|\}|>)\s*|\s+(?:at|małpa|malpa)\s+|@)"
_DOT = (
    r"(?:\s*(?:\(|\[|\{|<)\s*(?:dot|kropka|\.)\s*(?:\)|\]|\}|>)\s*|\s+(?:dot|kropka)\s+|"
    r"\s+\.\s+|\.)"
)
_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])([\w.+-]+){_AT}([\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,12}})(?![\w-])",
    re.IGNORECASE,
)
_DOT_RE = re.compile(_DOT, re.IGNORECASE)

_NIP_RE = re.compile(
    r"\bNIP\b[^\d\n]{0,12}?(?:\n[^\d\n]{0,6})?((?:PL)?\s?\d[\d \-]{8,14}\d)", re.IGNORECASE
)
_REGON_RE = re.compile(
    r"\bREGON\b[^\d\n]{0,12}?(?:\n[^\d\n]{0,6})?(\d[\d \-]{6,18}\d)", re.IGNORECASE
)
_KRS_RE = re.compile(
    r"\bKRS\b[^\d\n]{0,12}?(?:\n[^\d\n]{0,6})?(\d[\d \-]{0,12}\d|\d)", re.IGNORECASE
)
_ACCOUNT_RE = re.compile(r"(?<![\d-])(?:PL\s?)?\d{2}(?:[ -]?\d{4}){6}(?![\d-])")
_EPUAP_RE = re.compile(r"(?<![\w/])(/[\w.-]{2,40}/(?:SkrytkaESP|skrytka\w*|domyslna|ESP\w*))", re.I)
_WEBSITE_RE = re.compile(
    r"(?<![\w@/.])((?:https?://)?www\.[\w-]+(?:\.[\w-]+)+)(?:/[^\s,;]*)?", re.I
)

_POSTAL_RE = re.compile(
    rf"(?<![\d\-])(\d{{2}}-\d{{3}})(?![\d\-])[ ,]*"
    rf"([{_UPPER}][{_WORD}.]*"
    rf"(?:(?:\s|-)(?:[{_UPPER}][{_WORD}.]*|(?:nad|pod|k\.|koło|n\.|w)(?=\s)))*)?"
)
_CITY_STOP_RE = re.compile(
    r"\s+(?:Tel|Fax|E-?mail|NIP|REGON|KRS|Woj|Poczta|Polska|Poland)\b.*$", re.IGNORECASE
)
# Premises numbers belong to the street as written: "ul. Piłsudskiego 40 lok. 3".
_UNIT = r"(?:\s*,?\s*(?:lok\.|lokal|m\.)\s*\d+[A-Za-z]?)?"
_STREET_RE = re.compile(
    rf"(?<![\w.@/])((?:ul\.|ulica|al\.|aleja|aleje|pl\.|plac|os\.|osiedle|rynek)"
    rf"\s*[{_UPPER}0-9][\w.\-\" ]*?\s\d+[A-Za-z]?(?:\s?[/\-]\s?\d+[A-Za-z]?)?{_UNIT})(?![\d\w])",
    re.IGNORECASE,
)
_BARE_STREET_RE = re.compile(
    rf"([{_UPPER}][{_LOWER}]+(?:[ \-][{_UPPER}0-9][{_WORD}.]*){{0,3}}\s\d+[A-Za-z]?"
    rf"(?:\s?/\s?\d+[A-Za-z]?)?{_UNIT})\s*,?\s*$"
)

_BRANCH_HEADING_RE = re.compile(
    r"\s*(?:oddział|oddziały|filia|filie|punkt|punkty|delegatura|wydział|dział|zespół|"
    r"biuro terenowe|centrum informacji|ośrodek zamiejscowy|placówk|klub|świetlic|"
    r"obserwatorium)",
    re.IGNORECASE,
)
# "Dział Szkoleń: 77 441 52 63": a number labelled with a unit's name is that unit's.
_UNIT_LABEL_RE = re.compile(
    r"(?:^|[,;]\s*)(?!(?i:tel|telefon|sekretariat|centrala|informacja|infolinia|kancelaria|"
    r"biuro|recepcja|kierownik|dyrektor|prezes|fax|faks|e-?mail|kom|komórka|tel\./fax)\b)"
    r"[A-ZĄĆĘŁŃÓŚŹŻ][\w ./-]{2,60}:\s*(?:tel\.?(?:/fax)?\s*:?\s*)?$",
)
_ICON_LABEL_RE = re.compile(
    r"\s*(?:tel\.?|telefon|fax|faks|tel\.?/fax|e-?mail|adres|komórka|tel\. kom\.?)\s*:?\s*$", re.I
)
_POSTAL_CODE_RE = re.compile(r"(?<!\d)\d{2}-\d{3}(?!\d)")
_LOCAL_RE = re.compile(r"\d{3}[ -]?\d{2}[ -]?\d{2}")
_PHONE_RUN_RE = re.compile(r"[+(\d][\d \t()+\-./]{5,30}\d")
_FAX_BOTH_RE = re.compile(
    r"tel(?:efon)?\.?\s*(?:/|\\|i|oraz|-|,)\s*fax|fax\s*(?:/|\\|i|oraz|-|,)\s*tel", re.IGNORECASE
)
_FAX_RE = re.compile(r"(?<![a-z])(?:fax|faks|telefaks)(?![a-z])", re.IGNORECASE)
_TEL_RE = re.compile(
    r"(?<![a-z])(?:tel|telefon|phone|kom|tel\.?\s*kom|centrala|infolinia|sekretariat|gsm)",
    re.IGNORECASE,
)
_EXTENSION_RE = re.compile(r"\s*(?:wew\.?|w\.|ext\.?)\s*\d+.*$", re.IGNORECASE)

_FULL_DATE_RE = re.compile(r"\b\d{1,2}([./-])\d{1,2}\1\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
_HOURS_LABEL_RE = re.compile(
    r"(?:godziny|godz\.)\s+(?:pracy|urzędowania|urzedowania|otwarcia|przyjęć|przyjmowania"
    r"|obsługi\s+klient[aó]w?)(?:\s+[\w.]+){0,2}?\s*:?|(?<![a-z])czynn[eya](?![a-z])\s*:?",
    re.IGNORECASE,
)
_TIME_RE = re.compile(r"\d{1,2}[.:]\d{2}|\b\d{1,2}\s*[-–]\s*\d{1,2}\b")
_HOURS_CONTINUATION_RE = re.compile(
    r"\s*(?:\d|pn|pon|wt|śr|sr|czw|cz|pt|pi[aą]|sob|nd|niedz|poniedzia|wtor|środ|sroda|czwart|"
    r"sobot|w dni|od\s)",
    re.IGNORECASE,
)
_DAY_RANGE_RE = re.compile(
    r"(?:pn|pon|poniedzia[lł]ek|poniedzia[lł]ku)\.?\s*(?:[-–]|do)\s*(?:pt|pi[aą]t(?:ek|ku)?)",
    re.IGNORECASE,
)
_OTHER_LABEL_RE = re.compile(r"\b(?:tel|fax|e-?mail|NIP|REGON|KRS)\b", re.IGNORECASE)


def _digits(text: str) -> str:
    """Keep digits only."""
    return re.sub(r"\D", "", text)


def _parse_emails(text: str) -> list[str]:
    """Return de-obfuscated e-mail addresses in order of appearance."""
    emails: list[str] = []
    for m in _EMAIL_RE.finditer(text):
        local = m.group(1).strip(".")
        domain = _DOT_RE.sub(".", m.group(2)).strip(".")
        if local and "." in domain:
            emails.append(f"{local}@{domain}".lower())
    return emails


def _nip_valid(digits: str) -> bool:
    """NIP (10 digits) passes its checksum."""
    return len(digits) == 10 and stdnum_nip.is_valid(digits)


def _regon_valid(digits: str) -> bool:
    """REGON (9 or 14 digits) passes its checksum."""
    return len(digits) in (9, 14) and stdnum_regon.is_valid(digits)


# field, pattern, validity test, what a failure is called. KRS has no checksum; the register
# prints it as ten zero-padded digits.
_REGISTRY_FIELDS = (
    ("nip", _NIP_RE, _nip_valid, "fails checksum"),
    ("regon", _REGON_RE, _regon_valid, "fails checksum"),
    ("krs", _KRS_RE, lambda digits: 1 <= len(digits) <= 10, "is not a 10-digit number"),
)


def _registry_numbers(text: str, url: str, contact: Contact) -> list[tuple[int, int]]:
    """Fill NIP/REGON/KRS (checksummed) and return their spans so phones skip them."""
    spans: list[tuple[int, int]] = []
    for field_name, pattern, valid, failure in _REGISTRY_FIELDS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            shown = m.group(1).strip()
            digits = _digits(shown)
            if getattr(contact, field_name):
                continue
            if valid(digits):
                setattr(contact, field_name, digits.zfill(10) if field_name == "krs" else digits)
            else:
                _issue(contact, field_name, shown, failure, url)
    for m in _ACCOUNT_RE.finditer(text):
        spans.append(m.span())
        digits = _digits(m.group())
        if contact.bank_account:
            continue
        if stdnum_iban.is_valid("PL" + digits):
            contact.bank_account = digits
        else:
            _issue(contact, "bank_account", m.group().strip(), "fails checksum", url)
    return spans


def _issue(contact: Contact, field_name: str, value: str, reason: str, url: str) -> None:
    """Record a number that failed its check, once."""
    issue = {"field": field_name, "value": value, "reason": reason, "page_url": url}
    if issue not in contact.issues:
        contact.issues.append(issue)


def issue_message(issue: dict[str, str]) -> str:
    """One line for the crawl log: "NIP 886-000-34-34 fails checksum (https://…)"."""
    label = issue["field"].upper() if issue["field"] != "bank_account" else "Account"
    return f"{label} {issue['value']} {issue['reason']} ({issue['page_url']})"


def _to_e164(candidate: str) -> str | None:
    """Parse one Polish phone number (extension dropped) to E.164, or None if invalid."""
    candidate = _EXTENSION_RE.sub("", candidate).strip()
    digits = _digits(candidate)
    if len(digits) == 10 and digits.startswith("0") and not candidate.lstrip().startswith("+"):
        # Pre-2005 trunk prefix: "(094) 347 28 10", "(0-75) 778 62 14".
        candidate, digits = digits[1:], digits[1:]
    if len(digits) < 9 or len(digits) > 13:
        return None
    try:
        number = phonenumbers.parse(candidate, "PL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _split_run(run: str) -> list[str]:
    """Turn a digit run into E.164 numbers, splitting '74 648 04 00 / 74 648 04 01' style runs."""
    whole = _to_e164(run)
    if whole:
        return [whole]
    numbers: list[str] = []
    for part in re.split(r"\s*/\s*|\s*;\s*", run):
        parsed = _to_e164(part)
        if parsed:
            numbers.append(parsed)
    if not numbers:
        digits = _digits(run)
        if len(digits) == 18:
            # Two bare national numbers written back to back.
            numbers = [n for n in (_to_e164(digits[:9]), _to_e164(digits[9:])) if n]
    return numbers


def _label_kind(context: str) -> str | None:
    """Classify the label text before a number: 'both', 'fax', 'tel' or None."""
    both = list(_FAX_BOTH_RE.finditer(context))
    fax = list(_FAX_RE.finditer(context))
    tel = list(_TEL_RE.finditer(context))
    last = max(
        [(m.end(), "both") for m in both]
        + [(m.end(), "fax") for m in fax]
        + [(m.end(), "tel") for m in tel],
        default=None,
    )
    if last is None:
        return None
    # "tel./fax" contains both words; the combined label wins when it ends last.
    if both and both[-1].end() >= last[0]:
        return "both"
    return last[1]


def _parse_phones(text: str, skip: list[tuple[int, int]]) -> tuple[list[str], list[str]]:
    """Return (phones, faxes) as E.164, classified by the label before each number."""
    phones: list[str] = []
    faxes: list[str] = []
    offset = 0
    previous_line = ""
    area = ""
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        # A label alone on the previous line ("Fax:") applies to this line's first number.
        kind = _label_kind(previous_line) if not re.search(r"\d", previous_line) else None
        cursor = 0
        last_end = -1
        for m in _PHONE_RUN_RE.finditer(line):
            start = line_start + m.start()
            if any(a <= start < b for a, b in skip):
                continue
            before = line[cursor : m.start()]
            label = _label_kind(before)
            kind = label or kind
            if _UNIT_LABEL_RE.search(before):
                cursor = m.end()
                continue
            cursor = m.end()
            numbers = _split_run(m.group(0))
            between = line[last_end : m.start()] if last_end >= 0 else "x"
            joined = re.fullmatch(r"\s*(?:,|;|i|lub|oraz)\s*", between)
            if not numbers and area and joined and _LOCAL_RE.fullmatch(m.group(0).strip()):
                # "(0-75) 778 62 14, 778 62 15": the second number shares the area code.
                numbers = _split_run(area + _digits(m.group(0)))
            if not numbers:
                continue
            area = numbers[-1][3:5]
            last_end = m.end()
            if kind in (None, "tel", "both"):
                phones += numbers
            if kind in ("fax", "both"):
                faxes += numbers
        previous_line = line
    return _unique(phones), _unique(faxes)


def _parse_address(text: str, contact: Contact) -> None:
    """Fill street, postal code and city from the first address in text."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        postal = _POSTAL_RE.search(line)
        if not postal or not postal.group(2):
            continue
        city = _CITY_STOP_RE.sub("", postal.group(2)).strip(" ,.-")
        contact.postal_code = postal.group(1)
        contact.city = city or None
        before = line[: postal.start()]
        street = _STREET_RE.search(before) or (index and _STREET_RE.search(lines[index - 1]))
        if street:
            contact.street = street.group(1).strip()
        else:
            bare = _BARE_STREET_RE.search(before.strip(" ,")) or (
                index and _BARE_STREET_RE.search(lines[index - 1].strip(" ,"))
            )
            if bare:
                contact.street = bare.group(1).strip()
        break
    if contact.street is None:
        # A street can be shown without a postal code (e.g. in a header strip).
        street = _STREET_RE.search(text)
        if street and "\n" not in street.group(1):
            contact.street = street.group(1).strip()


def _parse_hours(text: str) -> str | None:
    """Return office hours as shown, from the line after a 'godziny pracy' style label."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        label = _HOURS_LABEL_RE.search(line)
        if not label:
            continue
        collected: list[str] = []
        rest = line[label.end() :]
        colon = rest.find(":", 0, 25)
        if colon >= 0 and not rest[:colon].strip()[-1:].isdigit():
            # "Godziny pracy urzędu: pn.-pt. ..." - the label runs on to its colon.
            rest = rest[colon + 1 :]
        # A sentence's full stop is not part of the hours: "w godz. 7:30 - 15:30."
        rest = rest.strip(" :-–").rstrip(".")
        if rest and _TIME_RE.search(rest):
            collected.append(rest)
        for following in lines[index + 1 : index + 5]:
            if not _HOURS_CONTINUATION_RE.match(following):
                # "Kierownik przyjmuje w środy 10-14" is another schedule, not more hours.
                break
            # "Ostatnia aktualizacja: 25.02.2015" is a date, not a time of day.
            undated = _FULL_DATE_RE.sub("", following)
            if not _TIME_RE.search(undated) or _OTHER_LABEL_RE.search(following):
                break
            if len(following) > 100:
                break
            collected.append(following.strip().rstrip("."))
            if len(collected) >= 4:
                break
        if collected:
            return "; ".join(collected)
    for line in lines:
        # Unlabelled "pn. - pt. 8.00 - 16.00" still reads as office hours.
        if _DAY_RANGE_RE.search(line) and _TIME_RE.search(line) and len(line) <= 100:
            return line.strip()
    return None


def _parse_block(text: str, url: str, contact: Contact) -> None:
    """Fill empty fields of contact from one block's text."""
    found = Contact()
    skip = _registry_numbers(text, url, found)
    found.phones, found.fax = _parse_phones(text, skip)
    found.emails = _parse_emails(text)
    _parse_address(text, found)
    found.hours = _parse_hours(text)
    found.hours_json = parse_schedule(found.hours)
    epuap = _EPUAP_RE.search(text)
    found.epuap = epuap.group(1) if epuap else None
    website = _WEBSITE_RE.search(text)
    if website:
        address = website.group(1).lower()
        found.website = address if address.startswith("http") else f"https://{address}"
    merged = merge_contacts(contact, found)
    for f in fields(Contact):
        setattr(contact, f.name, getattr(merged, f.name))


def extract_contact(root: HtmlElement, url: str, *, contact_page: bool = False) -> Contact:
    """Extract the institution's contact details from footer/header blocks (or a contact page)."""
    contact = Contact()
    for block in contact_blocks(root, contact_page=contact_page):
        _parse_block(_linear_text(block), url, contact)
        for branch in extract_branches(block, url):
            if branch.name not in {b.name for b in contact.branches}:
                contact.branches.append(branch)
    if not contact.is_empty():
        contact.page_url = url
    return contact
