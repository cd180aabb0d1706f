"""A news site on 127.0.0.1 that fails in every way a public-sector site does.

One listing links five good articles and one page per fault (`FAULTS`). A second listing
links 10,000 pages, for the per-source page limit. The server counts the requests it
answered per path.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = [f"/art/dobry-{n}.html" for n in range(1, 6)]
# Each fault's page and its title on the listing; tests/test_faults.py says what the crawl
# must make of each.
FAULTS: dict[str, str] = {
    "/art/przeciazony.html": "Serwer przeciążony, potem odpowiada",  # 503, 503, then 200
    "/art/blad-500.html": "Błąd serwera za każdym razem",
    "/art/kroplowka.html": "Serwer sączy bajt na sekundę",
    "/art/zerwane.html": "Połączenie zerwane",  # TCP reset
    "/art/ogromny.html": "Strona 50 MB",
    "/art/petla.html": "Pętla przekierowań",
    "/art/binarny.html": "Plik binarny jako text/html",
    "/art/gzip-uciety.html": "Ucięty gzip",
    "/art/zle-bajty.html": "Niepoprawne bajty w UTF-8",
    "/art/zagniezdzony.html": "100 000 zagnieżdżonych znaczników",
    "/prywatne/tajne.html": "Sekcja zakazana w robots.txt",
}
BIG_LISTING_PAGES = 10_000
FOOTER = (
    "<div id='stopka'><p>Powiatowe Centrum Usterek w Awarii<br>ul. Krucha 1, 00-950 Awaria<br>"
    "tel. 22 123 45 67<br>e-mail: sekretariat@usterki.example.pl</p></div>"
)


def article_page(title: str, day: int, extra: str = "") -> bytes:
    """A plain article: title, date, three paragraphs."""
    body = (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div id='menu'><a href='/'>Start</a> <a href='/aktualnosci.html'>Aktualności</a></div>"
        f"<div class='tresc'><h1>{title}</h1><p class='data'>Opublikowano: {day:02d}.03.2024</p>"
        f"<p>Zażółć gęślą jaźń: {title} – pierwszy akapit z treścią artykułu o pomocy "
        f"społecznej w powiecie, wystarczająco długi, by był tekstem artykułu.</p>"
        f"<p>Drugi akapit opisuje szczegóły wydarzenia, uczestników i miejsce spotkania "
        f"w siedzibie centrum.</p>{extra}<p>Trzeci akapit kończy artykuł.</p></div>"
        f"{FOOTER}</body></html>"
    )
    return body.encode("utf-8")


def listing_page() -> bytes:
    items = [(path, f"Dobry artykuł numer {n}") for n, path in enumerate(GOOD, start=1)]
    items += list(FAULTS.items())
    rows = "".join(
        f"<li><a href='{path}'>{title}</a><br><small>{(n % 27) + 1:02d}.03.2024</small></li>"
        for n, (path, title) in enumerate(items)
    )
    return (
        "<html><head><meta charset='utf-8'><title>Aktualności</title></head><body>"
        "<div id='menu'><a href='/'>Start</a> <a href='/kontakt.html'>Kontakt</a></div>"
        f"<h2>Aktualności</h2><ul class='news'>{rows}</ul>{FOOTER}</body></html>"
    ).encode()


def big_listing_page() -> bytes:
    rows = "".join(
        f"<li><a href='/duzo/{n}.html'>Komunikat numer {n} w sprawie dyżurów</a>"
        f"<br><small>{(n % 27) + 1:02d}.02.2024</small></li>"
        for n in range(BIG_LISTING_PAGES)
    )
    return (
        "<html><head><meta charset='utf-8'><title>Komunikaty</title></head><body>"
        f"<h2>Komunikaty</h2><ul class='news'>{rows}</ul>{FOOTER}</body></html>"
    ).encode()


class FaultHandler(BaseHTTPRequestHandler):
    """Answers each path with its fault."""

    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def send_body(self, body: bytes, status: int = 200, content_type: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one branch per fault, on purpose
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.hits[path] += 1
            hits = self.server.hits[path]
        if path == "/robots.txt":
            return self.send_body(
                b"User-agent: *\nDisallow: /prywatne/\n", content_type="text/plain"
            )
        if path in ("/", "/aktualnosci.html"):
            return self.send_body(listing_page())
        if path == "/komunikaty.html":
            return self.send_body(big_listing_page())
        if path.startswith("/duzo/"):
            return self.send_body(article_page(f"Komunikat {path[6:-5]} w sprawie dyżurów", 3))
        if path in GOOD:
            return self.send_body(article_page(f"Dobry artykuł numer {path[-6]}", int(path[-6])))
        if path == "/art/przeciazony.html":
            if hits <= 2:  # twice overloaded, then fine: the retries with back-off get it
                return self.send_body(b"Przeciazony", status=503, content_type="text/plain")
            return self.send_body(article_page("Serwer przeciążony, potem odpowiada", 10))
        if path == "/art/blad-500.html":
            return self.send_body(b"<h1>Internal Server Error</h1>", status=500)
        if path == "/art/kroplowka.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(60):  # a byte a second: the download timeout ends it
                try:
                    self.wfile.write(b"<")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1)
            return
        if path == "/art/zerwane.html":
            # SO_LINGER 0: close() sends RST, the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path == "/art/ogromny.html":
            chunk = b"<p>" + b"x" * 1_048_573
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * len(chunk)))
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        if path in ("/art/petla.html", "/art/petla-2.html"):
            target = "/art/petla-2.html" if path == "/art/petla.html" else "/art/petla.html"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/art/binarny.html":
            png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400
            return self.send_body(png)
        if path == "/art/gzip-uciety.html":
            data = gzip.compress(article_page("Ucięty gzip", 12))
            cut = data[: len(data) // 2]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(cut)))
            self.end_headers()
            self.wfile.write(cut)
            return
        if path == "/art/zle-bajty.html":
            page = article_page(
                "Niepoprawne bajty w UTF-8", 14, "<p>Tu są złe bajty: \xff\xfe.</p>"
            )
            page = page.replace("\xff\xfe".encode(), b"\xff\xfe\xc3")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        if path == "/art/zagniezdzony.html":
            nested = "<div>" * 100_000 + "<p>głęboko</p>" + "</div>" * 100_000
            return self.send_body(article_page("100 000 zagnieżdżonych znaczników", 16, nested))
        if path == "/prywatne/tajne.html":
            return self.send_body(article_page("Sekcja zakazana w robots.txt", 18))
        if path == "/kontakt.html":
            return self.send_body(f"<html><body>{FOOTER}</body></html>".encode())
        return self.send_body(b"<h1>404</h1>", status=404)


class FaultServer(ThreadingHTTPServer):
    """The fault site, served from a thread; `hits` counts requests per path."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
