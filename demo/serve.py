"""Static multi-site HTTP server for the test-suite and the demo.

Every sub-directory of a sites directory is one web site, served on its own port
(= its own origin).  URL paths map to files:

* ``/a/b``   -> ``a/b`` if it is a file, else ``a/b/index.html``;
* ``/a/``    -> ``a/index.html``;
* ``/a`` where ``a`` is a directory with an ``index.html`` -> 301 to ``/a/``;
* a query string maps to a sibling file ``<file>@<query>``, e.g.
  ``/index.php?option=com_content&start=10`` -> ``index.php@option=com_content&start=10``
  (exact query first, then the percent-decoded query, then any sibling whose
  parameters are the same up to order); a non-HTML file (CSS, JS, PDF, image) with
  no such sibling is served as is (``style.css?ver=1.8``), an HTML one is a 404.

Optional per-site ``site.json`` in the site root::

    {"charset_header": "iso-8859-2" | null,
     "headers": {"/path": {"Content-Type": "..."}},
     "redirects": {"/old": "/new"},
     "status": {"/gone": 410}}

Keys of ``headers``/``redirects``/``status`` match the request path, or the path
with its query string (``/index.php?x=1``).  Files are served as raw bytes
(they are stored in their own encoding); the only change ever made to a text
response is that the ASCII token ``{{BASE_URL}}`` is replaced by the site's origin
(``http://host:port``), so feeds, sitemaps and robots.txt can carry absolute URLs
on any port.  ``site.json`` and ``expected.json`` are never served.

Run ``python -m demo.serve [--port 8101] [DIR]`` to serve all demo sites.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["SiteServer", "main", "serve_site", "serve_sites"]

DEFAULT_SITES_DIR = Path(__file__).resolve().parent / "sites"
BASE_URL_TOKEN = b"{{BASE_URL}}"
HIDDEN_FILES = {"site.json", "expected.json", "generated.json"}
_ERROR_TEXT = {
    403: "Brak dostępu.",
    404: "Nie znaleziono strony.",
    410: "Strona została usunięta.",
    500: "Błąd serwera.",
    503: "Serwis chwilowo niedostępny.",
}

HTML_EXTENSIONS = {".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".shtml", ""}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".rtf": "application/rtf",
    ".zip": "application/zip",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
TEXT_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml")
TEXT_TYPES_EXTRA = ("application/json", "image/svg+xml")


def content_type_for(path: Path, charset: str | None = None) -> str:
    """Content-Type for a file on disk; ``name@query`` files use the part before ``@``."""
    name = path.name.split("@", 1)[0]
    suffix = Path(name).suffix.lower()
    if suffix in HTML_EXTENSIONS:
        return f"text/html; charset={charset}" if charset else "text/html"
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def _is_text(content_type: str) -> bool:
    return content_type.startswith(TEXT_TYPES) or content_type.startswith(TEXT_TYPES_EXTRA)


class SiteConfig:
    def __init__(self, data: dict | None = None) -> None:
        data = data or {}
        self.charset_header: str | None = data.get("charset_header")
        self.headers: dict[str, dict[str, str]] = data.get("headers") or {}
        self.redirects: dict[str, str] = data.get("redirects") or {}
        self.status: dict[str, int] = {k: int(v) for k, v in (data.get("status") or {}).items()}

    @classmethod
    def load(cls, root: Path) -> SiteConfig:
        path = root / "site.json"
        if path.is_file():
            return cls(json.loads(path.read_text(encoding="utf-8")))
        return cls()


def _lookup(table: dict, path: str, query: str):
    if query and f"{path}?{query}" in table:
        return table[f"{path}?{query}"]
    return table.get(path)


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, root: Path, verbose: bool = False) -> None:
        self.root = root.resolve()
        self.config = SiteConfig.load(self.root)
        self.verbose = verbose
        # (path with query, status) of every request, for tests and benches to count.
        self.requests: list[tuple[str, int]] = []
        self.requests_lock = threading.Lock()
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _SiteHTTPServer
    server_version = "KronikaDemo/1.0"
    protocol_version = "HTTP/1.0"
    # Headers and body go out as separate writes: with Nagle's algorithm on, the body waits
    # for the client's delayed ACK (about 40 ms a response on loopback).
    disable_nagle_algorithm = True

    # -- logging -------------------------------------------------------
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    # -- verbs ---------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._respond(send_body=False)

    # -- helpers -------------------------------------------------------
    def _origin(self) -> str:
        host = self.headers.get("Host")
        if not host:
            addr, port = self.server.server_address[:2]
            host = f"{addr}:{port}"
        return f"http://{host}"

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
        send_body: bool = True,
    ) -> None:
        self.send_response(status)
        with self.server.requests_lock:
            self.server.requests.append((self.path, status))
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        for key, value in (extra or {}).items():
            # case-insensitive override of defaults
            for existing in list(headers):
                if existing.lower() == key.lower():
                    del headers[existing]
            headers[key] = value
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _error(self, status: int, send_body: bool) -> None:
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        body = (
            f"<!DOCTYPE html><html><head><title>{status} {phrase}</title></head>"
            f"<body><h1>{status} {phrase}</h1><p>{_ERROR_TEXT.get(status, 'Błąd serwera.')}</p>"
            "</body></html>\n"
        ).encode()
        self._send(status, body, "text/html; charset=utf-8", send_body=send_body)

    def _redirect(self, location: str, send_body: bool, status: int = 301) -> None:
        body = f'<html><body><a href="{location}">{location}</a></body></html>\n'.encode()
        self._send(
            status, body, "text/html; charset=utf-8", {"Location": location}, send_body=send_body
        )

    def _resolve(self, path: str, query: str) -> tuple[Path | None, bool]:
        """Return (file, needs_slash_redirect)."""
        root = self.server.root
        rel = unquote(path).lstrip("/")
        parts = [p for p in rel.split("/") if p]
        if any(p in ("..", ".") for p in parts) or "\\" in rel or "\x00" in rel:
            return None, False
        base = root.joinpath(*parts) if parts else root
        try:
            base.resolve().relative_to(root)
        except ValueError:
            return None, False
        if rel == "" or rel.endswith("/"):
            candidates = [base / "index.html"]
        else:
            candidates = [base, base / "index.html"]
        if not query:
            if not (rel == "" or rel.endswith("/")) and base.is_dir():
                return None, (base / "index.html").is_file()
            for cand in candidates:
                if cand.is_file():
                    return cand, False
            return None, False
        for cand in candidates:
            for q in dict.fromkeys([query, unquote(query)]):
                if "/" in q:
                    continue
                sibling = cand.with_name(f"{cand.name}@{q}")
                if sibling.is_file():
                    return sibling, False
            # same parameters, different order / encoding
            wanted = sorted(parse_qsl(query, keep_blank_values=True))
            parent = cand.parent
            if parent.is_dir():
                prefix = f"{cand.name}@"
                for sibling in sorted(parent.iterdir()):
                    if not sibling.name.startswith(prefix) or not sibling.is_file():
                        continue
                    q = sibling.name[len(prefix) :]
                    if sorted(parse_qsl(q, keep_blank_values=True)) == wanted:
                        return sibling, False
        # Static assets ignore cache-busting queries (style.css?ver=1.8), as real servers do;
        # HTML-like files stay strict so unknown pagination states are 404s.
        for cand in candidates:
            if cand.is_file() and not content_type_for(cand).startswith("text/html"):
                return cand, False
        return None, False

    def _respond(self, send_body: bool) -> None:
        config = self.server.config
        split = urlsplit(self.path)
        path, query = split.path or "/", split.query
        if not path.startswith("/"):
            path = "/" + path

        status = _lookup(config.status, path, query)
        if status is not None and not 300 <= status < 400:
            self._error(status, send_body)
            return
        target = _lookup(config.redirects, path, query)
        if target is not None:
            self._redirect(target, send_body, status or 301)
            return

        if Path(unquote(path)).name in HIDDEN_FILES:
            self._error(404, send_body)
            return
        file, needs_slash = self._resolve(path, query)
        if needs_slash:
            location = path + "/" + (f"?{query}" if query else "")
            self._redirect(location, send_body)
            return
        if file is None:
            self._error(404, send_body)
            return

        body = file.read_bytes()
        ctype = content_type_for(file, config.charset_header)
        if _is_text(ctype) and BASE_URL_TOKEN in body:
            body = body.replace(BASE_URL_TOKEN, self._origin().encode("ascii"))
        extra = dict(_lookup(config.headers, path, query) or {})
        # Validators as a real server sends them, so crawls can ask "changed since?".
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = int(file.stat().st_mtime)
        extra.setdefault("ETag", etag)
        extra.setdefault("Last-Modified", formatdate(modified, usegmt=True))
        if self._not_modified(etag, modified):
            self._send(304, b"", ctype, extra, send_body=False)
            return
        self._send(200, body, ctype, extra, send_body=send_body)

    def _not_modified(self, etag: str, modified: int) -> bool:
        """Whether the request's If-None-Match / If-Modified-Since says it has this version."""
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= int(parsedate_to_datetime(since).timestamp())
            except (TypeError, ValueError):
                return False
        return False


