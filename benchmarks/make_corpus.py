"""Write a synthetic corpus of N pages, in the five page formats, for backfill benchmarks.

Usage::

    python benchmarks/make_corpus.py N --out DIR [--seed S] [--warc FILE]

Pages follow the grammar of the bundled fixtures (BZPEER and aggregator profiles, Hugging
Face daily listings, search results and paper pages), as plain text and as HTML: served
Hugging Face pages carry their data in ``SVELTE_HYDRATER`` ``data-props`` JSON (``&quot;``
escaped), and the text formats also come as HTML whose block elements are the text's lines.
Titles, abstracts and names (diacritics, particles, initials) come from word lists, so no
network is needed. About 1% of pages are malformed on purpose (truncated, binary garbage,
empty, a format no parser knows, a broken entry).

Output is a function of ``(N, seed)`` only: the same seed gives byte-identical files (and
WARC), written one page at a time, so a million pages need no more memory than ten.
Files are sharded 1,000 to a folder (``DIR/000/0000042.hf_daily.txt``); each file's mtime is
the page's retrieval time, the same instant as its WARC-Date, so both inputs read alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import random
import sys
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMATS: tuple[tuple[str, int], ...] = (
    ("bzpeer_text", 12),
    ("bzpeer_html", 8),
    ("aggregator_text", 12),
    ("aggregator_html", 8),
    ("hf_daily_text", 12),
    ("hf_daily_html", 14),
    ("hf_search_text", 10),
    ("hf_search_html", 6),
    ("hf_paper_html", 18),
)
"""Format keys and their weights; the parser a format is meant for is the key's prefix."""

PARSER_OF = {
    "bzpeer": "bzpeer_profile",
    "aggregator": "aggregator_profile",
    "hf_daily": "hf_daily",
    "hf_search": "hf_search",
    "hf_paper": "hf_paper",
}

MALFORMED_KINDS = ("truncated", "binary", "empty", "unknown_format", "broken_entry")
MALFORMED_EVERY = 100
"""One page in each block of this many is malformed (its place in the block is random)."""

SHARD = 1000
NAMESPACE = uuid.UUID("6f1c0a52-3b7e-4c1e-9d59-0c8e4f7a2b11")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --- word lists ----------------------------------------------------------------------------

GIVEN = (
    "Babak", "Shahin", "Naveed", "Ghulam", "Zijian", "Xiangyan", "Hui", "María", "José",
    "François", "Zoë", "Søren", "Łukasz", "Ömer", "Jürgen", "Anaïs", "Chloé", "Dário",
    "Nguyễn", "Thảo", "Wei", "Yuki", "Hiroshi", "Priya", "Aditya", "Olúwaseun", "Chidi",
    "Fatima", "Ahmed", "Mehmet", "Ingrid", "Björn", "Aleksandra", "Dmitri", "Elena", "Lucía",
    "Pedro", "Renée", "Mateo", "Sofía", "Kamal", "Ana", "Tomasz", "Zsófia", "Jiří", "Ewa",
    "Liam", "Grace", "Noah", "Amara", "Kwame", "Leila", "Arjun", "Mei", "Jun", "Seo-yeon",
    "Min-jun", "Ngozi", "Rafael", "Inês", "Åsa", "Øystein", "Mihaela", "Radu", "Yasmin",
)
FAMILY = (
    "Salimi", "Hakemi", "Akhtar", "Hassan", "Wu", "Liu", "Zhang", "Li", "García", "Müller",
    "Ødegaard", "Kowalski", "Çelik", "Nguyễn", "Tanaka", "Sato", "Patel", "Sharma", "Okafor",
    "Adeyemi", "Haddad", "Yılmaz", "Johansson", "Novák", "Dvořák", "Petrović", "Ivanov",
    "Fernández", "López", "Dubois", "Lefèvre", "Moreau", "Rossi", "Bianchi", "Schröder",
    "Wójcik", "Nagy", "Kovačević", "Park", "Kim", "Chen", "Wang", "Singh", "Mensah", "Silva",
    "Pereira", "Costa", "Ahmadi", "Hosseini", "Karimi", "O'Brien", "McAllister", "Smith-Jones",
    "Abdul-Rahman", "Lindqvist", "Virtanen", "Horváth", "Ionescu", "Popescu", "Eriksen",
)
PARTICLES = ("van", "van der", "de", "de la", "von", "da", "dos", "di", "bin", "al-", "ten", "du")
AFFIXES = ("Jr.", "III", "II")

