"""The parse stage: bytes to a Page, the right parser, validated records.

Everything a parser needs is computed here once (decoding, the HTML tree, the line
structure); parsers stay pure. Errors leave as typed IngestErrors naming the input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import cast

from ingest_core._dates import coerce_as_of
from ingest_core._decode import decode, max_bytes_default
from ingest_core._html import sniff_kind
from ingest_core._registry import get_parser, installed_parsers
from ingest_core._text import safe_text
from ingest_core.errors import (
    EmptyPage,
    IngestError,
    MalformedEntry,
    PageNotRecognised,
    PageTooLarge,
    ParserCrashed,
    ParserMismatch,
)
from ingest_core.parser import Page, PageKind, Parser
from ingest_core.schemas import AnyRecord, RecordWarning

log = logging.getLogger("ingest_core.parse")

DETECT_THRESHOLD = 0.5
"""A page is recognised when the best parser's detect() score reaches this."""


@dataclass(frozen=True)
class ParseResult:
    """What one page gave: its records (page record first), the parser, entry-level warnings."""

    records: list[AnyRecord]
    parser: str
    warnings: list[RecordWarning] = field(default_factory=list)
    malformed: list[MalformedEntry] = field(default_factory=list)
    sha256: str = ""


def build_page(
    content: bytes | str,
    *,
    url: str | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    retrieved_at: dt.datetime | None = None,
    name: str | None = None,
    max_bytes: int | None = None,
) -> Page:
    """Decode ``content`` and derive its line structure.

    Raises:
        InputError: empty, binary, undecodable or oversized content.
    """
    url = safe_text(url) if url is not None else None  # a lone surrogate, a NUL: escaped
    label = safe_text(name) if name is not None else url
    limit = max_bytes_default() if max_bytes is None else max_bytes
    if isinstance(content, str):
        text = content
        raw = content.encode("utf-8", "surrogatepass")
        if len(raw) > limit:
            raise PageTooLarge(f"{len(raw):,} bytes is over the {limit:,}-byte limit", input=label)
        sha = hashlib.sha256(raw).hexdigest()
        if not text.strip():
            raise EmptyPage("the page is empty", input=label)
        encoding = "utf-8"
    else:
        raw = bytes(content)
        sha = hashlib.sha256(raw).hexdigest()
        raw, text, encoding = decode(raw, name=label, max_bytes=limit)
    page = Page(
        raw=raw,
        text=text,
        sha256=sha,
        as_of=coerce_as_of(as_of),
        kind=cast(PageKind, sniff_kind(text)),
        url=url,
        retrieved_at=retrieved_at,
        name=label,
        encoding=encoding,
    )
    if page.kind == "json" and page.json is None:  # "{" or "[" opening prose, not JSON
        page = replace(page, kind="text", _memo={})
    elif page.kind == "html":
        try:
            page.tree  # noqa: B018  # parsed here, so a broken document fails as the input's
        except IngestError as exc:
            exc.located(label)
            raise
    return page


def _detect(parser: Parser, page: Page) -> float:
    """``parser.detect(page)`` clamped to [0, 1]; a detect() bug scores 0 and is logged, so it
    never hides the other parsers."""
    try:
        score = float(parser.detect(page))
    except Exception as exc:
        log.warning("parser %s failed to detect %s: %r", parser.name, page.name, exc)
        return 0.0
    return max(0.0, min(1.0, score))


def score_parsers(
    page: Page, parsers: Mapping[str, Parser] | None = None
) -> list[tuple[float, str]]:
    """Every parser's detect() score for ``page``, best first (URL match breaks ties)."""
    scored: list[tuple[float, int, str]] = []
    has_url = page.url is not None
    for name, parser in (parsers or installed_parsers()).items():
        url_match = has_url and page.url_matches(parser.url_patterns)
        scored.append((_detect(parser, page), int(url_match), name))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    return [(s, n) for s, _, n in scored]


def choose_parser(page: Page, parser: str | None = None) -> Parser:
    """The named parser, or the best-scoring installed one.

    Raises:
        UnknownParser: ``parser`` names no installed parser.
        ParserMismatch: the named parser scores the page below DETECT_THRESHOLD.
        PageNotRecognised: no parser reaches DETECT_THRESHOLD.
    """
    if parser is not None:
        forced = get_parser(parser)
        score = _detect(forced, page)
        if score < DETECT_THRESHOLD:
            raise ParserMismatch(
                f"parser {parser} does not recognise the page (it scores {score:.2f}, "
                f"{DETECT_THRESHOLD} needed)",
                input=page.name, parser=parser, score=score,
            )
        return forced
    scores = score_parsers(page)
    if not scores or scores[0][0] < DETECT_THRESHOLD:
        if page.kind == "html" and not page.lines:
            raise EmptyPage("the HTML page has no visible text", input=page.name)
        best = (
            f"best candidate {scores[0][1]} scored {scores[0][0]:.2f}" if scores else "no parsers"
        )
        raise PageNotRecognised(
            f"no parser recognised the page ({best}, {DETECT_THRESHOLD} needed)",
            input=page.name,
            best_score=scores[0][0] if scores else 0.0,
        )
    return get_parser(scores[0][1])


def run_parser(parser: Parser, page: Page) -> ParseResult:
    """Run ``parser`` on ``page``, turning any non-IngestError into ParserCrashed."""
    records: list[AnyRecord] = []
    malformed: list[MalformedEntry] = []
    try:
        for item in parser.parse(page):
            if isinstance(item, MalformedEntry):
                malformed.append(item)
            else:
                records.append(item)
    except IngestError as exc:
        exc.located(page.name, parser.name)
        raise
    except Exception as exc:
        raise ParserCrashed(
            f"parser raised {type(exc).__name__}: {exc}", input=page.name, parser=parser.name
        ) from exc
    warnings = [
        RecordWarning(code=m.code, message=m.message, position=m.position) for m in malformed
    ]
    for m in malformed:
        log.info("%s: entry %d skipped: %s", page.name, m.position, m.message)
    return ParseResult(
        records=records,
        parser=parser.name,
        warnings=warnings,
        malformed=malformed,
        sha256=page.sha256,
    )


def parse_page(
    content: bytes | str,
    *,
    url: str | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    parser: str | None = None,
    retrieved_at: dt.datetime | None = None,
    name: str | None = None,
    max_bytes: int | None = None,
) -> ParseResult:
    """Parse one page into validated records.

    Args:
        content: the page as bytes (any encoding, optionally gzip) or as text.
        url: where the page was fetched; helps detection and lands in provenance.
        as_of: the date the page is read as of (year-less dates fall on or before it);
            None means today (UTC).
        parser: force a parser by name instead of detecting one.
        retrieved_at: when the page was fetched, for provenance.
        name: how to name the input in errors (a path); defaults to ``url``.
        max_bytes: size cap; default 50 MB or INGEST_MAX_PAGE_BYTES.

    Returns:
        A ParseResult with ``.records`` (page record first), ``.parser`` and ``.warnings``.

    Raises:
        InputError: empty, binary, undecodable or oversized content.
        PageNotRecognised: no parser recognised the page.
        UnknownParser: ``parser`` names no installed parser.
        ParserCrashed: the parser failed with an unexpected exception.
    """
    page = build_page(
        content, url=url, as_of=as_of, retrieved_at=retrieved_at, name=name, max_bytes=max_bytes
    )
    return run_parser(choose_parser(page, parser), page)
