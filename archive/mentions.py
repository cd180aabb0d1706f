"""Polish public institutions named in article text, each mapped to one normalized name.

Detection is a gazetteer of name templates (a head word such as "urząd" or "ośrodek" and
the fixed words that follow it, all in `TEMPLATES`), plus acronyms (`ACRONYMS`). Whatever
case a name is written in ("Powiatowego Urzędu Pracy w Wałbrzychu", "z Wojewódzkim Urzędem
Pracy"), Morfeusz 2 (the SGJP dictionary of Polish inflection) gives each word's lemma and
grammatical case; the head noun and the adjectives agreeing with it are put back in the
nominative with the head's gender and number, the rest of the name (its genitive part and
the place) is kept as written, and the place's city is its dictionary lemma.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Mention", "find_mentions", "TYPES"]

# Types of institution, as the mentions table and its facets name them.
TYPES = (
    "ministerstwo",
    "rops",
    "wup",
    "pup",
    "ops",
    "pcpr",
    "urzad-marszalkowski",
    "urzad-wojewodzki",
    "agencja-rozwoju",
    "program-ue",
    "inna",
)

_UPPER = "A-ZĄĆĘŁŃÓŚŹŻ"
_WORD = rf"[{_UPPER}]\w+(?:-[{_UPPER}]\w+)?"  # a capitalized word, "Kujawsko-Pomorskiego" too

# Head lemma, the words that must follow the head (a regex over the text), and the type.
# The head and capitalized adjectives before it are found by Morfeusz, not by this table.
_OF_VOIVODESHIP = rf"(?:\s+Województwa\s+{_WORD})?"
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("ośrodek", r"Pomocy\s+(?:Społecznej|Rodzinie)", "ops"),
    ("ośrodek", rf"Polityki\s+Społecznej{_OF_VOIVODESHIP}", "rops"),
    ("centrum", rf"Polityki\s+Społecznej{_OF_VOIVODESHIP}", "rops"),
    ("centrum", r"Pomocy\s+Rodzinie", "pcpr"),
    ("centrum", r"Rozwoju\s+Zasobów\s+Ludzkich", "inna"),
    ("centrum", r"Usług\s+Społecznych", "inna"),
    ("dom", r"Pomocy\s+Społecznej", "inna"),
    ("inspektorat", r"Pracy", "inna"),
    ("urząd", rf"Pracy(?:\s+m\.\s?st\.\s+{_WORD})?", "pup"),  # "wup" if an adjective says so
    ("urząd", rf"Marszałkowski\w*{_OF_VOIVODESHIP}", "urzad-marszalkowski"),
    ("urząd", r"Wojewódzki\w*", "urzad-wojewodzki"),
    ("urząd", rf"(?:Miasta\s+i\s+Gminy|Miasta|Gminy)\s+{_WORD}(?:\s+{_WORD})?|Miejski\w*", "inna"),
    ("ministerstwo", rf"{_WORD}(?:(?:,\s+|\s+i\s+|\s+)(?!Województwa){_WORD})*", "ministerstwo"),
    ("agencja", rf"Rozwoju(?:\s+{_WORD})+", "agencja-rozwoju"),
    ("program", rf"Operacyjn\w+(?:\s+{_WORD}){{0,4}}", "program-ue"),
    ("fundusz", r"Społeczn\w+(?:\s+Plus|\s*\+)?", "program-ue"),
    ("fundusz", r"Rozwoju\s+Regionalnego", "program-ue"),
    ("fundusz", r"na\s+rzecz\s+Sprawiedliwej\s+Transformacji", "program-ue"),
    # The 2021-2027 programmes: "Fundusze Europejskie dla Rozwoju Społecznego / dla Kujaw
    # i Pomorza / dla Łódzkiego".
    ("fundusz", rf"Europejsk\w+\s+dla\s+{_WORD}(?:\s+(?:i\s+)?{_WORD})?", "program-ue"),
    ("fundusz", r"Rehabilitacji\s+Osób\s+Niepełnosprawnych", "inna"),
    ("starostwo", r"Powiatow\w+", "inna"),
    ("zakład", r"Ubezpieczeń\s+Społecznych", "inna"),
)
HEAD_LEMMAS = frozenset(lemma for lemma, _, _ in TEMPLATES)
# The templates compiled once: the words after the head, from just after it.
_FOLLOWERS = tuple(
    (lemma, re.compile(rf"\s+(?:{follow})"), kind) for lemma, follow, kind in TEMPLATES
)
# First letters of every inflected form of the heads ("urząd", "urzędu"; "dom", "domu").
_HEAD_STARTS = frozenset(lemma[:3] for lemma in HEAD_LEMMAS) | {"urz"}

# Acronyms: expansion and type. A place may follow ("MOPS w Wałbrzychu").
ACRONYMS: dict[str, tuple[str, str]] = {
    "MOPS": ("Miejski Ośrodek Pomocy Społecznej", "ops"),
    "MOPR": ("Miejski Ośrodek Pomocy Rodzinie", "ops"),
    "GOPS": ("Gminny Ośrodek Pomocy Społecznej", "ops"),
    "MGOPS": ("Miejsko-Gminny Ośrodek Pomocy Społecznej", "ops"),
    "OPS": ("Ośrodek Pomocy Społecznej", "ops"),
    "ROPS": ("Regionalny Ośrodek Polityki Społecznej", "rops"),
    "RCPS": ("Regionalne Centrum Polityki Społecznej", "rops"),
    "MCPS": ("Mazowieckie Centrum Polityki Społecznej", "rops"),
    "DOPS": ("Dolnośląski Ośrodek Polityki Społecznej", "rops"),
    "WUP": ("Wojewódzki Urząd Pracy", "wup"),
    "PUP": ("Powiatowy Urząd Pracy", "pup"),
    "MUP": ("Miejski Urząd Pracy", "pup"),
    "PCPR": ("Powiatowe Centrum Pomocy Rodzinie", "pcpr"),
    "MCPR": ("Miejskie Centrum Pomocy Rodzinie", "pcpr"),
    "DARR": ("Dolnośląska Agencja Rozwoju Regionalnego", "agencja-rozwoju"),
    "ARR": ("Agencja Rozwoju Regionalnego", "agencja-rozwoju"),
    "PO KL": ("Program Operacyjny Kapitał Ludzki", "program-ue"),
    "POKL": ("Program Operacyjny Kapitał Ludzki", "program-ue"),
    "PO WER": ("Program Operacyjny Wiedza Edukacja Rozwój", "program-ue"),
    "POWER": ("Program Operacyjny Wiedza Edukacja Rozwój", "program-ue"),
    "EFS+": ("Europejski Fundusz Społeczny Plus", "program-ue"),
    "EFS": ("Europejski Fundusz Społeczny", "program-ue"),
    "EFRR": ("Europejski Fundusz Rozwoju Regionalnego", "program-ue"),
    "FERS": ("Fundusze Europejskie dla Rozwoju Społecznego", "program-ue"),
    "PFRON": ("Państwowy Fundusz Rehabilitacji Osób Niepełnosprawnych", "inna"),
    "ZUS": ("Zakład Ubezpieczeń Społecznych", "inna"),
    "CRZL": ("Centrum Rozwoju Zasobów Ludzkich", "inna"),
    "CUS": ("Centrum Usług Społecznych", "inna"),
    "MRPiPS": ("Ministerstwo Rodziny, Pracy i Polityki Społecznej", "ministerstwo"),
    "MPiPS": ("Ministerstwo Pracy i Polityki Społecznej", "ministerstwo"),
    "MFiPR": ("Ministerstwo Funduszy i Polityki Regionalnej", "ministerstwo"),
}
# Regional operational programmes 2007-2020 by their voivodeship code ("RPO WSL").
RPO_CODES = {
    "WD": "Dolnośląskiego",
    "WK-P": "Kujawsko-Pomorskiego",
    "WL": "Lubelskiego",
    "WŁ": "Łódzkiego",
    "WO": "Opolskiego",
    "WSL": "Śląskiego",
    "WŚ": "Świętokrzyskiego",
    "WiM": "Warmińsko-Mazurskiego",
    "WZ": "Zachodniopomorskiego",
}
# An acronym may carry a case ending after a hyphen: "MOPS-u", "ZUS-em", "PFRON-owi".
_ACRONYM_RE = re.compile(
    r"(?<![\w-])(?P<acronym>"
    + "|".join(re.escape(a) for a in sorted(ACRONYMS, key=len, reverse=True))
    + r"|RPO(?:\s+(?:"
    + "|".join(re.escape(code) for code in sorted(RPO_CODES, key=len, reverse=True))
    + r"))?)(?:-(?:u|em|ie|owi|y|ów|ach|ami))?(?![\w+-])"
)
# "w Wałbrzychu", "we Wrocławiu", "dla Miasta Torunia", "w Jeleniej Górze".
_PLACE_RE = re.compile(
    rf"(?:\s+S\.\s?A\.)?\s+(?:(?:w|we)\s+|dla\s+Miasta\s+)({_WORD}(?:\s+{_WORD})?)"
)
# Types named for the whole country: a place after the next name is never theirs.
_NATIONAL = frozenset({"ministerstwo", "program-ue"})
_TOKEN_RE = re.compile(r"[\w]+(?:-[\w]+)*")
# Company suffixes are not part of an institution's name.
_SUFFIX_RE = re.compile(r"\s+S\.\s?A\.?$|\s+sp\.\s*z\s*o\.\s*o\.?$", re.I)


@dataclass
class Mention:
    """One institution named in a text."""

    text: str  # as written, with its place
    name: str  # nominative, place kept as in the official name
    type: str
    city: str | None
    start: int
    end: int

    def as_record(self) -> dict[str, Any]:
        """Fields of the `mentions` table."""
        record = asdict(self)
        record["position"] = record.pop("start")
        record.pop("end")
        return record


# ---------------------------------------------------------------- morphology


@lru_cache(maxsize=1)
def _morfeusz() -> Any:
    import morfeusz2

    return morfeusz2.Morfeusz(expand_tags=False)


@lru_cache(maxsize=50_000)
def analyses(word: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Morfeusz readings of one word: (lemma, tag, name classes such as nazwa_geograficzna),
    the lemma without its sense mark ("Toruń:Sm3" -> "Toruń")."""
    found = []
    for _, _, (_, lemma, tag, names, _) in _morfeusz().analyse(word):
        found.append((lemma.split(":", 1)[0], tag, tuple(names)))
    return tuple(found)


