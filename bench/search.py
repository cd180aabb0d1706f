"""Search and CSV export through Datasette on an archive of generated Polish articles.

Run from the project root:  .venv/bin/python bench/search.py [--articles 1000000]

Builds an archive (`bench/search.db` unless --db is given; reused when it already holds the
requested number of articles) with the project's own code: sources and articles written with
sqlite-utils, then `rebuild_search_index` lemmatizes every title and body into
`articles_search`. Then it starts `kronika serve` on 127.0.0.1 and prints:
- build time and file size;
- p50/p95 latency of 20 different searches (inflected, without diacritics, phrases,
  prefixes, OR), as a reader gets them: the articles table's search, answered by relevance
  (HTML page with highlighted snippets, and JSON), and the same searches sorted by date;
- CSV export throughput streaming the whole articles table (`.csv?_stream=on` and `.excel`).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.schema import open_db  # noqa: E402
from archive.search import rebuild_search_index  # noqa: E402
from archive.store import content_sha256, save_sources  # noqa: E402
from demo.serve import kronika_serving  # noqa: E402

REGIONS = [
    "dolnośląskie", "kujawsko-pomorskie", "lubelskie", "lubuskie", "łódzkie", "małopolskie",
    "mazowieckie", "opolskie", "podkarpackie", "podlaskie", "pomorskie", "śląskie",
    "świętokrzyskie", "warmińsko-mazurskie", "wielkopolskie", "zachodniopomorskie",
]  # fmt: skip
CITIES = [
    "Wrocławiu", "Toruniu", "Lublinie", "Zielonej Górze", "Łodzi", "Krakowie", "Warszawie",
    "Opolu", "Rzeszowie", "Białymstoku", "Gdańsku", "Katowicach", "Kielcach", "Olsztynie",
    "Poznaniu", "Szczecinie", "Wałbrzychu", "Kłodzku", "Legnicy", "Bydgoszczy",
]  # fmt: skip
KINDS = ["rops", "wup", "pup", "ops", "agencja-rozwoju"]
INSTITUTIONS = [
    "Regionalny Ośrodek Polityki Społecznej", "Wojewódzki Urząd Pracy",
    "Powiatowy Urząd Pracy", "Miejski Ośrodek Pomocy Społecznej",
    "Agencja Rozwoju Regionalnego",
]  # fmt: skip
TITLES = [
    "Konferencja o {topic}", "Szkolenie dla {people}", "Nabór wniosków: {topic}",
    "Spotkanie informacyjne w {city}", "Wsparcie dla {people}", "Targi pracy w {city}",
    "Projekt „{project}” – podsumowanie", "Warsztaty dla {people} w {city}",
    "Zaproszenie na seminarium o {topic}", "Rekrutacja do projektu „{project}”",
]  # fmt: skip
TOPICS = [
    "pomocy społecznej", "ekonomii społecznej", "funduszach europejskich", "aktywizacji zawodowej",
    "przeciwdziałaniu przemocy w rodzinie", "usługach społecznych", "rynku pracy",
    "integracji cudzoziemców", "pieczy zastępczej", "rozwoju przedsiębiorczości",
    "dotacjach na otwarcie działalności", "polityce senioralnej", "mieszkalnictwie wspomaganym",
]  # fmt: skip
PEOPLE = [
    "osób bezrobotnych", "seniorów", "rodzin zastępczych", "pracodawców", "przedsiębiorców",
    "osób z niepełnosprawnościami", "młodzieży", "pracowników socjalnych", "asystentów rodziny",
    "doradców zawodowych", "kobiet powracających na rynek pracy", "cudzoziemców",
]  # fmt: skip
PROJECTS = [
    "Aktywni razem", "Nowe kompetencje", "Praca na start", "Rodzina w centrum",
    "Senior w sieci", "Krok do zatrudnienia", "Otwarte drzwi", "Lepsze jutro",
]  # fmt: skip
SENTENCES = [
    "W dniu {day} w {city} odbyła się konferencja poświęcona {topic_dat}.",
    "Spotkanie zorganizował {institution} we współpracy z samorządami powiatów.",
    "Uczestnicy rozmawiali o wsparciu dla {people} oraz o nowych formach pomocy.",
    "Projekt „{project}” jest współfinansowany ze środków Europejskiego Funduszu Społecznego.",
    "Zapraszamy {people_acc} do składania wniosków do dnia {day}.",
    "Szczegółowe informacje można uzyskać w siedzibie urzędu lub telefonicznie.",
    "Podczas warsztatów omówiono zasady przyznawania dotacji i refundacji kosztów.",
    "W wydarzeniu wzięli udział przedstawiciele ośrodków pomocy społecznej z całego regionu.",
    "Celem projektu jest aktywizacja zawodowa i społeczna {people}.",
    "Dziękujemy wszystkim uczestnikom za aktywny udział w spotkaniu.",
    "Na stronie internetowej opublikowano regulamin rekrutacji oraz wzory dokumentów.",
    "Program obejmuje szkolenia, staże zawodowe i doradztwo indywidualne.",
    "Marszałek województwa podkreślił znaczenie współpracy z organizacjami pozarządowymi.",
    "Kolejne spotkanie odbędzie się w {city} w przyszłym miesiącu.",
]  # fmt: skip
TOPICS_DAT = [
    "pomocy społecznej", "ekonomii społecznej", "funduszom europejskim",
    "aktywizacji zawodowej", "przeciwdziałaniu przemocy", "rynkowi pracy", "usługom społecznym",
]  # fmt: skip
PEOPLE_ACC = ["osoby bezrobotne", "seniorów", "przedsiębiorców", "pracodawców", "rodziny"]

QUERIES = [
    "pomocy spolecznej", "konferencja", "urzad pracy", "szkolenia dla seniorow",
    "fundusze europejskie", "osrodek", "projekt*", '"ośrodków pomocy społecznej"',
    "lodz", "wsparcie rodzin", "targi pracy", "bezrobotnym", "przedsiebiorcow dotacje",
    "niepelnosprawnosciami", "rekrutacja", "warsztaty OR seminarium", "konfer*",
    "cudzoziemcy integracja", "piecza zastepcza", '"ekonomia spoleczna" NOT konferencja',
]  # fmt: skip


def generated_article(n: int, rng: random.Random) -> dict:
    """One article of a generated regional news site."""
    source = rng.randrange(80)
    city = rng.choice(CITIES)
    fill = {
        "topic": rng.choice(TOPICS), "people": rng.choice(PEOPLE), "city": city,
        "project": rng.choice(PROJECTS), "topic_dat": rng.choice(TOPICS_DAT),
        "people_acc": rng.choice(PEOPLE_ACC), "institution": rng.choice(INSTITUTIONS),
        "day": f"{rng.randint(1, 28)} {rng.choice(['marca', 'kwietnia', 'maja', 'czerwca'])}",
    }  # fmt: skip
    sentences = [rng.choice(SENTENCES).format(**fill) for _ in range(rng.randint(5, 9))]
    year = 2005 + (n * 21) // 1_000_000 % 21
    published = f"{year}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
    url = f"https://www.instytucja{source}.gov.pl/aktualnosci/{n}"
    return {
        "url": url, "source_id": f"src{source}", "title": rng.choice(TITLES).format(**fill),
        "published": published, "published_source": "meta", "lead": sentences[0],
        "body": "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)),
        "attachments": "[]", "fetched_at": "2026-11-24T00:00:00+00:00",
        "first_seen": "2026-11-24T00:00:00+00:00", "region": REGIONS[source % 16],
        "kind": KINDS[source % 5], "year": published[:4],
        "published_order": f"{published} {url}",
    }  # fmt: skip


def build(path: Path, count: int) -> float:
    """Write `count` generated articles and their search index; return seconds taken."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_db(str(path))
    save_sources(
        db,
        [
            {"id": f"src{i}", "name": f"{INSTITUTIONS[i % 5]} nr {i}", "kind": KINDS[i % 5],
             "region": REGIONS[i % 16], "homepage": f"https://www.instytucja{i}.gov.pl/"}
            for i in range(80)
        ],
    )  # fmt: skip
    rng = random.Random(6)
    batch = []
    for n in range(count):
        article = generated_article(n, rng)
        article["content_sha256"] = content_sha256(article)
        batch.append(article)
        if len(batch) == 10_000:
            db["articles"].insert_all(batch, batch_size=10_000)
            batch.clear()
            print(f"\r  articles written: {n + 1:,}", end="", file=sys.stderr, flush=True)
    if batch:
        db["articles"].insert_all(batch)
    db.conn.commit()
    print(file=sys.stderr)

    def progress(done: int) -> None:
        if done % 50_000 == 0:
            print(f"\r  articles indexed: {done:,}", end="", file=sys.stderr, flush=True)

    rebuild_search_index(db, progress=progress)
    print(file=sys.stderr)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def article_count(path: Path) -> int:
    import sqlite3

    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as connection:
            return connection.execute("select count(*) from articles_search").fetchone()[0]
    except sqlite3.Error:
        return 0


