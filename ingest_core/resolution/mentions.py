"""Person mentions as columns: what person resolution reads, built from records or generated.

A mention is a profile's subject or one author position of a work. Keeping them as
parallel lists (not one object each) lets resolution run over millions of them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ingest_core._names import PARTICLES, split_name
from ingest_core._text import fold
from ingest_core.resolution._ids import member_key
from ingest_core.schemas import PersonIdentifiers, Profile, Work

_PUNCT = re.compile(r"[^\w\s]+")


_LONE_INITIAL = re.compile(r"^[^\W\d_]\.?$")


def _initials_out_of_family(given: str | None, family: str | None
                            ) -> tuple[str | None, str | None]:
    """A middle initial deposited as part of the family name (Crossref: given "Andres",
    family "M. Bran") moves to the given name, so the family name blocks as the person's."""
    if not family or " " not in family:
        return given, family
    tokens = family.split()
    moved = 0
    while moved < len(tokens) - 1 and _LONE_INITIAL.match(tokens[moved]):
        moved += 1
    if not moved:
        return given, family
    given = " ".join([*(given.split() if given else []), *tokens[:moved]])
    return given, " ".join(tokens[moved:])


def person_ids(ids: PersonIdentifiers) -> tuple[str, ...]:
    """A person's source ids as tagged keys, e.g. ``("dblp:95/7448-1", "openalex:A50…")``."""
    return tuple(f"{kind}:{value}" for kind, value in
                 (("dblp", ids.dblp), ("openalex", ids.openalex), ("s2", ids.s2)) if value)


def family_key(family: str | None) -> str:
    """Folded family name, particles and punctuation dropped: "van der Berg" gives "berg"."""
    tokens = _PUNCT.sub(" ", fold(family or "")).split()
    kept = [t for t in tokens if t not in PARTICLES] or tokens
    return "".join(kept)


def given_key(given: str | None) -> str:
    """Folded given names, one space between: "Jean-Pierre" gives "jean pierre", "J.-P." "j p"."""
    return " ".join(_PUNCT.sub(" ", fold(given or "")).split())


_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ong|iao|ian|ing|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu"
    r"|in|ua|uo|ui|un|ue|a|o|e|i|u|v)){1,2}"
)
"""One or two Pinyin syllables: a romanized Chinese name part ("wei", "zhang", "xiaoming")."""


@lru_cache(maxsize=1 << 16)
def order_ambiguous(fam: str, giv: str) -> bool:
    """Whether a two-part name may be printed family-first: both parts read as romanized
    Chinese name parts ("Wang Wei" / "Wei Wang"). Other names are not swapped, which keeps
    block groups small (each swapped reading ties two blocks into one group)."""
    return (bool(giv) and " " not in giv and len(giv) > 1 and len(fam) > 1
            and _PINYIN.fullmatch(fam) is not None and _PINYIN.fullmatch(giv) is not None)


_STOP = frozenset({
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on",
    "or", "over", "the", "their", "this", "to", "under", "using", "via", "with", "without",
    "based", "toward", "towards", "new", "study", "analysis", "approach", "method", "methods",
})
_WORD = re.compile(r"[^\W_]{2,}")


@lru_cache(maxsize=1 << 18)
def terms(text: str) -> tuple[str, ...]:
    """Folded content words of a title, venue or affiliation, stop words and numbers left
    out and a plural ``s`` dropped: what term overlap between two mentions compares."""
    out = []
    for word in _WORD.findall(fold(text)):
        if word in _STOP or word.isdigit():
            continue
        stem = word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") \
            else word
        out.append(sys.intern(stem))
    return tuple(out)


def coauthor_name(name: str, given: str | None, family: str | None) -> str:
    """A coauthor as compared: folded family key, a space, folded given names ("shi f",
    "shi fanhuai"); features compare these as names, initials fitting full given names. A
    two-part name that may be printed in either order is kept order-free ("~wang wei")."""
    if family is None and given is None:
        parts = split_name(name)
        given, family = parts.given, parts.family
    fam, giv = family_key(family), given_key(given)
    if order_ambiguous(fam, giv):  # "Wang Wei" and "Wei Wang" are one coauthor
        return sys.intern("~" + " ".join(sorted((fam, giv))))
    return sys.intern(f"{fam} {giv}".strip())


