"""Hugging Face "Daily Papers" listings, e.g. https://huggingface.co/papers?date=2024-08-01.

Served HTML carries the whole listing as JSON (``DailyPapers`` hydrater: complete author
lists, arXiv ids); scraped text and HTML without it are read card by card from the
visible lines: title, abstract, ``• N authors``, ``·``, date with an optional upvote count.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ingest_core.parser import Page, ParseItem, RecordContext
from ingest_core.parsers._huggingface import (
    LISTING_URLS,
    SOURCE,
    Card,
    authors_count,
    find_page_date,
    has_hydrater,
    hydrater_json,
    is_hub_layout,
    json_page_date,
    json_papers,
    json_query_present,
    listing_items,
    read_cards,
    read_hub_cards,
    title_links,
    url_bonus,
    work_from_card,
    work_from_json,
)
from ingest_core.schemas import PublishedDate

TITLE = "Daily Papers"


class HfDailyParser:
    """The Daily Papers listing: a Listing record, then one Work per card."""

    name = "hf_daily"
    source = SOURCE
    version = "1"
    url_patterns: Sequence[str] = LISTING_URLS

    def detect(self, page: Page) -> float:
        """High on a DailyPapers JSON or a "Daily Papers" header with dated cards."""
        if page.kind in ("json", "xml"):  # an API record, never this page's layout
            return 0.0
        if has_hydrater(page, "DailyPapers"):
            score = 0.3 if json_query_present(page) else 0.95
            return min(1.0, score + url_bonus(self, page))
        head = page.lines[:16]
        if not any(line.lower() == "daily papers" for line in head):
            return 0.0
        score = 0.6
        page_date, start = find_page_date(page.lines, page.as_of, page.name)
        if page_date is not None:
            score += 0.15
        if any(authors_count(line) is not None for line in page.lines[start : start + 60]):
            score += 0.15
        return min(1.0, score + url_bonus(self, page))

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Listing, then a Work (or MalformedEntry) per entry in page order."""
        ctx = RecordContext(self, page)
        visible_date, start = find_page_date(page.lines, page.as_of, page.name)
        props = hydrater_json(page, "DailyPapers")
        if props is not None and isinstance(props.get("dailyPapers"), list):
            page_date = json_page_date(props) or visible_date or _as_of(page)
            entries = (work_from_json(ctx, i, p) for i, p in enumerate(json_papers(props)))
            yield from listing_items(ctx, entries, title=TITLE, page_date=page_date,
                                     representation="embedded_json")
            return
        page_date = visible_date or _as_of(page)
        reference = page_date.date
        body = page.lines[start:]
        if is_hub_layout(body):
            cards: Iterator[Card] = read_hub_cards(body, title_links(page))
        else:
            cards = read_cards(body)
        entries = (work_from_card(ctx, i, card, reference) for i, card in enumerate(cards))
        yield from listing_items(ctx, entries, title=TITLE, page_date=page_date)


def _as_of(page: Page) -> PublishedDate:
    return PublishedDate(date=page.as_of, precision="day")
