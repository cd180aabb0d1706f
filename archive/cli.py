"""The `kronika` command: a thin layer over the library modules."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from archive.registry import RegistryError, Source, load_sources, select_sources

DEFAULT_SOURCES = "sources.toml"
DEFAULT_DB = "archive.db"


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def read_registry(path: str, ids: tuple[str, ...] = ()) -> list[Source]:
    """Load the registry and pick sources, turning registry problems into one-line errors."""
    try:
        registry = load_sources(path)
        return select_sources(registry, ids) if ids else registry
    except RegistryError as error:
        fail(str(error))
        raise  # unreachable: fail() exits


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kronika")
def main() -> None:
    """Kronika: an open archive of Polish public-sector news.

    Crawl institutions' "Aktualności" pages into SQLite and publish them with Datasette.
    """


@main.command()
@click.option(
    "--sources",
    "sources_path",
    default=DEFAULT_SOURCES,
    show_default=True,
    help="Sources registry (TOML).",
)
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    metavar="ID",
    help="Crawl only this source; repeat for several. Default: every source.",
)
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive file.")
@click.option(
    "--recheck",
    is_flag=True,
    help="Revalidate every archived article with a conditional request (new versions, removals).",
)
@click.option(
    "--overlap",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Listing pages of already archived articles read before an incremental run stops.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Processes that extract pages while the crawler fetches (0: in the crawler's own "
    "process). One keeps two cores busy; each takes about 160 MB.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show Scrapy's own log (INFO level).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log here.")
def crawl(
    sources_path: str,
    source_ids: tuple[str, ...],
    db_path: str,
    recheck: bool,
    overlap: int,
    workers: int,
    verbose: bool,
    log_file: str | None,
) -> None:
    """Crawl news of the registry's sources into the archive.

    After a completed run, the next one is incremental: it reads listing pages only until
    it reaches articles already archived, and asks "changed since?" for listings it knows.
    Progress is printed per source while it runs and a summary at the end. The exit
    status is 1 if any source failed entirely; what other sources saved stays saved.
    """
    from archive.schema import open_db
    from archive.store import retry_counts, run_summary, save_sources

    sources = read_registry(sources_path, source_ids)
    try:
        db = open_db(db_path)
    except Exception as error:  # sqlite3 reports unusable paths with several error types
        fail(f"cannot open archive {db_path}: {error}")
    save_sources(db, [s.as_row() for s in sources])
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    click.echo(f"Crawling {len(sources)} source(s) into {db_path} (run {run_id})", err=True)
    command = [
        sys.executable,
        "-m",
        "crawler.run",
        "--sources",
        sources_path,
        "--db",
        db_path,
        "--run-id",
        run_id,
        "--log-level",
        "INFO" if verbose else "ERROR",
        "--overlap",
        str(overlap),
        "--extract-workers",
        str(workers),
    ]
    if recheck:
        command.append("--recheck")
    for source in sources:
        command += ["--source", source.id]
    if log_file:
        command += ["--log-file", log_file]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [project_root(), os.environ.get("PYTHONPATH")])),
    }
    # The crawler stops if this process dies, even by SIGKILL (no orphan crawling on).
    command += ["--exit-with-parent", str(os.getpid())]
    child = subprocess.Popen(command, env=env)
    returncode, interrupted = wait_for_crawler(child)

    rows = {row["source_id"]: row for row in run_summary(db, run_id)}
    click.echo("", err=True)
    click.echo(summary_table(sources, rows, retry_counts(db)))
    failed = [
        s.id for s in sources if rows.get(s.id, {}).get("status") in (None, "failed", "running")
    ]
    for source_id in failed:
        row = rows.get(source_id) or {}
        reason = row.get("error_summary") or "the crawl did not finish"
        click.echo(f"error: source {source_id} failed: {reason}", err=True)
    if interrupted:
        fail("crawl interrupted; what was fetched so far is saved", 130)
    if returncode != 0 and not failed:
        fail(f"crawler exited with status {returncode}", 1)
    if failed:
        sys.exit(1)


def wait_for_crawler(child: subprocess.Popen) -> tuple[int, bool]:
    """Wait for the crawler process; pass SIGTERM on to it. Returns its exit status and
    whether the crawl was interrupted (Ctrl-C, SIGTERM)."""
    interrupted = False

    def forward_sigterm(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted = True
        child.send_signal(signal.SIGTERM)  # it closes its spiders and records the runs

    previous = signal.signal(signal.SIGTERM, forward_sigterm)
    try:
        while True:
            try:
                return child.wait(), interrupted
            except KeyboardInterrupt:
                # Ctrl-C reached the crawler too (same process group): wait for it to finish.
                interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)


def project_root() -> str:
    """Folder holding the `crawler` package, so the child process can import it."""
    return str(Path(__file__).resolve().parent.parent)


def summary_table(
    sources: list[Source], rows: dict[str, dict[str, Any]], retries: dict[str, int]
) -> str:
    """A plain-text table of one run's outcome per source, with how many failed pages the
    next run will ask again."""
    header = ("source", "status", "pages", "new", "updated", "unchanged", "removed", "errors",
              "to retry")  # fmt: skip
    lines = [header]
    for source in sources:
        row = rows.get(source.id) or {}
        lines.append(
            (
                source.id,
                str(row.get("status") or "not run"),
                *run_counts(row),
                str(retries.get(source.id, 0)),
            )
        )
    return text_table(lines)


RUN_COUNTS = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_removed",
    "errors",
)


def run_counts(row: dict[str, Any]) -> list[str]:
    """A crawl_runs row's counts as table cells, 0 where missing."""
    return [str(row.get(key) or 0) for key in RUN_COUNTS]


