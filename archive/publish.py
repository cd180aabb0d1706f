"""Publish an archive database with Datasette, using the repo's datasette/ folder.

The ``datasette/`` folder (metadata.yml, plugins/, templates/) sits at the repo
root next to the ``archive`` package; this works from a checkout and from an
editable install. ``metadata.yml`` keys the database as ``archive``; that key is
renamed to the database's real name (the file stem) before Datasette sees it.
"""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasette.app import Datasette

REPO_DATASETTE_DIR = Path(__file__).resolve().parent.parent / "datasette"
METADATA_PATH = REPO_DATASETTE_DIR / "metadata.yml"
PLUGINS_DIR = REPO_DATASETTE_DIR / "plugins"
TEMPLATES_DIR = REPO_DATASETTE_DIR / "templates"
METADATA_DB_KEY = "archive"
SETTINGS: dict[str, Any] = {
    # Facet suggestions cost a query per column on every table page (750 ms at 1M rows).
    "suggest_facets": False,
    # A streamed CSV (`_stream=on`, and every `.excel` export) is never cut short.
    "max_csv_mb": 0,
}


def _existing_db(db_path: str | Path) -> Path:
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(
            f"Archive database not found: {path} (run a crawl first; "
            "Datasette would otherwise create an empty database)"
        )
    return path


def load_metadata(db_name: str = METADATA_DB_KEY, block_robots: bool = False) -> dict[str, Any]:
    """metadata.yml as a dict, with its database section keyed as ``db_name``.

    ``block_robots`` asks search engines to stay out (robots.txt and X-Robots-Tag).
    """
    import yaml

    metadata = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8")) or {}
    metadata = copy.deepcopy(metadata)
    databases = metadata.get("databases") or {}
    if METADATA_DB_KEY in databases and db_name != METADATA_DB_KEY:
        databases[db_name] = databases.pop(METADATA_DB_KEY)
    if block_robots:
        metadata.setdefault("plugins", {}).setdefault("kronika", {})["block_robots"] = True
    return metadata


def datasette_args(
    db_path: str,
    *,
    port: int = 8001,
    host: str = "127.0.0.1",
    metadata_path: str | Path | None = None,
    immutable: bool = False,
) -> list[str]:
    """Arguments for ``datasette`` (starting with ``serve``) to publish ``db_path``.

    ``metadata_path`` defaults to the repo's metadata.yml, whose table metadata
    applies to a database named ``archive``; ``serve`` passes a renamed copy for
    other names.
    """
    path = _existing_db(db_path)
    args = [
        "serve",
        *(["--immutable"] if immutable else []),
        str(path),
        "--host",
        host,
        "--port",
        str(port),
        "--metadata",
        str(metadata_path or METADATA_PATH),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--template-dir",
        str(TEMPLATES_DIR),
    ]
    for name, value in SETTINGS.items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        args += ["--setting", name, text]
    return args


def make_datasette(db_path: str, block_robots: bool = False) -> Datasette:
    """An in-process Datasette configured like ``serve`` (for tests and embedding)."""
    from datasette.app import Datasette

    path = _existing_db(db_path)
    return Datasette(
        files=[str(path)],
        metadata=load_metadata(path.stem, block_robots=block_robots),
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        settings=dict(SETTINGS),
    )


def prepare_archive(db_path: str | Path, immutable: bool = False) -> None:
    """Bring an archive's schema up to date before it is served read-only; for an immutable
    snapshot, also fold the write-ahead log into the file (immutable readers ignore it)."""
    from archive.schema import open_db

    db = open_db(str(db_path))
    if immutable:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def serve(
    db_path: str,
    port: int = 8001,
    host: str = "127.0.0.1",
    immutable: bool = False,
    block_robots: bool = False,
) -> int:
    """Run ``datasette serve`` in a child process until it exits; return its exit code.

    The archive is served read-only (or immutable: only for a file no crawl writes any
    more). Ctrl+C or SIGTERM stops the child too (no orphaned server) and returns 130/143.
    """
    path = _existing_db(db_path)
    prepare_archive(path, immutable=immutable)
    with tempfile.TemporaryDirectory(prefix="kronika-datasette-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata = load_metadata(path.stem, block_robots=block_robots)
        metadata_path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
        argv = [sys.executable, "-m", "datasette"]
        argv += datasette_args(
            str(path), port=port, host=host, metadata_path=metadata_path, immutable=immutable
        )
        child = subprocess.Popen(argv)
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return child.wait()
        except KeyboardInterrupt:
            _stop(child)
            return 130
        except _Terminated:
            _stop(child)
            return 143
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            if child.poll() is None:
                _stop(child)


class _Terminated(Exception):
    pass


def _raise_terminated(signum, frame) -> None:
    raise _Terminated


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