ADJ = (
    "Robust", "Scalable", "Efficient", "Causal", "Interpretable", "Self-Supervised", "Sparse",
    "Hierarchical", "Adaptive", "Contrastive", "Federated", "Multimodal", "Probabilistic",
    "Generative", "Differentiable", "Unified", "Lightweight", "Fair", "Compositional",
    "Energy-Based", "Bayesian", "Equivariant", "Long-Context", "Zero-Shot", "Few-Shot",
)
NOUN = (
    "Representation Learning", "Diffusion Models", "Language Models", "Graph Neural Networks",
    "Vision Transformers", "Reinforcement Learning", "Data Selection", "Model Editing",
    "Counterfactual Explanations", "Instruction Tuning", "Retrieval", "Speech Recognition",
    "Time Series Forecasting", "Object Detection", "Program Synthesis", "Reward Modeling",
    "Knowledge Distillation", "Causal Inference", "Anomaly Detection", "Optimal Transport",
    "Mixture of Experts", "State Space Models", "Neural Rendering", "Tabular Learning",
)
TASK = (
    "Medical Imaging", "Code Generation", "Low-Resource Languages", "Robotic Manipulation",
    "Autonomous Driving", "Drug Discovery", "Fairness Debugging", "Question Answering",
    "Document Understanding", "Weather Prediction", "Molecular Design", "Video Generation",
    "Mathematical Reasoning", "Recommendation", "Protein Folding", "Dialogue Systems",
)
METHOD = (
    "Loss-Adaptive Learning Rates", "Spectral Regularization", "Latent Interventions",
    "Test-Time Adaptation", "Prompt Ensembles", "Curriculum Sampling", "Low-Rank Updates",
    "Influence Functions", "Shapley Values", "Variational Inference", "Token Pruning",
    "Preference Optimization", "Synthetic Data", "Gradient Surgery", "Memory Replay",
)
SUBJECT = (
    "large language models", "diffusion models", "graph neural networks", "vision transformers",
    "reinforcement learning agents", "speech recognizers", "multimodal models",
    "recommender systems", "tabular classifiers", "protein language models", "world models",
)
PROBLEM = (
    "catastrophic forgetting", "spurious correlations", "distribution shift", "label noise",
    "reward hacking", "hallucination", "poor calibration", "privacy leakage", "bias amplification",
    "slow inference", "data scarcity", "adversarial perturbations", "memorization",
)
VERB = (
    "reduces", "mitigates", "controls", "bounds", "removes", "explains", "detects", "prevents",
)
BENCH = (
    "ImageNet", "GLUE", "MMLU", "TruthfulQA", "HaluEval", "COCO", "LibriSpeech", "OGB",
    "HumanEval", "GSM8K", "CIFAR-100", "WMT", "BEIR", "Atari", "MuJoCo",
)
ACRONYM_LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXZ"
WORK_TYPES = ("preprint", "article")
VENUES = ("arXiv", "arXiv", "arXiv", "bioRxiv", "medRxiv", "SSRN")
CATEGORIES = ("CV", "LG", "CL", "AI", "RO", "CR", "IR", "NE", "HC", "SD", "MA", "DB")
TRUST = (("Emerging", 5, 30), ("Established", 31, 60), ("Strong", 61, 85), ("Exceptional", 86, 99))
QUERIES = (
    "debiasing", "causal inference", "instruction tuning", "diffusion", "model editing",
    "fairness", "retrieval augmented generation", "graph learning", "speech", "robotics",
)
UNKNOWN_LINES = (
    "Preheat the oven to 180 degrees and butter a round tin.",
    "Whisk the eggs with the sugar until pale, then fold in the flour.",
    "Bake for 35 minutes, or until a skewer comes out clean.",
    "Serves eight. Keeps for three days in an airtight box.",
    "Weather for the week ahead: showers on Tuesday, sunny spells later.",
    "Opening hours: Monday to Friday 9:00 to 17:30, closed on public holidays.",
)