def text_table(lines: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell; the first left-aligned, the rest right-aligned."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        )
        for line in lines
    )


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive file.")
@click.option("--runs", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="How many recent runs to show per source.")  # fmt: skip
def status(db_path: str, runs: int) -> None:
    """Show each source's recent crawl runs: when, how long, pages, articles, errors, and
    how many failed pages the next run will ask again."""
    from archive.store import recent_runs, retry_counts

    if not Path(db_path).exists():
        fail(f"no archive at {db_path}")
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    rows = recent_runs(db, runs)
    if not rows:
        click.echo("no crawl has run yet", err=True)
        return
    retries = retry_counts(db)
    lines = [("source", "started", "took", "status", "pages", "new", "updated", "unchanged",
              "removed", "errors", "to retry")]  # fmt: skip
    for row in rows:
        lines.append(
            (
                row["source_id"],
                row["started"] or "",
                row["took"],
                row["status"] or "",
                *run_counts(row),
                str(retries.get(row["source_id"], 0)),
            )
        )
    click.echo(text_table(lines))
    if any(retries.values()):
        click.echo(
            "to retry: pages the runs failed on, asked again by the next run "
            "(kronika serve: table crawl_errors)",
            err=True,
        )


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive file.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--immutable",
    is_flag=True,
    help="Serve a finished snapshot (faster counts); only if no crawl writes the file.",
)
@click.option(
    "--block-robots",
    is_flag=True,
    help="Ask search engines not to index anything (robots.txt, X-Robots-Tag).",
)
def serve(db_path: str, port: int, host: str, immutable: bool, block_robots: bool) -> None:
    """Serve the archive read-only with Datasette, Kronika's metadata, plugins and templates.

    Nothing served can write to the archive: connections are read-only, canned queries only
    read. Search engines may index articles but not search, filter or export URLs, unless
    --block-robots keeps them out entirely.
    """
    from archive.publish import serve as serve_datasette

    try:
        code = serve_datasette(
            db_path, port=port, host=host, immutable=immutable, block_robots=block_robots
        )
    except FileNotFoundError as error:
        fail(str(error))
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--url", help="URL the page(s) came from (resolves links, helps dates).")
@click.option(
    "--manifest",
    type=click.File("r", encoding="utf-8"),
    help='JSON lines {"path": ..., "url": ...}; paths relative to the manifest.',
)
@click.option("--sources", "sources_path", help="Registry whose site selectors apply by host.")
@click.option(
    "--no-contact",
    "skip_contact",
    is_flag=True,
    help="Leave out the contact block (address, phones, NIP...): faster.",
)
@click.option(
    "--no-mentions",
    "skip_mentions",
    is_flag=True,
    help="Leave out the institutions named in the text: faster.",
)
def extract(
    paths: tuple[str, ...],
    url: str | None,
    manifest: Any,
    sources_path: str | None,
    skip_contact: bool,
    skip_mentions: bool,
) -> None:
    """Print one JSON object per saved page: title, dates, body, lead, attachments, contact.

    PATH is an .html or .html.gz file in any encoding. One process handles the whole batch.
    """
    from archive.extract import extract_record

    if not paths and manifest is None:
        fail("give PATH... or --manifest FILE")
    selectors_by_host = {}
    if sources_path:
        from urllib.parse import urlsplit

        for source in read_registry(sources_path):
            if source.selectors:
                selectors_by_host[urlsplit(source.homepage).netloc] = source.selectors
    failures = 0
    for path, page_url in extract_inputs(paths, url, manifest):
        try:
            raw = read_page(path)
        except OSError as error:
            click.echo(f"error: {path}: {error.strerror or error}", err=True)
            failures += 1
            continue
        page_url = page_url or Path(path).resolve().as_uri()
        from urllib.parse import urlsplit

        record = extract_record(
            raw,
            page_url,
            selectors=selectors_by_host.get(urlsplit(page_url).netloc),
            contact=not skip_contact,
            mentions=not skip_mentions,
        )
        record = {"path": path, **record}
        click.echo(json.dumps(record, ensure_ascii=False))
    if failures:
        sys.exit(1)


