"""Work resolution: the work records that show one real paper become one ``paper``.

Same arXiv id or DOI: same paper. Otherwise candidates share a block of the normalized
title (casefold, NFKC, punctuation and stop words dropped) and are confirmed by rapidfuzz
title similarity, abstracts, authors and years. A generic title ("Preface", "Introduction",
"A Survey of X" with few other words) or a title that is only near-identical (or contains
the other) never merges on title alone: it needs authors or an abstract in agreement, or
(a copy with no DOI) to be the one identified work under that title and year.
A long specific title that agrees, with compatible years, outweighs author lists that share
no one (a review's reviewer against the reviewed book's author); a notice (an erratum, a
reply) or a title with other numbers (part I and part II) is never the paper it resembles.
A book review's title is the reviewed book's, without the citation that follows it.
Merges go best-first (most similar titles, then corroboration, then closest years) through
a union-find that refuses a merge when any two works across the two clusters contradict
each other (no chaining; two works sharing a DOI are not checked against each other), or
the clusters hold two DOIs, two arXiv ids, two entries of one page, or a curated
cannot-link.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from ingest_core._text import fold
from ingest_core.resolution._ids import anchor_of, entity_id
from ingest_core.resolution._unionfind import UnionFind
from ingest_core.resolution.config import ResolverConfig
from ingest_core.schemas import Author, Identifiers, Paper, PublishedDate, Work

STOP_WORDS = frozenset(
    [
        "a", "an", "the", "of", "on", "in", "for", "and", "to", "with", "via", "by", "at",
        "from", "is", "are", "as", "its", "into", "towards", "toward", "using", "based", "or",
        "vs", "versus",
    ]
)
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
_NON_WORD = re.compile(r"[^\w\s]+")
_ARXIV_DOI = "10.48550/"
_EDGE = 16
"""Letters of a title's head and tail used as blocking keys."""
_GENERIC_ONLY = "generic title and nothing else agrees"
_ROMAN = frozenset({"i", "ii", "iii", "iv", "vi", "vii", "viii", "ix"})
"""Roman numerals that number parts or volumes ("v" and "x" are too often letters)."""
_REVIEW_MARK = re.compile(
    r"^\s*book\s+reviews?\s*[:\-\u2013\u2014]\s*"
    r"|\s*[\-\u2013\u2014:(\[]\s*book\s+reviews?\s*[)\]]?\s*$")
_BY = re.compile(r"[:.,;]\s*(edited\s+)?by\s")
_CITATION_MARK = re.compile(
    r"\bisbn\b|\bpp\b|\bpages\b|\bpress\b|\bpublish|[\u00a3$\u20ac\u00a5]\s?\d"
    r"|\b(?:hbk|pbk|paperback|hardback|hardcover|cloth)\b")


def review_title(folded: str) -> str:
    """A folded title without a book review's marker and the citation of the reviewed book.

    Reviews are titled by the book they review, then "by A. Author, Press, 2019, 284 pp.,
    ISBN ..." (or ", edited by ..."): one copy keeps the citation, another drops it, a third
    marks "- book review". What is left is the book's title, the part both copies share.
    """
    text = _REVIEW_MARK.sub("", folded)
    for m in _BY.finditer(text):
        head, tail = text[:m.start()], text[m.end():]
        if len(head.split()) >= 2 and (m.group(1) or _CITATION_MARK.search(tail)):
            return head
    return text


def title_tokens(title: str) -> list[str]:
    """Significant tokens of a title: folded, a review's citation, punctuation and stop
    words dropped."""
    folded = review_title(fold(title))
    return [t for t in _NON_WORD.sub(" ", folded).split() if t not in STOP_WORDS]


def _family_key(author: Author) -> str:
    """The folded family name of an author (last token when the page gave no split)."""
    fam = author.family or (author.name.split()[-1] if author.name.split() else "")
    return re.sub(r"[^\w]+", "", fold(fam))


@dataclass(frozen=True)
class PairDecision:
    """The outcome of comparing two works: merge or not, with the reasons."""

    i: int
    j: int
    score: float
    merge: bool
    reasons: tuple[str, ...]
    corroborated: int = 0
    """Authors, abstracts, venue in agreement (0 to 3): among equal titles, the better match."""