# --- the page model ------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusPage:
    """One generated page: where it goes, what it is, and its bytes."""

    index: int
    name: str
    fmt: str
    url: str
    retrieved_at: dt.datetime
    content: bytes
    malformed: str | None = None

    @property
    def parser(self) -> str:
        """The parser this page's format is meant for."""
        return next(p for prefix, p in PARSER_OF.items() if self.fmt.startswith(prefix))

    @property
    def content_type(self) -> str:
        kind = "html" if self.name.endswith(".html") else "plain"
        return f"text/{kind}; charset=utf-8"


@dataclass
class Work:
    title: str
    abstract: str
    authors: list[str]
    published: dt.date
    arxiv: str
    upvotes: int
    category: str
    work_type: str
    venue: str


# --- generators of words -------------------------------------------------------------------


def person(rng: random.Random) -> str:
    """A person's name: given + family, sometimes with initials, a particle or a suffix."""
    roll = rng.random()
    given = rng.choice(GIVEN)
    family = rng.choice(FAMILY)
    if roll < 0.12:
        given = f"{given[0]}."
    elif roll < 0.20:
        given = f"{given} {rng.choice(ACRONYM_LETTERS)}."
    elif roll < 0.25:
        given = f"{rng.choice(ACRONYM_LETTERS)}. {rng.choice(ACRONYM_LETTERS)}. {given}"
    if rng.random() < 0.15:
        particle = rng.choice(PARTICLES)
        family = f"{particle}{family}" if particle.endswith("-") else f"{particle} {family}"
    name = f"{given} {family}"
    if rng.random() < 0.03:
        name = f"{name} {rng.choice(AFFIXES)}"
    return name


def title(rng: random.Random) -> str:
    shape = rng.randrange(5)
    if shape == 0:
        acro = "".join(rng.choice(ACRONYM_LETTERS) for _ in range(rng.randint(3, 6)))
        return f"{acro}: {rng.choice(ADJ)} {rng.choice(NOUN)} for {rng.choice(TASK)}"
    if shape == 1:
        return f"{rng.choice(ADJ)} {rng.choice(NOUN)} via {rng.choice(METHOD)}"
    if shape == 2:
        return f"On the {rng.choice(PROBLEM).title()} of {rng.choice(ADJ)} {rng.choice(NOUN)}"
    if shape == 3:
        return f"{rng.choice(NOUN)} Without {rng.choice(PROBLEM).title()}: {rng.choice(METHOD)}"
    return f"Towards {rng.choice(ADJ)} {rng.choice(TASK)} with {rng.choice(NOUN)}"


