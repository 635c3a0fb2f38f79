"""Pages in our formats that are not in the repository: other dates, names, punctuation, counts,
metrics, HTML shapes; and the real Hugging Face listings read from their visible cards only.

Every page here is composed inline; the fixtures stay untouched. Each test asserts what the
page shows, field by field, so a parser that keys on a fixture's particular text fails here.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import pytest

from ingest_core import parse_page
from ingest_core.schemas import Listing, Profile, Work
from tests.conftest import shared_file


def _works(records: list[Any]) -> list[Work]:
    return [r for r in records if isinstance(r, Work)]


def _listing(records: list[Any]) -> Listing:
    assert isinstance(records[0], Listing)
    return records[0]


def _profile(records: list[Any]) -> Profile:
    assert isinstance(records[0], Profile)
    return records[0]


def _day(work: Work) -> tuple[dt.date, bool] | None:
    return None if work.published is None else (work.published.date, work.published.year_inferred)


# --- Hugging Face Daily Papers: scraped text ------------------------------------------------

DAILY_HEADER = (
    "Hugging Face\nnew\nGet trending papers in your email inbox once a day!\nSubscribe\n"
    "Daily Papers\nby AK and the research community\nSearch by arxiv id or title\n"
)
LONG_ABSTRACT = (
    "Large models are costly to adapt. We study a cheaper route that keeps 98% of the "
    "quality. Code and data: https://github.com/org-x/repo_y (MIT), demo at "
    "https://org-x.github.io/demo/."
)


def test_daily_text_at_the_turn_of_the_year_resolves_year_less_dates_before_the_page() -> None:
    page = DAILY_HEADER + "\n".join([
        "Dec 31",
        "Why Do Transformers “Forget”? — A 2-Stage Analysis",
        LONG_ABSTRACT,
        "• 1 author",
        "·",
        "Dec 31 1,234",
        "Q·A: 10,000 Questions, 3 Answers",
        "We collect questions. We find three answers suffice.",
        "• 27 authors",
        "·",
        "Jan 2",
        "O'Neil's \"Rule\": Revisited (Part II)",
        "A short note on an old rule, with new proofs.",
        "• 2 authors",
        "·",
        "Feb 29 7",
    ])
    result = parse_page(page, as_of="2027-01-03")
    assert result.parser == "hf_daily"
    head, found = _listing(result.records), _works(result.records)
    assert head.page_date is not None
    assert (head.page_date.date, head.page_date.year_inferred) == (dt.date(2026, 12, 31), True)
    assert [w.title for w in found] == [
        "Why Do Transformers “Forget”? — A 2-Stage Analysis",
        "Q·A: 10,000 Questions, 3 Answers",
        "O'Neil's \"Rule\": Revisited (Part II)",
    ]
    first, second, third = found
    assert (first.author_count, first.upvotes) == (1, 1234)
    assert _day(first) == (dt.date(2026, 12, 31), True)
    assert first.links == ["https://github.com/org-x/repo_y", "https://org-x.github.io/demo/"]
    # Jan 2 after a Dec 31 page is the Jan 2 before it, not the one three days later
    assert _day(second) == (dt.date(2026, 1, 2), True) and second.upvotes is None
    assert second.author_count == 27
    # the latest Feb 29 not after 2026-12-31
    assert _day(third) == (dt.date(2024, 2, 29), True) and third.upvotes == 7
    assert head.entries_seen == head.entries_emitted == 3


@pytest.mark.parametrize(
    ("date_line", "published", "upvotes"),
    [
        ("Mar 4, 2025 12", dt.date(2025, 3, 4), 12),
        ("Mar 4, 2025 12,345", dt.date(2025, 3, 4), 12345),
        ("Mar 4, 2025 1.2k", dt.date(2025, 3, 4), 1200),
        ("Mar 4 3k", dt.date(2026, 3, 4), 3000),
        ("4 Mar 2025", dt.date(2025, 3, 4), None),
        ("2025-03-04 5", dt.date(2025, 3, 4), 5),
        ("Sep 1", dt.date(2025, 9, 1), None),
    ],
)
def test_daily_date_lines_split_counts_of_any_size(
    date_line: str, published: dt.date, upvotes: int | None
) -> None:
    page = DAILY_HEADER + "\n".join([
        "Mar 10", "A Title", "An abstract that says something. And more.", "• 4 authors",
        "·", date_line,
    ])
    found = _works(parse_page(page, as_of="2026-03-10").records)
    assert len(found) == 1
    assert found[0].published is not None and found[0].published.date == published
    assert found[0].upvotes == upvotes
    assert found[0].warnings == []


# --- Hugging Face Daily Papers: HTML in several shapes --------------------------------------

def _daily_html(cards: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Daily Papers - Hugging Face</title>"
        "<script>window.x = {\"a\": \"5 authors\"};</script></head><body>"
        "<nav><a href='/'>Hugging Face</a><a href='/models'>Models</a></nav><main>"
        "<h1>Daily Papers</h1><p>by AK and the research community</p>"
        f"<time>Jul 14</time>{cards}<footer><p>© Hugging Face</p></footer></main>"
        "</body></html>"
    )


def test_daily_html_article_cards_with_meta_spans_on_one_line() -> None:
    cards = "".join(
        f"<article><h3><a href='/papers/2507.{n:05d}'>{title}</a></h3><p>{abstract}</p>"
        f"<div><span>• {authors}</span> <span>·</span> <time>{date}</time> "
        f"<span>{votes}</span></div></article>"
        for n, (title, abstract, authors, date, votes) in enumerate([
            ("Scaling &amp; Sparsity: What 1,000 GPUs Taught Us",
             "We train many models. Sparsity helps at scale.", "12 authors", "Jul 13", "2,048"),
            ("Müller-Lyer Illusions in Vision Models?",
             "Do models see the illusion? Mostly yes.", "1 author", "Jul 1, 2025", "3"),
        ])
    )
    result = parse_page(_daily_html(cards), as_of="2025-07-20")
    assert result.parser == "hf_daily"
    found = _works(result.records)
    assert [w.title for w in found] == [
        "Scaling & Sparsity: What 1,000 GPUs Taught Us", "Müller-Lyer Illusions in Vision Models?"
    ]
    assert [(w.author_count, w.upvotes) for w in found] == [(12, 2048), (1, 3)]
    assert [_day(w) for w in found] == [
        (dt.date(2025, 7, 13), True), (dt.date(2025, 7, 1), False)
    ]
    assert found[0].abstract == "We train many models. Sparsity helps at scale."
    assert _listing(result.records).page_date.date == dt.date(2025, 7, 14)  # type: ignore[union-attr]


def test_daily_html_with_br_separated_lines_and_a_table_read_alike() -> None:
    br = _daily_html(
        "<div>Graph Nets — Again<br>We revisit graph nets. They still work.<br>"
        "• 3 authors<br>·<br>Jul 9 15</div>"
        "<div>Title Without Abstract<br>• 2 authors<br>·<br>Jul 8</div>"
    )
    table = _daily_html(
        "<table><tr><td>Graph Nets — Again</td><td>We revisit graph nets. They still work."
        "</td><td>• 3 authors</td><td>·</td><td>Jul 9 15</td></tr>"
        "<tr><td>Title Without Abstract</td><td>• 2 authors</td><td>·</td>"
        "<td>Jul 8</td></tr></table>"
    )
    for page in (br, table):
        found = _works(parse_page(page, as_of="2025-07-20").records)
        assert [(w.title, w.abstract, w.author_count, w.upvotes, _day(w)) for w in found] == [
            ("Graph Nets — Again", "We revisit graph nets. They still work.", 3, 15,
             (dt.date(2025, 7, 9), True)),
            ("Title Without Abstract", None, 2, None, (dt.date(2025, 7, 8), True)),
        ]


# --- Hugging Face Daily Papers: the real listings, visible cards only -----------------------

_PROPS = re.compile(r"""\sdata-props=(?:"[^"]*"|'[^']*')""")