def fetch(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started, body


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "search.db")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs of each search.")
    parser.add_argument("--rebuild", action="store_true", help="Build even if the file exists.")
    args = parser.parse_args()

    if args.rebuild or article_count(args.db) != args.articles:
        print(f"building {args.articles:,} articles in {args.db} ...", file=sys.stderr)
        seconds = build(args.db, args.articles)
        print(f"build: {seconds:.0f} s ({args.articles / seconds:,.0f} articles/s)")
    else:
        print(f"build: reused {args.db}")
    files = [Path(f"{args.db}{suffix}") for suffix in ("", "-wal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    print(f"size: {size / 1e6:,.0f} MB ({size / args.articles:,.0f} bytes/article)")

    # A big archive's schema check and WAL fold come before the server listens.
    with kronika_serving(args.db, seconds=300) as served:
        base = f"{served}/{args.db.stem}"
        kinds = {
            "relevance, HTML page": "/articles?{}",
            "relevance, JSON": "/articles.json?{}",
            "by date, JSON": "/articles.json?{}&_sort_desc=published_order",
            "by date, HTML page": "/articles?{}&_sort_desc=published_order",
        }
        for label, template in kinds.items():
            times = []
            for query in QUERIES:
                url = base + template.format(urllib.parse.urlencode({"_search": query}))
                fetch(url)  # warm: the first request of a query opens pages of the file
                for _ in range(args.repeat):
                    times.append(fetch(url)[0])
            print(f"search, {label:22} {percentiles(times)}   ({len(QUERIES)} queries "
                  f"x {args.repeat})")  # fmt: skip
        for label, path in (("CSV (_stream=on)", "/articles.csv?_stream=on"),
                            ("Excel CSV (.excel)", "/articles.excel")):  # fmt: skip
            started = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=3600) as response:
                text = io.TextIOWrapper(response, encoding="utf-8-sig", newline="")
                delimiter = ";" if path.endswith(".excel") else ","
                rows = sum(1 for _ in csv.reader(text, delimiter=delimiter)) - 1  # the header
            elapsed = time.perf_counter() - started
            print(f"export, {label:20} {rows:,} rows in {elapsed:.1f} s: "
                  f"{rows / elapsed:,.0f} rows/s")  # fmt: skip


if __name__ == "__main__":
    main()
