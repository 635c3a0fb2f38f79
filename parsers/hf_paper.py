"""Hugging Face single-paper pages, e.g. https://huggingface.co/papers/2509.24002.

Served HTML carries the paper as JSON (``PaperContent`` hydrater) with the full author list,
the arXiv id, GitHub repository and project page; without it the visible lines are read:
``arxiv:ID``, title, ``Published on ...``, ``Authors:`` and names, ``Abstract`` and text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from ingest_core._identifiers import extract_identifiers, extract_links
from ingest_core._names import split_name
from ingest_core._select import text_of
from ingest_core._text import clean_text
from ingest_core.parser import Page, ParseItem, RecordContext
from ingest_core.parsers._huggingface import (
    PAPER_URLS,
    SOURCE,
    has_hydrater,
    hydrater_json,
    resolve_date,
    url_bonus,
    work_from_json,
)
from ingest_core.schemas import Author, Identifiers, RecordWarning, Work

_ARXIV_LINE = re.compile(r"^arxiv:\s*(\d{4}\.\d{4,5}|[a-z][a-z.-]+/\d{7})(?:v\d+)?$", re.IGNORECASE)
_MORE_AUTHORS = re.compile(r"^(?:et al\.?|\+?\s*\d[\d,]*\s+(?:more\s+)?authors?)$", re.IGNORECASE)
_ABSTRACT_STOP = ("View arXiv page", "View PDF", "Community", "Models citing this paper")
_HEAD = 40


def _index(lines: Sequence[str], wanted: str, limit: int) -> int:
    for i, line in enumerate(lines[:limit]):
        if line == wanted:
            return i
    return -1


class HfPaperParser:
    """One paper's page: a single Work record at position 0."""

    name = "hf_paper"
    source = SOURCE
    version = "1"
    url_patterns: Sequence[str] = PAPER_URLS

    def detect(self, page: Page) -> float:
        """High on a PaperContent JSON, or an ``arxiv:ID`` line with Authors and Abstract."""
        if page.kind in ("json", "xml"):  # an API record, never this page's layout
            return 0.0
        if has_hydrater(page, "PaperContent"):
            return min(1.0, 0.95 + url_bonus(self, page))
        arxiv = published = False
        for line in page.lines[:_HEAD]:  # first-letter tests keep this loop cheap
            first = line[0]
            if first in "aA" and not arxiv and line[:6].lower() == "arxiv:":
                arxiv = _ARXIV_LINE.match(line) is not None
            elif first == "P" and line.startswith("Published on "):
                published = True
        score = 0.45 * arxiv + 0.1 * published
        top = page.lines[:400]
        if "Authors:" in top:
            score += 0.2
        if "Abstract" in top:
            score += 0.15
        if score == 0.0:
            return 0.0
        return min(1.0, score + url_bonus(self, page))

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the paper's Work (or a MalformedEntry when it has no title)."""
        ctx = RecordContext(self, page)
        props = hydrater_json(page, "PaperContent")
        paper = props.get("paper") if props is not None else None
        if isinstance(paper, Mapping) and paper.get("title"):
            yield work_from_json(ctx, 0, paper)
            return
        yield self._from_lines(ctx, page)

    def _from_lines(self, ctx: RecordContext, page: Page) -> ParseItem:
        lines = page.lines
        arxiv = title = None
        published = upvotes = None
        warnings: list[RecordWarning] = []
        for i, line in enumerate(lines[:_HEAD]):
            m = _ARXIV_LINE.match(line) if line[:6].lower() == "arxiv:" else None
            if m and arxiv is None:
                arxiv = m.group(1)
                if i + 1 < len(lines):
                    title = lines[i + 1]
            elif line.startswith("Published on ") and published is None:
                if title is None and i:
                    title = lines[i - 1]
                published, _, problem = resolve_date(line[13:], page.as_of, page.name)
                if problem:
                    warnings.append(
                        RecordWarning(code="unparseable_date", message=problem, position=0)
                    )
            elif line == "Upvote" and upvotes is None and i + 1 < len(lines):
                count = lines[i + 1].replace(",", "")
                upvotes = int(count) if count.isdigit() else None
        if not title:
            return ctx.malformed(0, "no title found (no arxiv: or Published on line)")
        start = _index(lines, "Authors:", 400)
        stop = _index(lines, "Abstract", 600)
        authors: list[Author] = []
        complete = True
        if start >= 0:
            end = stop if stop > start else min(len(lines), start + 2000)
            for line in lines[start + 1 : end]:
                for piece in line.split(","):
                    raw = piece.strip()
                    if not raw:
                        continue
                    if _MORE_AUTHORS.match(raw):
                        complete = False
                        continue
                    parts = split_name(raw)
                    authors.append(Author(name=parts.name, given=parts.given, family=parts.family))
        abstract = self._abstract(lines, stop)
        found = extract_identifiers(abstract, page.url)
        links = dict.fromkeys(self._anchor_links(page))
        links.update(dict.fromkeys(extract_links(abstract) if abstract else []))
        return ctx.build(
            Work, 0,
            title=clean_text(title),
            abstract=abstract,
            authors=authors,
            author_count=len(authors) if authors and complete else None,
            authors_complete=bool(authors) and complete,
            published=published,
            year=published.date.year if published else None,
            upvotes=upvotes,
            links=list(links),
            identifiers=Identifiers(arxiv=arxiv or found.arxiv, doi=found.doi),
            warnings=warnings,
        )

    @staticmethod
    def _abstract(lines: Sequence[str], start: int) -> str | None:
        """The abstract below the "Abstract" heading, skipping an AI-generated summary."""
        if start < 0:
            return None
        body: list[str] = []
        for line in lines[start + 1 : start + 200]:
            if line.startswith(_ABSTRACT_STOP):
                break
            if line == "AI-generated summary":
                body.clear()  # what came before was the AI summary, not the abstract
                continue
            body.append(line)
        return clean_text(" ".join(body)) or None

    @staticmethod
    def _anchor_links(page: Page) -> list[str]:
        """GitHub and project-page links from the page's buttons (HTML only)."""
        if page.tree is None:
            return []
        out = []
        for a in page.tree.iter("a"):
            href = a.get("href") or ""
            if not href.startswith(("http://", "https://")):
                continue
            label = text_of(a)
            if label.startswith("GitHub") or label == "Project page":
                out.append(href)
        return out