def _without_json(relative: str) -> str:
    text = shared_file(relative).read_text(encoding="utf-8")
    stripped = _PROPS.sub("", text)
    assert "dailyPapers" not in stripped
    return stripped


@pytest.mark.parametrize(
    ("relative", "as_of", "count"),
    [
        ("public-data/hf/hf-daily-2024-08-01.html", "2024-08-01", 13),
        ("public-data/hf/hf-daily-2026-09-28.html", "2026-09-28", 28),
    ],
)
def test_real_listings_read_from_their_visible_cards_match_their_json(
    relative: str, as_of: str, count: int
) -> None:
    with_json = _works(parse_page(shared_file(relative).read_bytes(), as_of=as_of).records)
    result = parse_page(_without_json(relative), as_of=as_of)
    assert result.parser == "hf_daily"
    head, found = _listing(result.records), _works(result.records)
    assert head.provenance.representation == "html_lines"
    assert len(found) == count == len(with_json)
    assert head.entries_seen == head.entries_emitted == count
    assert head.page_date is not None and head.page_date.date.isoformat() == as_of
    assert [w.title for w in found] == [w.title for w in with_json]
    assert [w.upvotes for w in found] == [w.upvotes for w in with_json]
    assert [w.identifiers.arxiv for w in found] == [w.identifiers.arxiv for w in with_json]
    for visible, full in zip(found, with_json, strict=True):
        assert visible.abstract is None and visible.published is None  # the cards show neither
        assert visible.author_count in (None, full.author_count)
        assert not visible.title.startswith("Submitted by") and not visible.title.isdigit()
        assert visible.warnings == []


