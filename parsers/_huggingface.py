"""What the three Hugging Face papers parsers share: URL forms, the card grammar, the JSON.

Hugging Face serves its papers pages in two representations that we read:

* the visible card text (scraped text, or HTML reduced to lines by the engine): a card is a
  title line, an abstract line, then optionally ``• N authors``, ``·`` and a date line whose
  trailing number is the upvote count (``Jan 29, 2025 2``);
* JSON in the ``data-props`` attribute of ``SVELTE_HYDRATER`` elements (``DailyPapers``,
  ``PaperContent``), which carries complete author lists and arXiv ids.

Nothing here does I/O or keeps state: every function is a pure function of its arguments.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from ingest_core._dates import parse_date, split_trailing_count, utc_date_of
from ingest_core._identifiers import extract_identifiers, extract_links, normalize_arxiv
from ingest_core._names import split_name
from ingest_core._select import text_of
from ingest_core._text import clean_text
from ingest_core.errors import BadIdentifier, MalformedEntry, UnparseableDate
from ingest_core.parser import Page, ParseItem, Parser, RecordContext
from ingest_core.schemas import (
    Author,
    Identifiers,
    Listing,
    PublishedDate,
    RecordWarning,
    Representation,
    Work,
)

SOURCE = "huggingface"

_HOST = r"^https?://(?:www\.)?huggingface\.co"
_ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z.-]+/\d{7})(?:v\d+)?"
LISTING_URLS = (
    rf"{_HOST}/papers/?(?:\?(?![^#]*\bq=)[^#]*)?(?:#.*)?$",
    rf"{_HOST}/papers/(?:date|week|month)/\d{{4}}-[\dW-]+/?(?:[?#].*)?$",
    rf"{_HOST}/papers/trending/?(?:[?#].*)?$",
)
SEARCH_URLS = (rf"{_HOST}/papers/?\?(?:[^#]*&)?q=",)
PAPER_URLS = (rf"{_HOST}/papers/{_ARXIV_ID}/?(?:[?#].*)?$",)

# Cheap C-level scans of the raw text (literal-prefixed, so fast): detect() must not walk
# the tree. Served pages write data-target="X"; re-serialised ones may use single quotes.
_JSON_QUERY = re.compile(
    r"query(?:&quot;|\")\s*:\s*\{\s*(?:&quot;|\")(?:q|search)(?:&quot;|\")\s*:"
)

_AUTHORS_LINE = re.compile(r"^[•·]?\s*(\d[\d,]*)\s+authors?$", re.IGNORECASE)
_DATE_LIKE = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"(?:,?\s+\d{4})?|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"(?:,?\s+\d{4})?|\d{4}-\d{2}-\d{2}|(?:an?|\d+)\s+(?:second|minute|hour|day|week|month|year)s?"
    r"\s+ago|yesterday|today)(?:\s+\d[\d,]*)?$",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")

DAILY_HEADER = frozenset(
    {"hugging face", "new", "subscribe", "daily papers", "daily", "weekly", "monthly",
     "search by arxiv id or title", "submit a paper", "trending", "papers"}
)
# Pagination and buttons between or after the cards: never a title.
CHROME = frozenset({"Previous", "Next", "Previous Next", "Load more", "Show more", "Upvote"})
_HEADER_PREFIXES = ("get trending papers", "byak", "by ak ", "search by arxiv")


def _hydrater_targets(page: Page) -> frozenset[str]:
    """The ``data-target`` values in the raw HTML (``SVELTE_HYDRATER`` elements), found with
    one C-level scan per page however many detect() calls ask (through ``Page.derived``)."""
    if not page.is_html:
        return frozenset()
    text = page.text
    found: set[str] = set()
    at = text.find("data-target=")
    while at >= 0:
        quote = text[at + 12 : at + 13]
        if quote in ("'", '"'):
            end = text.find(quote, at + 13, at + 200)
            if end > 0:
                found.add(text[at + 13 : end])
        at = text.find("data-target=", at + 12)
    return frozenset(found)


def has_hydrater(page: Page, target: str) -> bool:
    """True when the served HTML embeds the ``target`` hydrater's JSON."""
    return target in page.derived(_hydrater_targets)


