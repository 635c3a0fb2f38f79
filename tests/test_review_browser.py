"""The review app in a real headless Chromium against a real `ingest serve` process: a
curator's split survives a reload and a rerun of `ingest resolve --db`, scraped markup
stays text, and a change without the token is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest_core.schemas import Person
from ingest_core.store import Store
from tests.browser_helpers import browser, screenshot, serving
from tests.review_helpers import SCRIPT, build_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _salimi_count(url: str) -> int:
    with Store(url, read_only=True) as store:
        return sum(isinstance(e, Person) and "Salimi" in e.name for e in store.entities())


def test_a_curator_splits_a_person_in_the_browser_and_it_is_kept(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'review.db'}"
    build_store(db)
    before = _salimi_count(db)
    with serving(db) as (link, _proc), browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(link)
        assert page.locator("h1").inner_text() == "Overview"
        assert page.locator("svg.chart").count() == 4
        screenshot(page, tmp_path / "overview.png")

        page.fill("#q", "Salimi")
        page.click("form.search button")
        page.wait_for_url("**/persons?q=Salimi")
        rows = page.locator("table.list tbody tr")
        assert rows.count() == before
        page.locator("table.list a", has_text="Babak Salimi").first.click()
        members = page.locator("table.members tbody tr")
        n = members.count()
        assert n >= 3 and "Babak Salimi" in page.locator("h1").inner_text()
        split = members.nth(n - 1).locator("button", has_text="not this person")
        split.click()
        page.wait_for_load_state()
        assert "decision(s) kept" in page.locator(".done").inner_text()
        assert page.locator("table.members tbody tr").count() == n - 1
        assert _salimi_count(db) == before + 1  # two persons where there was one

        page.reload()
        assert page.locator("table.members tbody tr").count() == n - 1
        kept_url = page.url.split("?")[0]
        rerun = subprocess.run([sys.executable, "-m", "ingest_core", "resolve", "--db", db],
                               check=False, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
        assert _salimi_count(db) == before + 1
        page.goto(kept_url)
        assert page.locator("table.members tbody tr").count() == n - 1

        page.goto(link.split("?")[0] + "papers?q=corrosion")
        assert SCRIPT in page.locator("table.list").inner_text()  # shown as text
        page.locator("table.list a").first.click()
        assert SCRIPT in page.locator("h1").inner_text()
        assert dialogs == []  # no script ran

        stranger = b.new_context()  # no token cookie
        refused = stranger.request.post(kept_url + "/split",
                                        form={"member": "x", "csrf": "y"})
        assert refused.status == 403
        stranger.close()
