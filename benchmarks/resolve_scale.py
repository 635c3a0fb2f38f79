"""Person resolution at scale: 10^5 and 10^6 generated author mentions.

Family names follow a Zipf law (so a large share of mentions sit in name blocks of over
1,000), given names are drawn from a small Zipf pool (many homonyms: same full name,
different people), a fifth of mentions print initials only, each person publishes within
a research group of 3-8 people with the group's topic (the coauthor and topic evidence, as
on real pages; a homonym has other coauthors), with an outside collaborator on some
papers, and a third of the papers are listed by a second site with names spelled
independently (the shared-paper evidence). Papers also carry what real records do: the
group's venues, title words of its topic and of its own problems, a year within its active
span, and (on 40% of author positions) its institution.
Each size runs in a fresh process so peak RSS is its own. Prints time, peak RSS, candidate
pairs scored (the mention pairs whose features were computed), the reduction ratio
against all pairs, the share in blocks over 1,000, B-cubed against the generated truth
beside the name-only baseline, and the time exponent between the sizes.

Run: ``.venv/bin/python benchmarks/resolve_scale.py [--sizes 100000 1000000]``
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest_core.resolution.config import ResolverConfig  # noqa: E402
from ingest_core.resolution.evaluate import bcubed  # noqa: E402
from ingest_core.resolution.mentions import Mentions, coauthor_name, terms  # noqa: E402
from ingest_core.resolution.persons import cluster_mentions  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ra", "to", "shi", "an", "el", "vo", "du", "ne", "qi", "zh",
             "ber", "son", "li", "wa", "ng", "ti", "mar", "ko", "ya", "ri", "en"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (k ** s) for k in range(1, n + 1)]


def generate(n_mentions: int, seed: int = 7) -> tuple[Mentions, list[int]]:
    """Author mentions of generated papers, about n_mentions of them, and the true person
    of each mention.

    As on real pages, a person publishes within a research group: most coauthors of their
    papers come from that group (so their mentions share coauthors and the group's topic),
    with an occasional outside collaborator; a homonym works in another group, with other
    coauthors and, mostly, another topic.
    """
    rng = random.Random(seed)
    families = list(dict.fromkeys(_word(rng) for _ in range(60000)))
    givens = list(dict.fromkeys(_word(rng) for _ in range(3000)))
    n_people = max(10, n_mentions // 6)
    fam_of = rng.choices(families, weights=_zipf_weights(len(families), 1.3), k=n_people)
    giv_of = rng.choices(givens, weights=_zipf_weights(len(givens), 1.0), k=n_people)
    order = list(range(n_people))
    rng.shuffle(order)
    groups: list[list[int]] = []
    while order:
        size = rng.randint(3, 8)
        groups.append(order[:size])
        order = order[size:]
    topic_of = [f"topic{rng.randrange(300)}" for _ in groups]
    # what real records carry besides names: a group publishes in a few venues, on its
    # topic's words, in a span of years, from one institution (shown on some papers only)
    topic_words = {t: [_word(rng).lower() for _ in range(25)] for t in set(topic_of)}
    group_words = [[_word(rng).lower() for _ in range(12)] for _ in groups]
    common_words = [_word(rng).lower() for _ in range(200)]
    venue_pool = [f"Journal of {_word(rng)} {_word(rng)}" for _ in range(3000)]
    venues_of = [rng.sample(venue_pool, 3) for _ in groups]
    start_of = [rng.randint(1985, 2018) for _ in groups]
    institution_of = [f"University of {_word(rng)}" for _ in groups]
    group_of = [0] * n_people
    for g, members in enumerate(groups):
        for person in members:
            group_of[person] = g
    table = Mentions()
    truth: list[int] = []
    paper = 0
    while len(table) < n_mentions:
        g = group_of[rng.randrange(n_people)]  # a group, in proportion to its size
        members = groups[g]
        authors = rng.sample(members, min(len(members), rng.randint(2, 5)))
        if rng.random() < 0.15:
            outsider = rng.randrange(n_people)
            if outsider not in authors:
                authors.append(outsider)
        papers = frozenset({f"paper{paper}"})
        words = (rng.sample(topic_words[topic_of[g]], 2) + rng.sample(group_words[g], 3)
                 + rng.sample(common_words, 2))
        text = terms(" ".join(words))
        venue = terms(rng.choice(venues_of[g]))
        year = start_of[g] + rng.randint(0, 12)
        # a third of the papers are listed on a second site too, spelled independently
        for copy in range(2 if rng.random() < 0.3 else 1):
            names = []
            for person in authors:
                given = giv_of[person]
                shown = given[0] + "." if rng.random() < 0.2 else given
                names.append((shown, fam_of[person]))
            keys = [coauthor_name(f"{g} {f}", g, f) for g, f in names]
            record = f"w{paper}.{copy}"
            truth.extend(authors)
            for pos, (given, family) in enumerate(names):
                affiliation = terms(institution_of[g]) if rng.random() < 0.4 else ()
                table.add(record_id=record, position=pos, name=f"{given} {family}", given=given,
                          family=family, source=f"site{copy}", papers=papers,
                          coauthors=frozenset(k for i, k in enumerate(keys) if i != pos),
                          venue=venue, text=text, affiliation=affiliation,
                          years=(year, year))
        paper += 1
    return table, truth


def run_one(n: int) -> dict[str, float]:
    """Generate and resolve n mentions in this process; return the figures."""
    start = time.perf_counter()
    table, truth = generate(n)
    generated = time.perf_counter() - start
    blocks = Counter(f"{table.fam[i]} {table.giv[i][:1]}" for i in range(len(table)))
    in_big = sum(c for c in blocks.values() if c > 1000) / len(table)
    start = time.perf_counter()
    result = cluster_mentions(table, ResolverConfig())
    elapsed = time.perf_counter() - start
    n_real = len(table)
    keys = range(n_real)
    true_of = dict(zip(keys, truth, strict=True))
    quality = bcubed(true_of, dict(zip(keys, result.row_cluster, strict=True)))
    baseline = bcubed(true_of, {i: f"{table.fam[i]} {table.giv[i]}" for i in keys})
    all_pairs = n_real * (n_real - 1) / 2
    return {
        "mentions": n_real, "generate_s": generated, "resolve_s": elapsed,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pairs_scored": result.pairs_scored,
        "reduction": all_pairs / max(1, result.pairs_scored),
        "share_in_blocks_over_1000": in_big, "largest_block": max(blocks.values()),
        "persons": len(result.groups), "true_persons": len(set(truth)),
        "bcubed": str(quality), "name_only_bcubed": str(baseline),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                             capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        rows.append(row)
        print(f"{row['mentions']:>9,} mentions: resolve {row['resolve_s']:7.1f}s "
              f"(generate {row['generate_s']:.1f}s), peak RSS {row['peak_rss_mb']:,.0f} MB, "
              f"candidate pairs scored {row['pairs_scored']:,.0f}, reduction vs all pairs "
              f"{row['reduction']:,.0f}x, {row['share_in_blocks_over_1000']:.0%} of mentions in "
              f"blocks over 1,000 (largest {row['largest_block']:,.0f}), "
              f"{row['persons']:,.0f} persons ({row['true_persons']:,.0f} true); B-cubed "
              f"{row['bcubed']}, name-only baseline {row['name_only_bcubed']}", flush=True)
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        ratio = b["mentions"] / a["mentions"]
        exponent = math.log(b["resolve_s"] / a["resolve_s"]) / math.log(ratio)
        print(f"time exponent {a['mentions']:,} -> {b['mentions']:,}: {exponent:.2f} "
              "(1.0 is linear)")


if __name__ == "__main__":
    main()