def hydrater_json(page: Page, target: str) -> dict[str, Any] | None:
    """The ``target`` hydrater's JSON, when the page is served HTML that embeds it."""
    if page.tree is None or not has_hydrater(page, target):
        return None
    return hydrater_props(page.tree, target)


def hydrater_props(root: etree._Element, target: str) -> dict[str, Any] | None:
    """The JSON in ``data-props`` of the ``SVELTE_HYDRATER`` element with ``data-target``.

    lxml has already undone the attribute quoting, so served pages (``&quot;``-escaped) and
    re-serialised ones (single-quoted raw JSON) read the same. None when absent or broken.
    """
    for el in root.iter("div", "span", "section"):
        if el.get("data-target") == target:
            props = el.get("data-props")
            if not props:
                return None
            try:
                data = json.loads(props)
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
    return None


def json_query_present(page: Page) -> bool:
    """True when the page's DailyPapers JSON holds a search query (a search-results page)."""
    return bool(_JSON_QUERY.search(page.text))


def url_query(url: str | None) -> str | None:
    """The ``q`` parameter of a search URL, or None."""
    if not url or "q=" not in url:
        return None
    values = parse_qs(urlsplit(url).query).get("q")
    return clean_text(values[0]) or None if values else None


def is_header_line(line: str) -> bool:
    low = line.lower()
    return low in DAILY_HEADER or low.startswith(_HEADER_PREFIXES)


def looks_like_date(line: str) -> bool:
    """A cheap test for a card's date line (with or without an upvote count)."""
    return len(line) < 40 and bool(_DATE_LIKE.match(line))


def authors_count(line: str) -> int | None:
    """N from a ``• N authors`` line, else None."""
    if len(line) > 24 or not line.endswith(("authors", "author", "Authors", "Author")):
        return None
    m = _AUTHORS_LINE.match(line)
    return int(m.group(1).replace(",", "")) if m else None


def abstract_likeness(line: str) -> float:
    """How much a line reads like an abstract rather than a title, in [0, 1]."""
    n = len(line)
    if n >= 300:
        return 1.0
    sentences = len(_SENTENCE_BREAK.findall(line))
    if sentences >= 2 or (sentences and line.endswith(".")):
        return 0.9
    if line.endswith(".") and n > 80:
        return 0.7
    if n < 150 and not line.endswith("."):
        return 0.05
    return 0.4


_TITLE_ONLY_PENALTY = 0.3


def pair_lines(lines: Sequence[str]) -> list[tuple[str, str | None]]:
    """Split a run of text lines into (title, abstract) entries.

    The format alternates title and abstract, but an abstract may be missing; a tiny
    dynamic programme picks the split that best fits how title-like each line reads.
    """
    n = len(lines)
    if n == 0:
        return []
    score = [abstract_likeness(x) for x in lines]
    best = [0.0] * (n + 1)
    step = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        single = score[i] + _TITLE_ONLY_PENALTY + best[i + 1]
        best[i], step[i] = single, 1
        if i + 1 < n:
            pair = score[i] + (1.0 - score[i + 1]) + best[i + 2]
            if pair <= single:
                best[i], step[i] = pair, 2
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < n:
        if step[i] == 2:
            out.append((lines[i], lines[i + 1]))
        else:
            out.append((lines[i], None))
        i += step[i]
    return out


@dataclass
class Card:
    """One entry as the visible text shows it, before normalization."""

    title: str
    abstract: str | None = None
    author_count: int | None = None
    date_line: str | None = None
    upvotes: int | None = None
    arxiv: str | None = None
    problems: list[str] = field(default_factory=list)


