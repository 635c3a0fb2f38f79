"""An outside parser package, installed with pip, is found and used like a built-in: it is
written on the public kit alone (``ingest_core.parser``, ``ingest_core.schemas``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = '''
"""A made-up lab's JSON feed of papers: {"lab_feed": 1, "papers": [...]}."""
from collections.abc import Iterator

from ingest_core.parser import (
    Page, ParseItem, RecordContext, as_text, checked_ids, dig, iso_date, split_name,
)
from ingest_core.schemas import Author, Identifiers, Listing, Work


class LabFeedParser:
    name = "lab_feed"
    source = "lab"
    version = "1"
    url_patterns = (r"^https://lab\\\\.example/feed",)

    def detect(self, page: Page) -> float:
        return 0.95 if page.kind == "json" and dig(page.json, "lab_feed") == 1 else 0.0

    def parse(self, page: Page) -> Iterator[ParseItem]:
        ctx = RecordContext(self, page)
        works = []
        for pos, paper in enumerate(page.json["papers"]):
            ids, warnings = checked_ids(Identifiers, position=pos, doi=paper.get("doi"))
            title = as_text(paper.get("title"))
            if title is None:
                works.append(ctx.malformed(pos, "a paper without a title"))
                continue
            authors = [Author(name=n, given=p.given, family=p.family)
                       for n in paper.get("authors", []) for p in [split_name(n)]]
            published = iso_date(paper.get("date"))
            works.append(ctx.build(Work, pos, title=title, authors=authors,
                                   published=published, identifiers=ids, warnings=warnings,
                                   year=published.date.year if published else None))
        yield from ctx.page_items(Listing, works, title="Lab feed")
'''


def test_an_installed_plugin_package_parses_with_detection(tmp_path: Path) -> None:
    project = tmp_path / "lab-feed"
    (project / "lab_feed").mkdir(parents=True)
    (project / "lab_feed" / "__init__.py").write_text(textwrap.dedent(PLUGIN))
    (project / "pyproject.toml").write_text(textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=77"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "lab-feed"
        version = "1.0"

        [project.entry-points."ingest_core.parsers"]
        lab_feed = "lab_feed:LabFeedParser"
    """))
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(project)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert install.returncode == 0, install.stderr
    feed = tmp_path / "feed.json"
    feed.write_text('{"lab_feed": 1, "papers": [{"title": "Lenses", "authors": ["Ada Byron"], '
                    '"date": "2024-05", "doi": "https://doi.org/10.1234/ABC"}, '
                    '{"authors": ["No Title"]}]}')
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-m", "ingest_core.cli", "parse", str(feed), "--as-of", "2026-12-02"],
        capture_output=True, text=True, timeout=120, check=False, env=env, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    import json
    records = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert [r["kind"] for r in records] == ["listing", "work"]
    listing, work = records
    assert listing["source"] == "lab" and listing["entries_seen"] == 2
    assert listing["entries_emitted"] == 1
    assert work["title"] == "Lenses"
    assert work["identifiers"]["doi"] == "10.1234/abc"
    assert work["published"] == {"date": "2024-05-01", "precision": "month",
                                 "year_inferred": False}
    assert work["authors"][0]["family"] == "Byron"
    assert "entry 1" in run.stderr and "without a title" in run.stderr
