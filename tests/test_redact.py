"""No password or token from a registry URL reaches a log line or crawl_errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.redact import redact_secrets
from demo.serve import serve_site
from tests.conftest import FIXTURE_SITES, kronika


def test_redact_secrets() -> None:
    line = "GET https://jan:Tajne123@bip.example.pl/a?x=1&token=abc123&page=2"
    assert redact_secrets(line) == "GET https://jan:***@bip.example.pl/a?x=1&token=***&page=2"
    assert redact_secrets("/p?api_key=K1&sessionid=S#access_token=Z") == (
        "/p?api_key=***&sessionid=***#access_token=***"
    )
    assert (
        redact_secrets("https://a.pl/?page=2&keyword=pomoc") == "https://a.pl/?page=2&keyword=pomoc"
    )


def test_a_crawl_logs_no_secret_from_the_registry(tmp_path: Path) -> None:
    server = serve_site(FIXTURE_SITES / "small-town")
    try:
        netloc = server.base_url.removeprefix("http://")
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f"""[[source]]
id = "tajny"
name = "Ośrodek z hasłem"
kind = "ops"
region = "opolskie"
homepage = "http://jan:Tajne123@{netloc}/"
news = ["http://jan:Tajne123@{netloc}/aktualnosci.html", "http://{netloc}/brak.html?token=abc123"]
""",
            encoding="utf-8",
        )
        log = tmp_path / "crawl.log"
        db = tmp_path / "archive.db"
        result = kronika(
            "crawl", "--sources", str(sources), "--db", str(db), "-v", "--log-file", str(log)
        )
    finally:
        server.stop()
    assert "brak.html?token=***" in result.stderr  # the failed listing is reported, redacted
    written = (result.stdout + result.stderr + log.read_text(encoding="utf-8")).lower()
    assert "tajne123" not in written and "abc123" not in written
    connection = sqlite3.connect(db)
    reasons = [r for (r,) in connection.execute("select reason from crawl_errors")]
    assert reasons and not any("abc123" in r or "tajne123" in r.lower() for r in reasons)
    summary = connection.execute("select error_summary from crawl_runs").fetchone()[0]
    assert "tajne123" not in summary.lower()
    published = " ".join(map(str, connection.execute("select * from sources").fetchone()))
    assert "jan:***@" in published and "Tajne123" not in published and "abc123" not in published
