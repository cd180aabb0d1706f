"""Score `kronika extract` against trafilatura on the shared extraction corpora.

Run from the project root:  .venv/bin/python bench/extraction.py [--corpus ../shared/corpus]

Both extractors run in the same process, page by page, on the same bytes, so their
times per page are comparable. Scoring follows ../shared/corpus/README.md:
aeb-* uses the Article Extraction Benchmark's shingle P/R/F1, pl-* plain snippet
containment (with / without).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.extract import extract_record  # noqa: E402

Extractor = Callable[[bytes, str], str]


@dataclass
class Page:
    """One corpus page with its ground truth."""

    set_name: str
    page_id: str
    url: str
    raw: bytes
    truth: str | None = None  # aeb: full article body
    with_snippets: list[str] = field(default_factory=list)  # pl: must appear
    without_snippets: list[str] = field(default_factory=list)  # pl: must not appear


def load_set(folder: Path) -> list[Page]:
    """Pages of one corpus folder, in id order."""
    pages: list[Page] = []
    if (folder / "truth.json.gz").exists():
        truth = json.loads(gzip.decompress((folder / "truth.json.gz").read_bytes()))
        for page_id in sorted(truth):
            raw = gzip.decompress((folder / f"{page_id}.html.gz").read_bytes())
            entry = truth[page_id]
            pages.append(Page(folder.name, page_id, entry["url"], raw, truth=entry["articleBody"]))
    elif (folder / "cases.json").exists():
        cases = json.loads((folder / "cases.json").read_text(encoding="utf-8"))
        for page_id in sorted(cases):
            case = cases[page_id]
            raw = gzip.decompress((folder / case["file"]).read_bytes())
            pages.append(
                Page(
                    folder.name,
                    page_id,
                    case["url"],
                    raw,
                    with_snippets=case["with"],
                    without_snippets=case["without"],
                )
            )
    else:
        raise SystemExit(f"{folder}: neither truth.json.gz nor cases.json")
    return pages


# ------------------------------------------------------------------ scoring


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles, tokens being \\w+ runs (the benchmark's tokenizer)."""
    tokens = re.findall(r"\w+", text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def aeb_counts(predicted: str, truth: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalized to sum to one as the benchmark does."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_score(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Mean precision, mean recall and F1 of the means, as in the benchmark's evaluate.py."""
    precisions, recalls = [], []
    for tp, fp, fn in counts:
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces, as the snippet rule says."""
    return " ".join((text or "").split())


def snippet_counts(predicted: str, page: Page) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of one pl page's snippets."""
    text = collapse(predicted)
    found_with = sum(collapse(s) in text for s in page.with_snippets)
    found_without = sum(collapse(s) in text for s in page.without_snippets)
    return (
        found_with,
        len(page.with_snippets) - found_with,
        found_without,
        len(page.without_snippets) - found_without,
    )


# ------------------------------------------------------------------ extractors


def kronika_text(raw: bytes, url: str) -> str:
    """The body text `kronika extract --no-contact` prints: the same job trafilatura does."""
    return extract_record(raw, url, contact=False, mentions=False)["body"]


def kronika_record_text(raw: bytes, url: str) -> str:
    """The body of the full `kronika extract` record, timed with contact block and mentions."""
    return extract_record(raw, url)["body"]


def trafilatura_text(raw: bytes, url: str) -> str:
    """trafilatura 2.x with comments left out: the reference the issue names."""
    import trafilatura

    return trafilatura.extract(raw, url=url, include_comments=False) or ""


def kronika_own_text(raw: bytes, url: str) -> str:
    """Our block and thread reader alone, without trafilatura: what the combination adds."""
    from archive.extract import extract_article

    return extract_article(raw, url, use_trafilatura=False).body


def trafilatura_precision_text(raw: bytes, url: str) -> str:
    """trafilatura as Kronika runs it inside the combination (fast, precision mode)."""
    import trafilatura

    return (
        trafilatura.extract(raw, url=url, fast=True, favor_precision=True, include_comments=False)
        or ""
    )


EXTRACTORS: dict[str, Extractor] = {
    "kronika-own": kronika_own_text,
    "trafilatura-precision": trafilatura_precision_text,
    "kronika": kronika_text,
    "kronika-full-record": kronika_record_text,
    "trafilatura": trafilatura_text,
}


@dataclass
class Result:
    """Everything measured for one extractor on one set."""

    texts: dict[str, str] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)


def run(pages: list[Page], names: list[str], repeat: int) -> dict[str, Result]:
    """Extract every page with every extractor, interleaved so both see the same machine state."""
    results = {name: Result() for name in names}
    for extractor in names:  # warm up imports and caches outside the timed loop
        EXTRACTORS[extractor](pages[0].raw, pages[0].url)
    for page in pages:
        for name in names:
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                text = EXTRACTORS[name](page.raw, page.url)
                best = min(best, time.perf_counter() - start)
            results[name].texts[page.page_id] = text
            results[name].seconds.append(best)
    return results


def progress(pages: list[Page]) -> Iterator[Page]:
    """Pages, with a dot per ten on stderr so a long run shows it is alive."""
    for number, page in enumerate(pages, 1):
        if number % 10 == 0:
            print(".", end="", file=sys.stderr, flush=True)
        yield page


def main() -> None:
    """Parse arguments, run both extractors on each set and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--sets", default="aeb-dev,pl-dev", help="comma-separated folder names")
    parser.add_argument(
        "--extractors",
        default="kronika,kronika-full-record,trafilatura",
        help=f"comma-separated, from: {', '.join(EXTRACTORS)}; the last is the time reference",
    )
    parser.add_argument("--repeat", type=int, default=1, help="time each page N times, keep best")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages per set")
    args = parser.parse_args()
    names = args.extractors.split(",")
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown:
        parser.error(f"unknown extractor(s): {', '.join(unknown)}")

    rows = [("extractor", "set", "pages", "P", "R", "F1 / acc", "ms/page")]
    worst_lines: list[str] = []
    ms: dict[str, list[float]] = {name: [] for name in names}
    for set_name in args.sets.split(","):
        folder = args.corpus / set_name
        if not folder.is_dir():
            raise SystemExit(f"{folder}: no such corpus set")
        pages = load_set(folder)
        results = run(list(progress(pages)), names, args.repeat)
        print(file=sys.stderr)
        for name in names:
            result = results[name]
            mean_ms = 1000 * statistics.fmean(result.seconds)
            ms[name].extend(result.seconds)
            if pages[0].truth is not None:
                counts = [aeb_counts(result.texts[p.page_id], p.truth or "") for p in pages]
                p, r, f1 = aeb_score(counts)
                cells = (f"{p:.3f}", f"{r:.3f}", f"{f1:.3f}")
                rows.append((name, set_name, str(len(pages)), *cells, f"{mean_ms:.1f}"))
                per_page = [
                    (aeb_score([c])[2], page.page_id, page.url)
                    for c, page in zip(counts, pages, strict=True)
                ]
            else:
                totals = [0, 0, 0, 0]
                per_page = []
                for page in pages:
                    tp, fn, fp, tn = snippet_counts(result.texts[page.page_id], page)
                    totals = [a + b for a, b in zip(totals, (tp, fn, fp, tn), strict=True)]
                    per_page.append(((tp + tn) / (tp + fn + fp + tn), page.page_id, page.url))
                tp, fn, fp, tn = totals
                accuracy = (tp + tn) / sum(totals)
                recall = tp / (tp + fn) if tp + fn else 0.0
                rejection = tn / (tn + fp) if tn + fp else 0.0
                cells = (f"rej {rejection:.3f}", f"with {recall:.3f}", f"{accuracy:.3f}")
                rows.append((name, set_name, str(len(pages)), *cells, f"{mean_ms:.1f}"))
            for score, page_id, url in sorted(per_page)[: args.worst]:
                worst_lines.append(f"{name:12} {set_name:8} {score:.3f} {page_id[:16]} {url}")
    if len(names) > 1:
        overall = {name: statistics.fmean(ms[name]) for name in names}
        reference = names[-1]
        for name in names[:-1]:
            ratio = overall[name] / overall[reference]
            rows.append((f"{name}/{reference} time", "all", "", "", "", "", f"{ratio:.2f}x"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        cells = zip(row, widths, strict=True)
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(cells)))
        if number == 0:
            print("  ".join("-" * w for w in widths))
    if worst_lines:
        print("\nworst pages:")
        print("\n".join(worst_lines))


if __name__ == "__main__":
    main()