SUBMITTED = "Submitted by"
_NO_COUNT = frozenset({"-", "–", "—"})
_COUNT_FIRST = frozenset("0123456789-–—")
# A count as the site prints it: "94", "1,234", "12.3k".
_COUNT = re.compile(r"^(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<scale>[kKmM])?$")
# A line of counts only ("12 2": GitHub stars and comments under a card).
_STATS_LINE = re.compile(r"^(?:\d[\d,]*(?:\.\d+)?[kKmM]?)(?:\s+\d[\d,]*(?:\.\d+)?[kKmM]?)*$")


def parse_count(text: str) -> int | None:
    """A displayed count: "94" -> 94, "1,234" -> 1234, "12.3k" -> 12300; else None."""
    m = _COUNT.match(text.strip())
    if m is None:
        return None
    whole = int(m.group("n").replace(",", ""))
    scale = m.group("scale")
    if scale is None:
        return None if m.group("frac") else whole
    value = float(f"{whole}.{m.group('frac') or 0}")
    return round(value * (1_000 if scale in "kK" else 1_000_000))


_PAPER_HREF = re.compile(rf"^(?:https?://(?:www\.)?huggingface\.co)?/papers/({_ARXIV_ID})/?$")


def title_links(page: Page) -> dict[str, str]:
    """Title -> arXiv id, from the HTML's ``<a href="/papers/ID">Title</a>`` links."""
    found: dict[str, str] = {}
    if page.tree is None:
        return found
    for a in page.tree.iter("a"):
        m = _PAPER_HREF.match(a.get("href") or "")
        if m is not None:
            text = text_of(a)
            if text:
                found.setdefault(text, m.group(1))
    return found


def is_hub_layout(lines: Sequence[str]) -> bool:
    """True when the cards are the site's own layout: each opens with "Submitted by"."""
    return any(line.startswith(SUBMITTED) for line in lines[:200])


def read_hub_cards(lines: Sequence[str], links: Mapping[str, str] | None = None) -> Iterator[Card]:
    """The cards of Hugging Face's own listing layout, as its HTML reads line by line::

        Submitted by akhaliq            (or "Submitted by" and the user on the next line)
        94                              upvotes
        The Llama 3 Herd of Models      title
        Meta                            organisation (optional)
        ·                               then "533 authors" (optional)
        5                               GitHub stars / comments: counts only (optional)

    The cards show no abstract and no date. Lines before the first card are skipped;
    ``links`` (title -> arXiv id, from the HTML) gives the cards their ids.
    """
    block: list[str] | None = None
    for line in lines:
        if line.startswith(SUBMITTED):
            if block is not None:
                yield _hub_card(block, links or {})
            block = [line]
        elif block is not None and line not in CHROME:
            block.append(line)
    if block is not None:
        yield _hub_card(block, links or {})


def _hub_card(block: list[str], links: Mapping[str, str]) -> Card:
    rest = block[1:] if block[0] != SUBMITTED else block[2:]  # the submitter is no title
    upvotes = None
    if rest and (_STATS_LINE.match(rest[0]) or rest[0] in _NO_COUNT):
        # the site draws 0 upvotes as "-" (its JSON for the same card says 0)
        upvotes = 0 if rest[0] in _NO_COUNT else parse_count(rest[0])
        rest = rest[1:]
    if not rest:
        return Card(title="", upvotes=upvotes, problems=["the card has no title line"])
    card = Card(title=rest[0], upvotes=upvotes, arxiv=links.get(rest[0]))
    for line in rest[1:]:
        text = line.lstrip("•· ").strip()
        count = authors_count(text) if text else None
        if count is not None:
            card.author_count = count
    return card