def test_real_2024_cards_show_author_counts() -> None:
    found = _works(parse_page(_without_json("public-data/hf/hf-daily-2024-08-01.html"),
                              as_of="2024-08-01").records)
    assert (found[0].title, found[0].author_count, found[0].upvotes) == (
        "The Llama 3 Herd of Models", 533, 94)
    assert all(w.author_count for w in found)


# --- Hugging Face search results ------------------------------------------------------------

@pytest.mark.parametrize(
    "header",
    [
        "Get trending papers in your email inbox once a day!\nGet trending papers in your email "
        "inbox!\nSubscribe",
        "Hugging Face\nGet trending papers in your email inbox!\nSubscribe",
    ],
)
def test_search_results_with_the_first_title_glued_to_subscribe(header: str) -> None:
    lines = header.split("\n")
    lines[-1] += "Causal Études: 2 Ways to Debias (and 1 Not To)"
    page = "\n".join([
        *lines,
        "We study debiasing. Two methods work; one does not. See https://x.org/p.",
        "Fairness — A “Survey”",
        "A survey of fairness. It covers 300 papers.",
        "Counterfactuals at 10,000 Scale",
        "We scale counterfactual generation. It helps robustness.",
    ])
    result = parse_page(page, url="https://huggingface.co/papers?q=debias", as_of="2026-01-01")
    assert result.parser == "hf_search"
    head, found = _listing(result.records), _works(result.records)
    assert head.query == "debias"
    assert [w.title for w in found] == [
        "Causal Études: 2 Ways to Debias (and 1 Not To)", "Fairness — A “Survey”",
        "Counterfactuals at 10,000 Scale",
    ]
    assert found[0].links == ["https://x.org/p"]
    assert all(w.abstract for w in found)


# --- Hugging Face paper page, served HTML (&quot;-escaped JSON) -----------------------------

def test_served_paper_page_with_entities_in_names_and_title() -> None:
    paper = {
        "id": "2601.01234",
        "title": "Naïve Bayes &amp; Friends: A “Simple” Baseline",
        "summary": "We revisit naïve Bayes. Code: https://github.com/a-b/nb-friends).",
        "authors": [{"name": "José Núñez"}, {"name": "François d&#39;Alembert"},
                    {"name": "Ludwig van der Berg"}, {"name": "Li, Wei"}],
        "publishedAt": "2026-01-02T23:30:00.000Z",
        "upvotes": 12345,
        "githubRepo": "https://github.com/a-b/nb-friends",
    }
    props = html.escape(json.dumps({"paper": paper}), quote=True)
    page = (
        "<!DOCTYPE html><html><head><title>Paper page</title></head><body>"
        f'<div class="SVELTE_HYDRATER contents" data-target="PaperContent" data-props="{props}">'
        "<h1>Naïve Bayes &amp; Friends</h1></div></body></html>"
    )
    result = parse_page(page, url="https://huggingface.co/papers/2601.01234")
    assert result.parser == "hf_paper"
    (work,) = result.records
    assert isinstance(work, Work)
    assert work.title == "Naïve Bayes & Friends: A “Simple” Baseline"
    assert [a.name for a in work.authors] == [
        "José Núñez", "François d'Alembert", "Ludwig van der Berg", "Li, Wei"]
    assert [(a.given, a.family) for a in work.authors] == [
        ("José", "Núñez"), ("François", "d'Alembert"),
        ("Ludwig", "van der Berg"), ("Wei", "Li")]
    assert (work.author_count, work.authors_complete, work.upvotes) == (4, True, 12345)
    assert work.identifiers.arxiv == "2601.01234"
    assert work.links == ["https://github.com/a-b/nb-friends"]
    assert work.published is not None and work.published.date == dt.date(2026, 1, 2)


