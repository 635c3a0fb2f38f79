"""Google Scholar profile pages (``scholar.google.*/citations?user=ID``): the researcher and
the works listed on the page.

Read from the HTML tree by element ids and classes only, never by the interface's words, so
a page served in any language reads alike. Two layouts are read:

* the 2014 layout (``div#gsc_prf``): ``#gsc_prf_in`` name, the first ``div.gsc_prf_il``
  the affiliation, a further ``div.gsc_prf_il`` holding the interests as ``a.gsc_prf_ila``
  links, ``#gsc_prf_ivh`` the verified e-mail line with the homepage link;
* the current layout (``div#gsc_prf_w``, served 2017-2026): the same ``#gsc_prf_in`` and
  first ``div.gsc_prf_il`` (with an ``a.gsc_prf_ila`` link to the organisation), the
  interests as ``a.gsc_prf_inta`` in ``#gsc_prf_int``.

Both share the citation table ``table#gsc_rsb_st`` (rows: citations, h-index, i10-index;
the first ``td.gsc_rsb_std`` of a row is the all-time value, the second the recent one; the
row order decides, the translated labels are ignored) and the works table ``table#gsc_a_t``
with one ``tr.gsc_a_tr`` per work::

    td.gsc_a_t   a.gsc_a_at (title, link)  div.gs_gray (authors)  div.gs_gray (venue,
                 with the year in a trailing span.gs_oph)
    td.gsc_a_c   a.gsc_a_ac (cited-by count; a "*" marks merged citations)
    td.gsc_a_y   span.gsc_a_h (year, may be empty)

Authors are kept as shown ("CNL Olivers": given "CNL", family "Olivers"); a list ending in
"..." is cut (``authors_complete`` false). The Scholar user id becomes the profile link
``https://scholar.google.com/citations?user=ID``. An enabled "show more" button
(``#gsc_bpf_more``) means the page lists only the first works: the profile says so in a
``partial_list`` warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urljoin

from lxml import etree

from ingest_core.errors import MalformedEntry, ParseError
from ingest_core.parser import (
    NameParts,
    Page,
    ParseItem,
    RecordContext,
    clean_text,
    date_from_parts,
    select,
    split_name,
    text_of,
    texts,
    xpath,
)
from ingest_core.schemas import Profile, ProfileMetrics, RecordWarning, Work

SCHOLAR = "https://scholar.google.com/"
_USER = re.compile(r"[?&]user=([\w-]+)")
_USER_ID = re.compile(r"^[\w-]{4,40}$")
_COUNT = re.compile(r"^\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+$|^\d+$")
_METRIC_ROWS = ("citations", "h_index", "i10_index")
_CUT = ("...", "\u2026")
_MAX_INITIALS = 4


_IDS = frozenset({"gsc_prf_in", "gsc_rsb_st", "gsc_a_t", "gsc_bpf_more", "gsc_prf_ivh"})
_USER_SOURCES = (
    "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
    " | //input[@name='user']/@value"
)


@dataclass(frozen=True, slots=True)
class _Landmarks:
    """The elements that identify a Scholar profile, located once per page."""

    ids: dict[str, etree._Element]
    rows: list[etree._Element]

    @property
    def name(self) -> etree._Element | None:
        return self.ids.get("gsc_prf_in")

    @property
    def stats(self) -> etree._Element | None:
        return self.ids.get("table:gsc_rsb_st")

    @property
    def works_table(self) -> etree._Element | None:
        return self.ids.get("table:gsc_a_t")


def _landmarks(page: Page) -> _Landmarks | None:
    """The profile's landmark elements (one scan for the ids), or None when it has none."""
    if page.kind != "html" or "gsc_" not in page.text:
        return None
    root = page.tree
    if root is None:
        return None
    ids: dict[str, etree._Element] = {}
    # every id attribute in one scan (several times faster than an XPath "or" predicate)
    for value in cast(list[Any], xpath(root, "//@id")):
        if value not in _IDS:
            continue
        el = value.getparent()
        key = str(value)
        if key in ("gsc_rsb_st", "gsc_a_t"):
            if el.tag != "table":
                continue
            key = f"table:{key}"
        ids.setdefault(key, el)
    table = ids.get("table:gsc_a_t")
    scope = table if table is not None else root
    rows = [tr for tr in scope.iter("tr") if "gsc_a_tr" in _classes(tr)]
    if not ids and not rows:
        return None
    return _Landmarks(ids, rows)


def _classes(el: etree._Element) -> list[str]:
    return str(el.get("class") or "").split()


def _user_id(root: etree._Element, rows: Sequence[etree._Element], url: str | None) -> str | None:
    """The Scholar user id the page is about: canonical link, og:url, form value, row link."""
    for found in cast(list[Any], xpath(root, _USER_SOURCES)):
        value = str(found).strip()
        if "citations" in value:
            m = _USER.search(value)
            if m is not None:
                return m.group(1)
        elif _USER_ID.match(value):
            return value
    candidates: list[str | None] = []
    if rows:
        title = _row_parts(rows[0]).title
        if title is not None:
            candidates += [title.get("href"), title.get("data-href")]
    candidates.append(url)
    for candidate in candidates:
        if candidate and "citations" in candidate:
            m = _USER.search(candidate)
            if m is not None:
                return m.group(1)
    return None