@dataclass
class PaperResolution:
    """Papers, the work-to-paper map and what ``explain`` needs."""

    papers: list[Paper]
    work_to_paper: dict[str, str]
    decisions: dict[str, list[PairDecision]] = field(default_factory=dict)
    works: Sequence[Work] = ()
    config: ResolverConfig | None = None


_SHARED_ID_KINDS = ("doi", "arxiv", "openalex", "s2", "dblp", "mag", "pmid", "pmcid")
"""The work identifiers that make one paper, strongest first (the order decisions report)."""


@dataclass
class _WorkView:
    work: Work
    tokens: list[str]
    key: str
    families: frozenset[str]
    name_tokens: frozenset[str]
    doi: str | None
    arxiv: str | None
    ids: frozenset[str] = frozenset()
    """Every id as ``kind:value`` (doi, arxiv, openalex, s2, dblp, mag, pmid, pmcid): a shared
    one makes one paper. Only a different DOI or arXiv id keeps works apart: sources hold
    their own duplicates (OpenAlex keeps a preprint and its journal version as two works)."""
    letters: str = ""
    """The key without spaces: "de fi cits" (a split ligature) is "deficits"."""
    bare: bool = False
    """No venue and no identifier: a copy whose year may be when it was found."""
    notice: bool = False
    """The title opens with a notice word (an erratum, a reply)."""
    generic: bool = False
    """:func:`_is_generic` under the run's config."""
    digits: str = ""
    romans: tuple[str, ...] = ()


def _view_of(work: Work, config: ResolverConfig) -> _WorkView:
    """A work's comparison view, with the config-dependent facts filled in."""
    v = _view(work)
    v.notice = bool(v.tokens) and v.tokens[0] in config.notice_title_words
    v.generic = _is_generic(v, config)
    return v


def _view(work: Work) -> _WorkView:
    tokens = title_tokens(work.title)
    doi = work.identifiers.doi
    arxiv = work.identifiers.arxiv
    if doi and doi.startswith(_ARXIV_DOI) and arxiv is None:
        arxiv = doi[len(_ARXIV_DOI):].removeprefix("arxiv.")
    if doi and doi.startswith(_ARXIV_DOI):
        doi = None
    families = frozenset(k for a in work.authors if (k := _family_key(a)))
    # every token of every name, so "Wang Wei" is found in "Wei Wang, ..." (name order differs)
    name_tokens = frozenset(
        t for a in work.authors for t in _NON_WORD.sub(" ", fold(a.name)).split()
    )
    key = " ".join(tokens)
    ident = work.identifiers
    ids = {f"{kind}:{value}" for kind in _SHARED_ID_KINDS if (value := getattr(ident, kind))}
    ids.discard(f"doi:{ident.doi}")
    ids.discard(f"arxiv:{ident.arxiv}")
    ids.update(f"{kind}:{value}" for kind, value in (("doi", doi), ("arxiv", arxiv)) if value)
    return _WorkView(
        work, tokens, key, families, name_tokens | families, doi, arxiv,
        ids=frozenset(ids),
        letters="".join(tokens),
        bare=not (work.venue or ids),
        digits="".join(ch for ch in key if ch.isdigit()),
        romans=tuple(t for t in tokens if t in _ROMAN),
    )


_JOURNAL_WORDS = frozenset({"j", "journal", "trans", "transactions", "letters", "magazine",
                            "record", "bulletin", "quarterly", "review"})
_JOURNAL = re.compile(r"\b(?:" + "|".join(sorted(_JOURNAL_WORDS)) + r")\b")
_MEETING = re.compile(
    r"\b(?:conference|conf|proceedings|proc|symposium|workshop|meeting|congress)\b")


def venue_kind(venue: str | None) -> str | None:
    """``journal``, ``meeting`` (a conference, symposium or workshop) or None (unknown)."""
    if not venue:
        return None
    text = _NON_WORD.sub(" ", fold(venue))
    if _JOURNAL.search(text):
        return "journal"
    return "meeting" if _MEETING.search(text) else None


def _journal_of(journal: str, other: str) -> bool:
    """Whether ``journal`` names the journal of the venue ``other`` ("VLDB J." of "VLDB"):
    their words agree once the journal's own words are dropped."""
    return venues_agree(journal, other)