# --- BZPEER profiles ------------------------------------------------------------------------

def _bzpeer(
    name: str, affiliation_line: str, trust_line: str, metrics: list[str], *,
    works: list[str], items: int | None = None,
) -> str:
    count = len(works) if items is None else items
    return "\n".join([
        "Researcher profile", name, f"{name} contributes to research discovery.",
        affiliation_line, "Trust snapshot", "Quick read", trust_line, *metrics, "Actions",
        "Follow researcher0", "Published work", f"{count} published item(s)", *works,
    ]) + "\n"


def test_bzpeer_claimed_profile_with_an_affiliation_and_large_metrics() -> None:
    page = _bzpeer(
        "Ngũgĩ Kamau",
        "ResearcherAffiliation Université de Montréal (Mila)Open to collaborate",
        "Trust 88 - Highly TrustedVerification L3Claimed author",
        ["312works", "12,480followers", "41topics", "156close collaborators"],
        works=[
            "conference paper2021ACL 2021", "Attention, Please: 3 Lessons", "We learn 3 lessons.",
            "journal-article2019Nature Machine Intelligence", "Sparse Models — Dense Gains",
            "dataset2020Zenodo", "A Corpus of 1,000,000 Sentences",
        ],
        items=3,
    )
    result = parse_page(page, as_of="2026-02-13")
    assert result.parser == "bzpeer_profile"
    profile, works = _profile(result.records), _works(result.records)
    assert (profile.name, profile.given, profile.family) == (
        "Ngũgĩ Kamau", "Ngũgĩ", "Kamau")
    assert profile.affiliation == "Université de Montréal (Mila)"
    assert (profile.claimed, profile.open_to_collaborate) == (True, True)
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level) == (88, "Highly Trusted", 3)
    assert (m.works_count, m.followers, m.topics, m.collaborators) == (312, 12480, 41, 156)
    assert [(w.work_type, w.year, w.venue, w.title) for w in works] == [
        ("conference paper", 2021, "ACL 2021", "Attention, Please: 3 Lessons"),
        ("journal-article", 2019, "Nature Machine Intelligence", "Sparse Models — Dense Gains"),
        ("dataset", 2020, "Zenodo", "A Corpus of 1,000,000 Sentences"),
    ]
    assert works[0].abstract == "We learn 3 lessons." and works[1].abstract is None
    assert (profile.entries_seen, profile.entries_emitted) == (3, 3)
    assert profile.work_ids == [w.id for w in works]


def test_bzpeer_profile_with_no_works_and_spaced_metrics() -> None:
    page = _bzpeer(
        "Anna-Lena Schmidt", "ResearcherAffiliation not importedNot open to collaborate",
        "Trust 3 - New", ["0 works", "1 follower", "1 topic", "0 close collaborators"],
        works=[],
    )
    result = parse_page(page, as_of="2026-02-13")
    profile = _profile(result.records)
    assert len(result.records) == 1
    assert (profile.affiliation, profile.open_to_collaborate, profile.claimed) == (
        None, False, None)
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level) == (3, "New", None)
    assert (m.works_count, m.followers, m.topics, m.collaborators) == (0, 1, 1, 0)
    assert (profile.entries_seen, profile.entries_emitted) == (0, 0)