def extract_inputs(
    paths: tuple[str, ...], url: str | None, manifest: Any
) -> Iterator[tuple[str, str | None]]:
    """(path, url) pairs from the arguments and the manifest, in order."""
    for path in paths:
        yield path, url
    if manifest is not None:
        base = Path(manifest.name).parent if manifest.name not in ("<stdin>", "-") else Path(".")
        for number, line in enumerate(manifest, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                path = entry["path"]
            except (json.JSONDecodeError, KeyError, TypeError):
                fail(f'{manifest.name}:{number}: expected a JSON object with a "path"')
            resolved = Path(path) if Path(path).is_absolute() else base / path
            yield str(resolved), entry.get("url") or url


def read_page(path: str) -> bytes:
    """Raw bytes of a saved page, un-gzipped if it ends in .gz."""
    data = Path(path).read_bytes()
    if path.endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


@main.command()
@click.option(
    "--csv",
    "csv_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="File to write: UTF-8 with BOM and semicolons, as Excel opens it in Polish.",
)
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive file.")
@click.option("--source", "source_id", metavar="ID", help="Only this institution's articles.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only articles published on or after this date (YYYY-MM-DD).",
)
@click.option("--query", help='Only articles matching this full-text query ("pomoc społeczna").')
def export(
    csv_path: str, db_path: str, source_id: str | None, since: Any, query: str | None
) -> None:
    """Export articles to CSV for Excel: newest first, one article per row."""
    import sqlite3

    import sqlite_utils

    from archive.export import export_articles

    if not Path(db_path).exists():
        fail(f"no archive at {db_path}")
    db = sqlite_utils.Database(db_path)
    partial = Path(csv_path + ".part")
    try:
        with open(partial, "w", encoding="utf-8-sig", newline="") as out:
            count = export_articles(
                db,
                out,
                source_id=source_id,
                since=since.date().isoformat() if since else None,
                query=query,
                progress=lambda n: click.echo(f"{n} articles written…", err=True),
            )
    except (sqlite3.OperationalError, ValueError) as error:
        partial.unlink(missing_ok=True)
        fail(f"cannot run the query {query!r}: {error}")
    partial.replace(csv_path)  # a finished file or none: never a half-written one
    click.echo(f"{count} articles written to {csv_path}", err=True)


@main.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive file.")
def reindex(db_path: str) -> None:
    """Rebuild the Polish-aware search index (lemmas without diacritics) of every article."""
    import sqlite_utils

    from archive.search import rebuild_search_index

    if not Path(db_path).exists():
        fail(f"no archive at {db_path}")
    count = rebuild_search_index(
        sqlite_utils.Database(db_path),
        progress=lambda n: click.echo(f"{n} articles indexed…", err=True),
    )
    click.echo(f"{count} articles indexed", err=True)


@main.command("warc-replay")
@click.argument("url")
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help="Archive file.")
@click.option(
    "--version",
    "version",
    type=click.IntRange(min=1),
    help="Which captured version, 1 being the oldest. Default: the latest.",
)
@click.option("--headers", is_flag=True, help="Print the HTTP status line and headers first.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the page's bytes exactly as fetched to this file instead of printing text.",
)
def warc_replay(
    url: str, db_path: str, version: int | None, headers: bool, out: str | None
) -> None:
    """Show an archived article's page exactly as it was fetched (from the WARC capture)."""
    import sqlite_utils

    from archive.encoding import content_type_charset, decode_html
    from archive.store import capture_location
    from archive.warc import read_capture, warc_folder

    if not Path(db_path).exists():
        fail(f"no archive at {db_path}")
    try:
        found = capture_location(sqlite_utils.Database(db_path), url, version)
    except IndexError as error:
        fail(str(error))
    if found is None:
        fail(f"no capture of {url} in {db_path}")
    name, offset, _ = found
    try:
        capture = read_capture(warc_folder(db_path), name, offset)
    except (OSError, LookupError) as error:
        fail(f"cannot read capture {name}:{offset}: {error}")
    if headers:
        click.echo(f"HTTP {capture.status}  {capture.url}  fetched {capture.fetched_at}")
        for key, value in capture.headers:
            click.echo(f"{key}: {value}")
        click.echo("")
    if out:
        Path(out).write_bytes(capture.body)
        click.echo(f"{len(capture.body)} bytes written to {out}", err=True)
        return
    content_type = next((v for k, v in capture.headers if k.lower() == "content-type"), None)
    text, _ = decode_html(capture.body, content_type_charset(content_type))
    click.echo(text)


@main.group()
def sources() -> None:
    """Inspect the sources registry."""


@sources.command("list")
@click.option("--sources", "sources_path", default=DEFAULT_SOURCES, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source.")
def sources_list(sources_path: str, as_json: bool) -> None:
    """List the institutions in the registry."""
    registry = read_registry(sources_path)
    if as_json:
        for source in registry:
            click.echo(json.dumps(source.as_row(), ensure_ascii=False))
        return
    rows = [("id", "kind", "region", "verified", "news")]
    for s in registry:
        rows.append((s.id, s.kind, s.region, "yes" if s.verified else "no", s.news[0]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join([*(r[i].ljust(widths[i]) for i in range(4)), r[4]]))
    click.echo(f"{len(registry)} sources", err=True)


if __name__ == "__main__":
    main()