MAX_DATE_LINE_CHARS = 80
_SCALED_OR_AFTER_ISO = re.compile(
    r"^(?P<date>.*\S)\s+(?P<count>\d[\d,]*(?:\.\d+)?[kKmM])$"
    r"|^(?P<iso>\d{4}-\d{2}-\d{2})\s+(?P<iso_count>\d[\d,]*)$"
)
# "• 12 authors · Jul 13 2,048": the meta spans of an HTML card on one line
_INLINE_META = re.compile(
    r"^(?:[•·]\s*)?(?P<count>\d[\d,]*\s+authors?)\s*·\s*(?P<date>.*)$|^·\s*(?P<only>\S.*)$",
    re.IGNORECASE,
)
# A footer line ends the listing; "Copyright Traps for LLMs" is a title, not a footer.
_FOOTER = re.compile(r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}))", re.IGNORECASE)


def _meta_lines(lines: Iterable[str]) -> Iterator[str]:
    """The lines with inline meta ("N authors · date") split as the text shows it; a
    copyright line ends them."""
    for line in lines:
        first = line[0]
        if first in "•·0123456789" and len(line) > 1 and "·" in line:
            m = _INLINE_META.match(line)
            if m is not None:
                if m.group("count"):
                    yield m.group("count")
                yield "·"
                date = m.group("date") if m.group("count") else m.group("only")
                if date:
                    yield date
                continue
        elif first in "©(Cc" and _FOOTER.match(line):
            return
        yield line


def read_cards(lines: Iterable[str]) -> Iterator[Card]:
    """The cards of ``lines`` (the page after its header) in page order, in one pass.

    Text lines accumulate until a meta line (``• N authors``, ``·`` or a date line right
    after them) closes the last card of the run; lines before it are cards without meta.
    A copyright line ends the listing. A line of counts alone is never a title: the last
    one right above a title is that card's upvote count (HTML cards that draw the vote box
    first); others (comment counts under a card) are skipped.
    """
    pending: list[str] = []
    votes: dict[int, int] = {}  # index in pending -> the upvote count drawn right above it
    ahead: int | None = None
    card: Card | None = None  # the card whose meta lines are being read
    expect_date = False
    for line in _meta_lines(lines):
        if line in CHROME:
            continue
        if not expect_date and line[0] in _COUNT_FIRST and (
            line in _NO_COUNT or _STATS_LINE.match(line)
        ):
            ahead = 0 if line in _NO_COUNT else parse_count(line)
            continue
        count = authors_count(line) if line[0] in "•·0123456789" else None
        if count is not None or line == "·":
            ahead = None
            if card is None:
                card = yield from _flush(pending, votes)
                if card is None:
                    continue  # meta with no title before it: nothing to attach it to
            if count is not None:
                card.author_count = count
            expect_date = line == "·"
            continue
        if card is not None and (expect_date or looks_like_date(line)):
            card.date_line = line
            yield card
            card, expect_date, ahead = None, False, None
            continue
        if card is not None:
            yield card
            card, expect_date = None, False
        if ahead is not None:
            votes[len(pending)] = ahead
            ahead = None
        pending.append(line)
    if card is not None:
        if expect_date:
            card.problems.append("the date line after '·' is missing")
        yield card
    yield from _flush(pending, votes, last_has_meta=False)


def _flush(
    pending: list[str], votes: dict[int, int], *, last_has_meta: bool = True
) -> Generator[Card, None, Card | None]:
    """Emit the cards of ``pending`` (cleared); with meta, return the last one instead."""
    entries = pair_lines(pending)
    pending.clear()
    if not entries:
        votes.clear()
        return None
    cards: list[Card] = []
    at = 0
    for title, abstract in entries:
        cards.append(Card(title=title, abstract=abstract, upvotes=votes.get(at)))
        at += 1 if abstract is None else 2
    votes.clear()
    if not last_has_meta:
        yield from cards
        return None
    yield from cards[:-1]
    return cards[-1]