def test_bzpeer_html_with_spaced_spans_in_a_table() -> None:
    page = """<!DOCTYPE html><html><head><title>BZPEER</title></head><body><main>
<p>Researcher profile</p><h1>Søren Åberg</h1><p>Søren Åberg studies graphs.</p>
<p><span>Researcher</span> <span>Affiliation</span> <span>KTH Royal Institute of Technology</span>
<span>Open to collaborate</span></p>
<p><span>Trust 64</span> <span>- Established</span> <span>Verification L2</span>
<span>Unclaimed author</span></p>
<table><tr><td><span>15</span> <span>works</span></td></tr><tr><td><span>2.5k</span>
<span>followers</span></td></tr></table>
<h2>Published work</h2><p>2 published item(s)</p>
<ul><li><p><span>preprint</span> <span>2024</span> <span>arXiv</span></p>
<h3>Graphs: Are They “All You Need”?</h3>
<p>Søren Åberg, J. M. Smith et al.</p><p>We ask. See doi:10.48550/arXiv.2401.00001.</p></li>
<li><p><span>book chapter</span> <span>2018</span> <span>Springer LNCS</span></p>
<h3>Old Results, New Proofs</h3></li></ul></main></body></html>"""
    result = parse_page(page, as_of="2026-02-13")
    assert result.parser == "bzpeer_profile"
    profile, works = _profile(result.records), _works(result.records)
    assert profile.name == "Søren Åberg"
    assert profile.affiliation == "KTH Royal Institute of Technology"
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level, profile.claimed) == (
        64, "Established", 2, False)
    assert (m.works_count, m.followers) == (15, 2500)
    assert [(w.work_type, w.year, w.venue) for w in works] == [
        ("preprint", 2024, "arXiv"), ("book chapter", 2018, "Springer LNCS")]
    first = works[0]
    assert first.title == "Graphs: Are They “All You Need”?"
    assert [(a.given, a.family) for a in first.authors] == [
        ("Søren", "Åberg"), ("J. M.", "Smith")]
    assert (first.authors_complete, first.author_count) == (False, None)
    assert first.identifiers.doi == "10.48550/arxiv.2401.00001"
    assert first.identifiers.arxiv is None or first.identifiers.arxiv == "2401.00001"


# --- paper-aggregator profiles --------------------------------------------------------------

def test_aggregator_profile_with_other_categories_and_complete_lists() -> None:
    page = "\n".join([
        "José María Núñez",
        "Universidad de Chile",
        "h-index 41",
        "57 papers",
        "57 Papers",
        "stat.MLNov 30, 2024",
        "Bayesian Optimisation: A “Gentle” Tour?",
        "José María Núñez, A. B. Clarke, Zoë Müller",
        "We tour Bayesian optimisation (code: https://gitlab.com/jmn/bo-tour).",
        "Machine LearningJan 7",
        "Kernels — Revisited in 2025",
        "José María Núñez and Chen Li",
        "q-bio.NC2023-06-15",
        "Neurons, Spikes & 12 Other Things",
        "A. Kumar, José María Núñez et al.",
        "Abstract with arXiv:2306.01234v2 inside.",
    ])
    result = parse_page(page, as_of="2025-01-03")
    assert result.parser == "aggregator_profile"
    profile, works = _profile(result.records), _works(result.records)
    assert (profile.name, profile.given, profile.family) == (
        "José María Núñez", "José María", "Núñez")
    assert profile.affiliation == "Universidad de Chile"
    assert (profile.metrics.h_index, profile.metrics.works_count) == (41, 57)
    assert [(w.category, _day(w)) for w in works] == [
        ("stat.ML", (dt.date(2024, 11, 30), False)),
        ("Machine Learning", (dt.date(2024, 1, 7), True)),  # the Jan 7 before as_of
        ("q-bio.NC", (dt.date(2023, 6, 15), False)),
    ]
    first, second, third = works
    assert first.title == "Bayesian Optimisation: A “Gentle” Tour?"
    assert [(a.given, a.family) for a in first.authors] == [
        ("José María", "Núñez"), ("A. B.", "Clarke"), ("Zoë", "Müller")]
    assert (first.authors_complete, first.author_count) == (True, 3)
    assert first.links == ["https://gitlab.com/jmn/bo-tour"]
    assert (second.authors_complete, second.author_count, second.abstract) == (True, 2, None)
    assert (third.authors_complete, third.author_count) == (False, None)
    assert third.identifiers.arxiv == "2306.01234"
    assert [w.year for w in works] == [2024, 2024, 2023]
    assert (profile.entries_seen, profile.entries_emitted) == (3, 3)