@lru_cache(maxsize=4096)
def _venue_words(venue: str) -> tuple[str, ...]:
    return tuple(t for t in _NON_WORD.sub(" ", fold(venue)).split() if t not in STOP_WORDS)


def venues_agree(a: str, b: str) -> bool:
    """Whether two venue names name one venue, as far as their words tell: the words of one
    (a journal's own words aside) each found in the other, whole or abbreviated ("Vision
    Res" of "Vision Research"), or one an acronym of the other ("VLDB", "Very Large Data
    Bases"). Unrelated names ("SIGMOD Conference", "Conference on Management of Data") are
    not known to differ either; this only says when they agree."""
    wa, wb = _venue_words(a), _venue_words(b)
    ta, tb = set(wa) - _JOURNAL_WORDS, set(wb) - _JOURNAL_WORDS
    if not (ta and tb):
        return False
    for words, other in ((wa, tb), (wb, ta)):
        acronym = "".join(w[0] for w in words)
        if len(words) >= 3 and acronym in other:
            return True
    small, big = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return all(any(x == y or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)))
                   for y in big) for x in small)


def _year(work: Work) -> int | None:
    if work.year is not None:
        return work.year
    return work.published.date.year if work.published else None


def _numbers_differ(a: _WorkView, b: _WorkView) -> bool:
    """Whether the titles carry other numbers: part I and part II, the 2019 and the 2020
    edition. Digits are compared without spaces ("Xq 27" is "Xq27"); a title may carry
    more numbers than the other (a subtitle with the year), not different ones."""
    if a.romans and b.romans and a.romans != b.romans:
        return True
    return bool(a.digits and b.digits) and a.digits not in b.digits and b.digits not in a.digits


def _shares_id(a: _WorkView, b: _WorkView) -> bool:
    """A shared identifier of any kind: one work, whatever else the pages say."""
    return not a.ids.isdisjoint(b.ids)


@dataclass(frozen=True)
class _TitleMatch:
    """How two titles compare: similarity, containment, sameness, genericness."""

    score: float
    loose: bool
    """Only one title inside the other (a subtitle dropped)."""
    same: bool
    """The same title, maybe cut or misspelt (``title_same_min``)."""
    generic: bool
    contained: float = 0.0


def _titles(a: _WorkView, b: _WorkView, config: ResolverConfig) -> _TitleMatch:
    generic = a.generic or b.generic
    if a.letters == b.letters:
        return _TitleMatch(1.0, False, True, generic)
    ts = max(fuzz.ratio(a.key, b.key), fuzz.token_sort_ratio(a.key, b.key)) / 100.0
    if ts >= config.title_min:
        return _TitleMatch(ts, False, ts >= config.title_same_min, generic)
    return _TitleMatch(ts, True, False, generic,
                       _contained(a.key, b.key, config.title_contained_min))