def coauthor_keys(name: str, given: str | None, family: str | None) -> list[str]:
    """The block keys of a coauthor: family key and first initial (what the store indexes)."""
    fam, _, giv = coauthor_name(name, given, family).partition(" ")
    return [f"{fam} {giv[:1]}".strip()]


Years = tuple[int, int]
"""The first and last year a mention's works appeared."""


@dataclass
class Mentions:
    """Parallel columns, one row per mention."""

    key: list[str] = field(default_factory=list)
    record_id: list[str] = field(default_factory=list)
    position: list[int | None] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    given: list[str | None] = field(default_factory=list)
    family: list[str | None] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    url: list[str | None] = field(default_factory=list)
    fam: list[str] = field(default_factory=list)
    giv: list[str] = field(default_factory=list)
    papers: list[frozenset[str]] = field(default_factory=list)
    coauthors: list[frozenset[str]] = field(default_factory=list)
    """Coauthors as ``coauthor_name`` gives them (the mention's own name left out)."""
    profile_of: list[int | None] = field(default_factory=list)
    """For an author position of a work listed on a profile page: that profile's row."""
    metrics: list[tuple[int | None, int | None] | None] = field(default_factory=list)
    """A profile's own (h-index, works count), when its page shows either."""
    venue: list[tuple[str, ...]] = field(default_factory=list)
    """Venue terms, with the whole folded venue as one more term, and the topics."""
    text: list[tuple[str, ...]] = field(default_factory=list)
    """Title and keyword terms."""
    affiliation: list[tuple[str, ...]] = field(default_factory=list)
    years: list[Years | None] = field(default_factory=list)
    orcid: list[str | None] = field(default_factory=list)
    ids: list[tuple[str, ...]] = field(default_factory=list)
    """Author ids at sources that keep author records: ``openalex:A…``, ``s2:…``,
    ``dblp:…``. A shared one is decisive; two dblp ids never join (dblp splits homonyms)."""
    _at: dict[tuple[str, int], int] = field(default_factory=dict, repr=False)
    _at_rows: int = field(default=-1, repr=False)

    def __len__(self) -> int:
        return len(self.key)

    def add(
        self,
        *,
        record_id: str,
        position: int | None,
        name: str,
        given: str | None,
        family: str | None,
        source: str,
        url: str | None = None,
        papers: frozenset[str] = frozenset(),
        coauthors: frozenset[str] = frozenset(),
        profile_of: int | None = None,
        metrics: tuple[int | None, int | None] | None = None,
        venue: tuple[str, ...] = (),
        text: tuple[str, ...] = (),
        affiliation: tuple[str, ...] = (),
        years: Years | None = None,
        orcid: str | None = None,
        ids: tuple[str, ...] = (),
    ) -> int:
        """Append one mention; returns its row."""
        if family is None and given is None:
            parts = split_name(name)
            given, family = parts.given, parts.family
        given, family = _initials_out_of_family(given, family)
        self.key.append(member_key(record_id, position))
        self.record_id.append(record_id)
        self.position.append(position)
        self.name.append(name)
        self.given.append(given)
        self.family.append(family)
        self.source.append(source)
        self.url.append(url)
        self.fam.append(sys.intern(family_key(family)))
        self.giv.append(sys.intern(given_key(given)))
        self.papers.append(papers)
        self.coauthors.append(coauthors)
        self.profile_of.append(profile_of)
        self.metrics.append(metrics)
        self.venue.append(venue)
        self.text.append(text)
        self.affiliation.append(affiliation)
        self.years.append(years)
        self.orcid.append(orcid)
        self.ids.append(ids)
        return len(self.key) - 1

    def is_profile(self, row: int) -> bool:
        return self.position[row] is None

    def row_at(self, record_id: str, position: int) -> int | None:
        """The row of one author position of one record, if it is a mention."""
        if self._at_rows != len(self.key):
            self._at_rows = len(self.key)
            self._at = {(rid, pos): r for r, (rid, pos) in
                        enumerate(zip(self.record_id, self.position, strict=True))
                        if pos is not None}
        return self._at.get((record_id, position))