def resolve_date(
    text: str, reference: dt.date, name: str | None
) -> tuple[PublishedDate | None, int | None, str | None]:
    """``(published, upvotes, problem)`` from a card's date line.

    A line far longer than any date is refused before dateparser sees it: dateparser takes
    seconds on a few kilobytes, and the line after "·" is taken for a date whatever it holds.
    """
    if len(text) > MAX_DATE_LINE_CHARS:
        return None, None, f"date line of {len(text):,} characters is not a date"
    scaled_or_iso = text[-1:] in ("k", "K", "m", "M") or text[:1].isdigit()
    m = _SCALED_OR_AFTER_ISO.match(text) if scaled_or_iso else None
    if m is not None:  # "Mar 4 1.2k", "2025-03-04 5": counts split_trailing_count leaves alone
        date_text = m.group("date") or m.group("iso")
        upvotes = parse_count(m.group("count") or m.group("iso_count"))
    else:
        date_text, upvotes = split_trailing_count(text)
    try:
        return parse_date(date_text, reference=reference, name=name), upvotes, None
    except UnparseableDate:
        return None, upvotes, f"date line {text!r} is not a date"


def find_page_date(
    lines: Sequence[str], as_of: dt.date, name: str | None, limit: int = 16
) -> tuple[PublishedDate | None, int]:
    """The listing's own date from its header, and the index where the cards start."""
    start = 0
    for i, line in enumerate(lines[:limit]):
        if is_header_line(line):
            start = i + 1
            continue
        if looks_like_date(line):
            date_text, _ = split_trailing_count(line)
            try:
                return parse_date(date_text, reference=as_of, name=name), i + 1
            except UnparseableDate:
                return None, start
        if start:
            break
    return None, start


_LINK_HINTS = ("://", "www.", "github.com/", "gitlab.com/", "huggingface.co/")
_ID_HINTS = ("rxiv", "rXiv", "RXIV", "RXiv", "huggingface.co/papers/", "10.")


def text_refs(text: str | None) -> tuple[list[str], Identifiers]:
    """Links and identifiers in an abstract; substring checks skip the regex scans when
    the text cannot hold any (most abstracts), which is most of a listing's parse time."""
    if not text:
        return [], Identifiers()
    links = extract_links(text) if any(h in text for h in _LINK_HINTS) else []
    if any(h in text for h in _ID_HINTS):
        return links, extract_identifiers(text)
    return links, Identifiers()


def work_from_card(
    ctx: RecordContext, position: int, card: Card, reference: dt.date
) -> Work | MalformedEntry:
    """A Work from a visible card; a bad date line is kept as a record warning."""
    title = clean_text(card.title)
    if not title:
        return ctx.malformed(position, "the entry has no title")
    abstract = clean_text(card.abstract) if card.abstract else None
    published = None
    upvotes = card.upvotes
    problems = list(card.problems)
    if card.date_line:
        published, date_votes, problem = resolve_date(card.date_line, reference, ctx.page.name)
        if date_votes is not None:  # "Jan 29, 2025 2": the count after the date
            upvotes = date_votes
        if problem:
            problems.append(problem)
    warnings = [RecordWarning(code="unparseable_date" if "date" in p else "malformed_entry",
                              message=p, position=position) for p in problems]
    links, identifiers = text_refs(abstract)
    if card.arxiv and identifiers.arxiv is None:
        identifiers = Identifiers(arxiv=normalize_arxiv(card.arxiv), doi=identifiers.doi)
    return ctx.build(
        Work, position,
        title=title,
        abstract=abstract,
        author_count=card.author_count,
        authors_complete=False,
        published=published,
        year=published.date.year if published else None,
        upvotes=upvotes,
        links=links,
        identifiers=identifiers,
        warnings=warnings,
    )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().replace(",", "").isdigit():
        return int(value.strip().replace(",", ""))
    return None


