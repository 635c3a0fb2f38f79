"""A store the review tests share: the identity cases backfilled and resolved, plus one page
whose titles hold markup (scraped titles can hold ``<script>``)."""

from __future__ import annotations

import re

from ingest_core import add_page
from ingest_core.resolution.stored import resolve_store
from ingest_core.store import Store
from tests.conftest import FIXTURES

AS_OF = "2026-03-01"
SCRIPT = "<script>alert(1)</script>"
_DATED = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}$")


def scripted_titles() -> bytes:
    """The Bahram Salimi aggregator page with a script tag put before every title (in this
    format a title is the line after the topic-and-date line)."""
    page = FIXTURES / "identity" / "salimi" / "bahram_aggregator.txt"
    lines = page.read_text(encoding="utf-8").splitlines()
    out = [f"{SCRIPT} {line}" if k and _DATED.search(lines[k - 1]) else line
           for k, line in enumerate(lines)]
    return ("\n".join(out) + "\n").encode()


def build_store(url: str, *, hostile: bool = True) -> None:
    """Backfill the identity cases (and the hostile page) into ``url`` and resolve it."""
    with Store(url) as store:
        for page in sorted((FIXTURES / "identity").glob("*/*.txt")):
            add_page(store, page.read_bytes(), as_of=AS_OF, name=str(page))
        if hostile:
            add_page(store, scripted_titles(), as_of=AS_OF, name="hostile.txt")
        resolve_store(store)