def test_aggregator_html_with_spaced_spans_reads_like_the_glued_text() -> None:
    text = "\n".join([
        "Wei Zhang", "h-index 9", "3 papers", "3 Papers", "cs.CVFeb 2, 2025",
        "Seeing in the Dark: 4 Tricks", "Wei Zhang, Li Na",
        "We see in the dark. It works at night.",
    ])
    page = (
        "<html><body><header><nav><a href='/'>Home</a></nav></header><main>"
        "<h1>Wei Zhang</h1><div><span>h-index</span> <span>9</span></div>"
        "<div><span>3</span> <span>papers</span></div><h2>3 Papers</h2>"
        "<article><div><span>cs.CV</span> <time>Feb 2, 2025</time></div>"
        "<h3>Seeing in the Dark: 4 Tricks</h3><p>Wei Zhang, Li Na</p>"
        "<p>We see in the dark. It works at night.</p></article></main></body></html>"
    )
    as_text, as_html = (parse_page(p, as_of="2026-01-01") for p in (text, page))
    assert as_text.parser == as_html.parser == "aggregator_profile"
    dump = [r.model_dump(exclude={"id", "provenance", "work_ids"}) for r in as_text.records]
    assert [r.model_dump(exclude={"id", "provenance", "work_ids"}) for r in as_html.records] == dump
    profile = _profile(as_html.records)
    assert (profile.metrics.h_index, profile.metrics.works_count) == (9, 3)
    (work,) = _works(as_html.records)
    assert (work.category, work.published and work.published.date) == ("cs.CV", dt.date(2025, 2, 2))


def test_aggregator_html_with_an_acronym_affiliation_typographic_hyphens_and_br_lines() -> None:
    page = """<html><body><main><div class="profile"><h1>Zoë  Ångström\u2011Müller</h1>
<p>ETH Zürich</p><ul><li>h-index <b>17</b></li><li><b>23</b> papers</li></ul></div>
<h2>23 Papers</h2>
<div class="paper"><span class="cat">cs.LG</span><span class="date">Apr 1</span><br>
<a href="/p/1">Título: ¿Qué? — Sí</a><br>Zoë Ångström\u2011Müller, Ö. Çelik<br>
An abstract here (https://github.com/z/q).</div>
<div class="paper"><span class="cat">stat.ML</span> <span class="date">Dec 12, 2019</span>
<h3>Second Paper</h3></div></main></body></html>"""
    result = parse_page(page, as_of="2026-02-13")
    assert result.parser == "aggregator_profile"
    profile, works = _profile(result.records), _works(result.records)
    assert (profile.name, profile.family) == (
        "Zoë Ångström\u2011Müller", "Ångström\u2011Müller")
    assert profile.affiliation == "ETH Zürich"
    assert (profile.metrics.h_index, profile.metrics.works_count) == (17, 23)
    first, second = works
    assert (first.category, _day(first)) == ("cs.LG", (dt.date(2025, 4, 1), True))
    assert first.title == "Título: ¿Qué? — Sí"
    assert [(a.given, a.family) for a in first.authors] == [
        ("Zoë", "Ångström\u2011Müller"), ("Ö.", "Çelik")]
    assert first.abstract == "An abstract here (https://github.com/z/q)."
    assert first.links == ["https://github.com/z/q"]
    assert (second.category, second.title, _day(second)) == (
        "stat.ML", "Second Paper", (dt.date(2019, 12, 12), False))


def test_bzpeer_with_separated_affiliation_trust_and_metrics_on_one_line() -> None:
    page = "\n".join([
        "Researcher profile", "Olu Adébáyọ\u0300", "Olu Adébáyọ\u0300 works on NLP.",
        "Researcher · Affiliation: University of Lagos · Open to collaborate",
        "Trust score: 45 · Developing · Verification level 2 · Unclaimed profile",
        "12 works / 7 followers / 3 topics / 2 close collaborators",
        "Published work", "1 published item(s)", "article2022Transactions of the ACL",
        "Yorùbá NER: A Benchmark",
    ])
    profile = _profile(parse_page(page, as_of="2026-02-13").records)
    assert profile.affiliation == "University of Lagos"
    assert (profile.open_to_collaborate, profile.claimed) == (True, False)
    m = profile.metrics
    assert (m.trust_score, m.trust_label, m.verification_level) == (45, "Developing", 2)
    assert (m.works_count, m.followers, m.topics, m.collaborators) == (12, 7, 3, 2)