def _count(text: str) -> int | None:
    """A displayed count ("290", "1,234"); None when it is not one."""
    text = text.replace("*", "").strip()
    if not _COUNT.match(text):
        return None
    return int("".join(ch for ch in text if ch.isdigit()))


def _metrics(stats: etree._Element | None) -> tuple[dict[str, int | None], list[RecordWarning]]:
    """Citations, h-index, i10-index from the stats table, by row order (labels translate)."""
    metrics: dict[str, int | None] = {}
    warnings: list[RecordWarning] = []
    if stats is None:
        return metrics, warnings
    index = 0
    for row in stats.iter("tr"):
        cells = [td for td in row if td.tag == "td" and "gsc_rsb_std" in _classes(td)]
        if not cells:
            continue  # the header row
        if index >= len(_METRIC_ROWS):
            break
        key = _METRIC_ROWS[index]
        index += 1
        shown = text_of(cells[0])
        value = _count(shown) if shown else None
        if shown and value is None:
            warnings.append(RecordWarning(
                code="malformed_metric", message=f"{key}: {shown!r} is not a count; left null",
            ))
        metrics[key] = value
    return metrics, warnings


def _homepage(ids: dict[str, etree._Element]) -> str | None:
    """The homepage link of the verified-e-mail line (``#gsc_prf_ivh``), if any."""
    line = ids.get("gsc_prf_ivh")
    if line is None:
        return None
    for a in line.iter("a"):
        href = clean_text(str(a.get("href") or ""))
        if href.startswith(("http://", "https://")):
            return href
    return None


def _interests(info: etree._Element, lines: Sequence[etree._Element]) -> list[str]:
    """Current layout: ``a.gsc_prf_inta``; 2014: the ``a.gsc_prf_ila`` links of the interests
    line (a ``div.gsc_prf_il`` after the affiliation that is not the e-mail line)."""
    current = select(info, "a.gsc_prf_inta")
    if current:
        return texts([text_of(a) for a in current])
    found: list[str] = []
    for line in lines[1:]:
        if line.get("id") in ("gsc_prf_ivh", "gsc_prf_ip", "gsc_prf_int"):
            continue
        found.extend(text_of(a) for a in select(line, "a.gsc_prf_ila"))
    return texts(found)


def _venue(line: etree._Element | None, year: int | None) -> str | None:
    """The venue line without its trailing ``span.gs_oph`` year (", 2014")."""
    if line is None:
        return None
    parts = [line.text or ""]
    had_year_span = False
    for child in line:
        if isinstance(child.tag, str) and "gs_oph" in _classes(child):
            had_year_span = True
        else:
            parts.append("".join(cast(Iterator[str], child.itertext())))
        parts.append(child.tail or "")
    venue = clean_text("".join(parts))
    if not had_year_span and year is not None and venue.endswith(f", {year}"):
        venue = venue[: -len(f", {year}")]
    venue = venue.rstrip(" ,")
    return venue or None


def _author_parts(raw: str, memo: dict[str, NameParts]) -> NameParts:
    """ "CNL Olivers" -> given "CNL", family "Olivers" (Scholar's initials first); other
    forms go to split_name."""
    known = memo.get(raw)
    if known is not None:
        return known
    first, _, rest = raw.partition(" ")
    if rest and len(first) <= _MAX_INITIALS and first.isalpha() and first.isupper():
        parts = NameParts(raw, first, rest)
    else:
        parts = split_name(raw)
    memo[raw] = parts
    return parts


def _authors(line: etree._Element | None, memo: dict[str, NameParts]) -> tuple[
    list[dict[str, Any]], bool
]:
    """The authors as shown, and whether the list is complete (not cut with "...")."""
    if line is None:
        return [], False
    shown = text_of(line)
    if not shown:
        return [], False
    pieces = [p.strip() for p in shown.split(",")]
    complete = True
    if pieces and pieces[-1].endswith(_CUT):
        complete = False
        last = pieces[-1]
        pieces[-1] = last[: -3 if last.endswith("...") else -1].strip()
    authors: list[dict[str, Any]] = []
    for piece in pieces:
        if not piece:
            continue
        parts = _author_parts(piece, memo)
        authors.append({"name": parts.name, "given": parts.given, "family": parts.family})
    return authors, complete and bool(authors)