def abstract(rng: random.Random, target: int) -> str:
    """Sentences of a typical abstract until about ``target`` characters."""
    subj, prob = rng.choice(SUBJECT), rng.choice(PROBLEM)
    method = rng.choice(METHOD).lower()
    sentences = [
        f"Recent {subj} achieve strong results, yet they suffer from {prob}.",
        f"Existing approaches address {prob} with heuristics that do not scale.",
    ]
    pool = (
        lambda: f"We propose a method based on {method} that {rng.choice(VERB)} {prob} "
        f"without additional supervision.",
        lambda: f"Our analysis shows that {rng.choice(PROBLEM)} is bounded by the product of the "
        f"learning rate and the square root of the training loss.",
        lambda: f"Across {rng.randint(3, 12)} benchmarks including {rng.choice(BENCH)} and "
        f"{rng.choice(BENCH)}, it {rng.choice(VERB)} {prob} by {rng.randint(5, 95)}% on average.",
        lambda: f"Experiments on {rng.choice(BENCH)} confirm that {subj} trained this way "
        f"generalize to out-of-distribution data.",
        lambda: f"We further study how {rng.choice(SUBJECT)} interact with {rng.choice(PROBLEM)} "
        f"in low-resource settings.",
        lambda: f"Theoretical results establish convergence in O(n log n) steps under mild "
        f"assumptions ({rng.randint(2, 9)}.{rng.randint(0, 9)}x faster than prior work).",
    )
    while sum(len(s) + 1 for s in sentences) < target:
        sentences.append(rng.choice(pool)())
    if rng.random() < 0.3:
        sentences.append(
            f"Our code is available at https://github.com/{ascii_handle(rng.choice(FAMILY))}-lab/"
            f"{rng.choice(NOUN).split()[0].lower()}-{rng.randint(1, 99)}"
        )
    return " ".join(sentences)


def make_work(rng: random.Random, before: dt.date, abstract_len: int) -> Work:
    published = before - dt.timedelta(days=rng.randint(0, 1500))
    month = published.month
    arxiv = f"{published.year % 100:02d}{month:02d}.{rng.randint(1, 29999):05d}"
    return Work(
        title=title(rng),
        abstract=abstract(rng, abstract_len),
        authors=[person(rng) for _ in range(rng.randint(1, 9))],
        published=published,
        arxiv=arxiv,
        upvotes=rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 40, 118)),
        category=rng.choice(CATEGORIES),
        work_type=rng.choice(WORK_TYPES),
        venue=rng.choice(VENUES),
    )


