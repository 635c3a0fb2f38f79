"""Hugging Face papers search results, e.g. https://huggingface.co/papers?q=debiasing.

The visible page is two header lines, then title and abstract lines alternating (the
first title glued to the "Subscribe" button in scraped text). When the served HTML carries
a ``DailyPapers`` JSON holding a query, that JSON is read instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain

from ingest_core.parser import Page, ParseItem, RecordContext
from ingest_core.parsers._huggingface import (
    SEARCH_URLS,
    SOURCE,
    abstract_likeness,
    has_hydrater,
    hydrater_json,
    is_header_line,
    json_papers,
    json_query,
    json_query_present,
    listing_items,
    read_cards,
    url_bonus,
    url_query,
    work_from_card,
    work_from_json,
)

TITLE = "Papers search results"
_SUBSCRIBE = "Subscribe"


def _split_header(lines: Sequence[str]) -> tuple[list[str], int, bool]:
    """``(first lines of the results, index after them, saw the search header)``."""
    saw_header = False
    for i, line in enumerate(lines[:12]):
        if line.startswith(_SUBSCRIBE) and len(line) > len(_SUBSCRIBE):
            return [line[len(_SUBSCRIBE) :].strip()], i + 1, saw_header
        if is_header_line(line):
            saw_header = saw_header or line.lower().startswith("get trending papers")
            continue
        return [], i, saw_header
    return [], min(len(lines), 12), saw_header


class HfSearchParser:
    """The papers search-results page: a Listing record, then one Work per result."""

    name = "hf_search"
    source = SOURCE
    version = "1"
    url_patterns: Sequence[str] = SEARCH_URLS

    def detect(self, page: Page) -> float:
        """High on a search header followed by alternating title and abstract lines."""
        if page.kind in ("json", "xml"):  # an API record, never this page's layout
            return 0.0
        if has_hydrater(page, "DailyPapers"):
            return (0.95 if json_query_present(page) else 0.1) + url_bonus(self, page) / 2
        if has_hydrater(page, "PaperContent"):
            return 0.0
        head = page.lines[:16]
        if any(line.lower() in ("daily papers", "authors:") for line in head):
            return 0.1
        first, start, saw_header = _split_header(page.lines)
        if not saw_header:
            return 0.0
        score = 0.5 + (0.1 if first else 0.0)
        sample = first + list(page.lines[start : start + 9])
        if len(sample) >= 2:
            odd = [abstract_likeness(x) for x in sample[1::2]]
            even = [abstract_likeness(x) for x in sample[0::2]]
            if sum(odd) / len(odd) > 0.6 and sum(even) / len(even) < 0.4:
                score += 0.25
        return min(1.0, score + url_bonus(self, page))

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Listing (query from the page or URL), then a Work per result."""
        ctx = RecordContext(self, page)
        props = hydrater_json(page, "DailyPapers")
        if props is not None and isinstance(props.get("dailyPapers"), list):
            query = json_query(props) or url_query(page.url)
            entries = (work_from_json(ctx, i, p) for i, p in enumerate(json_papers(props)))
            yield from listing_items(ctx, entries, title=TITLE, page_date=None, query=query,
                                     representation="embedded_json")
            return
        first, start, _ = _split_header(page.lines)
        cards = read_cards(chain(first, page.lines[start:]))
        entries = (work_from_card(ctx, i, card, page.as_of) for i, card in enumerate(cards))
        yield from listing_items(ctx, entries, title=TITLE, page_date=None,
                                 query=url_query(page.url))
