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
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("ośrodek", r"Pomocy\s+(?:Społecznej|Rodzinie)", "ops"),
    ("ośrodek", r"Polityki\s+Społecznej", "rops"),
    ("centrum", r"Polityki\s+Społecznej", "rops"),
    ("centrum", r"Pomocy\s+Rodzinie", "pcpr"),
    ("centrum", r"Rozwoju\s+Zasobów\s+Ludzkich", "inna"),
    ("urząd", r"Pracy", "pup"),  # "wup" when an adjective says wojewódzki
    ("urząd", rf"Marszałkowski\w*(?:\s+Województwa\s+{_WORD})?", "urzad-marszalkowski"),
    ("urząd", r"Wojewódzki\w*", "urzad-wojewodzki"),
    ("urząd", rf"(?:Miasta\s+i\s+Gminy|Miasta|Gminy|Miejski\w*)\s+{_WORD}", "inna"),
    ("ministerstwo", rf"{_WORD}(?:(?:,\s+|\s+i\s+|\s+)(?!Województwa){_WORD})*", "ministerstwo"),
    ("agencja", rf"Rozwoju(?:\s+{_WORD})+", "agencja-rozwoju"),
    ("program", rf"Operacyjn\w+(?:\s+{_WORD}){{0,4}}", "program-ue"),
    ("fundusz", r"Społeczn\w+(?:\s+Plus|\s*\+)?", "program-ue"),
    ("fundusz", r"Rozwoju\s+Regionalnego", "program-ue"),
    ("fundusz", r"Europejsk\w+\s+dla\s+Rozwoju\s+Społecznego", "program-ue"),
    ("fundusz", r"Rehabilitacji\s+Osób\s+Niepełnosprawnych", "inna"),
    ("starostwo", r"Powiatow\w+", "inna"),
    ("zakład", r"Ubezpieczeń\s+Społecznych", "inna"),
)
HEAD_LEMMAS = frozenset(lemma for lemma, _, _ in TEMPLATES)

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
    "MRPiPS": ("Ministerstwo Rodziny, Pracy i Polityki Społecznej", "ministerstwo"),
    "MPiPS": ("Ministerstwo Pracy i Polityki Społecznej", "ministerstwo"),
    "MFiPR": ("Ministerstwo Funduszy i Polityki Regionalnej", "ministerstwo"),
}
_ACRONYM_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(a) for a in sorted(ACRONYMS, key=len, reverse=True))
    + r")(?![\w+-])|(?<![\w-])RPO(?:\s+W[A-Z]{1,3})?(?![\w-])"
)
# "w Wałbrzychu", "we Wrocławiu", "dla Miasta Torunia", "w Jeleniej Górze".
_PLACE_RE = re.compile(rf"\s+(?:(?:w|we)\s+|dla\s+Miasta\s+)({_WORD}(?:\s+{_WORD})?)")
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


@lru_cache(maxsize=20_000)
def city_lemma(place: str) -> str:
    """The nominative of a place as written after "w" or "dla Miasta": "Jeleniej Górze" ->
    "Jelenia Góra", "Toruniu" -> "Toruń"."""
    words = place.split()
    nouns = [
        (lemma, tag)
        for lemma, tag, qualifiers in analyses(words[-1])
        if tag.startswith("subst:") and "nazwa_geograficzna" in qualifiers
    ]
    if not nouns:
        return place  # a village Morfeusz does not know: kept as written
    lemma, tag = nouns[0]
    parts = _tag_parts(tag)
    noun = _same_case(lemma, words[-1])
    if len(words) == 1:
        return noun
    gender = next(iter(parts[3]))
    return f"{nominative_adjective(words[0], 'sg', gender)} {noun}"


# ---------------------------------------------------------------- detection


def _name_head(words: list[tuple[str, int, int]], index: int) -> tuple[str, str, str] | None:
    """(number, case, gender) of a capitalized head noun at `index`, if it is one."""
    word = words[index][0]
    if not word[:1].isupper():
        return None
    readings = [_tag_parts(tag) for _, tag in noun_readings(word, HEAD_LEMMAS)]
    readings = [parts for parts in readings if len(parts) >= 4]
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
    first = place.split()[0]
    if noun_readings(first, HEAD_LEMMAS) or first in ACRONYMS:
        return None  # "w Ministerstwie …" is the next institution, not a place
    # Keep a second word only when it is part of the place ("Jeleniej Górze", not "Toruniu Jan").
    if len(place.split()) == 2 and not any(
        "nazwa_geograficzna" in q for _, _, q in analyses(place.split()[1])
    ):
        place = first
    if not any(
        "nazwa_geograficzna" in q or tag.startswith("ign")
        for _, tag, q in analyses(place.split()[-1])
    ):
        return None
    written = text[match.start() : match.start(1) + len(place)].strip()
    return written, city_lemma(place), match.start(1) + len(place)


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
        for head_lemma, follow, kind in TEMPLATES:
            if head_lemma != lemma:
                continue
            match = re.compile(rf"\s+(?:{follow})").match(text, words[index][2])
            if not match:
                continue
            first = index
            number, cases, gender = reading
            while first > 0 and words[first - 1][0][:1].isupper():
                previous = words[first - 1][0]
                if text[words[first - 1][2] : words[first][1]].strip():
                    break  # punctuation between: not one name
                if not any(_agrees(previous, number, c, gender) for c in cases.split("|")):
                    break
                first -= 1
            matched = _SUFFIX_RE.sub("", match.group().rstrip())
            if kind == "ministerstwo":
                matched = _ministry_words(matched)
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
            elif kind == "inna" and re.match(r"Urz", words[index][0]):
                city = city_lemma(after.split()[-1])  # "Urząd Miasta Torunia"
            start = words[first][1]
            found.append(Mention(text[start:end], name, kind, city, start, end))
            taken.append((start, end))
            break
    for match in _ACRONYM_RE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        acronym = match.group()
        name, kind = ACRONYMS.get(acronym, ("Regionalny Program Operacyjny", "program-ue"))
        if acronym.startswith("RPO") and acronym != "RPO":
            name = f"Regionalny Program Operacyjny {acronym.split()[1]}"
        end, city = match.end(), None
        place = _place_after(text, end)
        if place:
            name, city, end = f"{name} {place[0]}", place[1], place[2]
        found.append(Mention(text[match.start() : end], name, kind, city, match.start(), end))
    found.sort(key=lambda m: m.start)
    return _share_places(text, found)


def _share_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Powiatowego Urzędu Pracy i Ośrodka Pomocy Społecznej w Bydgoszczy": both in Bydgoszcz."""
    for this, following in zip(mentions, mentions[1:], strict=False):
        between = text[this.end : following.start]
        if this.type in _NATIONAL or not re.fullmatch(r"\s+(?:i|oraz)\s+", between):
            continue  # "A, B w Toruniu" lists two institutions; only "A i B w Toruniu" shares
        if this.city is None and following.city:
            place = following.text[len(following.text.split(" w ")[0]) :].strip()
            if place.startswith(("w ", "we ", "dla ")):
                this.name = f"{this.name} {place}"
                this.city = following.city
    return mentions
