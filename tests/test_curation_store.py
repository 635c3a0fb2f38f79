"""Curation kept in the store: every later run honours it, full or incremental, and a
decision whose records left the store is kept and reported, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest_core import add_page
from ingest_core.cli import app
from ingest_core.errors import ResolutionError
from ingest_core.resolution import Curation
from ingest_core.resolution.stored import (
    import_curation,
    resolve_store,
    stored_curation,
    stored_entities,
)
from ingest_core.schemas import Person, PersonMember, member_key
from ingest_core.store import Store
from tests.conftest import FIXTURES

CASES = FIXTURES / "identity"
CASES_ALL = ("salimi", "wang_wei", "nunez", "van_der_berg", "generic_titles")
AS_OF = "2026-03-01"


def _add(store: Store, *cases: str) -> None:
    for case in cases:
        for page in sorted((CASES / case).glob("*.txt")):
            add_page(store, page.read_bytes(), as_of=AS_OF, name=str(page))


def _persons(store: Store) -> list[Person]:
    return [e for e in stored_entities(store) if isinstance(e, Person)]


def _biggest(store: Store, family: str) -> Person:
    return max((p for p in _persons(store) if p.family == family or family in p.name),
               key=lambda p: (len(p.members), p.id))


def _key(member: PersonMember) -> str:
    return member_key(member.record_id, member.position)


def _split(person: Person, key: str) -> Curation:
    """What the review app writes to split ``key`` out: cannot-link with every other member."""
    others = [_key(m) for m in person.members if _key(m) != key]
    return Curation(cannot_link=[(key, o) for o in others])


def _entities(store: Store) -> list[str]:
    return [e.model_dump_json() for e in stored_entities(store)]


def _notes(store: Store) -> dict[str, str | None]:
    """Each entity's notes (joins and the candidates kept out) as resolution left them."""
    with store.entity_index() as idx:
        rows = idx.entity_rows(json.loads(e)["id"] for e in _entities(store))
    return {eid: notes for eid, (_, notes) in rows.items()}


def test_a_split_is_kept_by_later_runs_full_and_incremental(tmp_path: Path, db_url: str) -> None:
    with Store(db_url) as store:
        _add(store, "salimi", "nunez")
        resolve_store(store)
        babak = _biggest(store, "Salimi")
        assert len(babak.members) >= 3
        out = _key(babak.members[-1])
        touched = {x for d in import_curation(store, _split(babak, out), who="test")
                   for x in d.pair}
        _, counts = resolve_store(store, incremental=True, touched=touched)
        assert counts["updated"] + counts["inserted"] >= 1
        after_action = _entities(store)
        holders = [p for p in _persons(store) if out in {_key(m) for m in p.members}]
        assert len(holders) == 1 and len(holders[0].members) == 1
        # a full run without any file keeps it: it reads the store's curation
        _, full = resolve_store(store)
        assert full["updated"] == full["deleted"] == full["inserted"] == 0
        assert _entities(store) == after_action
        # and equals a fresh store resolved in full with the same decisions
    with Store(f"sqlite:///{tmp_path / 'fresh.db'}") as fresh:
        _add(fresh, "salimi", "nunez")
        resolve_store(fresh, curation=_split(babak, out))
        assert _entities(fresh) == after_action


