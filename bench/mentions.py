"""Precision and recall of institution mentions on our labelled paragraphs, and the seeds.

Run from the project root:  .venv/bin/python bench/mentions.py [--show-errors]

A predicted mention counts as right when its normalized name and type equal a labelled
mention's in the same paragraph (each labelled mention matches at most once). City and
the as-written span are scored separately on the matched pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.mentions import find_mentions  # noqa: E402

LABELLED = ROOT / "bench" / "mentions_labelled.jsonl"  # the set the rules were measured on
HELDOUT = ROOT / "bench" / "mentions_heldout.jsonl"  # written later, scored once, not tuned on
SEEDS = ROOT.parent / "shared" / "seeds"
# Every public institution and EU programme the two seed texts name (people, companies and
# associations are not institutions of these types).
SEED_INSTITUTIONS = {
    "000_26c086f25275881c.txt": {
        "Europejski Fundusz Społeczny",
        "Program Operacyjny Kapitał Ludzki",
        "Dolnośląska Agencja Rozwoju Regionalnego",
        "Ministerstwo Pracy i Polityki Społecznej",
        "Miejski Ośrodek Pomocy Społecznej w Wałbrzychu",
        "Powiatowy Urząd Pracy w Wałbrzychu",
    },
    "003_dba4c938a16e75c9.txt": {
        "Ministerstwo Pracy i Polityki Społecznej",
        "Regionalny Ośrodek Polityki Społecznej w Toruniu",
        "Wojewódzki Urząd Pracy w Toruniu",
        "Centrum Rozwoju Zasobów Ludzkich w Warszawie",
        "Miejski Ośrodek Pomocy Rodzinie w Toruniu",
        "Powiatowy Urząd Pracy dla Miasta Torunia",
        "Powiatowy Urząd Pracy w Bydgoszczy",
        "Ośrodek Pomocy Społecznej w Bydgoszczy",
        "Powiatowy Urząd Pracy w Chełmnie",
        "Powiatowe Centrum Pomocy Rodzinie w Inowrocławiu",
    },
}


def key(name: str, kind: str) -> tuple[str, str]:
    """What must match: the normalized name (whitespace collapsed) and the type."""
    return " ".join(name.split()), kind


def main() -> None:
    """Score the labelled set and the seeds; print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--labelled",
        type=Path,
        nargs="*",
        default=[p for p in (LABELLED, HELDOUT) if p.exists()],
        help="JSON-lines files of labelled paragraphs (default: the dev and held-out sets)",
    )
    parser.add_argument("--show-errors", action="store_true", help="list every miss and extra")
    args = parser.parse_args()
    find_mentions("Powiatowy Urząd Pracy w Wałbrzychu")  # load the dictionary before timing
    for path in args.labelled:
        print(f"== {path.name}")
        score_file(path, args.show_errors)
        print()
    print("seed texts:")
    for name, expected in SEED_INSTITUTIONS.items():
        path = SEEDS / name
        if not path.exists():
            print(f"  {name}: not found ({path})")
            continue
        found = {m.name for m in find_mentions(path.read_text("utf-8"))}
        missing = expected - found
        print(f"  {name}: {len(expected - missing)}/{len(expected)} institutions found"
              + (f"; missing: {', '.join(sorted(missing))}" if missing else ""))  # fmt: skip


def score_file(path: Path, show_errors: bool) -> None:
    """Precision and recall per type on one labelled file."""
    paragraphs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    tp = fp = fn = 0
    by_type: dict[str, Counter[str]] = {}
    city_right = span_right = matched = 0
    errors: list[str] = []
    started = time.perf_counter()
    for paragraph in paragraphs:
        predicted = find_mentions(paragraph["text"])
        gold = list(paragraph["mentions"])
        unmatched = list(gold)
        for mention in predicted:
            hit = next(
                (
                    g
                    for g in unmatched
                    if key(g["name"], g["type"]) == key(mention.name, mention.type)
                ),
                None,
            )
            counts = by_type.setdefault(mention.type, Counter())
            if hit is None:
                fp += 1
                counts["fp"] += 1
                errors.append(
                    f"{paragraph['id']}  extra  {mention.text!r} -> {mention.name} [{mention.type}]"
                )
                continue
            unmatched.remove(hit)
            tp += 1
            counts["tp"] += 1
            matched += 1
            city_right += (hit.get("city") or None) == mention.city
            span_right += hit["text"] == mention.text
        for g in unmatched:
            fn += 1
            by_type.setdefault(g["type"], Counter())["fn"] += 1
            errors.append(f"{paragraph['id']}  missed {g['text']!r} -> {g['name']} [{g['type']}]")
    elapsed = time.perf_counter() - started

    def row(label: str, t: int, p: int, n: int) -> str:
        precision = t / (t + p) if t + p else 1.0
        recall = t / (t + n) if t + n else 1.0
        return f"{label:22} {t + n:6} {precision:9.3f} {recall:7.3f}"

    print(f"{'type':22} {'gold':>6} {'precision':>9} {'recall':>7}")
    for kind in sorted(by_type):
        c = by_type[kind]
        print(row(kind, c["tp"], c["fp"], c["fn"]))
    print(row("all", tp, fp, fn))
    print(f"\n{len(paragraphs)} paragraphs, {tp + fn} labelled mentions, "
          f"{1000 * elapsed / len(paragraphs):.1f} ms/paragraph")  # fmt: skip
    if matched:
        print(f"city right on {city_right}/{matched} matched, span exact on {span_right}/{matched}")

    if show_errors and errors:
        print("\n".join(errors))


if __name__ == "__main__":
    main()
