"""Paper-aggregator researcher profiles: the researcher's h-index and paper count, and papers.

Sample URL: https://paperagg.org/authors/shahin-hakemi

The page, as scraped text or as HTML reduced to lines (inline elements glue together)::

    Shahin Hakemi                                    name
    h-index32
    2papers
    2 Papers                                         list heading
    CVJan 24, 2025                                   subject category + date
    Single-weight Model Editing for ...              title
    Shahin Hakemi, Naveed Akhtar, ... et al.         authors (optional)
    Neural network training tends to ...             abstract (optional)

The name is the name-like line right above the stats (an institution line between them is
the affiliation). The category is the text before the date ("cs.LG", "Computation and
Language", or none); a date without a year is the latest such date not after ``as_of``.
An h-index above the paper count is kept and flagged: the count may be only the papers
this site holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ingest_core._author_lists import AuthorList, is_name, parse_author_list
from ingest_core._dates import parse_date
from ingest_core._identifiers import extract_identifiers, extract_links
from ingest_core._names import split_name
from ingest_core._text import clean_text, leading_int
from ingest_core.errors import MalformedEntry, ParseError, UnparseableDate
from ingest_core.parser import Page, ParseItem, RecordContext
from ingest_core.schemas import Author, Profile, ProfileMetrics, PublishedDate, RecordWarning, Work

_H_INDEX = re.compile(r"^h-?\s?index\s*:?\s*(?P<n>\S*)$", re.IGNORECASE)
_PAPERS = re.compile(r"^(?P<n>\d[\d,]*)\s*papers?$", re.IGNORECASE)
_COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = (
    rf"(?:{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+{_MON},?(?:\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2})"
)
# "CVJan 24, 2025", "cs.LG Mar 3", "Computation and LanguageMay 23, 2025", "Jan 24, 2025"
_HEAD = re.compile(
    rf"^(?:(?P<category>[A-Za-z0-9](?:[A-Za-z0-9.&/:,()' -]{{0,58}}?[A-Za-z0-9.)])?)\s*)?"
    rf"(?P<date>{_DATE})$"
)
_INSTITUTION = re.compile(
    r"\b(?:Universi(?:t|dad)|Uniwersytet|Hochschule|Politecnic|Polytechn|Institut|College"
    r"|School|Laborator|Lab\b|Cent(?:er|re)\b|Academ|Akadem|Hospital"
    r"|Department|Dept\b|Faculty|Inc\b|Ltd\b|Corporation|GmbH)",
    re.IGNORECASE,
)
_ET_AL_END = re.compile(r"\bet\.?\s*al\.?$", re.IGNORECASE)
MAX_HEAD_CHARS = 90
MAX_TITLE_CHARS = 500
MAX_SPLIT_CATEGORY_CHARS = 40


@dataclass(slots=True)
class _Entry:
    category: str | None
    date: str
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Header:
    name: str | None = None
    affiliation: str | None = None
    h_index: int | None = None
    works_count: int | None = None
    list_count: int | None = None
    warnings: list[RecordWarning] = field(default_factory=list)


def _head(line: str) -> re.Match[str] | None:
    """The category+date line that opens a paper, or None."""
    if len(line) > MAX_HEAD_CHARS or not line[-1].isdigit():
        return None
    m = _HEAD.match(line)
    if m is not None and m.group("category"):
        last = m.group("category").rsplit(" ", 1)[-1]
        if last.islower() and "." not in last:  # "Published on Sep 28" is prose, not a label
            return None
    return m


def _looks_like_category(line: str) -> bool:
    """A short label that may stand on its own line when HTML puts it in a block."""
    return (len(line) <= MAX_SPLIT_CATEGORY_CHARS and len(line.split()) <= 4
            and not line.endswith((".", "!", "?", ":")) and line[0].isalnum()
            and _PAPERS.match(line) is None)


class AggregatorProfileParser:
    """A paper-aggregator author page: one Profile, then one Work per listed paper."""

    name: str = "aggregator_profile"
    source: str = "aggregator"
    version: str = "1"
    url_patterns: Sequence[str] = (
        r"^https?://(?!(?:www\.)?(?:bzpeer|huggingface)\.)[^/]+/(?:authors?|profiles?)/[^/?#]+/?(?:[?#]|$)",
    )

    def detect(self, page: Page) -> float:
        """Score the landmarks: an h-index line, a paper count, category+date heads."""
        if page.kind in ("json", "xml"):  # an API record, never this page's layout
            return 0.0
        h_index = papers = False
        heads = 0
        for n, line in enumerate(page.lines):
            if n >= 400 or heads >= 2:
                break
            if len(line) > MAX_HEAD_CHARS:
                continue
            first, last = line[0], line[-1]
            if first in "hH" and _H_INDEX.match(line):
                h_index = True
            elif last in "sS" and first.isdigit() and _PAPERS.match(line):
                papers = True
            elif last.isdigit() and first.isalnum():
                m = _head(line)
                if m is not None and m.group("category"):
                    heads += 1
        score = 0.4 * h_index + 0.15 * papers + 0.3 * (heads >= 1) + 0.15 * (heads >= 2)
        if score and page.url_matches(self.url_patterns):
            score += 0.05
        return min(1.0, score)

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Profile, then a Work per paper (MalformedEntry for bad entries).

        Raises:
            ParseError: the page shows no researcher name, so there is no profile to emit.
        """
        ctx = RecordContext(self, page)
        header, entries = _read(page.lines)
        if header.name is None:
            raise ParseError("the page shows no researcher name", input=page.name,
                             parser=self.name)

        memo: dict[str, AuthorList | None] = {}  # this page's author lines, read once
        items = [_build_work(ctx, position, entry, page, memo)
                 for position, entry in enumerate(entries)]

        works_count = header.works_count if header.works_count is not None else header.list_count
        warnings = list(header.warnings)
        if header.h_index is not None and works_count is not None and header.h_index > works_count:
            warnings.append(RecordWarning(
                code="implausible_h_index",
                message=(f"h-index {header.h_index} exceeds the {works_count} papers shown; "
                         "the site may list only part of the researcher's papers"),
            ))
        split = split_name(header.name)
        yield from ctx.page_items(
            Profile, items,
            name=split.name, given=split.given, family=split.family,
            affiliation=header.affiliation,
            metrics=ProfileMetrics(h_index=header.h_index, works_count=works_count),
            warnings=warnings,
        )