def test_an_incremental_batch_after_a_merge_keeps_it(tmp_path: Path, db_url: str) -> None:
    with Store(db_url) as store:
        _add(store, "salimi")
        resolve_store(store)
        people = [p for p in _persons(store) if "Salimi" in p.name]
        assert len(people) >= 2  # Babak and Bahram are kept apart by the evidence
        a, b = people[0], people[1]
        cur = Curation(must_link=[(a.id, b.id)])  # entity ids: their anchors are stored
        touched = {x for d in import_curation(store, cur) for x in d.pair}
        resolve_store(store, incremental=True, touched=touched)
        merged = [p for p in _persons(store) if {_key(m) for m in a.members} <= {
            _key(m) for m in p.members}]
        assert merged and {_key(m) for m in b.members} <= {_key(m) for m in merged[0].members}
        assert any(e.kind == "curation" for e in merged[0].evidence)
        _add(store, "nunez", "wang_wei")  # a new batch, resolved incrementally
        resolve_store(store, incremental=True)
        incremental, notes = _entities(store), _notes(store)
    with Store(f"sqlite:///{tmp_path / 'full.db'}") as full:
        _add(full, "salimi")
        resolve_store(full)
        import_curation(full, cur)
        _add(full, "nunez", "wang_wei")
        resolve_store(full)
        assert _entities(full) == incremental
        assert _notes(full) == notes and all(notes.values())


def test_removing_a_decision_restores_what_the_evidence_says(db_url: str) -> None:
    with Store(db_url) as store:
        _add(store, "salimi")
        resolve_store(store)
        before = _entities(store)
        babak = _biggest(store, "Salimi")
        decisions = import_curation(store, _split(babak, _key(babak.members[0])), action="a1")
        resolve_store(store, incremental=True, touched={x for d in decisions for x in d.pair})
        assert _entities(store) != before
        assert {r.decision.action for r in store.curation()} == {"a1"}
        removed = store.remove_curation(["a1"])  # an action id removes all of its decisions
        assert len(removed) == len(decisions)
        resolve_store(store, incremental=True, touched={x for d in removed for x in d.pair})
        assert _entities(store) == before


def test_a_decision_on_a_deleted_page_is_kept_and_reported(db_url: str) -> None:
    with Store(db_url) as store:
        _add(store, "salimi")
        resolve_store(store)
        babak = _biggest(store, "Salimi")
        page = {r.id: r.provenance.sha256 for r in store.records()}
        profile = next(m for m in babak.members if m.position is None)
        sha = page[profile.record_id]
        other = next(m for m in babak.members if page[m.record_id] != sha)
        import_curation(store, Curation(cannot_link=[(_key(profile), _key(other))]))
        assert store.delete_pages([sha]) == 1
        resolve_store(store)
        rows = store.curation()
        assert len(rows) == 1 and rows[0].dangling == (_key(profile),)
        assert stored_curation(store)[1] == 1


def test_an_unknown_id_or_a_paper_person_pair_is_refused_and_nothing_kept(db_url: str) -> None:
    with Store(db_url) as store:
        _add(store, "salimi")
        resolve_store(store)
        person = _persons(store)[0]
        work = next(store.records(kind="work"))
        with pytest.raises(ResolutionError, match="no stored record"):
            import_curation(store, Curation(must_link=[(person.id, "0" * 32)]))
        with pytest.raises(ResolutionError, match="paper with a person"):
            import_curation(store, Curation(must_link=[(person.id, work.id)]))
        assert store.curation() == []