# --- the hub layout as scraped text, and hostile bits in HTML -------------------------------

def test_hub_layout_text_with_numeric_submitter_scaled_and_missing_votes() -> None:
    page = DAILY_HEADER + "\n".join([
        "Sep 28", "Submitted by", "12345", "1.2k", "A Numeric Submitter: Title", "Meta AI",
        "·", "12 authors", "3 4", "Submitted byakhaliq", "-", "Second Title", "·",
        "1 author", "Previous Next",
    ])
    result = parse_page(page, as_of="2026-10-01")
    found = _works(result.records)
    assert [(w.title, w.upvotes, w.author_count) for w in found] == [
        ("A Numeric Submitter: Title", 1200, 12), ("Second Title", 0, 1)]
    assert _listing(result.records).page_date.date == dt.date(2026, 9, 28)  # type: ignore[union-attr]


@pytest.mark.parametrize("marker", ["\ue000", "&#57344;", "&#xE000;"])
def test_a_private_use_character_in_html_text_stays_inside_its_line(marker: str) -> None:
    page = (
        "<html><body><h1>Daily Papers</h1><p>Feb 13</p>"
        f"<div>A{marker}Title</div><div>An abstract. Two sentences here.</div>"
        "<div>• 3 authors</div><div>·</div><div>Feb 1</div></body></html>"
    )
    (work,) = _works(parse_page(page, as_of="2026-02-13").records)
    assert work.title == "A\ue000Title" and work.author_count == 3


@pytest.mark.parametrize(
    "meta", ["\u00b7\n" + "Jan 1 " * 4000 + "5", "\u2022 3 authors \u00b7 " + "9" * 50_000]
)
def test_a_huge_line_where_the_date_goes_is_refused_not_handed_to_dateparser(meta: str) -> None:
    # dateparser spends minutes on a 24 kB "date"; the card keeps its title and a warning
    page = DAILY_HEADER + "Feb 13\nA Title\nAn abstract. Two sentences.\n" + meta + "\n"
    (work,) = _works(parse_page(page, as_of="2026-02-13").records)
    assert work.title == "A Title" and work.published is None
    assert [w.code for w in work.warnings] == ["unparseable_date"]


def test_a_title_starting_with_copyright_is_a_title_and_the_footer_ends_the_list() -> None:
    daily = DAILY_HEADER + "\n".join([
        "Feb 13", "Copyright Traps for Large Language Models", "We set traps. They work.",
        "\u2022 3 authors", "\u00b7", "Feb 12 4", "\u00a9 2026 Hugging Face", "Terms",
    ])
    found = _works(parse_page(daily, as_of="2026-02-13").records)
    assert [(w.title, w.upvotes) for w in found] == [
        ("Copyright Traps for Large Language Models", 4)]
    bzpeer = _bzpeer(
        "Ana Pérez", "ResearcherAffiliation not importedOpen to collaborate", "Trust 5 - New",
        ["1works"], works=["preprint2024arXiv", "Copyright Law and Generative Models",
                           "Copyright 2026 BZPEER"], items=1,
    )
    (work,) = _works(parse_page(bzpeer, as_of="2026-02-13").records)
    assert work.title == "Copyright Law and Generative Models" and work.abstract is None


def test_daily_html_cards_drawing_the_vote_box_first_give_no_number_records() -> None:
    cards = (
        "<article><div>24</div><h3>First Title</h3><p>An abstract. It has two sentences.</p>"
        "<div>5 authors · Jul 13</div><div>3</div></article>"
        "<article><div>1.2k</div><h3>Second Title</h3><p>Another abstract. Two sentences.</p>"
        "<div>2 authors · Jul 12</div></article>"
        "<article><div>-</div><h3>Third Title</h3><p>Third abstract. Two sentences.</p></article>"
    )
    found = _works(parse_page(_daily_html(cards), as_of="2025-07-20").records)
    assert [(w.title, w.upvotes, w.author_count) for w in found] == [
        ("First Title", 24, 5), ("Second Title", 1200, 2), ("Third Title", 0, None)]
    assert [_day(w) for w in found] == [
        (dt.date(2025, 7, 13), True), (dt.date(2025, 7, 12), True), None]
