"""Shared fixtures: fixture sites on loopback and crawls run in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from demo.serve import SiteServer, serve_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITES = ROOT / "tests" / "fixtures" / "sites"
DEMO_SITES = ROOT / "demo" / "sites"

KIND_BY_SITE = {
    "joomla-table": "county-labour-office",
    "wordpress-like": "other",
    "old-cms-1250": "municipal-social-welfare-centre",
    "small-town": "municipal-social-welfare-centre",
}


@dataclass
class ServedSite:
    """A fixture site served on 127.0.0.1 with what it should yield."""

    name: str
    server: SiteServer
    expected: dict

    def url(self, path: str) -> str:
        """Absolute URL of a path on this site."""
        return self.server.base_url + path


def kronika(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the `kronika` CLI in a child process (a crawl needs a fresh Twisted reactor)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "archive.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def write_sources(path: Path, sites: list[ServedSite]) -> Path:
    """A registry naming the served sites, as `kronika crawl --sources` reads it."""
    chunks = []
    for site in sites:
        news = site.url(site.expected["news"])
        chunks.append(
            f"""[[source]]
id = "{site.name}"
name = "Fixture {site.name}"
kind = "{KIND_BY_SITE.get(site.name, "other")}"
region = "dolnośląskie"
homepage = "{site.url(site.expected.get("homepage", "/"))}"
news = ["{news}"]
"""
        )
    path.write_text("\n".join(chunks), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def fixture_sites() -> Iterator[dict[str, ServedSite]]:
    """Every fixture site and demo site, each on its own port."""
    served: dict[str, ServedSite] = {}
    site_dirs = [p for root in (FIXTURE_SITES, DEMO_SITES) for p in root.iterdir() if p.is_dir()]
    for site_dir in sorted(site_dirs):
        expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
        served[site_dir.name] = ServedSite(site_dir.name, serve_site(site_dir), expected)
    yield served
    for site in served.values():
        site.server.stop()