def _tag_parts(tag: str) -> list[set[str]]:
    return [set(part.split(".")) for part in tag.split(":")]


def noun_readings(word: str, lemmas: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(lemma, tag) of a word read as a noun, optionally one of `lemmas` (case-insensitive)."""
    return [
        (lemma, tag)
        for lemma, tag, _ in analyses(word)
        if tag.startswith("subst:") and (lemmas is None or lemma.lower() in lemmas)
    ]


def _agrees(adjective: str, number: str, case: str, gender: str) -> bool:
    for _, tag, _ in analyses(adjective.rsplit("-", 1)[-1]):
        parts = _tag_parts(tag)
        if tag.startswith("adj:") and len(parts) >= 4:
            if number in parts[1] and case in parts[2] and gender in parts[3]:
                return True
    return False


@lru_cache(maxsize=20_000)
def nominative_adjective(word: str, number: str, gender: str) -> str:
    """An adjective in the nominative with the given number and gender ("Powiatowego" ->
    "Powiatowe" beside "Centrum"); the last part only of "Miejsko-Gminnego"."""
    prefix, _, last = word.rpartition("-")
    lemmas = {lemma for lemma, tag, _ in analyses(last) if tag.startswith("adj:")}
    for lemma in sorted(lemmas):
        for form, _, tag, _, _ in _morfeusz().generate(lemma):
            parts = _tag_parts(tag)
            if tag.startswith("adj:") and number in parts[1] and "nom" in parts[2]:
                if gender in parts[3] and (len(parts) < 5 or "pos" in parts[4]):
                    form = _same_case(form, last)
                    return f"{prefix}-{form}" if prefix else form
    return word


def _same_case(form: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return form.upper()
    return form[:1].upper() + form[1:] if model[:1].isupper() else form


_GENDER_PREFERENCE = {"m3": 0, "f": 1, "n": 2}


def _geographic_noun(word: str) -> tuple[str, str] | None:
    """(lemma, tag) of a place name's noun.

    Morfeusz lists every dictionary place a form can come from ("Lublinie": Lublin and the
    village Lublino; "Lesznie": Leszno and Lesznia). Towns are the shorter, older names, and
    masculine ones break the remaining ties ("Głogowie": Głogów, not Głogowa or Głogowo).
    Measured on bench/mentions_labelled.jsonl: 216/221 cities right; simplemma's choice
    instead gave 206 ("Lublino", "Strzelino").
    """
    readings = [
        (lemma, tag)
        for lemma, tag, names in analyses(word)
        if tag.startswith("subst:")
        and lemma[:1].isupper()
        and any(n in ("nazwa_geograficzna", "człon_nazwy_geograficznej") for n in names)
    ]
    if not readings:
        return None
    return min(
        readings,
        key=lambda r: (len(r[0]), _GENDER_PREFERENCE.get(min(_tag_parts(r[1])[3]), 3)),
    )


def _is_adjective(word: str) -> bool:
    return any(tag.startswith("adj:") for _, tag, _ in analyses(word))


@lru_cache(maxsize=20_000)
def city_lemma(place: str) -> str:
    """The nominative of a place as written after "w" or "dla Miasta": "Jeleniej Górze" ->
    "Jelenia Góra", "Piotrkowie Trybunalskim" -> "Piotrków Trybunalski", "Bielsku-Białej" ->
    "Bielsko-Biała". A place Morfeusz does not know is kept as written."""
    if "-" in place and " " not in place:
        parts = [city_lemma(part) for part in place.split("-")]
        return "-".join(parts)
    words = place.split()
    nouns = [(i, _geographic_noun(w)) for i, w in enumerate(words)]
    found = [(i, n) for i, n in nouns if n]
    if not found:
        return place
    # The noun of "Gorzowie Wielkopolskim" is the word that cannot be an adjective.
    index, (lemma, tag) = next(((i, n) for i, n in found if not _is_adjective(words[i])), found[0])
    parts = _tag_parts(tag)
    number, gender = next(iter(parts[1])), min(parts[3])
    out = []
    for i, word in enumerate(words):
        if i == index:
            out.append(_same_case(lemma, word))
        else:
            out.append(nominative_adjective(word, number, gender))
    return " ".join(out)


# ---------------------------------------------------------------- detection


def _name_head(words: list[tuple[str, int, int]], index: int) -> tuple[str, str, str] | None:
    """(number, case, gender) of a capitalized head noun at `index`, if it is one."""
    word = words[index][0]
    if not word[:1].isupper() or word[:3].lower() not in _HEAD_STARTS:
        return None  # most words cannot be a head: skip the dictionary lookup
    readings = [_tag_parts(tag) for _, tag in noun_readings(word, HEAD_LEMMAS)]
    # Names are singular but for a few ("Fundusze Europejskie"): singular readings first
    # ("Starostwa" is the singular genitive before it is a plural).
    readings = sorted((p for p in readings if len(p) >= 4), key=lambda p: "sg" not in p[1])
    if not readings:
        return None
    number, gender = next(iter(readings[0][1])), next(iter(readings[0][3]))
    cases = set().union(*(p[2] for p in readings if number in p[1] and gender in p[3]))
    return number, "|".join(sorted(cases)), gender


def _normalize(
    words: list[tuple[str, int, int]], first: int, head: int, after: str, reading: tuple
) -> str:
    """The name with the head and its agreeing adjectives in the nominative."""
    number, cases, gender = reading
    out: list[str] = []
    for word, _, _ in words[first:head]:
        out.append(nominative_adjective(word, number, gender))
    lemma = noun_readings(words[head][0], HEAD_LEMMAS)[0][0]
    if number == "sg":
        out.append(_same_case(lemma, words[head][0]))
    else:
        out.append(_plural_nominative(lemma, words[head][0]))
    rest = after.split()
    for i, word in enumerate(rest):
        # Adjectives right after the head agree with it ("Programu Operacyjnego",
        # "Urzędu Marszałkowskiego"); the genitive part after them stays as written.
        if any(_agrees(word, number, case, gender) for case in cases.split("|")):
            out.append(nominative_adjective(word, number, gender))
            continue
        out.extend(rest[i:])
        break
    return " ".join(out)


def _plural_nominative(lemma: str, model: str) -> str:
    for form, _, tag, _, _ in _morfeusz().generate(lemma):
        parts = _tag_parts(tag)
        if tag.startswith("subst:") and "pl" in parts[1] and "nom" in parts[2]:
            return _same_case(form, model)
    return model


def _before_next_name(matched: str) -> str:
    """The matched words up to where another name starts: "Programu Operacyjnego Kapitał
    Ludzki Regionalny Ośrodek …" ends before "Regionalny"."""
    tokens = list(re.finditer(r"\S+", matched))
    for i, token in enumerate(tokens[1:], 1):
        word = token.group().strip(",")
        following = tokens[i + 1].group() if i + 1 < len(tokens) else ""
        if (
            _starts_name(word)
            or following
            and noun_readings(following, HEAD_LEMMAS)
            and any(tag.startswith("adj:") for _, tag, _ in analyses(word))
        ):
            return matched[: token.start()].rstrip(", ")
    return matched


def _ministry_words(matched: str) -> str:
    """A ministry's name up to where another institution starts: "Pracy i Polityki
    Społecznej, Miejskiego Ośrodka …" ends before "Miejskiego"."""
    parts = re.split(r"(,\s+|\s+i\s+)", matched)
    kept = parts[0]
    for separator, part in zip(parts[1::2], parts[2::2], strict=True):
        first = part.split()[0]
        readings = analyses(first)
        if noun_readings(first, HEAD_LEMMAS) or not any(
            t.startswith("subst:") for _, t, _ in readings
        ):
            break
        if any(t.startswith("adj:") for _, t, _ in readings):
            break
        kept += separator + part
    return kept


def _place_after(text: str, end: int) -> tuple[str, str, int] | None:
    """("w Wałbrzychu", "Wałbrzych", new end) when a place follows a name at `end`."""
    match = _PLACE_RE.match(text, end)
    if not match:
        return None
    place = match.group(1)
    words = place.split()
    if _starts_name(words[0]):
        return None  # "w Ministerstwie …" is the next institution, not a place
    # A second capitalized word belongs to the place ("Jeleniej Górze", "Nowym Sączu",
    # "Piotrkowie Trybunalskim") unless it starts a name or is a person's name.
    if len(words) == 2 and (_starts_name(words[1]) or _personal_name(words[1])):
        place = words[0]
    written = text[match.start() : match.start(1) + len(place)].strip()
    written = re.sub(r"^S\.\s?A\.\s+", "", written)  # "S.A. w Koninie": the place only
    return written, city_lemma(place), match.start(1) + len(place)


def _starts_name(word: str) -> bool:
    """Whether a word opens another institution's name: a head noun or an acronym."""
    return bool(noun_readings(word, HEAD_LEMMAS)) or word in ACRONYMS


def _personal_name(word: str) -> bool:
    """A first name or surname that cannot be read otherwise ("Śląskiej" can be an adjective)."""
    names = {q for _, _, qualifiers in analyses(word) for q in qualifiers}
    return bool(names) and names <= {"imię", "nazwisko"} and not _is_adjective(word)


def find_mentions(text: str) -> list[Mention]:
    """Every public institution and EU programme named in `text`, in order."""
    words = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for index in range(len(words)):
        reading = _name_head(words, index)
        if reading is None:
            continue
        lemma = noun_readings(words[index][0], HEAD_LEMMAS)[0][0].lower()
        for head_lemma, follow, kind in _FOLLOWERS:
            if head_lemma != lemma:
                continue
            match = follow.match(text, words[index][2])
            if not match:
                continue
            first = index
            number, cases, gender = reading
            while first > 0 and words[first - 1][0][:1].isupper():
                previous = words[first - 1][0]
                if any(s <= words[first - 1][1] < e for s, e in taken):
                    break  # the end of the name before: "… Kapitał Ludzki Regionalny Ośrodek"
                if text[words[first - 1][2] : words[first][1]].strip():
                    break  # punctuation between: not one name
                if not any(_agrees(previous, number, c, gender) for c in cases.split("|")):
                    break
                first -= 1
            matched = _SUFFIX_RE.sub("", match.group().rstrip())
            if kind == "ministerstwo":
                matched = _ministry_words(matched)
            matched = _before_next_name(matched)
            after = matched.strip()
            end = words[index][2] + len(matched)
            name = _normalize(words, first, index, after, reading)
            if kind == "pup" and any(
                lemma == "wojewódzki"
                for w, _, _ in words[first:index]
                for lemma, tag, _ in analyses(w)
            ):
                kind = "wup"
            city = None
            place = _place_after(text, end)
            if place:
                name = f"{name} {place[0]}"
                city, end = place[1], place[2]
            elif kind == "inna" and re.match(r"Urz", words[index][0]) and "Miejski" not in after:
                # "Urząd Miasta Torunia", "Urząd Gminy Lipnica Wielka"
                city = city_lemma(re.sub(r"^(?:Miasta\s+i\s+Gminy|Miasta|Gminy)\s+", "", after))
            elif "m.st." in after.replace(" ", ""):
                city = city_lemma(after.split()[-1])  # "Urząd Pracy m.st. Warszawy"
            start = words[first][1]
            found.append(Mention(text[start:end], name, kind, city, start, end))
            taken.append((start, end))
            break
    for match in _ACRONYM_RE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        acronym = match.group("acronym")
        name, kind = ACRONYMS.get(acronym, ("Regionalny Program Operacyjny", "program-ue"))
        if acronym.startswith("RPO") and acronym != "RPO":
            name = f"Regionalny Program Operacyjny Województwa {RPO_CODES[acronym.split()[1]]}"
        end, city = match.end(), None
        place = _place_after(text, end)
        if place:
            name, city, end = f"{name} {place[0]}", place[1], place[2]
        found.append(Mention(text[match.start() : end], name, kind, city, match.start(), end))
    found.sort(key=lambda m: m.start)
    return _share_places(text, found)


def _share_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Powiatowego Urzędu Pracy, Powiatowego Centrum Pomocy Rodzinie i Miejskiego Ośrodka
    Pomocy Społecznej w Głogowie": all three in Głogów. A list joined by commas alone
    ("A, B w Toruniu") names different places, so only a run ending in "i"/"oraz" shares."""
    for index in range(len(mentions) - 1, 0, -1):
        last = mentions[index]
        if last.city is None:
            continue
        place = last.text[len(last.text.split(" w ")[0]) :].strip()
        if not place.startswith(("w ", "we ")):
            continue
        joiner = text[mentions[index - 1].end : last.start]
        if not re.fullmatch(r"\s+(?:i|oraz)\s+", joiner):
            continue
        for earlier in range(index - 1, -1, -1):
            this = mentions[earlier]
            if this.city is not None or this.type in _NATIONAL:
                break
            this.name = f"{this.name} {place}"
            this.city = last.city
            gap = text[mentions[earlier - 1].end : this.start] if earlier else ""
            if not re.fullmatch(r",\s+", gap):
                break
    return mentions