class SiteServer:
    """One static site served from a daemon thread."""

    def __init__(
        self, root: Path, host: str = "127.0.0.1", port: int = 0, verbose: bool = False
    ) -> None:
        self.root = Path(root)
        self.name = self.root.name
        self.host = host
        self._httpd = _SiteHTTPServer((host, port), self.root, verbose=verbose)
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"site-{self.name}-{self.port}",
            daemon=True,
        )
        self._stopped = False

    @property
    def requests(self) -> list[tuple[str, int]]:
        """(path with query, status) of every request served so far."""
        return self._httpd.requests

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"SiteServer({self.name!r}, {self.base_url!r})"


def serve_site(
    root: Path, host: str = "127.0.0.1", port: int = 0, verbose: bool = False
) -> SiteServer:
    """Start serving one site directory in a daemon thread; returns the running server."""
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(root)
    return SiteServer(root, host=host, port=port, verbose=verbose).start()


def wait_until_answering(
    url: str, process: subprocess.Popen | None = None, seconds: float = 20.0
) -> None:
    """Wait until a server (started as `process`) answers `url`, whatever the status; raise
    if the process exits first or no answer comes within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers, if not with 200
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server exited with status {process.returncode}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from {url} within {seconds:g} s") from None
            time.sleep(0.1)


PROJECT_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def kronika_serving(db: str | Path, seconds: float = 20.0) -> Iterator[str]:
    """`kronika serve` of an archive on a free port of 127.0.0.1 while the block runs; yields
    its address. If it exits before answering, the error quotes what it printed."""
    port = free_port()
    with tempfile.TemporaryFile() as stderr:  # a file: a pipe nobody reads fills and blocks it
        server = subprocess.Popen(
            [sys.executable, "-m", "archive.cli", "serve", "--db", str(db), "--port", str(port)],
            cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_answering(base + "/-/versions.json", server, seconds)
            except RuntimeError as error:
                stderr.seek(0)
                printed = stderr.read().decode("utf-8", "replace")
                raise RuntimeError(f"kronika serve exited: {printed}") from error
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now, for a server a test or bench starts next."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def site_dirs(sites_dir: Path) -> list[Path]:
    return sorted(
        p for p in Path(sites_dir).iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def serve_sites(
    sites_dir: Path, base_port: int = 0, host: str = "127.0.0.1", verbose: bool = False
) -> dict[str, SiteServer]:
    """One server per sub-directory; with base_port > 0 site i (sorted) gets base_port + i."""
    servers: dict[str, SiteServer] = {}
    try:
        for i, root in enumerate(site_dirs(sites_dir)):
            port = base_port + i if base_port > 0 else 0
            servers[root.name] = serve_site(root, host=host, port=port, verbose=verbose)
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.serve", description="Serve the Kronika demo sites."
    )
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_SITES_DIR)
    parser.add_argument("--port", type=int, default=8101, help="port of the first site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    servers = serve_sites(args.dir, base_port=args.port, host=args.host, verbose=args.verbose)
    if not servers:
        print(f"no sites in {args.dir}", file=sys.stderr)
        return 1
    for name, server in servers.items():
        print(f"{name:24s} {server.base_url}/", flush=True)
    print("Ctrl-C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