def _read(lines: Sequence[str]) -> tuple[_Header, list[_Entry]]:
    """One pass: name and stats until the first paper, then one entry per category+date head."""
    header = _Header()
    entries: list[_Entry] = []
    before_stats: list[str] = []  # the name (and maybe an affiliation) sit here
    after_stats: list[str] = []  # list headings, sort controls: skipped
    stats_seen = False
    for line in lines:
        m = _head(line)
        if m is not None and (stats_seen or before_stats or entries):
            category = m.group("category")
            tail = entries[-1].lines if entries else (after_stats if stats_seen else before_stats)
            if category is None and tail and _looks_like_category(tail[-1]) and (
                len(tail) >= 2 or not entries
            ):
                category = tail.pop()  # HTML put the category in its own block
            entries.append(_Entry(clean_text(category) if category else None, m.group("date")))
            continue
        if entries:
            entries[-1].lines.append(line)
        elif len(line) <= MAX_HEAD_CHARS and _read_stat(header, line):
            stats_seen = True
        elif stats_seen:
            after_stats.append(line)
        else:
            before_stats.append(line)
    _choose_name(header, before_stats, stats_seen)
    return header, entries


def _choose_name(header: _Header, before_stats: list[str], stats_seen: bool) -> None:
    """The name is the name-like line right above the stats (the first one when none show).

    An institution line between the name and the stats is taken as the affiliation.
    """
    candidates = [line for line in before_stats if _looks_like_name(line)]
    if not candidates:
        return
    if not stats_seen:
        header.name = clean_text(candidates[0])
        return
    name = candidates[-1]
    if len(candidates) >= 2 and (
        _INSTITUTION.search(name)
        or (not _reads_as_person(name) and _reads_as_person(candidates[-2])
            and (len(name.split()) >= 2 or _has_acronym(name)))
    ):
        header.affiliation = clean_text(name)
        name = candidates[-2]
    header.name = clean_text(name)


def _reads_as_person(line: str) -> bool:
    """Capitalised name tokens (particles allowed), no acronym ("ETH", "MIT"), no comma."""
    text = clean_text(line)
    if "," in text or not 2 <= len(text.split()) <= 6 or not is_name(text):
        return False
    return not _has_acronym(text)


def _has_acronym(line: str) -> bool:
    return any(len(t) >= 2 and t.isupper() for t in line.split())


def _read_stat(header: _Header, line: str) -> bool:
    h_index = _H_INDEX.match(line)
    if h_index is not None:
        value = h_index.group("n")
        if _COUNT.match(value):
            if header.h_index is None:
                header.h_index = leading_int(value)
        else:
            header.warnings.append(RecordWarning(
                code="malformed_metric", message=f"h_index: {value!r} is not a count; left null",
            ))
        return True
    papers = _PAPERS.match(line)
    if papers is not None:
        count = leading_int(papers.group("n"))
        if header.works_count is None:
            header.works_count = count  # the stat ("2papers")
        else:
            header.list_count = count  # the list's heading ("2 Papers")
        return True
    return False


def _looks_like_name(line: str) -> bool:
    return len(line) <= 80 and not any(c.isdigit() for c in line) and line.count(" ") <= 6


def _build_work(
    ctx: RecordContext, position: int, entry: _Entry, page: Page,
    memo: dict[str, AuthorList | None] | None = None,
) -> Work | MalformedEntry:
    lines = entry.lines
    if not lines or len(lines[0]) > MAX_TITLE_CHARS or _ET_AL_END.search(lines[0]):
        return ctx.malformed(position, "paper has no title line after its category/date line")
    title = clean_text(lines[0])
    rest = lines[1:]
    authors: list[Author] = []
    complete = False
    if rest:
        listed = parse_author_list(rest[0], memo)
        if listed is not None:
            authors, complete = listed.authors, listed.complete
            rest = rest[1:]
    abstract = clean_text(rest[0]) if rest else None
    warnings: list[RecordWarning] = []
    published: PublishedDate | None = None
    try:
        published = parse_date(entry.date, reference=page.as_of, name=page.name)
    except UnparseableDate as exc:  # "Feb 30, 2025": keep the paper, flag the date
        warnings.append(RecordWarning(code=exc.code, message=exc.message, position=position))
    links = extract_links(abstract) if abstract else []
    return ctx.build(
        Work, position,
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=len(authors) if complete else None,
        authors_complete=complete,
        published=published,
        year=published.date.year if published else None,
        category=entry.category,
        links=links,
        identifiers=extract_identifiers(abstract, *links),
        warnings=warnings,
    )
