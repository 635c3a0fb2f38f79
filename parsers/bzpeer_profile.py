"""BZPEER researcher profiles: the researcher, the trust snapshot, and the published works.

Sample URL: https://bzpeer.com/researchers/babak-salimi

The page, as scraped text or as HTML reduced to lines (inline elements glue together)::

    Researcher profile
    Babak Salimi                                              name
    Babak Salimi contributes to research discovery ...        headline
    ResearcherAffiliation not importedOpen to collaborate     role, affiliation, badge
    Trust 21 - EmergingVerification L1Unclaimed author        score, label, level, claim
    7works / 0followers / 5topics / 4close collaborators      one metric a line
    Published work
    7 published item(s)
    preprint2026arXiv                                         work type, year, venue
    <title>
    <abstract>                                                optional

Glued and spaced forms read alike ("7works", "7 works", "1,234followers"); anything the
page does not show is null. The profile's own name is not an author list: works carry
authors only when the page prints them under the title.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ingest_core._author_lists import AuthorList, parse_author_list
from ingest_core._identifiers import extract_identifiers, extract_links
from ingest_core._names import split_name
from ingest_core._text import clean_text, leading_int
from ingest_core.errors import MalformedEntry, ParseError
from ingest_core.parser import Page, ParseItem, RecordContext
from ingest_core.schemas import Author, Profile, ProfileMetrics, PublishedDate, RecordWarning, Work

_MARKER = re.compile(r"^researcher profile$", re.IGNORECASE)
_PUBLISHED = re.compile(r"^published works?$", re.IGNORECASE)
_ITEMS = re.compile(r"^(?P<n>\d[\d,]*)\s*published items?(?:\s*\(s\))?$", re.IGNORECASE)
_TRUST = re.compile(
    r"^Trust(?:\s*score)?\s*:?\s*(?P<score>\d{1,4})(?!\d)"
    r"(?:\s*[-–—·:|]?\s*(?P<label>[A-Z][a-z]+(?:[ -][A-Za-z][a-z]+)*?)"
    r"(?=\s*(?:Verification|Unclaimed|Claimed)|\s*$|\s*[-–—·|]))?"
)
_LEVEL = re.compile(r"Verification\s*(?:level\s*)?:?\s*L?(?P<level>\d)(?!\d)", re.IGNORECASE)
_CLAIM = re.compile(r"(?P<un>Un)?[Cc]laimed (?:author|profile)")
_COLLAB = re.compile(r"(?P<not>Not\s+)?open to collaborat(?:e|ion)\s*$", re.IGNORECASE)
_ROLE = re.compile(r"^Researcher(?=[A-Z]|\s*:|\s|$)\s*:?\s*")
_AFFIL_PREFIX = re.compile(r"^Affiliation\b\s*:?\s*", re.IGNORECASE)
_NO_AFFIL = re.compile(
    r"^(?:|not imported|none|unknown|not available|n/?a|no affiliation(?: imported)?|[-–—]+)$",
    re.IGNORECASE,
)
_LABELS = r"(?:works?|followers?|topics?|(?:close\s+)?collaborators?)"
_METRIC = re.compile(  # (?<![\d,]): a count starts at its first digit (linear search)
    rf"(?<![\d,.])(?P<n>\d[\d,]*(?:\.\d+)?\s*[kKmM]?)\s*(?P<label>{_LABELS})(?![a-z])",
    re.IGNORECASE,
)
# a line holding only metrics: "7works", "1,234 followers", "7works0followers" (inline render)
# ... or several on one line between separators ("12 works / 7 followers · 3 topics")
# Possessive quantifiers: each metric is read one way only, so a long line that fails at its
# end ("1 works " * 19 + "x") fails in linear time instead of trying every split of its spaces.
_METRICS_LINE = re.compile(
    rf"^(?:\s*+(?:[/|·•]\s*+)?\d[\d,]*+(?:\.\d++)?\s*+(?:[kKmM]\s*+)?{_LABELS})++\s*$",
    re.IGNORECASE,
)
_BAD_METRIC = re.compile(
    rf"^(?P<n>[^A-Za-z\s]{{1,12}}|N/?A|NaN)\s*(?P<label>{_LABELS})$", re.IGNORECASE
)
_COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*[kKmM]?$")
_METRIC_FIELD = {"work": "works_count", "follower": "followers", "topic": "topics",
                 "collaborator": "collaborators"}

KNOWN_WORK_TYPES = frozenset(
    {"article", "journal-article", "journal article", "preprint", "posted-content",
     "conference paper", "conference-paper", "proceedings-article", "proceedings", "book",
     "book-chapter", "book chapter", "chapter", "dataset", "dissertation", "thesis", "report",
     "review", "editorial", "letter", "erratum", "paratext", "peer-review", "standard",
     "software", "monograph", "reference-entry", "other"}
)
# "preprint2026arXiv", "conference paper2021ACL 2021", "journal-article2020Nature Communications"
_HEAD = re.compile(
    r"^(?P<type>[A-Za-z][A-Za-z_ -]{0,38}?)\s*"
    r"(?P<year>(?:1[5-9]|20|21)\d{2})(?!\d)\s*(?P<venue>.*)$"
)
_HAS_YEAR = re.compile(r"(?:1[5-9]|20|21)\d{2}")
_KNOWN_ALTERNATION = "|".join(
    sorted((re.escape(t) for t in KNOWN_WORK_TYPES), key=len, reverse=True)
)
_LOWER_VENUES = r"(?:arXiv|bioRxiv|medRxiv|chemRxiv|eLife|npj|iScience)\b"
_VENUE_START = re.compile(rf"^(?:[A-Z0-9]|{_LOWER_VENUES})")
# A work whose year the page does not show: "preprintarXiv", "articleNature". The type must
# be followed by a venue that starts like one (capital, digit, or "arXiv"-like) or nothing.
_HEAD_NO_YEAR = re.compile(
    rf"^(?P<type>{_KNOWN_ALTERNATION})"
    rf"(?=$|\s*(?:[A-Z0-9]|{_LOWER_VENUES}))\s*(?P<venue>.*)$"
)
# "Copyright Traps for LLMs" is a title: only "Copyright ©/(c)/2026" is a footer
_SECTION_END = re.compile(
    r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})|load more\b|show more\b)", re.IGNORECASE
)
MAX_HEAD_CHARS = 160
MAX_TITLE_CHARS = 500


@dataclass(frozen=True, slots=True)
class _Head:
    work_type: str
    year: int | None
    venue: str | None


@dataclass(slots=True)
class _Block:
    head: _Head
    lines: list[str] = field(default_factory=list)


def _work_head(line: str) -> _Head | None:
    """The work-type/year/venue line that opens a work, or None."""
    if len(line) > MAX_HEAD_CHARS or not line[0].isalpha():
        return None
    m = _HEAD.match(line) if _HAS_YEAR.search(line) else None
    if m is not None:
        work_type = m.group("type").strip()
        venue = m.group("venue").strip()
        known = work_type.lower() in KNOWN_WORK_TYPES
        plausible = (work_type.islower() and len(work_type.split()) <= 3 and len(venue) <= 80
                     and (not venue or _VENUE_START.match(venue) is not None))
        if known or plausible:
            return _Head(work_type.lower(), int(m.group("year")), venue or None)
        return None
    if not line[0].islower() or len(line) > 100:
        return None
    m = _HEAD_NO_YEAR.match(line)
    if m is not None:
        return _Head(m.group("type").lower(), None, m.group("venue").strip() or None)
    return None


def _count(text: str) -> int:
    """A displayed count: "1,234" -> 1234, "1.2k" -> 1200."""
    text = text.replace(" ", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    if scale == 1:
        return leading_int(text) or 0
    return round(float(text[:-1].replace(",", "")) * scale)


@dataclass(slots=True)
class _Header:
    """What the lines above the works section say about the researcher."""

    name: str | None = None
    headline: str | None = None
    affiliation: str | None = None
    affiliation_seen: bool = False
    open_to_collaborate: bool | None = None
    claimed: bool | None = None
    metrics: dict[str, int | str | None] = field(default_factory=dict)
    warnings: list[RecordWarning] = field(default_factory=list)
    items: int | None = None

    def read_metrics(self, line: str) -> bool:
        if _METRICS_LINE.match(line):
            for m in _METRIC.finditer(line):
                key = _METRIC_FIELD[m.group("label").lower().rsplit(" ", 1)[-1].rstrip("s")]
                self.metrics.setdefault(key, _count(m.group("n")))
            return True
        bad = _BAD_METRIC.match(line)
        if bad is not None and not _COUNT.match(bad.group("n")):
            key = _METRIC_FIELD[bad.group("label").lower().rsplit(" ", 1)[-1].rstrip("s")]
            self.warnings.append(RecordWarning(
                code="malformed_metric",
                message=f"{key}: {bad.group('n')!r} is not a count; left null",
            ))
            return True
        return False

    def read_trust(self, line: str) -> bool:
        found = False
        trust = _TRUST.match(line)
        if trust is not None:
            self.metrics.setdefault("trust_score", int(trust.group("score")))
            if trust.group("label"):
                self.metrics.setdefault("trust_label", trust.group("label"))
            found = True
        if "erification" in line:
            level = _LEVEL.search(line)
            if level is not None:
                self.metrics.setdefault("verification_level", int(level.group("level")))
                found = True
        if "laimed" in line:
            claim = _CLAIM.search(line)
            if claim is not None:
                if self.claimed is None:
                    self.claimed = claim.group("un") is None
                found = True
        return found

    def read_affiliation(self, line: str) -> bool:
        role = _ROLE.match(line)
        rest = line[role.end():] if role else line
        collab = _COLLAB.search(rest)
        if role is None and collab is None and not _AFFIL_PREFIX.match(rest):
            return False
        if collab is not None:
            rest = rest[: collab.start()]
            if self.open_to_collaborate is None:
                self.open_to_collaborate = collab.group("not") is None
        rest = _AFFIL_PREFIX.sub("", rest.strip(" ·|-–—")).strip(" ·|-–—")
        if not self.affiliation_seen:
            self.affiliation_seen = True
            self.affiliation = None if _NO_AFFIL.match(rest) else clean_text(rest)
        return True


class BzpeerProfileParser:
    """A BZPEER researcher profile page: one Profile, then its published works."""

    name: str = "bzpeer_profile"
    source: str = "bzpeer"
    version: str = "1"
    url_patterns: Sequence[str] = (
        r"bzpeer\.[a-z]+/(?:[a-z]{2}/)?(?:researchers?|authors?|people|profiles?)/",
    )

    def detect(self, page: Page) -> float:
        """Score the profile's landmarks: trust line, metric lines, item count, work heads."""
        if page.kind in ("json", "xml"):  # an API record, never this page's layout
            return 0.0
        marker = trust = extra = metric = items = head = False
        for n, line in enumerate(page.lines):
            if n >= 400:
                break
            if len(line) > MAX_HEAD_CHARS:
                continue
            first = line[0]
            if first.isdigit():
                if _METRICS_LINE.match(line):
                    metric = True
                elif _ITEMS.match(line):
                    items = True
            elif first in "Rr" and _MARKER.match(line):
                marker = True
            elif line.startswith("Trust") and _TRUST.match(line):
                trust = True
                extra = extra or bool(_LEVEL.search(line) or _CLAIM.search(line))
            elif not head and (items or trust) and _work_head(line) is not None:
                head = True
            if marker and extra and metric and items:  # (extra implies trust) score is 1.0
                break
        score = (0.2 * marker + 0.3 * trust + 0.1 * extra + 0.2 * metric + 0.2 * items
                 + 0.15 * head)
        if score and page.url_matches(self.url_patterns):
            score += 0.05
        return min(1.0, score)

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Profile, then a Work per published item (MalformedEntry for bad ones).

        Raises:
            ParseError: the page shows no researcher name, so there is no profile to emit.
        """
        ctx = RecordContext(self, page)
        header, blocks = _read(page.lines)
        if header.name is None:
            raise ParseError("the page shows no researcher name", input=page.name,
                             parser=self.name)

        memo: dict[str, AuthorList | None] = {}  # this page's author lines, read once
        items = [_build_work(ctx, position, block, memo) for position, block in enumerate(blocks)]

        warnings = list(header.warnings)
        if header.items is not None and header.items > len(blocks):
            warnings.append(RecordWarning(
                code="partial_list",
                message=f"the page counts {header.items} published items and shows {len(blocks)}",
            ))
        metrics = dict(header.metrics)
        if "works_count" not in metrics and header.items is not None:
            metrics["works_count"] = header.items
        split = split_name(header.name)
        yield from ctx.page_items(
            Profile, items,
            name=split.name, given=split.given, family=split.family,
            headline=header.headline, affiliation=header.affiliation,
            claimed=header.claimed, open_to_collaborate=header.open_to_collaborate,
            metrics=ProfileMetrics.model_validate(metrics),
            warnings=warnings,
        )


def _read(lines: Sequence[str]) -> tuple[_Header, list[_Block]]:
    """One pass: header facts until the works section, then one block per work head."""
    header = _Header()
    blocks: list[_Block] = []
    in_works = False
    after_marker = False
    name_index = -1
    for i, line in enumerate(lines):
        if not in_works:
            if _PUBLISHED.match(line):
                in_works = True
                continue
            items = _ITEMS.match(line)
            if items is not None:
                header.items = leading_int(items.group("n"))
                in_works = True
                continue
            head = _work_head(line) if header.name is not None else None
            if head is not None:
                in_works = True
                blocks.append(_Block(head))
                continue
            if _MARKER.match(line):
                after_marker = True
                continue
            if len(line) <= MAX_HEAD_CHARS and (
                header.read_trust(line) or header.read_metrics(line)
                or (name_index >= 0 and i <= name_index + 3 and header.read_affiliation(line))
            ):
                continue
            if header.name is None and (after_marker or _looks_like_name(line)):
                header.name = clean_text(line)
                name_index = i
            elif i == name_index + 1 and header.headline is None:
                header.headline = clean_text(line)
            continue
        items = _ITEMS.match(line)
        if items is not None:
            header.items = leading_int(items.group("n"))
            continue
        head = _work_head(line)
        if head is not None:
            blocks.append(_Block(head))
        elif _SECTION_END.match(line):
            break
        elif blocks:
            blocks[-1].lines.append(line)
    return header, blocks


def _looks_like_name(line: str) -> bool:
    return len(line) <= 80 and 1 <= line.count(" ") <= 5 and not any(c.isdigit() for c in line)


def _build_work(
    ctx: RecordContext, position: int, block: _Block,
    memo: dict[str, AuthorList | None] | None = None,
) -> Work | MalformedEntry:
    lines = block.lines
    if not lines or len(lines[0]) > MAX_TITLE_CHARS:
        return ctx.malformed(position, "work has no title line after its type/year/venue line")
    title = clean_text(lines[0])
    rest = lines[1:]
    authors: list[Author] = []
    complete = False
    if len(rest) >= 2:
        listed = parse_author_list(rest[0], memo)
        if listed is not None:
            authors, complete = listed.authors, listed.complete
            rest = rest[1:]
    abstract = clean_text(rest[0]) if rest else None
    published: PublishedDate | None = None
    if block.head.year is not None:  # the page shows a year only: year precision
        published = PublishedDate(date=dt.date(block.head.year, 1, 1), precision="year")
    links = extract_links(abstract) if abstract else []
    return ctx.build(
        Work, position,
        title=title,
        abstract=abstract,
        authors=authors,
        author_count=len(authors) if complete else None,
        authors_complete=complete,
        published=published,
        year=block.head.year,
        venue=clean_text(block.head.venue) if block.head.venue else None,
        work_type=block.head.work_type,
        links=links,
        identifiers=extract_identifiers(abstract, *links),
    )