def _title_link(title: etree._Element) -> str | None:
    """The row's title link, absolute (Scholar's own links are site-relative)."""
    for attr in ("href", "data-href"):
        href = str(title.get(attr) or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        if href.startswith(("https://", "http://")):
            return href
        if href.startswith("/") and not href.startswith("//"):
            return SCHOLAR + href[1:]
        return urljoin(SCHOLAR, href)
    return None


@dataclass(slots=True)
class _Row:
    title: etree._Element | None = None
    grays: list[etree._Element] = field(default_factory=list)
    cited: etree._Element | None = None
    year: etree._Element | None = None


def _row_parts(row: etree._Element) -> _Row:
    """The cells of a ``tr.gsc_a_tr`` by class: td.gsc_a_t (a.gsc_a_at, div.gs_gray x2),
    td.gsc_a_c (a.gsc_a_ac), td.gsc_a_y (span.gsc_a_h)."""
    parts = _Row()
    for td in row:
        if td.tag != "td":
            continue
        classes = _classes(td)
        if "gsc_a_t" in classes:
            for el in td.iter("a", "div"):
                kind = _classes(el)
                if el.tag == "a" and parts.title is None and "gsc_a_at" in kind:
                    parts.title = el
                elif el.tag == "div" and "gs_gray" in kind:
                    parts.grays.append(el)
        elif "gsc_a_c" in classes:
            parts.cited = next((a for a in td.iter("a") if "gsc_a_ac" in _classes(a)), None)
        elif "gsc_a_y" in classes:
            parts.year = next((s for s in td.iter("span") if "gsc_a_h" in _classes(s)), None)
    return parts


def _work(
    ctx: RecordContext, position: int, row: etree._Element, memo: dict[str, NameParts]
) -> Work | MalformedEntry:
    parts = _row_parts(row)
    title_el = parts.title
    title = text_of(title_el)
    if title_el is None or not title:
        return ctx.malformed(position, "the row has no title (a.gsc_a_at is missing or empty)")
    grays = parts.grays
    authors, complete = _authors(grays[0] if grays else None, memo)

    year_text = text_of(parts.year)
    year = int(year_text) if year_text.isdigit() and int(year_text) > 0 else None
    cited_by = _count(text_of(parts.cited)) if parts.cited is not None else None
    link = _title_link(title_el)
    return ctx.build(
        Work, position,
        title=title,
        authors=authors,
        author_count=len(authors) if complete else None,
        authors_complete=complete,
        venue=_venue(grays[1] if len(grays) > 1 else None, year),
        year=year,
        published=date_from_parts(year) if year is not None else None,
        cited_by=cited_by,
        links=[link] if link else [],
    )


class GoogleScholarProfileParser:
    """A Google Scholar profile page: one Profile, then a Work per listed row."""

    name = "google_scholar_profile"
    source = "google_scholar"
    version = "1"
    url_patterns: Sequence[str] = (
        r"^https?://scholar\.google(?:\.[a-z]{2,3}){1,2}/citations\?(?:[^#]*&)?user=",
    )

    def detect(self, page: Page) -> float:
        """High when the page has the profile name, the works table and the stats table."""
        if page.kind != "html":
            return 0.0
        found = page.derived(_landmarks)
        if found is None:
            return 0.0
        score = (0.4 * (found.name is not None)
                 + 0.3 * (found.works_table is not None or bool(found.rows))
                 + 0.25 * (found.stats is not None))
        if score and page.url_matches(self.url_patterns):
            score += 0.05
        return min(1.0, score)

    def parse(self, page: Page) -> Iterator[ParseItem]:
        """Yield the Profile, then a Work per ``tr.gsc_a_tr`` (MalformedEntry without a title).

        Raises:
            ParseError: the page is not a Scholar profile, or it shows no name.
        """
        found = page.derived(_landmarks) if page.kind == "html" else None
        root = page.tree if found is not None else None
        if found is None or root is None or found.name is None:
            raise ParseError(
                "not a Google Scholar profile page: no #gsc_prf_in name element; "
                "give a saved citations?user=… page", input=page.name, parser=self.name,
            )
        name = text_of(found.name)
        if not name:
            raise ParseError(
                "the Google Scholar profile shows no name (#gsc_prf_in is empty)",
                input=page.name, parser=self.name,
            )
        ctx = RecordContext(self, page)
        info = found.name.getparent()
        if info is None:
            info = root
        lines = select(info, "div.gsc_prf_il")
        affiliation: str | None = None
        if lines and lines[0].get("id") not in ("gsc_prf_ivh", "gsc_prf_int", "gsc_prf_ip"):
            affiliation = text_of(lines[0]) or None

        links: list[str] = []
        homepage = _homepage(found.ids)
        if homepage:
            links.append(homepage)
        user = _user_id(root, found.rows, page.url)
        if user:
            links.append(f"{SCHOLAR}citations?user={user}")

        metrics, warnings = _metrics(found.stats)
        memo: dict[str, NameParts] = {}
        works = [_work(ctx, position, row, memo) for position, row in enumerate(found.rows)]
        more = found.ids.get("gsc_bpf_more")
        if more is not None and more.get("disabled") is None and works:
            warnings.append(RecordWarning(
                code="partial_list",
                message=f"the page lists the first {len(works)} works; the profile has more "
                "(its 'show more' button is enabled)",
            ))
        split = _author_parts(name, memo)  # the owner is usually among the authors
        yield from ctx.page_items(
            Profile, works,
            name=split.name, given=split.given, family=split.family,
            affiliation=affiliation,
            interests=_interests(info, lines),
            metrics=ProfileMetrics.model_validate(metrics),
            links=list(dict.fromkeys(links)),
            warnings=warnings,
        )