def test_cli_keeps_a_curation_file_and_lists_exports_removes_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Store(url) as store:
        _add(store, "salimi")
        resolve_store(store)
        babak = _biggest(store, "Salimi")
        before = _entities(store)
    key = _key(babak.members[0])
    lines = [json.dumps({"cannot_link": [key, _key(m)], "note": "<b>not him</b>", "who": "ana"})
             for m in babak.members[1:]]
    path = tmp_path / "curation.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["resolve", "--db", url, "--curation", str(path)])
    assert first.exit_code == 0, first.output
    # the next run without the file keeps the decision: nothing changes
    again = runner.invoke(app, ["resolve", "--db", url])
    assert again.exit_code == 0 and "0 inserted, 0 updated, 0 deleted" in again.stderr
    listed = runner.invoke(app, ["curation", "list", "--db", url, "--format", "jsonl"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == len(lines) and {r["who"] for r in rows} == {"ana"}
    assert all(r["kind"] == "cannot_link" and r["level"] == "person" for r in rows)
    exported = runner.invoke(app, ["curation", "export", "--db", url])
    assert exported.exit_code == 0
    # an export reads back as the same decisions
    assert len(Curation.from_lines(exported.stdout.splitlines()).cannot_link) == len(lines)
    removed = runner.invoke(app, ["curation", "remove", *(r["id"] for r in rows), "--db", url])
    assert removed.exit_code == 0, removed.output
    with Store(url) as store:
        assert store.curation() == [] and _entities(store) == before
    unknown = runner.invoke(app, ["curation", "remove", "nope", "--db", url])
    assert unknown.exit_code == 2 and "no decision has this id" in unknown.stderr


def test_explain_from_a_store_honours_its_curation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'explain.db'}"
    with Store(url) as store:
        _add(store, "salimi")
        resolve_store(store)
        babak = _biggest(store, "Salimi")
        out = _key(babak.members[-1])
        import_curation(store, _split(babak, out))
        resolve_store(store)
        alone = next(p for p in _persons(store) if {_key(m) for m in p.members} == {out})
    explained = CliRunner().invoke(app, ["explain", alone.id, "--db", url])
    assert explained.exit_code == 0, explained.output
    assert "a curator said these are different people" in explained.stdout


def test_random_curator_actions_resolved_incrementally_equal_a_full_run(tmp_path: Path) -> None:
    """Splits (of persons and papers), merges and undos in a random order, each re-resolving
    only what it touches, leave the store exactly as one full run with the surviving
    decisions would."""
    import random

    from ingest_core.resolution import actions

    rng = random.Random(20261202)
    url = f"sqlite:///{tmp_path / 'inc.db'}"
    with Store(url) as store:
        _add(store, *CASES_ALL)
        resolve_store(store)
        made: list[str] = []
        for _ in range(20):
            people = sorted(_persons(store), key=lambda p: p.id)
            big = [p for p in people if len(p.members) >= 2]
            papers = [e for e in stored_entities(store)
                      if not isinstance(e, Person) and len(e.members) >= 2]
            move = rng.choice(["split", "merge", "apart", "undo", "split paper"]
                              if made else ["split"])
            if move == "split paper" and papers:
                paper = rng.choice(papers)
                out = actions.split(store, paper.id, rng.choice(paper.members))
            elif move == "split" and big:
                person = rng.choice(big)
                out = actions.split(store, person.id, _key(rng.choice(person.members)))
            elif move in ("merge", "apart"):
                a, b = rng.sample(people, 2)
                out = actions.link(store, a.id, b.id, same=move == "merge")
            elif move == "undo" and made:
                out = actions.undo(store, made.pop(rng.randrange(len(made))))
                continue
            else:
                continue
            made.append(out.action)
        incremental, notes = _entities(store), _notes(store)
        exported = [r.decision for r in store.curation()]
    with Store(f"sqlite:///{tmp_path / 'full.db'}") as full:
        _add(full, *CASES_ALL)
        full.add_curation(exported)
        resolve_store(full)
        assert _entities(full) == incremental
        assert _notes(full) == notes


def test_an_action_leaves_pages_backfilled_since_for_the_next_run(tmp_path: Path) -> None:
    from ingest_core.resolution import actions

    url = f"sqlite:///{tmp_path / 'later.db'}"
    with Store(url) as store:
        _add(store, "salimi")
        resolve_store(store)
        _add(store, "nunez")  # backfilled, not resolved yet
        babak = _biggest(store, "Salimi")
        out = actions.split(store, babak.id, _key(babak.members[-1]))
        assert out.counts["records_loaded"] < 30  # the Salimi blocks alone
        assert not any("Nunez" in p.name or "Núñez" in p.name for p in _persons(store))
        resolve_store(store, incremental=True)
        later = _entities(store)
        exported = [r.decision for r in store.curation()]
    with Store(f"sqlite:///{tmp_path / 'full.db'}") as full:
        _add(full, "salimi", "nunez")
        full.add_curation(exported)
        resolve_store(full)
        assert _entities(full) == later
