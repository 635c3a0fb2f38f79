"""The review app over HTTP (FastAPI's test client), on SQLite and PostgreSQL: the curator's
flows, the safety rules, and lists that page by keyset."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ingest_core.cli import app as cli
from ingest_core.review import Guard, create_app
from ingest_core.schemas import Person, member_key
from ingest_core.store import Filters, Store
from tests.review_helpers import SCRIPT, build_store

TOKEN = "test-token-0123456789"
PERSON_LINK = re.compile(r'href="/persons/(person-[0-9a-f]{16})">([^<]*)</a>')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One resolved SQLite store; tests that change it work on a copy."""
    path = tmp_path_factory.mktemp("review") / "built.db"
    build_store(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_copy(built: Path, tmp_path: Path) -> str:
    shutil.copy(built, tmp_path / "store.db")
    return f"sqlite:///{tmp_path / 'store.db'}"


def _client(url: str, *, read_only: bool = False, login: bool = True) -> Iterator[TestClient]:
    store = Store(url, read_only=read_only)
    client = TestClient(create_app(store, read_only=read_only, guard=Guard(TOKEN), page_size=10))
    if login:
        assert client.get(f"/?token={TOKEN}", follow_redirects=False).status_code == 303
    try:
        yield client
    finally:
        client.close()
        store.close()


@pytest.fixture
def curator(sqlite_copy: str) -> Iterator[TestClient]:
    yield from _client(sqlite_copy)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the page has no form with a CSRF value"
    return found.group(1)


def _salimi(client: TestClient) -> tuple[str, str]:
    """(id, page) of the biggest Babak Salimi, found by searching as a curator would."""
    listed = client.get("/persons", params={"q": "Salimi"})
    assert listed.status_code == 200
    first = PERSON_LINK.search(listed.text)  # biggest first
    assert first and first.group(2) == "Babak Salimi"
    page = client.get(f"/persons/{first.group(1)}")
    assert page.status_code == 200
    return first.group(1), page.text


def _members(html: str) -> list[str]:
    return re.findall(r'name="member" value="([^"]+)"', html)


def _person_of(url: str, member: str) -> Person:
    with Store(url) as store:
        for e in store.entities():
            if isinstance(e, Person) and any(
                    member_key(m.record_id, m.position)
                    == member for m in e.members):
                return e
    raise AssertionError(f"no person holds {member}")


def test_split_a_member_out_and_it_stays_split(db_url: str, tmp_path: Path) -> None:
    """Search, open the person, split a member out: two persons; reload, and rerun
    `ingest resolve --db` from the command line: still two."""
    build_store(db_url)
    for client in _client(db_url):
        pid, page = _salimi(client)
        members = _members(page)
        assert len(members) >= 3
        out = members[-1]
        done = client.post(f"/persons/{pid}/split", data={"member": out, "csrf": _csrf(page)},
                           follow_redirects=False)
        assert done.status_code == 303
        after = client.get(done.headers["location"])
        assert after.status_code == 200 and "decision(s) kept" in after.text
        assert out not in _members(after.text)
        assert len(_members(after.text)) == len(members) - 1
        alone = _person_of(db_url, out)
        assert len(alone.members) == 1
        again = client.get(done.headers["location"].split("?")[0])  # reload
        assert out not in _members(again.text)
        assert "split out of" in again.text  # the decision is shown beside the members
    result = CliRunner().invoke(cli, ["resolve", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert len(_person_of(db_url, out).members) == 1


def test_merge_with_a_candidate_then_undo(db_url: str) -> None:
    build_store(db_url)
    for curator in _client(db_url):
        pid, page = _salimi(curator)
        candidates = re.findall(r'name="other" value="(person-[0-9a-f]+)"', page)
        assert candidates, "the person page offers its nearest candidates"
        size = len(_members(page))
        merged = curator.post(f"/persons/{pid}/merge",
                              data={"other": candidates[0], "csrf": _csrf(page)})
        assert merged.status_code == 200 and "merged" in merged.text
        assert len(_members(merged.text)) > size  # the whole candidate came in
        listed = curator.get("/curation")
        action = re.search(r'action="/curation/([0-9a-f]+)/remove"', listed.text)
        assert action
        undone = curator.post(f"/curation/{action.group(1)}/remove",
                              data={"csrf": _csrf(listed.text)})
        assert undone.status_code == 200 and "no decision yet" in undone.text
        _, back = _salimi(curator)
        assert len(_members(back)) == size


def test_keep_two_persons_apart(curator: TestClient) -> None:
    listed = curator.get("/persons", params={"q": "Wei Wang"})
    ids = [m.group(1) for m in PERSON_LINK.finditer(listed.text)]
    page = curator.get(f"/persons/{ids[0]}").text
    kept = curator.post(f"/persons/{ids[0]}/separate",
                        data={"other": ids[1], "csrf": _csrf(page), "note": "checked email"})
    assert kept.status_code == 200 and "kept apart" in kept.text
    assert "checked email" in kept.text


def test_a_post_without_the_token_or_csrf_is_refused(db_url: str) -> None:
    build_store(db_url)
    for client in _client(db_url, login=False):
        pid, page = _salimi(client)
        assert 'name="csrf"' not in page  # no forms for a visitor without the token
        assert "Viewing only" in page
        refused = client.post(f"/persons/{pid}/split", data={"member": "x", "csrf": "y"})
        assert refused.status_code == 403 and "no token" in refused.text
        client.cookies.set("ingest_token", "wrong")
        assert client.post(f"/persons/{pid}/split", data={"member": "x"}).status_code == 403
    for client in _client(db_url):
        pid, page = _salimi(client)
        no_csrf = client.post(f"/persons/{pid}/split", data={"member": _members(page)[0]})
        assert no_csrf.status_code == 403 and "CSRF" in no_csrf.text
        foreign = client.post(f"/persons/{pid}/split",
                              data={"member": _members(page)[0], "csrf": _csrf(page)},
                              headers={"origin": "http://evil.example"})
        assert foreign.status_code == 403 and "another site" in foreign.text
    with Store(db_url) as store:
        assert store.curation() == []


def test_the_token_link_sets_a_strict_cookie_and_leaves_the_address(sqlite_copy: str) -> None:
    for client in _client(sqlite_copy, login=False):
        first = client.get(f"/persons?q=x&token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/persons?q=x"
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        page = client.get("/")
        assert page.headers["referrer-policy"] == "same-origin"
        assert "script-src" not in page.headers["content-security-policy"]  # no script at all
        assert page.headers["x-frame-options"] == "DENY"


def test_titles_holding_markup_render_as_text(db_url: str) -> None:
    build_store(db_url)
    for curator in _client(db_url):
        _titles_are_text(curator)


def _titles_are_text(curator: TestClient) -> None:
    listed = curator.get("/papers", params={"q": "corrosion"})
    assert SCRIPT not in listed.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in listed.text
    paper = re.search(r'href="/papers/(paper-[0-9a-f]+)"', listed.text)
    assert paper
    page = curator.get(f"/papers/{paper.group(1)}")
    assert SCRIPT not in page.text and "&lt;script&gt;" in page.text
    person = curator.get("/persons", params={"q": "Bahram"})
    pid = PERSON_LINK.search(person.text)
    assert pid
    assert SCRIPT not in curator.get(f"/persons/{pid.group(1)}").text


def test_read_only_mode_shows_and_changes_nothing(sqlite_copy: str) -> None:
    before = Path(sqlite_copy.removeprefix("sqlite:///")).read_bytes()
    for client in _client(sqlite_copy, read_only=True, login=False):
        pid, page = _salimi(client)
        assert 'name="csrf"' not in page and "read-only" in page
        client.get(f"/?token={TOKEN}")
        refused = client.post(f"/persons/{pid}/split", data={"member": "x", "csrf": "y"})
        assert refused.status_code == 403 and "read-only" in refused.text
    assert Path(sqlite_copy.removeprefix("sqlite:///")).read_bytes() == before


def test_lists_page_by_keyset_filter_and_sort(curator: TestClient) -> None:
    seen: list[str] = []
    names: list[str] = []
    url: str | None = "/persons?sort=name"
    pages = 0
    while url:
        page = curator.get(url)
        assert page.status_code == 200
        seen += [m.group(1) for m in PERSON_LINK.finditer(page.text)]
        names += [m.group(2) for m in PERSON_LINK.finditer(page.text)]
        nxt = re.search(r'href="(\?[^"]+)" rel="next"', page.text)
        url = "/persons" + nxt.group(1).replace("&amp;", "&") if nxt else None
        pages += 1
    total = int(re.search(r"([\d,]+)\+? person\(s\) match", page.text).group(1))  # type: ignore[union-attr]
    assert pages >= 3 and len(seen) == len(set(seen)) == total  # each person once
    from ingest_core._text import fold

    assert [fold(n) for n in names] == sorted(fold(n) for n in names)
    small = curator.get("/persons", params={"min_size": 3, "source": "bzpeer"})
    sizes = [int(s) for s in re.findall(r"</a></td>\s*<td>(\d+)</td>", small.text)]
    assert sizes and min(sizes) >= 3 and sizes == sorted(sizes, reverse=True)
    weak = curator.get("/persons", params={"sort": "confidence", "max_confidence": 0.9})
    conf = [float(c) for c in re.findall(r"<td>(\d\.\d\d)</td>", weak.text)]
    assert conf == sorted(conf) and all(c <= 0.9 for c in conf)
    assert curator.get("/persons", params={"sort": "bogus"}).status_code == 400
    assert curator.get("/persons", params={"after": "not a cursor"}).status_code == 400
    assert curator.get("/persons", params={"min_size": 0}).status_code == 422


def test_overview_quarantine_runs_and_records(curator: TestClient) -> None:
    overview = curator.get("/")
    assert overview.status_code == 200
    assert overview.text.count("<svg") == 4 and "persons by cluster size" in overview.text
    quarantine = curator.get("/quarantine")
    assert quarantine.status_code == 200
    runs = curator.get("/runs")
    assert runs.status_code == 200
    _, page = _salimi(curator)
    record = re.search(r'href="/records/([0-9a-f]+)"', page)
    assert record
    shown = curator.get(f"/records/{record.group(1)}")
    assert shown.status_code == 200 and "Seen at" in shown.text
    assert curator.get("/records/nope").status_code == 404
    assert curator.get("/persons/person-0000000000000000").status_code == 404


def test_quarantine_lists_each_error_and_retries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    bad = tmp_path / "pages"
    bad.mkdir()
    (bad / "empty.txt").write_text("", encoding="utf-8")
    (bad / "noise.txt").write_text("nothing any parser knows\n" * 3, encoding="utf-8")
    from ingest_core import backfill

    backfill([bad], db=url, workers=1)
    for client in _client(url):
        page = client.get("/quarantine")
        assert "page_not_recognised" in page.text and "empty_page" in page.text
        entry = re.search(r'href="/quarantine/([0-9a-f]+)"', page.text)
        assert entry and client.get(f"/quarantine/{entry.group(1)}").status_code == 200
        retried = client.post("/quarantine/retry", data={"csrf": _csrf(page.text),
                                                         "reason": "empty_page"})
        assert retried.status_code == 200 and "1 still quarantined" in retried.text


def test_split_a_work_out_of_a_paper(curator: TestClient, sqlite_copy: str) -> None:
    listed = curator.get("/papers", params={"min_size": 2})
    paper = re.search(r'href="/papers/(paper-[0-9a-f]+)"', listed.text)
    assert paper, "the identity cases hold a paper seen on two sites"
    page = curator.get(f"/papers/{paper.group(1)}").text
    works = _members(page)
    done = curator.post(f"/papers/{paper.group(1)}/split",
                        data={"member": works[-1], "csrf": _csrf(page)})
    assert done.status_code == 200 and works[-1] not in _members(done.text)
    with Store(sqlite_copy) as store:
        rows = store.curation()
        assert rows and {r.decision.level for r in rows} == {"paper"}


def test_a_store_resolved_before_the_review_columns_is_filled_in(tmp_path: Path) -> None:
    """Migration 0004 computes search terms and list columns for entity rows already there."""
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    build_store(url, hostile=False)
    with Store(url) as store:
        config = Config()
        config.set_main_option("script_location", str(
            Path(__file__).parents[1] / "ingest_core" / "store" / "migrations"))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003_entity_keys")
    for client in _client(url):  # opening the store migrates it again
        _pid, page = _salimi(client)
        assert "Babak Salimi" in page
        assert "run <code>ingest resolve" in page  # notes come with the next resolution


def test_a_big_entity_shows_its_members_a_page_at_a_time(built: Path) -> None:
    from ingest_core.review._views import entity_view

    with Store(f"sqlite:///{built}", read_only=True) as store, store.browse() as browse:
        biggest = browse.list_entities(Filters(kind="person"), limit=1).rows[0]
        whole = entity_view(browse, biggest.id)
        pages = [entity_view(browse, biggest.id, first=k, per_page=2)
                 for k in range(0, biggest.member_count, 2)]
    assert whole is not None and all(p is not None for p in pages)
    shown = [m.key for p in pages if p for m in p.members]
    assert shown == [m.key for m in whole.members] == whole.member_keys
    assert all(p.total == biggest.member_count and len(p.members) <= 2 for p in pages if p)