def long_date(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def short_date(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}"


def ascii_handle(text: str) -> str:
    """A user handle: the name lower-cased with accents and punctuation dropped."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum()) or "lab"


def slug(text: str) -> str:
    return "-".join(ascii_handle(w) for w in text.split())


# --- the formats, as lists of lines (each line a list of glued pieces) ---------------------

Line = list[str]
"""One visible line; its pieces are glued without spaces (``["7", "works"]`` reads ``7works``)."""


def bzpeer_lines(rng: random.Random, today: dt.date, broken: bool) -> tuple[list[Line], str]:
    name = person(rng)
    works = [make_work(rng, today, rng.randint(700, 1100)) for _ in range(rng.randint(2, 4))]
    label, lo, hi = rng.choice(TRUST)
    total = len(works) + rng.randint(0, 12)
    claimed = rng.random() < 0.3
    lines: list[Line] = [
        ["Researcher profile"], [name],
        [f"{name} contributes to research discovery and scholarly infrastructure."],
        ["Researcher", "Affiliation not imported", "Open to collaborate"],
        ["Trust snapshot"], ["Quick read"],
        [f"Trust {rng.randint(lo, hi)} - {label}", f"Verification L{rng.randint(0, 3)}",
         "Claimed author" if claimed else "Unclaimed author"],
        [str(total), "works"], [str(rng.randint(0, 400)), "followers"],
        [str(rng.randint(0, 20)), "topics"], [str(rng.randint(0, 30)), "close collaborators"],
        ["Actions"], ["Decide how to stay connected"], ["Follow researcher", "0"],
        ["Identity and collaboration"], ["How to connect with this researcher"],
        ["Claiming links this public author record to a researcher profile and unlocks direct "
         "collaboration workflows."],
        ["Log in to claim"], ["Direct collaboration"],
        ["Open a focused conversation when the fit is right"],
        ["Claim this author entity first to unlock direct invitations."],
        ["Research graph"], ["See the researcher in context"], ["Open full explorer"],
        ["Inspect adjacent work, topics, institutions and collaborators without jumping out to a "
         "separate graph page."],
        ["Building this graph slice"],
        ["BZPEER is loading the nearby papers, people, topics and institutions for this page."],
        ["Published work"], [f"{len(works)} published item(s)"],
    ]
    bad = rng.randrange(len(works)) if broken else -1
    for i, w in enumerate(works):
        head = [w.work_type, str(w.published.year), w.venue]
        # A broken entry lost its title line: the abstract follows the type/year/venue line.
        lines += [head, [w.abstract]] if i == bad else [head, [w.title], [w.abstract]]
    return lines, f"https://bzpeer.com/researchers/{slug(name)}"


def aggregator_lines(rng: random.Random, today: dt.date, broken: bool) -> tuple[list[Line], str]:
    name = person(rng)
    works = [make_work(rng, today, rng.randint(700, 1200)) for _ in range(rng.randint(2, 4))]
    lines: list[Line] = [
        [name], [f"h-index{rng.randint(1, len(works) if rng.random() < 0.8 else 90)}"],
        [f"{len(works)}papers"],
        [f"{len(works)} Papers"],
    ]
    bad = rng.randrange(len(works)) if broken else -1
    for i, w in enumerate(works):
        authors = [name, *w.authors[: rng.randint(1, 4)]]
        rng.shuffle(authors)
        tail = " et al." if rng.random() < 0.5 else ""
        when = long_date(w.published) if i != bad else f"Feb 30, {w.published.year}"
        lines += [[w.category, when], [w.title], [", ".join(authors) + tail], [w.abstract]]
    return lines, f"https://papers.example.org/author/{slug(name)}"


def _daily_entries(rng: random.Random, page_date: dt.date, most: int = 5) -> list[Work]:
    return [make_work(rng, page_date, rng.randint(650, 1000)) for _ in range(rng.randint(2, most))]


def daily_lines(
    rng: random.Random, page_date: dt.date, works: list[Work], broken: bool
) -> list[Line]:
    lines: list[Line] = [
        ["new"], ["Get trending papers in your email inbox!"], ["Subscribe"], ["Daily Papers"],
        ["by", "AK and the research community"], [short_date(page_date)],
    ]
    bare = rng.randrange(len(works)) if rng.random() < 0.3 else -1
    bad = rng.randrange(len(works)) if broken else -1
    for i, w in enumerate(works):
        lines += [[w.title], [w.abstract]]
        if i == bare and i != bad:
            continue  # an entry with a title and an abstract only, as on the seeds
        recent = (page_date - w.published).days < 200 and w.published <= page_date
        when = short_date(w.published) if recent and rng.random() < 0.5 else long_date(w.published)
        if i == bad:
            when = f"Feb 30, {w.published.year}"  # a date that does not exist
        if w.upvotes:
            when = f"{when} {w.upvotes}"
        lines += [[f"• {len(w.authors)} authors"], ["·"], [when]]
    return lines


def search_lines(rng: random.Random, works: list[Work], broken: bool) -> list[Line]:
    lines: list[Line] = [
        ["Get trending papers in your email inbox once a day!"],
        ["Get trending papers in your email inbox!"],
    ]
    bad = rng.randrange(len(works)) if broken else -1
    for i, w in enumerate(works):
        lines += [["Subscribe", w.title] if i == 0 else [w.title], [w.abstract]]
        if i == bad:
            lines += [["·"], [f"Feb 30, {w.published.year}"]]  # a card meta with a bad date
    return lines


# --- rendering -----------------------------------------------------------------------------


def render_text(lines: list[Line], rng: random.Random, blank_lines: bool = True) -> str:
    """Scraped plain text: pieces glued, lines separated by blank lines (as the seeds)."""
    sep = "\n\n" if blank_lines else "\n"
    out = []
    for pieces in lines:
        text = "".join(pieces)
        if text.startswith("•"):
            text = "  " + text
        out.append(text)
    return sep.join(out) + "\n"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def render_html(lines: list[Line], rng: random.Random, page_title: str,
                before_body: str = "") -> str:
    """An HTML page whose block elements are ``lines``; glued pieces become inline spans."""
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{_esc(page_title)}</title>",
        "<style>.x{color:#333}</style><script>window.__ready=true;</script></head>\n<body>",
        "<nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav>\n<main>",
        before_body,
    ]
    for pieces in lines:
        tag = "h1" if len(out) == 5 else rng.choice(("div", "p", "div"))
        inner = "".join(f"<span>{_esc(p)}</span>" for p in pieces) if len(pieces) > 1 \
            else _esc(pieces[0])
        out.append(f"<{tag} class=\"x\">{inner}</{tag}>\n")
    out.append("</main>\n<footer>© site</footer></body></html>\n")
    return "".join(out)


def _iso(d: dt.date, rng: random.Random) -> str:
    return f"{d.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:" \
           f"{rng.randint(0, 59):02d}.000Z"


def _hex_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(24))


def paper_json(w: Work, rng: random.Random) -> dict[str, Any]:
    """The ``paper`` object of a Hugging Face page, as the site serves it."""
    github = None
    if "github.com/" in w.abstract:
        github = "https://" + w.abstract.rsplit("https://", 1)[1]
    return {
        "id": w.arxiv,
        "authors": [{"_id": _hex_id(rng), "name": a, "hidden": False} for a in w.authors],
        "publishedAt": _iso(w.published, rng),
        "title": w.title,
        "summary": w.abstract,
        "upvotes": w.upvotes,
        "discussionId": _hex_id(rng),
        "githubRepo": github,
        "ai_keywords": [rng.choice(NOUN) for _ in range(3)],
    }


def hydrater(target: str, props: dict[str, Any], inner: str = "") -> str:
    """A SVELTE_HYDRATER div with ``data-props`` double-quoted and ``&quot;``-escaped, as served."""
    data = html.escape(json.dumps(props, ensure_ascii=False, separators=(",", ":")), quote=True)
    return (f"<div class=\"SVELTE_HYDRATER contents\" data-target=\"{target}\" "
            f"data-props=\"{data}\">{inner}</div>\n")


def daily_html(rng: random.Random, page_date: dt.date, works: list[Work], broken: bool) -> str:
    props = {
        "date": page_date.isoformat(),
        "dailyPapers": [
            {"paper": paper_json(w, rng), "title": w.title, "publishedAt": _iso(page_date, rng),
             "numComments": rng.randint(0, 9)}
            for w in works
        ],
    }
    if broken:
        props["dailyPapers"][rng.randrange(len(works))]["paper"]["title"] = ""
    visible = "".join(
        f"<article><h3>{_esc(w.title)}</h3>"
        f"<div><span>· {len(w.authors)} authors</span></div></article>" for w in works
    )
    head = hydrater("MainHeader", {"classNames": "", "isWide": False})
    body = hydrater("DailyPapers", props, f"<h1>Daily Papers</h1>{visible}")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Daily Papers - Hugging "
            f"Face</title></head>\n<body>{head}<main>{body}</main></body></html>\n")


def paper_html(rng: random.Random, w: Work, broken: bool) -> str:
    paper = paper_json(w, rng)
    if broken:
        paper["publishedAt"] = "not a date"
    props = {"paper": paper, "upvoted": False, "dailyPaperRank": rng.randint(1, 30),
             "comments": []}
    authors = ", ".join(f"<span><a href=\"/user\">{_esc(a)}</a></span>" for a in w.authors)
    inner = (f"<section><h1>{_esc(w.title)}</h1><div>Published on "
             f"{long_date(w.published)}</div><div>Authors: {authors}</div>"
             f"<h2>Abstract</h2><p>{_esc(w.abstract)}</p></section>")
    upvote = hydrater("UpvoteControl", {"upvotes": w.upvotes, "isLoggedIn": False})
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>Paper page - {_esc(w.title)}</title>"
            "<script>window.hubConfig={\"features\":[]};</script></head>\n<body>"
            f"{hydrater('MainHeader', {'classNames': '', 'isWide': False})}<main>{upvote}"
            f"{hydrater('PaperContent', props, inner)}</main></body></html>\n")


# --- one page ------------------------------------------------------------------------------


def _retrieved(rng: random.Random) -> dt.datetime:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return start + dt.timedelta(seconds=rng.randrange(0, 900 * 24 * 3600))


def _good_page(fmt: str, rng: random.Random, when: dt.datetime, broken: bool) -> tuple[str, str]:
    today = when.date()
    if fmt.startswith("bzpeer"):
        lines, url = bzpeer_lines(rng, today, broken)
    elif fmt.startswith("aggregator"):
        lines, url = aggregator_lines(rng, today, broken)
    elif fmt.startswith("hf_daily"):
        page_date = today - dt.timedelta(days=rng.randint(0, 3))
        works = _daily_entries(rng, page_date, most=3 if fmt == "hf_daily_html" else 5)
        url = f"https://huggingface.co/papers/date/{page_date.isoformat()}"
        if fmt == "hf_daily_html":
            return daily_html(rng, page_date, works, broken), url
        lines = daily_lines(rng, page_date, works, broken)
    elif fmt.startswith("hf_search"):
        query = rng.choice(QUERIES)
        works = [make_work(rng, today, rng.randint(600, 1000)) for _ in range(rng.randint(4, 6))]
        lines = search_lines(rng, works, broken)
        url = f"https://huggingface.co/papers?q={query.replace(' ', '+')}"
    else:
        w = make_work(rng, today, rng.randint(1200, 2000))
        w.authors += [person(rng) for _ in range(rng.randint(0, 8))]
        return paper_html(rng, w, broken), f"https://huggingface.co/papers/{w.arxiv}"
    if fmt.endswith("_html"):
        return render_html(lines, rng, "".join(lines[0])), url
    return render_text(lines, rng, blank_lines=not fmt.startswith("hf_search")), url


def _unknown_page(rng: random.Random) -> str:
    lines = [rng.choice(UNKNOWN_LINES) for _ in range(rng.randint(8, 30))]
    return "Lemon drizzle cake\n\n" + "\n".join(lines) + "\n"


def make_page(index: int, seed: int, malformed: str | None = None) -> CorpusPage:
    """Page ``index`` of the corpus for ``seed``: a pure function of both (and ``malformed``)."""
    rng = random.Random(f"{seed}:{index}")
    when = _retrieved(rng)
    fmt = rng.choices([f for f, _ in FORMATS], weights=[w for _, w in FORMATS])[0]
    text, url = _good_page(fmt, rng, when, broken=malformed == "broken_entry")
    data = text.encode("utf-8")
    if malformed == "truncated":
        data = data[: rng.randint(len(data) // 5, len(data) // 2)]
        data = data.decode("utf-8", "ignore").encode("utf-8")  # cut at a character boundary
    elif malformed == "binary":
        data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(500, 6000))
        url = url.rstrip("/") + "/figure.png"
    elif malformed == "empty":
        data = b" \n\n \t\n"
    elif malformed == "unknown_format":
        data = _unknown_page(rng).encode("utf-8")
        url = f"https://recipes.example.net/cake/{index}"
    ext = ".html" if fmt.endswith("_html") else ".txt"
    name = f"{index // SHARD:04d}/{index:07d}.{fmt.rsplit('_', 1)[0]}{ext}"
    return CorpusPage(index=index, name=name, fmt=fmt, url=url, retrieved_at=when,
                      content=data, malformed=malformed)


def malformed_plan(n: int, seed: int) -> Iterator[tuple[int, str | None]]:
    """``(index, malformed kind or None)`` for every page: one page per block of 100 is bad."""
    for block in range(0, n, MALFORMED_EVERY):
        rng = random.Random(f"{seed}:block:{block}")
        bad_at = block + rng.randrange(MALFORMED_EVERY)
        kind = rng.choice(MALFORMED_KINDS)
        for index in range(block, min(block + MALFORMED_EVERY, n)):
            yield index, kind if index == bad_at else None


def iter_pages(n: int, seed: int = 0) -> Iterator[CorpusPage]:
    """The corpus, one page at a time, in index order."""
    for index, kind in malformed_plan(n, seed):
        yield make_page(index, seed, kind)


# --- writing -------------------------------------------------------------------------------


class WarcOut:
    """Appends pages as WARC response records with fixed ids, so the file is reproducible."""

    def __init__(self, path: Path, seed: int) -> None:
        from warcio.warcwriter import WARCWriter

        self.seed = seed
        self.fh = path.open("wb")
        self.writer = WARCWriter(self.fh, gzip=path.name.endswith(".gz"))

    def add(self, page: CorpusPage) -> None:
        from warcio.statusandheaders import StatusAndHeaders

        http_headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", page.content_type), ("Content-Length", str(len(page.content)))],
            protocol="HTTP/1.1",
        )
        record_id = uuid.uuid5(NAMESPACE, f"{self.seed}:{page.index}")
        record = self.writer.create_warc_record(
            page.url,
            "response",
            payload=io.BytesIO(page.content),
            length=len(page.content),
            http_headers=http_headers,
            warc_headers_dict={
                "WARC-Date": page.retrieved_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "WARC-Record-ID": f"<urn:uuid:{record_id}>",
            },
        )
        self.writer.write_record(record)

    def close(self) -> None:
        self.fh.close()


def write_corpus(
    n: int,
    out: Path,
    *,
    seed: int = 0,
    warc: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write ``n`` pages below ``out`` (and to ``warc``); returns pages per format and bytes.

    Raises:
        FileExistsError: ``out`` exists and is not empty (the corpus must be all it holds).
    """
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; the corpus must be the only thing in it")
    out.mkdir(parents=True, exist_ok=True)
    warc_out = WarcOut(warc, seed) if warc else None
    counts: dict[str, int] = {"pages": 0, "bytes": 0, "malformed": 0}
    try:
        for page in iter_pages(n, seed):
            path = out / page.name
            if page.index % SHARD == 0:
                path.parent.mkdir(exist_ok=True)
            path.write_bytes(page.content)
            stamp = page.retrieved_at.timestamp()
            os.utime(path, (stamp, stamp))
            if warc_out:
                warc_out.add(page)
            counts["pages"] += 1
            counts["bytes"] += len(page.content)
            counts[page.fmt] = counts.get(page.fmt, 0) + 1
            if page.malformed:
                counts["malformed"] += 1
                key = f"malformed:{page.malformed}"
                counts[key] = counts.get(key, 0) + 1
            if progress and (page.index + 1) % 10_000 == 0:
                progress(page.index + 1)
    finally:
        if warc_out:
            warc_out.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of pages")
    ap.add_argument("--out", type=Path, required=True, help="an empty or new directory")
    ap.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    ap.add_argument("--warc", type=Path,
                    help="also write the pages as one WARC (.warc or .warc.gz)")
    args = ap.parse_args(argv)
    try:
        counts = write_corpus(
            args.n, args.out, seed=args.seed, warc=args.warc,
            progress=lambda k: print(f"  {k:,} pages", file=sys.stderr),
        )
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pages = counts.pop("pages")
    size = counts.pop("bytes")
    print(f"wrote {pages:,} pages, {size / 1e6:.1f} MB ({size / max(pages, 1) / 1e3:.1f} KB/page) "
          f"to {args.out}" + (f" and {args.warc}" if args.warc else ""))
    for key in sorted(counts):
        print(f"  {key:<28} {counts[key]:>9,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
