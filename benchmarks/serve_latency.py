"""Latency of the review app's pages on a big store: p50/p95 per page, over real HTTP.

Builds (once, cached) a SQLite store with ``--mentions`` author mentions (10^6 by default):
synthetic works of five authors each, persons drawn with a heavy-tailed activity so that
some have hundreds of mentions and common family names hold thousands of homonyms, written
through the store's own entity writer (so search terms, list columns and notes are what a
resolution writes). Then starts ``ingest serve --read-only`` as a child process and times
each kind of page with sequential requests.

    .venv/bin/python benchmarks/serve_latency.py                 # 10^6 mentions
    .venv/bin/python benchmarks/serve_latency.py --mentions 100000 --requests 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote_plus

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest_core.resolution.stored import _members  # noqa: E402 - the writer's own rows
from ingest_core.schemas import (  # noqa: E402
    Author,
    Evidence,
    Paper,
    Person,
    PersonMember,
    Provenance,
    Work,
)
from ingest_core.store import Store  # noqa: E402
from ingest_core.store import _models as m  # noqa: E402

AUTHORS_PER_WORK = 5
SOURCES = ["arxiv", "openalex", "crossref", "semantic_scholar", "dblp", "huggingface"]
SYLLABLES = ["an", "be", "chi", "da", "el", "fa", "gu", "ha", "io", "ja", "ka", "li", "mo",
             "na", "or", "pe", "qu", "ra", "si", "ta", "ul", "vi", "wa", "xu", "ya", "zo"]
WORDS = ["learning", "causal", "graph", "neural", "robust", "inference", "data", "model",
         "fairness", "query", "language", "vision", "sparse", "optimal", "bayesian", "repair",
         "stream", "privacy", "quantum", "protein", "transfer", "kernel", "federated"]


def _hex(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def _names(rng: random.Random, count: int) -> list[str]:
    out = set()
    while len(out) < count:
        out.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(out)


def build(path: Path, mentions: int, seed: int = 7, *, resolved: bool = False) -> None:
    """Write the synthetic store (records, papers, persons) to ``path``; with ``resolved``,
    write only the records and let a real full resolution make the entities."""
    rng = random.Random(seed)
    families = [*_names(rng, 4000), "Wang", "Li", "Zhang", "Liu", "Chen", "Salimi"]
    givens = [*_names(rng, 600), "Wei", "Lei", "Babak", "Jun"]
    works = mentions // AUTHORS_PER_WORK
    person_count = max(10, mentions // 3)
    # activity: a few prolific people, a long tail of one-paper authors
    cum_weights = list(itertools.accumulate(1.0 / (k + 5) ** 0.9 for k in range(person_count)))
    fam_cum = list(itertools.accumulate(1.0 / (k + 1) for k in range(len(families))))
    people = [(fam, rng.choice(givens))
              for fam in rng.choices(families, cum_weights=fam_cum, k=person_count)]
    slots: dict[int, list[tuple[str, int, str]]] = {}
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    started = time.perf_counter()
    with Store(f"sqlite:///{path}") as store:
        records: list[dict[str, object]] = []
        papers: list[Paper] = []

        def flush() -> None:
            with store.engine.begin() as conn:
                if records:
                    conn.execute(m.records.insert(), records)
            if not resolved:
                with store.entity_index() as idx:
                    idx.write_entities(papers, [r for p in papers for r in _members(p)])
            records.clear()
            papers.clear()

        for w in range(works):
            chosen = rng.choices(range(person_count), cum_weights=cum_weights,
                                 k=AUTHORS_PER_WORK)
            source = SOURCES[w % len(SOURCES)]
            wid = _hex("work", w)
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
            authors = []
            for pos, p in enumerate(chosen):
                family, given = people[p]
                spelled = f"{given[0]}. {family}" if rng.random() < 0.3 else f"{given} {family}"
                authors.append(Author(name=spelled, given=given, family=family))
                slots.setdefault(p, []).append((wid, pos, spelled))
            sha = _hex("page", w // 20)
            work = Work(id=wid, source=source, title=title, authors=authors, year=2000 + w % 26,
                        provenance=Provenance(parser=source, parser_version="1", sha256=sha * 2,
                                              as_of=dt.date(2026, 12, 1), position=w % 20,
                                              representation="text",
                                              url=f"https://{source}.example/{w}"))
            records.append({"id": wid, "kind": "work", "source": source, "parser": source,
                            "parser_version": "1", "page_sha256": sha * 2,
                            "position": w % 20, "data": work.model_dump_json()})
            papers.append(Paper(id=f"paper-{wid[:16]}", title=title, authors=authors,
                                year=work.year, sources=[source], members=[wid]))
            if len(records) >= 5000:
                flush()
        flush()
        print(f"  {works:,} works written in {time.perf_counter() - started:.0f} s", flush=True)
        if resolved:
            from ingest_core.resolution.stored import resolve_store

            _, counts = resolve_store(store)
            print(f"  resolved in full: {counts['inserted']:,} entities, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            return
        persons: list[Person] = []
        notes: dict[str, str] = {}
        ids = sorted(slots)
        for k, p in enumerate(ids):
            family, given = people[p]
            members = [PersonMember(record_id=wid, role="author", position=pos, name=spelled,
                                    source=SOURCES[int(wid, 16) % len(SOURCES)])
                       for wid, pos, spelled in slots[p]]
            pid = f"person-{_hex('person', p)[:16]}"
            evidence = [Evidence(kind="shared_coauthors", score=0.9, weight=2.1,
                                 detail="3 shared coauthors",
                                 between=[f"{members[0].record_id}#{members[0].position}",
                                          f"{mem.record_id}#{mem.position}"])
                        for mem in members[1:6]]
            persons.append(Person(id=pid, name=f"{given} {family}", given=given, family=family,
                                  aliases=sorted({mem.name for mem in members}), members=members,
                                  paper_ids=[f"paper-{mem.record_id[:16]}" for mem in members],
                                  confidence=round(0.5 + 0.5 * rng.random(), 4)
                                  if len(members) > 1 else 1.0, evidence=evidence))
            near = ids[max(0, k - 1)]
            notes[pid] = json.dumps({"joined": [], "kept_out": [{
                "member": f"{slots[near][0][0]}#{slots[near][0][1]}",
                "entity_id": f"person-{_hex('person', near)[:16]}", "name": "a homonym",
                "score": 0.31, "reason": "average probability 0.31 below the cut",
                "evidence": [["name", -1.2, "names agree"]]}]})
            if len(persons) >= 5000:
                with store.entity_index() as idx:
                    idx.write_entities(persons, [r for e in persons for r in _members(e)],
                                       notes=notes)
                persons.clear()
                notes.clear()
        with store.entity_index() as idx:
            idx.write_entities(persons, [r for e in persons for r in _members(e)], notes=notes)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"  {len(ids):,} persons, {mentions:,} mentions; built in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    del now


def serve(db: Path, *, read_only: bool = True) -> tuple[subprocess.Popen[str], str]:
    """A child `ingest serve` on a free port; the base URL (with ?token=… when writable)."""
    proc = subprocess.Popen([sys.executable, "-m", "ingest_core", "serve", "--db",
                             f"sqlite:///{db}", "--port", "0",
                             *(["--read-only"] if read_only else [])],
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            hit = re.search(r"on (http://\S+/)" if read_only
                            else r"open (http://\S+/\?token=\S+)", line)
            if hit and not found:
                found.append(hit.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(120) or not found:
        proc.kill()
        raise SystemExit("ingest serve did not start")
    return proc, found[0].rstrip("/") if read_only else found[0]


def _percentiles(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95, ordered[-1]


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def actions(mentions: int, count: int, rebuild: bool) -> None:
    """Time the curator's actions on a store resolved for real: each POST writes curation
    and re-resolves the blocks it touches before it answers."""
    db = Path(f"/tmp/ingest-serve-actions-{mentions}.db")
    if rebuild or not db.exists():
        db.unlink(missing_ok=True)
        print(f"building and resolving {db} ...", flush=True)
        build(db, mentions, resolved=True)
    work = db.with_suffix(".work.db")
    _remove_sqlite(work)  # a WAL left by an earlier run would not match a new copy
    with sqlite3.connect(db) as src, sqlite3.connect(work) as dst:
        src.backup(dst)
    proc, link = serve(work, read_only=False)
    base = link.split("/?")[0]
    rng = random.Random(5)
    with Store(f"sqlite:///{work}", read_only=True) as store, store.engine.connect() as conn:
        e = m.entities
        people = list(conn.execute(e.select().with_only_columns(e.c.id)
                                   .where(e.c.kind == "person", e.c.member_count >= 3)).scalars())
    client = httpx.Client(timeout=300, follow_redirects=False)
    client.get(link)
    split_t, undo_t = [], []
    try:
        for pid in rng.sample(people, min(count, len(people))):
            page = client.get(f"{base}/persons/{pid}").text
            member = re.findall(r'name="member" value="([^"]+)"', page)[-1]
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
            t0 = time.perf_counter()
            done = client.post(f"{base}/persons/{pid}/split", data={"member": member,
                                                                    "csrf": csrf})
            split_t.append((time.perf_counter() - t0) * 1000)
            action = re.search(r"action ([0-9a-f]+)",
                               unquote_plus(done.headers.get("location", "")))
            if done.status_code != 303 or not action:
                raise SystemExit(f"split failed: HTTP {done.status_code}: "
                                 + re.sub(r"<[^>]+>", " ", done.text)[-400:])
            t0 = time.perf_counter()
            undone = client.post(f"{base}/curation/{action.group(1)}/remove",
                                 data={"csrf": csrf})
            undo_t.append((time.perf_counter() - t0) * 1000)
            if undone.status_code != 303:
                raise SystemExit(f"undo failed: HTTP {undone.status_code}")
    finally:
        proc.terminate()
        proc.wait(10)
        _remove_sqlite(work)
    print(f"actions on a resolved store of {mentions:,} mentions ({len(people):,} persons of "
          f"3+ members):")
    for name, times in (("split a member out", split_t), ("undo the split", undo_t)):
        p50, p95, worst = _percentiles(times)
        print(f"{name:<36}{p50:>9.1f}{p95:>9.1f}{worst:>9.1f}  {len(times)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mentions", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=100, help="requests per page kind")
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--action-mentions", type=int, default=100_000,
                    help="size of the really resolved store the actions are timed on")
    ap.add_argument("--actions", type=int, default=20, help="split/undo pairs to time (0: none)")
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/ingest-serve-bench-{args.mentions}.db")
    if args.rebuild or not db.exists():
        db.unlink(missing_ok=True)
        print(f"building {db} ...", flush=True)
        build(db, args.mentions)
    proc, base = serve(db)
    rng = random.Random(11)
    with Store(f"sqlite:///{db}", read_only=True) as store, store.engine.connect() as conn:
        e = m.entities
        person_ids = list(conn.execute(e.select().with_only_columns(e.c.id)
                                       .where(e.c.kind == "person")).scalars())
        paper_ids = list(conn.execute(e.select().with_only_columns(e.c.id)
                                      .where(e.c.kind == "paper").limit(100_000)).scalars())
        biggest = list(conn.execute(e.select().with_only_columns(e.c.id)
                                    .where(e.c.kind == "person")
                                    .order_by(e.c.member_count.desc()).limit(20)).scalars())
        mention_count = conn.exec_driver_sql(
            "SELECT count(*) FROM entity_members WHERE entity_id LIKE 'person-%'").scalar_one()
    print(f"store: {db} ({mention_count:,} author mentions, {len(person_ids):,} persons)")
    client = httpx.Client(base_url=base, timeout=60)
    t0 = time.perf_counter()
    client.get("/")  # counted afresh: the app keeps the overview's counts for 30 s
    cold = (time.perf_counter() - t0) * 1000

    def deep_pages() -> list[str]:
        """The cursor of every 10th list page, walking 200 pages from the start."""
        out, url = [], "/persons"
        for k in range(200):
            page = client.get(url).text
            nxt = re.search(r'href="(\?[^"]+)" rel="next"', page)
            if not nxt:
                break
            url = "/persons" + nxt.group(1).replace("&amp;", "&")
            if k % 10 == 9:
                out.append(url)
        return out

    deep = deep_pages()
    kinds: dict[str, list[str]] = {
        "overview / (counts kept 30 s)": ["/"],
        "persons list, page 1": ["/persons"],
        "persons list, deep page (keyset)": deep,
        "persons by name": ["/persons?sort=name"],
        "persons, least confident": ["/persons?sort=confidence&min_size=2"],
        "search a common name (wang)": ["/persons?q=wang"],
        "search a full name (wei wang)": ["/persons?q=wei+wang"],
        "filter: source + size >= 5": ["/persons?source=arxiv&min_size=5"],
        "person page (random)": [f"/persons/{rng.choice(person_ids)}" for _ in range(500)],
        "person page (20 biggest)": [f"/persons/{p}" for p in biggest],
        "papers list": ["/papers"],
        "paper page (random)": [f"/papers/{rng.choice(paper_ids)}" for _ in range(500)],
    }
    print(f"{'page':<36}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  requests")
    print(f"{'overview, counted afresh':<36}{cold:>9.1f}{'':>9}{'':>9}  1")
    try:
        for name, urls in kinds.items():
            times = []
            for k in range(args.requests):
                url = urls[k % len(urls)]
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {r.status_code}")
            p50, p95, worst = _percentiles(times)
            print(f"{name:<36}{p50:>9.1f}{p95:>9.1f}{worst:>9.1f}  {len(times)}", flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    if args.actions:
        actions(args.action_mentions, args.actions, args.rebuild)


if __name__ == "__main__":
    main()
