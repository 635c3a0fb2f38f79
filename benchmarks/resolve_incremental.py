"""Incremental resolution against a store: a small new batch vs a full run.

Fills a SQLite store with N generated pages (``benchmarks/make_corpus.py``: profiles, daily
listings, search results, paper pages), resolves it in full, adds a batch of B more pages
and resolves incrementally, then times a full run over the same (N + B)-page store and
checks both leave the same entities. Prints the wall time of each run, the records each
read and the entities each wrote.

Run: ``.venv/bin/python benchmarks/resolve_incremental.py [--pages 3000] [--batch 20]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import CorpusPage, iter_pages  # noqa: E402

from ingest_core import add_page  # noqa: E402
from ingest_core.resolution.stored import resolve_store, stored_entities  # noqa: E402
from ingest_core.store import Store  # noqa: E402


def _fill(store: Store, pages: list[CorpusPage]) -> None:
    for page in pages:
        add_page(store, page.content, url=page.url, retrieved_at=page.retrieved_at,
                       name=page.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    pages = list(iter_pages(args.pages + args.batch, seed=11))
    old, batch = pages[: args.pages], pages[args.pages:]
    with tempfile.TemporaryDirectory() as tmp:
        with Store(f"sqlite:///{Path(tmp) / 'inc.db'}") as store:
            _fill(store, old)
            start = time.perf_counter()
            _, first = resolve_store(store)
            first_s = time.perf_counter() - start
            _fill(store, batch)
            start = time.perf_counter()
            _, inc = resolve_store(store, incremental=True)
            inc_s = time.perf_counter() - start
            inc_entities = [e.model_dump_json() for e in stored_entities(store)]
        with Store(f"sqlite:///{Path(tmp) / 'full.db'}") as store:
            _fill(store, old + batch)
            start = time.perf_counter()
            _, full = resolve_store(store)
            full_s = time.perf_counter() - start
            same = inc_entities == [e.model_dump_json() for e in stored_entities(store)]
    print(f"full run over {args.pages:,} pages: {first_s:.2f}s, {first['records_loaded']:,} "
          f"records read, {first['inserted']:,} entities written")
    print(f"incremental run after {args.batch} more pages: {inc_s:.2f}s, "
          f"{inc['records_loaded']:,} records read, {inc['inserted']} inserted, "
          f"{inc['updated']} updated, {inc['deleted']} deleted")
    print(f"full run over the {args.pages + args.batch:,} pages: {full_s:.2f}s, "
          f"{full['records_loaded']:,} records read; same entities as incremental: {same}")


if __name__ == "__main__":
    main()