def venue_terms(venue: str | None, topics: frozenset[str]) -> tuple[str, ...]:
    """A venue's words, the whole venue as one term ("v:icml"), and the topic categories."""
    out: list[str] = []
    if venue:
        out.extend(terms(venue))
        whole = " ".join(_WORD.findall(fold(venue)))
        if whole:
            out.append(sys.intern("v:" + whole))
    out.extend(sys.intern("t:" + fold(t)) for t in sorted(topics))
    return tuple(out)


def _work_text(w: Work) -> tuple[str, ...]:
    found = terms(w.title)
    for k in w.keywords:
        found += terms(k)
    return found


def _span(years: list[int]) -> Years | None:
    return (min(years), max(years)) if years else None


def mentions_from_records(
    works: Sequence[Work], profiles: Sequence[Profile], work_to_paper: Mapping[str, str]
) -> Mentions:
    """Profile subjects and author positions, with the evidence each carries: papers,
    coauthors, venues, title terms, affiliations, years, ORCID iDs.

    Args:
        works: work records (unique ids).
        profiles: profile records (unique ids).
        work_to_paper: the paper each work resolved to.

    Returns:
        The mentions, profiles first then author positions, both in record-id order.
    """
    table = Mentions()
    by_id = {w.id: w for w in works}
    profile_rows: dict[str, int] = {}
    for p in sorted(profiles, key=lambda p: p.id):
        own = family_key(p.family if p.family or p.given else split_name(p.name).family)
        own_name = coauthor_name(p.name, p.given, p.family)
        listed = [by_id[w] for w in p.work_ids if w in by_id]
        coauthors = {
            c for w in listed for a in w.authors
            if (c := coauthor_name(a.name, a.given, a.family)) != own_name
            and not c.startswith(own + " ")
        }
        topics = frozenset(w.category for w in listed if w.category)
        venues: list[str] = []
        text_terms: list[str] = []
        for w in listed:
            venues.extend(venue_terms(w.venue, frozenset()))
            text_terms.extend(_work_text(w))
        venues.extend(venue_terms(None, topics))
        profile_rows[p.id] = table.add(
            record_id=p.id, position=None, name=p.name, given=p.given, family=p.family,
            source=p.source, url=p.provenance.url,
            papers=frozenset(work_to_paper[w.id] for w in listed if w.id in work_to_paper),
            coauthors=frozenset(coauthors),
            metrics=(p.metrics.h_index, p.metrics.works_count)
            if p.metrics.h_index is not None or p.metrics.works_count is not None else None,
            venue=tuple(venues), text=tuple(text_terms),
            affiliation=terms(p.affiliation) if p.affiliation else (),
            years=_span([w.year for w in listed if w.year]),
            orcid=p.orcid, ids=person_ids(p.identifiers),
        )
    owner: dict[str, int] = {}
    for p in sorted(profiles, key=lambda p: p.id):  # the same owner however records come
        for wid in p.work_ids:
            owner.setdefault(wid, profile_rows[p.id])
    for w in sorted(works, key=lambda w: w.id):
        names = [coauthor_name(a.name, a.given, a.family) for a in w.authors]
        paper = frozenset({work_to_paper[w.id]}) if w.id in work_to_paper else frozenset()
        topics = frozenset({w.category}) if w.category else frozenset()
        venue = venue_terms(w.venue, topics)
        text = _work_text(w)
        year = w.year or (w.published.date.year if w.published else None)
        years = (year, year) if year else None
        for pos, author in enumerate(w.authors):
            if not author.name.strip():
                continue
            affiliation: tuple[str, ...] = ()
            for a in author.affiliations:
                affiliation += terms(a)
            table.add(
                record_id=w.id, position=pos, name=author.name, given=author.given,
                family=author.family, source=w.source, url=None, papers=paper,
                coauthors=frozenset(c for i, c in enumerate(names)
                                    if i != pos and c != names[pos]),
                profile_of=owner.get(w.id), venue=venue, text=text,
                affiliation=affiliation, years=years, orcid=author.orcid,
                ids=person_ids(author.identifiers),
            )
    return table
