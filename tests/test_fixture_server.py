"""The static multi-site server (demo/serve.py) and the sanity of the bundled sites."""

from __future__ import annotations

import html
import http.client
import json
import re
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import phonenumbers
import pytest
from stdnum.pl import nip, regon

from demo.serve import SiteServer, content_type_for, serve_site, serve_sites

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITES = ROOT / "tests" / "fixtures" / "sites"
DEMO_SITES = ROOT / "demo" / "sites"

# The encoding each site's text files are stored in on disk.
ENCODINGS = {
    "joomla-table": "iso-8859-2",
    "wordpress-like": "utf-8",
    "old-cms-1250": "cp1250",
    "small-town": "utf-8",
    "feeds-sitemap": "utf-8",
    "darr-demo": "iso-8859-2",
    "mops-demo": "cp1250",
    "rops-demo": "utf-8",
}
SITE_DIRS = {p.name: p for base in (FIXTURE_SITES, DEMO_SITES) for p in sorted(base.iterdir())}
TEXT_SUFFIXES = {".html", ".htm", ".php", ".asp", "", ".xml", ".txt", ".css", ".js"}
POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# What Polish letters turn into when a page is decoded with the wrong codec.
MOJIBAKE = re.compile(r"[\x80-\x9f±¶Ľ]|Ä[\x85\x99\x87]|Å[\x82\x84\x9b\xba\xbc]|Ã³")


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def request(server: SiteServer, path: str, method: str = "GET") -> Response:
    """One request, redirects not followed."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return Response(resp.status, headers, body)
    finally:
        conn.close()


def is_text_file(path: Path) -> bool:
    name = path.name.split("@", 1)[0]
    return Path(name).suffix.lower() in TEXT_SUFFIXES and path.name not in (
        "site.json",
        "expected.json",
    )


def page_text(raw: bytes, encoding: str) -> str:
    text = re.sub(r"<[^>]+>", " ", raw.decode(encoding))
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SiteServer]]:
    started = {name: serve_site(path) for name, path in SITE_DIRS.items()}
    yield started
    for server in started.values():
        server.stop()


def expected_of(name: str) -> dict:
    return json.loads((SITE_DIRS[name] / "expected.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# The server


def test_all_sites_present() -> None:
    assert set(ENCODINGS) <= set(SITE_DIRS)
    for name, path in SITE_DIRS.items():
        assert (path / "expected.json").is_file(), name
        assert (path / "robots.txt").is_file(), name


def test_serve_site_basics(servers) -> None:
    server = servers["joomla-table"]
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.port > 0
    resp = request(server, "/")
    assert resp.status == 200
    assert resp.headers["content-type"] == "text/html; charset=iso-8859-2"
    assert int(resp.headers["content-length"]) == len(resp.body)
    assert b"Powiatowy Urz\xb1d Pracy" in resp.body  # raw ISO-8859-2 bytes


def test_charset_header_absent_when_not_configured(servers) -> None:
    for name in ("darr-demo", "mops-demo", "small-town"):
        resp = request(servers[name], "/")
        assert resp.status == 200
        assert resp.headers["content-type"] == "text/html", name


def test_wrong_charset_header_is_served_as_configured(servers) -> None:
    resp = request(servers["old-cms-1250"], "/news.php")
    assert resp.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert b'content="text/html; charset=windows-1250"' in resp.body


def test_query_string_maps_to_sibling_file(servers) -> None:
    resp = request(servers["joomla-table"], "/aktualnosci.html?start=2")
    assert resp.status == 200
    assert "Strona 2 z 3" in resp.body.decode("iso-8859-2")
    first = request(servers["joomla-table"], "/aktualnosci.html")
    assert "Strona 1 z 3" in first.body.decode("iso-8859-2")
    # directory index + query string
    page2 = request(servers["rops-demo"], "/aktualnosci/?page=2")
    assert page2.status == 200 and "strona 2" in page2.body.decode()
    # the same parameters in another order still find the file
    news = expected_of("darr-demo")["news"]
    path, query = news.split("?")
    shuffled = "&".join(reversed(query.split("&")))
    a = request(servers["darr-demo"], news)
    b = request(servers["darr-demo"], f"{path}?{shuffled}")
    assert a.status == b.status == 200 and a.body == b.body
    assert request(servers["joomla-table"], "/aktualnosci.html?start=99").status == 404
    # static assets ignore cache-busting query strings
    css = request(servers["wordpress-like"], "/wp-content/themes/owes/style.css?ver=1.8")
    assert css.status == 200 and css.headers["content-type"] == "text/css"


def test_404_and_hidden_files(servers) -> None:
    server = servers["rops-demo"]
    for path in ("/nie-ma-takiej-strony/", "/site.json", "/expected.json", "/../serve.py"):
        resp = request(server, path)
        assert resp.status == 404, path
        assert resp.headers["content-type"].startswith("text/html")
        assert b"404" in resp.body


def test_configured_redirect_and_status(servers) -> None:
    server = servers["joomla-table"]
    resp = request(server, "/index.php?option=com_content&view=category&id=3&Itemid=2")
    assert resp.status == 301
    assert resp.headers["location"] == "/aktualnosci.html"
    assert request(server, "/stary-serwis/").status == 410
    # WordPress shortlink /?p=N redirects to the permalink
    wp = servers["wordpress-like"]
    article = expected_of("wordpress-like")["articles"][0]["path"]
    shortlinks = json.loads((SITE_DIRS["wordpress-like"] / "site.json").read_text())["redirects"]
    short = next(k for k, v in shortlinks.items() if v == article)
    resp = request(wp, short)
    assert resp.status == 301 and resp.headers["location"] == article


def test_directory_without_slash_redirects(servers) -> None:
    resp = request(servers["wordpress-like"], "/aktualnosci")
    assert resp.status == 301
    assert resp.headers["location"] == "/aktualnosci/"
    assert request(servers["wordpress-like"], "/aktualnosci/").status == 200


def test_head(servers) -> None:
    server = servers["rops-demo"]
    get = request(server, "/aktualnosci/")
    head = request(server, "/aktualnosci/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.body))
    assert request(server, "/brak", method="HEAD").status == 404


def test_per_path_headers_and_content_types(servers) -> None:
    wp = servers["wordpress-like"]
    feed = request(wp, "/feed/")
    assert feed.headers["content-type"] == "application/rss+xml; charset=UTF-8"
    assert feed.body.startswith(b"<?xml")
    assert request(wp, "/wp-sitemap.xml").headers["content-type"] == "application/xml"
    assert request(wp, "/robots.txt").headers["content-type"] == "text/plain"
    jt = request(servers["joomla-table"], "/images/pliki/plan-szkolen-2013.pdf")
    assert jt.headers["content-disposition"].startswith("attachment")
    assert content_type_for(Path("a/x.pdf")) == "application/pdf"
    assert content_type_for(Path("a/x.doc")) == "application/msword"
    assert content_type_for(Path("a/x.docx")).endswith("wordprocessingml.document")
    assert content_type_for(Path("a/x.odt")) == "application/vnd.oasis.opendocument.text"
    assert content_type_for(Path("a/x.xlsx")).endswith("spreadsheetml.sheet")
    assert content_type_for(Path("a/x.rss")) == "application/rss+xml"
    assert content_type_for(Path("index.php@a=1&b=2"), "utf-8") == "text/html; charset=utf-8"
    assert content_type_for(Path("strona"), None) == "text/html"


def test_base_url_token_is_substituted(servers) -> None:
    wp = servers["wordpress-like"]
    robots = request(wp, "/robots.txt").body.decode()
    assert f"Sitemap: {wp.base_url}/wp-sitemap.xml" in robots
    sitemap = request(wp, "/wp-sitemap-posts-post-1.xml").body.decode()
    assert "{{BASE_URL}}" not in sitemap and f"<loc>{wp.base_url}/20" in sitemap
    # the token is ASCII, so 8-bit pages keep their bytes otherwise untouched
    rops = request(servers["rops-demo"], "/aktualnosci/feed.xml").body.decode()
    assert f"<link>{servers['rops-demo'].base_url}/aktualnosci/" in rops


def _free_port_block(n: int) -> int:
    for base in range(20100, 60000, 37):
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                s.bind(("127.0.0.1", base + i))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port block")


def test_serve_sites_fixed_ports_in_sorted_order() -> None:
    base = _free_port_block(3)
    servers = serve_sites(DEMO_SITES, base_port=base)
    try:
        assert list(servers) == ["darr-demo", "mops-demo", "rops-demo"]
        assert [s.port for s in servers.values()] == [base, base + 1, base + 2]
        for server in servers.values():
            assert request(server, "/").status == 200
    finally:
        for server in servers.values():
            server.stop()


def test_serve_sites_random_ports_and_context_manager() -> None:
    servers = serve_sites(FIXTURE_SITES)
    try:
        names = sorted(p.name for p in FIXTURE_SITES.iterdir() if p.is_dir())
        assert sorted(servers) == names
        assert len({s.port for s in servers.values()}) == len(names)
    finally:
        for server in servers.values():
            server.stop()
    with serve_site(FIXTURE_SITES / "small-town") as server:
        assert request(server, "/aktualnosci.html").status == 200
    server.stop()  # idempotent


def test_demo_sources_toml_matches_sites() -> None:
    data = tomllib.loads((ROOT / "demo" / "sources.toml").read_text(encoding="utf-8"))
    sources = data["source"]
    assert [s["id"] for s in sources] == sorted(p.name for p in DEMO_SITES.iterdir() if p.is_dir())
    for i, source in enumerate(sources):
        port = 8101 + i
        assert source["homepage"] == f"http://127.0.0.1:{port}/"
        expected = expected_of(source["id"])
        assert source["news"] == [f"http://127.0.0.1:{port}{expected['news']}"]
        assert "contact" not in source
        assert source["region"] == source["region"].lower()


# ---------------------------------------------------------------------------
# The sites' bytes


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_text_files_decode_in_their_encoding(name: str) -> None:
    encoding = ENCODINGS[name]
    polish_pages = 0
    for path in sorted(SITE_DIRS[name].rglob("*")):
        if not path.is_file() or not is_text_file(path):
            continue
        raw = path.read_bytes()
        text = raw.decode(encoding)  # strict
        assert not MOJIBAKE.search(text), (path, MOJIBAKE.search(text))
        if encoding != "utf-8" and any(b > 0x7F for b in raw):
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")  # really stored as 8-bit, not UTF-8
        if POLISH & set(text):
            polish_pages += 1
    assert polish_pages >= 10


def test_specific_bytes_per_encoding() -> None:
    # ISO-8859-2: ą = B1, ś = B6; windows-1250: ą = B9, ś = 9C; UTF-8: ą = C4 85
    joomla = (SITE_DIRS["joomla-table"] / "index.html").read_bytes()
    assert "ą".encode("iso-8859-2") in joomla and "ś".encode("iso-8859-2") in joomla
    assert "ą" in joomla.decode("iso-8859-2") and "ś" in joomla.decode("iso-8859-2")
    assert "±" in joomla.decode("cp1250")  # what a wrong guess would show
    darr = (SITE_DIRS["darr-demo"] / "index.html").read_bytes()
    assert b'charset=iso-8859-2"' in darr and "Kłodzko".encode("iso-8859-2") in darr
    mops = (SITE_DIRS["mops-demo"] / "strona,5,kontakt.html").read_bytes()
    assert b"charset" not in mops.lower()
    assert "Śląskich".encode("cp1250") in mops and b"\x9c" in mops  # ś
    old = (SITE_DIRS["old-cms-1250"] / "news.php").read_bytes()
    assert "Świerczów".encode("cp1250") in old
    assert "„".encode("cp1250") in (SITE_DIRS["old-cms-1250"] / "news.php@id=81").read_bytes()
    for name in ("rops-demo", "wordpress-like", "small-town"):
        assert "ą".encode() in (SITE_DIRS[name] / "index.html").read_bytes()


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_attachments_are_real_files(name: str) -> None:
    for path in SITE_DIRS[name].rglob("*"):
        if path.suffix == ".pdf":
            data = path.read_bytes()
            assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
            startxref = int(data.rsplit(b"startxref", 1)[1].split()[0])
            assert data[startxref:].startswith(b"xref")
            for m in re.finditer(rb"(\d{10}) 00000 n", data):
                assert re.match(rb"\d+ 0 obj", data[int(m.group(1)) :])
        elif path.suffix == ".doc":
            assert path.read_bytes().startswith(b"{\\rtf1")
        elif path.suffix == ".docx":
            assert path.read_bytes().startswith(b"PK\x03\x04")


# ---------------------------------------------------------------------------
# expected.json agrees with what is served


# feeds-sitemap hides articles from its listing on purpose (they come from RSS and the sitemap).
@pytest.mark.parametrize("name", sorted(set(ENCODINGS) - {"feeds-sitemap"}))
def test_expected_json_is_consistent(servers, name: str) -> None:
    server = servers[name]
    expected = expected_of(name)
    encoding = ENCODINGS[name]
    is_demo = name.endswith("-demo")
    articles = expected["articles"]
    assert (6 <= len(articles) <= 8) if is_demo else (5 <= len(articles) <= 7)
    assert len({a["path"] for a in articles}) == len(articles)

    assert request(server, expected["homepage"]).status == 200
    listing = request(server, expected["news"])
    assert listing.status == 200
    pages = expected["listing_pages"]
    assert pages[0] == expected["news"]
    assert len(pages) >= (2 if name == "small-town" else 3)
    linked = set()
    for page in pages:
        resp = request(server, page)
        assert resp.status == 200, page
        text = html.unescape(resp.body.decode(encoding))
        linked |= {a["path"] for a in articles if _linked(text, a["path"], page)}
    assert linked == {a["path"] for a in articles}, "every article is linked from a listing page"

    for article in articles:
        resp = request(server, article["path"])
        assert resp.status == 200, article["path"]
        text = page_text(resp.body, encoding)
        assert article["title"] in text
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article["published"])
        for snippet in article["body_contains"]:
            assert snippet in text, (article["path"], snippet)
        for chrome in article["body_excludes"]:
            assert chrome in text, (article["path"], chrome)  # it is on the page, outside the body
            assert chrome not in " ".join(article["body_contains"])
        for attachment in article["attachments"]:
            assert request(server, attachment).status == 200, attachment
            assert _linked(resp.body.decode(encoding), attachment, article["path"])

    for path in expected["not_articles"]:
        assert request(server, path).status == 200, path
        assert path not in {a["path"] for a in articles}
    for path in expected.get("robots_disallowed", []):
        robots = request(server, "/robots.txt").body.decode()
        assert any(
            path.startswith(line.split(":", 1)[1].strip())
            for line in robots.splitlines()
            if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()
        )
        assert _linked(
            request(server, expected["news"]).body.decode(encoding), path, expected["news"]
        )


def _linked(page_html: str, path: str, page_path: str) -> bool:
    """Is path linked (absolute or relative href) from a page at page_path?"""
    base = "http://x" + page_path
    for href in re.findall(r'(?i)href="([^"]+)"', html.unescape(page_html)):
        if urlsplit(urljoin(base, href))._replace(scheme="", netloc="").geturl() == path:
            return True
    return False


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_expected_contact_is_valid(name: str) -> None:
    contact = expected_of(name)["contact"]
    assert set(contact) == {
        "street",
        "postal_code",
        "city",
        "phones",
        "fax",
        "emails",
        "nip",
        "regon",
        "krs",
        "hours",
    }
    assert nip.is_valid(contact["nip"]) and contact["nip"].isdigit()
    assert regon.is_valid(contact["regon"]) and contact["regon"].isdigit()
    assert contact["krs"] is None or re.fullmatch(r"\d{10}", contact["krs"])
    assert re.fullmatch(r"\d{2}-\d{3}", contact["postal_code"])
    for number in contact["phones"] + contact["fax"]:
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    for email in contact["emails"]:
        assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", email)


def test_demo_totals() -> None:
    demo = [n for n in ENCODINGS if n.endswith("-demo")]
    assert len(demo) >= 3
    assert sum(len(expected_of(n)["articles"]) for n in demo) >= 20
    total = sum(p.stat().st_size for n in ENCODINGS for p in SITE_DIRS[n].rglob("*") if p.is_file())
    assert total < 1_000_000
