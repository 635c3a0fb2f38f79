"""Every threshold of work and person resolution, in one object with documented defaults.

The defaults were set from the page grammars and the cases in ``fixtures/identity/``;
the public benchmarks in ``benchmarks/resolve_quality.py`` only measure them.
A config file (``--config FILE``) is a JSON object of the fields to override.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest_core.errors import ResolutionError


class ResolverConfig(BaseModel):
    """Thresholds and weights for resolving works into papers and mentions into persons."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- papers ---
    title_min: float = Field(
        0.90, description="rapidfuzz title similarity (0..1) two works need to be candidates."
    )
    title_contained_min: float = Field(
        0.95,
        description="Partial similarity (the shorter title against its best-aligned stretch "
        "of the longer) at which one title counts as containing the other: a subtitle or a "
        "note dropped, not words picked from all over; such pairs then need authors or "
        "abstracts in agreement.",
    )
    title_same_min: float = Field(
        0.95,
        description="Title similarity at which two titles count as the same title cut or "
        "misspelt (a PDF extraction drops the last word), for the distinctive-title rule.",
    )
    distinctive_title_tokens: int = Field(
        5,
        description="A title with at least this many significant tokens, the same on both "
        "works, not generic, with both years known and compatible, is evidence enough even "
        "when the author lists share no one (a book review's reviewer against the reviewed "
        "book's author, names a PDF extraction picked up from the text).",
    )
    bare_copy_year_weak: bool = Field(
        True,
        description="A work with no venue and no DOI or arXiv id (a bare PDF copy) is often "
        "dated when it was found, not published: its year does not contradict a work with "
        "the same specific title and agreeing authors.",
    )
    lone_edition_merge: bool = Field(
        True,
        description="A work with no DOI or arXiv id under a generic title joins the one "
        "identified work with that title in compatible years when nothing contradicts (a "
        "PDF copy of a journal's 'Preface'), the closest year first; two identified "
        "candidates as close leave it alone, and a copy with no year joins only the one "
        "identified work under its title. This bets the corpus holds the edition it "
        "copies: turn it off for a corpus of unrelated scraps.",
    )
    notice_title_words: frozenset[str] = Field(
        frozenset({"addendum", "erratum", "errata", "corrigendum", "corrigenda", "retraction",
                   "comments", "reply", "rejoinder"}),
        description="A title opening with one of these is a notice about a paper (an "
        "addendum, a reply); it is never the paper it names, however close the titles. "
        "Words that also open research titles ('Response of ...', 'Correction of ...') "
        "are left out.",
    )
    generic_title_tokens: int = Field(
        3,
        description="A title with this many significant tokens or fewer is generic "
        "('Preface', 'Introduction'): title agreement alone never merges it.",
    )
    generic_title_words: frozenset[str] = Field(
        frozenset({"survey", "review", "overview", "introduction", "preface", "editorial",
                   "foreword", "tutorial", "erratum", "corrigendum", "comments", "reply",
                   "letter", "editor", "index", "contents", "abstracts", "proceedings", "column",
                   "message"}),
        description="Words that say what kind of text it is, not what it is about; they do "
        "not count as significant tokens ('A Survey of X' is as generic as 'X').",
    )
    abstract_agree: float = Field(
        0.85,
        description="Abstract similarity (rapidfuzz ratio, 0..1) two abstracts need to agree; "
        "below it, two works that both have one are different papers.",
    )
    abstract_min_chars: int = Field(
        100, description="Abstracts shorter than this are not compared (too little to judge)."
    )
    author_overlap_min: float = Field(
        0.5, description="Share of the shorter author list found in the other to corroborate."
    )
    max_year_gap: int = Field(
        1, description="Years further apart than this are incompatible (preprint vs. print)."
    )
    authors_outweigh_year: int = Field(
        2,
        description="With this many authors in agreement, years too far apart are taken for "
        "a data error (a reprint, an indexing year) rather than proof of two papers.",
    )
    title_block_max: int = Field(
        400, description="Title blocks larger than this are compared on exact title keys only."
    )
    same_page_distinct: bool = Field(
        True, description="Two entries of one page are two different works."
    )

    # --- persons ---
    given_min: float = Field(
        0.85, description="Given-name similarity (0..1) for two full given names to be compatible."
    )
    initials_penalty: float = Field(
        0.9, description="Name agreement when the names agree only through initials."
    )
    block_max: int = Field(
        1000,
        description="A name block larger than this is split by the first letters of the given "
        "name; initials-only mentions are still compared with every part.",
    )
    split_prefix: int = Field(3, description="Given-name letters used to split a large block.")
    dense_pairs_max: int = Field(
        50_000,
        description="A (sub)block with at most this many pairs has every pair scored; a larger "
        "one only the pairs that share a coauthor, paper, profile, ORCID iD, venue, title or "
        "affiliation term held by at most candidate_df_max of its mentions.",
    )
    candidate_df_max: int = Field(
        300,
        description="In a large block, a term shared by more mentions than this finds no "
        "candidate pairs (it still counts as evidence between pairs found otherwise).",
    )
    person_model: str | None = Field(
        None,
        description="Path of a person model (JSON, from benchmarks/train_person_model.py); "
        "None uses the one shipped with the package.",
    )
    link_threshold: float | None = Field(
        None,
        description="Average pair probability two clusters need to merge; None uses the cut "
        "validated with the model.",
    )
    second_round_max: int = Field(
        400,
        description="After linkage on mention pairs, a block group with at most this many "
        "clusters compares them again as wholes (all members' evidence together), which "
        "joins a prolific person's papers that share little pairwise; 0 turns it off.",
    )
    second_rounds: int = Field(
        3, description="Rounds of comparing clusters as wholes at most (until none merge)."
    )
    second_round_threshold: float | None = Field(
        None,
        description="Probability two clusters compared as wholes need to merge; None uses "
        "the cut validated with the model.",
    )
    weight_profile_metrics: float = Field(
        0.5,
        description="Log-odds added when two profiles on different sites report compatible "
        "metrics (h-index, works count), and taken away when they contradict each other; "
        "counted only beside other evidence (metrics alone never merge).",
    )
    metrics_tolerance: float = Field(
        0.25,
        description="Relative difference (of the larger value) within which two sites' "
        "h-indexes or works counts agree; sites index different subsets of one's works.",
    )
    explain_candidates: int = Field(3, description="Nearest kept-out candidates kept per entity.")

    @classmethod
    def from_file(cls, path: str | Path) -> ResolverConfig:
        """Load overrides from a JSON file.

        Raises:
            ResolutionError: the file cannot be read or names unknown or invalid fields.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls.model_validate(data)
        except (OSError, ValueError, ValidationError) as exc:
            raise ResolutionError(f"bad resolver config: {exc}", input=str(path)) from exc
