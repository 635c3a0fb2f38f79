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
        description="Token-set similarity at which one title counts as containing the other "
        "(a subtitle dropped); such pairs then need authors or abstracts in agreement.",
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
    block_max: int = Field(
        1000,
        description="A name block larger than this is split by the first letters of the given "
        "name; initials-only mentions are still compared with every part.",
    )
    split_prefix: int = Field(3, description="Given-name letters used to split a large block.")
    feature_df_max: int = Field(
        20,
        description="A coauthor or topic shared by more mentions of one block than this is too "
        "common to be evidence.",
    )
    weight_same_profile: float = Field(
        5.0, description="Evidence of one profile page: same URL, or a work listed on it."
    )
    weight_shared_paper: float = Field(3.0, description="Evidence per shared resolved paper.")
    weight_shared_coauthor: float = Field(1.0, description="Evidence per shared coauthor.")
    weight_shared_topic: float = Field(0.3, description="Evidence for fully shared topics.")
    weight_profile_metrics: float = Field(
        0.5,
        description="Evidence added when two profiles on different sites report compatible "
        "metrics (h-index, works count), and taken away when they contradict each other; "
        "counted only beside other evidence (metrics alone never merge).",
    )
    metrics_tolerance: float = Field(
        0.25,
        description="Relative difference (of the larger value) within which two sites' "
        "h-indexes or works counts agree; sites index different subsets of one's works.",
    )
    coauthor_common_from: int = Field(
        10,
        description="A shared coauthor whose name key more mentions than this carry weighs "
        "less (by commonness_weight per factor of ten): a common coauthor name is weak evidence.",
    )
    max_shared_papers: int = Field(2, description="Shared papers counted at most.")
    max_shared_coauthors: int = Field(3, description="Shared coauthors counted at most.")
    evidence_required: float = Field(
        1.0, description="Evidence a pair of rare names needs for a merge score of 1 - 1/e."
    )
    commonness_weight: float = Field(
        0.5,
        description="Extra evidence required per factor of ten mentions sharing the name key: "
        "a common name needs more evidence.",
    )
    initials_penalty: float = Field(
        0.9, description="Name score when the names agree only through initials."
    )
    merge_threshold: float = Field(
        0.5, description="Average-linkage score two clusters need to merge."
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
