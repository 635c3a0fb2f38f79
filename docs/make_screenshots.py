"""Take the README's screenshots of the review app: the overview and a person page.

    .venv/bin/python docs/make_screenshots.py   # docs/review-overview.png, docs/review-person.png

The store is the identity cases of ``fixtures/identity`` backfilled and resolved; the
browser is Debian's chromium, driven by Playwright (as in the browser tests).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_helpers import browser, screenshot, serving  # noqa: E402
from tests.review_helpers import build_store  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'demo.db'}"
        build_store(db, hostile=False)
        with serving(db) as (link, _proc), browser() as b:
            page = b.new_page(viewport={"width": 1200, "height": 800})
            page.goto(link)
            screenshot(page, ROOT / "docs" / "review-overview.png")
            page.goto(link.split("?")[0] + "persons?q=Salimi")
            page.locator("table.list a", has_text="Babak Salimi").first.click()
            screenshot(page, ROOT / "docs" / "review-person.png")
    print("wrote docs/review-overview.png and docs/review-person.png")


if __name__ == "__main__":
    main()
