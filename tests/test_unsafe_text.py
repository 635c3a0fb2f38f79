"""Bytes the world sends that a database cannot hold (a file name that is not UTF-8, a lone
surrogate or a NUL in a url) end in stored pages with the text escaped, never in a crash."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from ingest_core import backfill
from ingest_core._text import safe_text
from ingest_core.cli import app
from ingest_core.store import Store
from tests.conftest import FIXTURES

PAGE = FIXTURES / "hf_paper" / "paper_json_served.html"


def test_safe_text_escapes_what_utf8_cannot_hold_and_keeps_clean_text() -> None:
    assert safe_text("café") == "café"
    assert safe_text(os.fsdecode(b"caf\xe9.html")) == "caf\\xe9.html"  # the original byte
    assert safe_text("https://x.org/\ud800") == "https://x.org/\\ud800"
    assert safe_text("a\x00b") == "a\\x00b"


def test_a_backfill_stores_pages_with_unsafe_names_and_urls(db_url: str, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    odd = os.path.join(os.fsencode(pages), b"caf\xe9.html")
    with open(odd, "wb") as fh:
        fh.write(PAGE.read_bytes())
    rows = [{"url": "https://x.org/\ud800", "content": "Researcher profile\nno name here"},
            {"url": "https://x.org/a\u0000b",
             "content": (PAGE.parent / "paper_visible_no_json.html").read_text(encoding="utf-8")}]
    (pages / "rows.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    summary = backfill([pages], db=db_url, workers=0, as_of="2026-02-13")
    assert summary.pages_seen == 3
    assert summary.parsed + summary.unchanged + summary.quarantined_total == 3
    with Store(db_url) as store:
        urls = {r.provenance.url for r in store.records(kind="work")}
        assert "https://x.org/a\\x00b" in urls
        inputs = {e.input for e in store.quarantined()} | {
            e.source.url for e in store.quarantined()}
        assert "https://x.org/\\ud800" in inputs


def test_parse_with_a_url_that_is_not_utf8() -> None:
    result = CliRunner().invoke(app, ["parse", str(PAGE), "--url", "https://x.org/\udced"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[0])
    assert record["provenance"]["url"] == "https://x.org/\\xed"