def _contained(a: str, b: str, floor: float = 0.0) -> float:
    """How well the shorter title key matches one stretch of the longer one (0..1); 0 when
    their words overlap less than ``floor`` (a cheap test that spares the alignment)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short.count(" ") < 2 or fuzz.token_set_ratio(short, long_) / 100.0 < floor:
        return 0.0
    return fuzz.partial_ratio(short, long_) / 100.0


class _Constraints:
    """Per-cluster facts that make two clusters incompatible."""

    def __init__(self, views: Sequence[_WorkView], cannot: set[tuple[int, int]]) -> None:
        self.dois: dict[int, set[str]] = {
            i: {v.doi} if v.doi else set() for i, v in enumerate(views)
        }
        self.arxivs: dict[int, set[str]] = {
            i: {v.arxiv} if v.arxiv else set() for i, v in enumerate(views)
        }
        self.pages: dict[int, set[str]] = {
            i: {v.work.provenance.sha256} for i, v in enumerate(views)
        }
        self.cannot = cannot
        self.views = views

    def conflict(
        self, uf: UnionFind, ra: int, rb: int, config: ResolverConfig, *, by_id: bool = False
    ) -> str | None:
        """Why clusters ``ra`` and ``rb`` cannot be one paper, or None.

        ``by_id``: the join is asked for by a shared identifier. Only different DOIs or arXiv
        ids and a curator's cannot-link then keep the works apart: the identifier outweighs
        what the pages' text says (a preprint's abstract differs from its journal version's)
        and the rule that two entries of one page are two papers (a search page lists the
        preprint and the journal version; a third source's record names both).
        """
        if self.dois[ra] and self.dois[rb] and not self.dois[ra] & self.dois[rb]:
            return "different DOIs"
        if self.arxivs[ra] and self.arxivs[rb] and not self.arxivs[ra] & self.arxivs[rb]:
            return "different arXiv ids"
        if config.same_page_distinct and not by_id and self.pages[ra] & self.pages[rb]:
            return "two entries of one page"
        views = self.views
        for a in uf.members(ra) if not by_id else ():
            for b in uf.members(rb):
                va, vb = views[a], views[b]
                if _shares_id(va, vb):
                    continue
                against, _ = _evidence(va, vb, config, _titles(va, vb, config))
                if against:
                    return f"{views[a].work.id} and {views[b].work.id}: {against[0]}"
        if self.cannot:
            mb = set(uf.members(rb))
            for a in uf.members(ra):
                for b in mb:
                    if (min(a, b), max(a, b)) in self.cannot:
                        return "curated cannot_link"
        return None

    def merge(self, ra: int, rb: int, root: int) -> None:
        other = rb if root == ra else ra
        for table in (self.dois, self.arxivs, self.pages):
            table[root] |= table.pop(other)


def blocking_keys(v: _WorkView) -> list[str]:
    """The title blocks a work belongs to, from its own title alone.

    The exact title key, its two most distinctive tokens (the longest: a long word is rare,
    and a key that needs no corpus statistics lets ``--incremental`` find a new work's
    candidates without re-reading the corpus), and the title's letters without spaces,
    head and tail: a glued or split word ("HaroldWilson") at one end still meets its twin
    through the other end.
    """
    keys = ["=" + v.key]
    keys.extend("~" + tok for tok in sorted(set(v.tokens), key=lambda t: (-len(t), t))[:2])
    letters = "".join(v.tokens)
    if len(letters) >= 2 * _EDGE:
        keys.extend(("^" + letters[:_EDGE], "$" + letters[-_EDGE:]))
    return keys


def work_blocking_keys(work: Work) -> list[str]:
    """:func:`blocking_keys` of one work record (what the store indexes it by)."""
    return blocking_keys(_view(work))


def _candidates(
    views: Sequence[_WorkView], config: ResolverConfig, sizes: Mapping[str, int] | None = None
) -> set[tuple[int, int]]:
    """Pairs sharing a title block; a loose block larger than ``title_block_max`` (counted
    in ``sizes`` when given: the whole corpus, when ``views`` is part of it) makes none."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(views):
        for key in blocking_keys(v):
            blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        size = max(len(members), sizes.get(key, 0)) if sizes else len(members)
        if len(members) < 2 or (key[0] != "=" and size > config.title_block_max):
            continue
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                pairs.add((a, b) if a < b else (b, a))
    return pairs


def _found(families: frozenset[str], tokens: frozenset[str]) -> int:
    """How many of ``families`` appear among ``tokens``, allowing one stray letter ("hoy")."""
    exact = families & tokens
    found = len(exact)
    for fam in families - exact:
        if len(fam) >= 2 and any(
            abs(len(fam) - len(t)) <= 1 and fuzz.ratio(fam, t) >= 80 for t in tokens
        ):
            found += 1
    return found


def _is_generic(v: _WorkView, config: ResolverConfig) -> bool:
    """A title that says what kind of text it is more than what it is about."""
    specific = [t for t in v.tokens if t not in config.generic_title_words]
    return len(specific) <= config.generic_title_tokens


def _evidence(
    a: _WorkView, b: _WorkView, config: ResolverConfig, title: _TitleMatch
) -> tuple[list[str], list[str]]:
    """What contradicts and what supports two works being one paper, beyond the title.

    Years too far apart contradict, unless the titles agree, are specific, and several
    authors agree (a reprint) or one work is a bare copy dated when it was found and every
    author of the shorter list agrees; a generic
    title recurs every year with the same editors and a ``loose`` title match (one title
    inside the other) may be an extended version. For a generic title, authors support a
    merge only as a share of the longer list (a column's editor is on every issue). Author
    lists with no one in common contradict, unless a long specific title and the year agree:
    a review lists its reviewer on one page and the reviewed book's author on another.
    """
    generic, loose = title.generic, title.loose
    against: list[str] = []
    support: list[str] = []
    if a.notice != b.notice:
        against.append("a notice (an erratum, a reply) and the paper it names")
    if _numbers_differ(a, b):
        against.append("the titles carry other numbers")
    ya, yb = _year(a.work), _year(b.work)
    years_agree = ya is not None and yb is not None and abs(ya - yb) <= config.max_year_gap
    distinctive = (title.same and not generic and years_agree
                   and min(len(a.tokens), len(b.tokens)) >= config.distinctive_title_tokens)
    found, overlap = 0, 0.0
    if a.families and b.families:
        found = max(_found(a.families, b.name_tokens), _found(b.families, a.name_tokens))
        longest = max if generic else min
        overlap = found / longest(len(a.families), len(b.families))
        if found == 0 and distinctive:
            support.append(f"same specific title and year {ya}, though no author in common")
        elif found == 0:
            against.append("no author in common")
        elif generic and found < 2 and any(
                t in config.generic_title_words for t in a.tokens + b.tokens):
            pass  # one editor or columnist signs every issue of a recurring column
        elif overlap >= config.author_overlap_min:
            support.append(f"authors overlap {overlap:.2f}")
    va, vb = a.work.venue, b.work.venue
    kinds = (venue_kind(va), venue_kind(vb))
    # a journal paper years after a paper elsewhere by the same authors is its extension
    versions = bool(va and vb) and "journal" in kinds and kinds[0] != kinds[1]
    if ya is not None and yb is not None and abs(ya - yb) > config.max_year_gap:
        if (support and found >= config.authors_outweigh_year
                and not (generic or loose or versions)):
            support.append(f"years {ya} and {yb} differ, but {found} authors agree")
        elif (support and overlap >= 1.0 and config.bare_copy_year_weak
              and (a.bare or b.bare) and not (generic or loose)):
            support.append(f"years {ya} and {yb} differ, but a bare copy's year is when it "
                           "was found")
        else:
            against.append(f"years {ya} and {yb}")
    # a journal paper and a conference paper by the same authors under (nearly) the same
    # title are the extended and the original version: two publications
    if versions and va and vb:
        journal, other = (va, vb) if kinds[0] == "journal" else (vb, va)
        if "meeting" in kinds:
            against.append("a journal and a conference version")
        elif ya is not None and yb is not None and ya != yb and _journal_of(journal, other):
            against.append(f"the journal version of a venue's paper, {ya} and {yb}")
    # one venue and one year back a specific title cut or misspelt; not a generic one: a
    # column or a publisher's note recurs in every issue of the year
    if (not generic and va and vb and ya is not None and ya == yb
            and venues_agree(va, vb)):
        support.append(f"same venue and year {ya}")
    xa, xb = a.work.abstract or "", b.work.abstract or ""
    if min(len(xa), len(xb)) >= config.abstract_min_chars:
        # compare equal lengths: one page may cut the abstract short ("...")
        n = min(len(xa), len(xb), 2000)
        ab = fuzz.ratio(xa[:n], xb[:n]) / 100.0
        if ab >= config.abstract_agree:
            support.append(f"abstracts agree {ab:.2f}")
        else:
            against.append(f"abstracts differ {ab:.2f}")
    return against, support


def title_key(title: str) -> str:
    """The normalized title works are compared by: significant tokens, one space between."""
    return " ".join(title_tokens(title))


def titles_may_match(a: str, b: str, config: ResolverConfig) -> bool:
    """Whether two title keys are close enough for :func:`compare` to look further (what an
    incremental run checks before loading a stored work)."""
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    ts = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0
    return (ts >= config.title_min
            or _contained(a, b, config.title_contained_min) >= config.title_contained_min)


def compare(a: _WorkView, b: _WorkView, i: int, j: int, *, config: ResolverConfig) -> PairDecision:
    """Decide one candidate pair of works, with readable reasons."""
    title = _titles(a, b, config)
    ts = title.score
    reasons = [f"title similarity {ts:.2f}"]
    if title.loose:
        # one title inside the other ("X" and "X (extended version)"): a candidate that
        # needs authors or an abstract in agreement, like any title that is not identical
        if title.contained < config.title_contained_min:
            return PairDecision(i, j, ts, False, (*reasons, f"below {config.title_min}"))
        reasons.append(f"one title contains the other ({title.contained:.2f})")
    is_generic = title.generic
    against, support = _evidence(a, b, config, title)
    if against:
        return PairDecision(i, j, ts, False, (*reasons, *support, *against))
    if support:
        corroborated = sum(r.startswith(("authors", "abstracts", "same venue")) for r in support)
        return PairDecision(i, j, ts, True, (*reasons, *support), corroborated)
    if is_generic:
        return PairDecision(i, j, ts, False, (*reasons, _GENERIC_ONLY))
    if a.letters != b.letters:
        return PairDecision(i, j, ts, False, (*reasons, "titles differ and nothing else agrees"))
    return PairDecision(i, j, ts, True, (*reasons, "same specific title, nothing contradicts"))


def _join_lone_editions(
    views: Sequence[_WorkView],
    *,
    decisions: list[PairDecision],
    cons: _Constraints,
    uf: UnionFind,
    join: Callable[[int, int], str | None],
    config: ResolverConfig,
) -> None:
    """Join a copy with no DOI or arXiv id of a generic title ("Preface", "Publisher's
    Note") to the one identified work under the same title in the closest compatible year,
    when nothing contradicts. Two identified candidates as close (two journals' prefaces of
    one year) leave the copy alone: it could be either, or another; a copy with no year
    joins only the one identified work under that title ("Reviewer List for 2005").
    Candidates are taken before any of these joins, so the outcome does not depend on
    their order.
    """
    offers: dict[int, dict[int, tuple[float, int]]] = defaultdict(dict)
    for k, d in enumerate(decisions):
        if d.merge or d.reasons[-1] != _GENERIC_ONLY:
            continue
        a, b = views[d.i], views[d.j]
        gap = _year_gap(a, b)
        if a.letters != b.letters or gap > config.max_year_gap:
            continue
        ra, rb = uf.find(d.i), uf.find(d.j)
        ida = bool(cons.dois[ra] or cons.arxivs[ra])
        idb = bool(cons.dois[rb] or cons.arxivs[rb])
        if ida != idb:
            copy, edition = (rb, ra) if ida else (ra, rb)
            offer = (gap, k)
            offers[copy][edition] = min(offers[copy].get(edition, offer), offer)
    for copy in sorted(offers):
        closest = min(gap for gap, _ in offers[copy].values())
        editions = [(e, k) for e, (gap, k) in offers[copy].items() if gap == closest]
        if len(editions) != 1:
            continue
        ((edition, k),) = editions
        d = decisions[k]
        why = join(copy, edition)
        if why is None:
            decisions[k] = PairDecision(d.i, d.j, d.score, True, (
                *d.reasons[:-1], "the one identified work under this generic title and year, "
                "nothing contradicts"))


def _year_gap(a: _WorkView, b: _WorkView) -> float:
    """Years between two works; an unknown year ranks between the same year and the next."""
    ya, yb = _year(a.work), _year(b.work)
    return 0.5 if ya is None or yb is None else float(abs(ya - yb))


def _merged(works: list[Work], pid: str) -> Paper:
    titles = Counter(w.title for w in works)
    title = max(titles, key=lambda t: (titles[t], "..." not in t and "…" not in t, len(t), t))
    abstracts = [w.abstract for w in works if w.abstract]
    authored = max(works, key=lambda w: (w.authors_complete, len(w.authors), w.id))
    dated = [w.published for w in works if w.published is not None]
    published: PublishedDate | None = (
        min(dated, key=lambda p: (_PRECISION_RANK[p.precision], p.year_inferred, p.date))
        if dated else None
    )
    years = [y for w in works if (y := _year(w)) is not None]
    links: list[str] = []
    for w in sorted(works, key=lambda w: w.id):
        links.extend(link for link in w.links if link not in links)
    return Paper(
        id=pid,
        title=title,
        abstract=max(abstracts, key=lambda s: (len(s), s)) if abstracts else None,
        authors=list(authored.authors),
        published=published,
        year=published.date.year if published and not published.year_inferred else (
            Counter(years).most_common(1)[0][0] if years else None
        ),
        identifiers=Identifiers(**{
            kind: min(values) for kind in _SHARED_ID_KINDS
            if (values := {v for w in works if (v := getattr(w.identifiers, kind))})
        }),
        links=links,
        sources=sorted({w.source for w in works}),
        members=sorted(w.id for w in works),
    )


def resolve_works(
    works: Sequence[Work],
    config: ResolverConfig,
    *,
    must_link: Sequence[tuple[str, str]] = (),
    cannot_link: Sequence[tuple[str, str]] = (),
    block_sizes: Mapping[str, int] | None = None,
) -> PaperResolution:
    """Group work records into papers.

    Args:
        works: the work records; duplicates by id are read once.
        config: thresholds.
        must_link: pairs of work record ids a curator joined; they win over every rule.
        cannot_link: pairs of work record ids a curator separated.
        block_sizes: the size of each title block in the whole corpus, when ``works`` is
            only the part of it an incremental run re-resolves.

    Returns:
        The papers (sorted by id), the work-to-paper map and the decisions for ``explain``.
    """
    unique: dict[str, Work] = {}
    for w in works:
        unique.setdefault(w.id, w)
    ordered = [unique[k] for k in sorted(unique)]
    views = [_view_of(w, config) for w in ordered]
    index = {w.id: i for i, w in enumerate(ordered)}
    cannot = {
        (min(index[a], index[b]), max(index[a], index[b]))
        for a, b in cannot_link if a in index and b in index
    }
    uf = UnionFind(len(views))
    cons = _Constraints(views, cannot)

    def join(a: int, b: int, *, force: bool = False, by_id: bool = False) -> str | None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return None
        why = cons.conflict(uf, ra, rb, config, by_id=by_id)
        if why is not None and not force:
            return why
        cons.merge(ra, rb, uf.union(ra, rb))
        return None

    for a, b in must_link:
        if a in index and b in index:
            join(index[a], index[b], force=True)
    decisions: list[PairDecision] = []
    groups: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(views):
        for key in v.ids:
            groups[key].append(i)
    for key in sorted(groups, key=lambda k: (_SHARED_ID_KINDS.index(k.partition(":")[0]), k)):
        members = groups[key]
        kind, _, value = key.partition(":")
        for other in members[1:]:
            if uf.find(members[0]) == uf.find(other):
                continue
            why = join(members[0], other, by_id=True)
            decisions.append(PairDecision(
                members[0], other, 1.0, why is None,
                (f"same {kind} {value}",) + ((f"kept apart: {why}",) if why else ()),
            ))
    scored = [compare(views[i], views[j], i, j, config=config)
              for i, j in sorted(_candidates(views, config, block_sizes))]
    # best-first: the most similar titles, then agreeing authors and abstracts, then the
    # closest years (a copy with no DOI joins its own year's edition before a later one)
    scored.sort(key=lambda d: (-d.score, -d.corroborated,
                               _year_gap(views[d.i], views[d.j]) if d.merge else 0.0, d.i, d.j))
    for d in scored:
        if d.merge:
            why = join(d.i, d.j)
            if why is not None:
                decisions.append(PairDecision(d.i, d.j, d.score, False,
                                              (*d.reasons, f"kept apart: {why}")))
                continue
        decisions.append(d)
    if config.lone_edition_merge:
        _join_lone_editions(views, decisions=decisions, cons=cons, uf=uf, join=join,
                            config=config)

    papers: list[Paper] = []
    work_to_paper: dict[str, str] = {}
    by_paper: dict[str, list[PairDecision]] = defaultdict(list)
    root_to_paper: dict[int, str] = {}
    for root in uf.roots():
        group = [ordered[i] for i in uf.members(root)]
        pid = entity_id("paper", anchor_of(w.id for w in group))
        root_to_paper[root] = pid
        papers.append(_merged(group, pid))
        for w in group:
            work_to_paper[w.id] = pid
    for d in decisions:
        pa, pb = root_to_paper[uf.find(d.i)], root_to_paper[uf.find(d.j)]
        by_paper[pa].append(d)
        if pb != pa:
            by_paper[pb].append(d)
    papers.sort(key=lambda p: p.id)
    return PaperResolution(papers, work_to_paper, dict(by_paper), ordered, config)