def _links(*candidates: Any, text: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for value in candidates:
        if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
            seen.setdefault(value.strip(), None)
    for url in text_refs(text)[0]:
        seen.setdefault(url, None)
    return list(seen)


def work_from_json(
    ctx: RecordContext, position: int, paper: Mapping[str, Any]
) -> Work | MalformedEntry:
    """A Work from a ``paper`` object of Hugging Face's embedded JSON."""
    title_raw = paper.get("title")
    title = clean_text(title_raw) if isinstance(title_raw, str) else ""
    if not title:
        return ctx.malformed(position, "the paper JSON has no title")
    summary_raw = paper.get("summary")
    abstract = clean_text(summary_raw) if isinstance(summary_raw, str) and summary_raw else None
    warnings: list[RecordWarning] = []
    authors: list[Author] = []
    raw_authors = paper.get("authors")
    for entry in raw_authors if isinstance(raw_authors, list) else []:
        raw_name = entry.get("name") if isinstance(entry, Mapping) else entry
        if isinstance(raw_name, str):
            parts = split_name(raw_name)
            if parts.name:
                authors.append(Author(name=parts.name, given=parts.given, family=parts.family))
    published = None
    stamp = paper.get("publishedAt")
    if isinstance(stamp, str):
        day = utc_date_of(stamp)
        if day is None:
            warnings.append(RecordWarning(code="unparseable_date", position=position,
                                          message=f"publishedAt {stamp!r} is not a timestamp"))
        else:
            published = PublishedDate(date=day, precision="day")
    found = text_refs(abstract)[1]
    arxiv = None
    raw_id = paper.get("id")
    if isinstance(raw_id, str) and raw_id:
        try:
            arxiv = normalize_arxiv(raw_id)
        except BadIdentifier:
            warnings.append(RecordWarning(code="bad_identifier", position=position,
                                          message=f"paper id {raw_id!r} is not an arXiv id"))
    return ctx.build(
        Work, position, representation="embedded_json",
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=len(authors) if authors else None,
        authors_complete=bool(authors),
        published=published,
        year=published.date.year if published else None,
        upvotes=_as_int(paper.get("upvotes")),
        links=_links(paper.get("githubRepo"), paper.get("projectPage"), text=abstract),
        identifiers=Identifiers(arxiv=arxiv or found.arxiv, doi=found.doi),
        warnings=warnings,
    )


def listing_items(
    ctx: RecordContext,
    entries: Iterable[Work | MalformedEntry],
    *,
    title: str,
    page_date: PublishedDate | None,
    query: str | None = None,
    representation: Representation | None = None,
) -> Iterator[ParseItem]:
    """The Listing (first) and then its works and malformed entries, in page order."""
    return ctx.page_items(
        Listing, entries, representation, title=title, page_date=page_date, query=query
    )


def json_page_date(props: Mapping[str, Any]) -> PublishedDate | None:
    """A DailyPapers listing's date: ``date`` (2024 layout) or ``dateString`` (2026 layout)."""
    for key in ("date", "dateString"):
        value = props.get(key)
        if isinstance(value, str):
            day = utc_date_of(value)
            if day is not None:
                return PublishedDate(date=day, precision="day")
    return None


def json_papers(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``paper`` objects of a DailyPapers JSON, in page order (non-objects kept as {})."""
    raw = props.get("dailyPapers")
    if not isinstance(raw, list):
        return []
    out: list[Mapping[str, Any]] = []
    for item in raw:
        paper = item.get("paper", item) if isinstance(item, Mapping) else None
        out.append(paper if isinstance(paper, Mapping) else {})
    return out


def json_query(props: Mapping[str, Any]) -> str | None:
    """The search query held by a DailyPapers JSON (2026 layout), if any."""
    query = props.get("query")
    if isinstance(query, Mapping):
        q = query.get("q") or query.get("search")
        if isinstance(q, str) and q.strip():
            return clean_text(q)
    return None


def url_bonus(parser: Parser, page: Page) -> float:
    """A small tiebreak when the URL is one this parser serves; content decides the rest."""
    return 0.05 if page.url_matches(parser.url_patterns) else 0.0
