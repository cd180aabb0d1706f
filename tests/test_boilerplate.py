"""One saved page per boilerplate kind, date form and encoding (tests/fixtures/pages/boilerplate).

The pages and their expectations were written by someone who had not seen the extractor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.encoding import has_mojibake
from archive.extract import extract_article

FOLDER = Path(__file__).parent / "fixtures" / "pages" / "boilerplate"
EXPECTED: dict[str, dict] = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_boilerplate_page(name: str) -> None:
    expected = EXPECTED[name]
    article = extract_article((FOLDER / name).read_bytes(), expected["url"])
    assert article.is_article, article.reason
    assert article.encoding == expected["encoding"]
    assert article.title == expected["title"]
    assert article.published == expected["published"]
    body = " ".join(article.body.split())
    for text in expected["body_contains"]:
        assert text in body, (expected["kind"], text)
    for text in expected["body_excludes"]:
        assert text not in body, (expected["kind"], text)
    assert not has_mojibake(article.title + article.body)
    found = {(a["url"], a["type"]) for a in article.attachments}
    assert found == {(a["url"], a["type"]) for a in expected["attachments"]}
