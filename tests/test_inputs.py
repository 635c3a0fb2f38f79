"""Discovering and streaming page inputs, and process_page's plain-data outcomes."""

from __future__ import annotations

import base64
import gzip
import io
import json
import pickle
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingest_core._inputs import (
    SourceRef,
    discover,
    iter_inputs,
    jsonl_row,
    load_page,
    reread,
)
from ingest_core._outcome import PageOutcome
from ingest_core._process import process_inputs, process_page
from tests.conftest import FIXTURES

PROFILE = FIXTURES / "aggregator_profile" / "001_02405de564735fae.txt"


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for url, body in pages:
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET /"))
            writer.write_record(request)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_discover_walks_sorted_and_leaves_out_hidden_and_fixture_answers(tmp_path: Path) -> None:
    for name in ("b/2.txt", "a.txt", ".hidden/x.txt", "b/.dot.txt", "a.expected.jsonl",
                 "c.warc.gz", "d.jsonl", "b/1.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [(Path(i.path).relative_to(tmp_path).as_posix(), i.kind) for i in discover([tmp_path])]
    assert found == [("a.txt", "file"), ("c.warc.gz", "warc"), ("d.jsonl", "jsonl"),
                     ("b/1.html", "file"), ("b/2.txt", "file")]
    assert [Path(i.path).name for i in discover([tmp_path], glob="*.html")] == ["1.html"]
    assert [Path(i.path).name for i in discover([tmp_path], glob="b/*")] == ["1.html", "2.txt"]
    explicit = tmp_path / "a.expected.jsonl"
    assert [i.path for i in discover([explicit], glob="*.html")] == [str(explicit)]


def test_unreadable_and_oversized_files_become_inputs_with_an_error(tmp_path: Path) -> None:
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (tmp_path / "big.txt").write_bytes(b"x" * 100)
    pages = {Path(p.label).name: p for p in iter_inputs([tmp_path, tmp_path / "missing.txt"],
                                                        max_bytes=50)}
    assert pages["dangling.txt"].error is not None
    assert pages["dangling.txt"].error.type == "UnreadableInput"
    assert pages["missing.txt"].error.type == "UnreadableInput"  # type: ignore[union-attr]
    assert pages["big.txt"].error.type == "PageTooLarge"  # type: ignore[union-attr]
    outcome = process_page(pages["missing.txt"])
    assert outcome.status == "quarantined" and outcome.sha256 is None


def test_jsonl_page_lists(tmp_path: Path) -> None:
    text = PROFILE.read_text(encoding="utf-8")
    listing = tmp_path / "pages.jsonl"
    listing.write_text("\n".join([
        jsonl_row(text, "https://example.org/p/1", "2025-03-04T05:06:07Z"),
        json.dumps({"url": "u2", "content_base64": base64.b64encode(b"\xff\xfe").decode()}),
        "{not json",
        json.dumps({"url": "u4", "content_base64": "!!!"}),
        json.dumps({"url": "u5"}),
    ]) + "\n", encoding="utf-8")
    (tmp_path / "records.jsonl").write_text('{"id": "x", "kind": "work"}\n', encoding="utf-8")
    pages = [p for p in iter_inputs([tmp_path]) if p.source.location.endswith("pages.jsonl")]
    assert [p.source.offset for p in pages] == [1, 2, 3, 4, 5]
    first = pages[0]
    assert first.content == text.encode() and first.source.url == "https://example.org/p/1"
    assert first.source.retrieved_at is not None and first.source.retrieved_at.year == 2025
    assert pages[1].content == b"\xff\xfe"
    assert [p.error.type if p.error else None for p in pages] == [
        None, None, "UnreadableInput", "UnreadableInput", "UnreadableInput"]
    assert reread(first.source).content == first.content
    outcome = process_page(first)
    assert outcome.status == "parsed"
    assert json.loads(outcome.records[0].json)["provenance"]["as_of"] == "2025-03-04"


def test_warc_response_records_are_pages(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    body = PROFILE.read_bytes()
    _warc(archive, [("https://example.org/a", body), ("https://example.org/b", b"other page")])
    pages = list(iter_inputs([archive]))
    assert [p.source.url for p in pages] == ["https://example.org/a", "https://example.org/b"]
    assert pages[0].content == body and pages[0].source.retrieved_at is not None
    assert pages[0].label == f"{archive}@{pages[0].source.offset}"
    assert reread(pages[1].source).content == b"other page"


def test_a_corrupt_warc_record_is_an_unreadable_input(tmp_path: Path) -> None:
    archive = tmp_path / "broken.warc"
    _warc(archive, [("https://example.org/a", b"first page"), ("https://example.org/b", b"second")])
    raw = archive.read_bytes()
    cut = raw.index(b"WARC/1.", raw.index(b"first page"))
    archive.write_bytes(raw[:cut] + b"garbage that is no WARC header\r\n\r\n" + raw[cut + 40 :])
    pages = list(iter_inputs([archive]))
    assert pages[0].content == b"first page"
    assert pages[-1].content is None and pages[-1].error is not None
    assert pages[-1].error.type == "UnreadableInput" and "corrupt" in pages[-1].error.message
    assert process_page(pages[-1]).error.code == "unreadable_input"  # type: ignore[union-attr]


def test_outcomes_are_plain_data(tmp_path: Path) -> None:
    page = next(iter_inputs([PROFILE]))
    outcome = process_page(page, as_of=None)
    assert outcome.status == "parsed" and outcome.records and outcome.parser
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    assert PageOutcome.from_dict(json.loads(json.dumps(outcome.to_dict()))) == outcome
    bad = process_page(next(iter_inputs([_write(tmp_path / "x.txt", b"nothing known here")])))
    assert bad.status == "quarantined" and bad.error is not None
    assert bad.error.code == "page_not_recognised"
    assert PageOutcome.from_dict(json.loads(json.dumps(bad.to_dict()))) == bad
    assert SourceRef.from_dict(page.source.to_dict()) == page.source


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_deferred_files_are_read_where_they_are_processed(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_bytes(PROFILE.read_bytes())
    (tmp_path / "big.txt").write_bytes(b"x" * 100)
    deferred = list(iter_inputs([tmp_path], max_bytes=50, defer_files=True))
    assert [(Path(p.label).name, p.content, p.deferred) for p in deferred] == [
        ("big.txt", None, True), ("p.txt", None, True)]
    shipped = pickle.loads(pickle.dumps(deferred))  # what crosses to a worker: paths only
    assert len(pickle.dumps(deferred)) < 1000 and shipped == deferred
    too_big, page = load_page(shipped[0], max_bytes=50), load_page(shipped[1])
    assert too_big.error is not None and too_big.error.code == "page_too_large"
    assert page.content == PROFILE.read_bytes() and page.mtime is not None
    eager = [process_page(p) for p in iter_inputs([tmp_path / "p.txt"])]
    assert [process_page(p) for p in shipped[1:]] == eager


def test_process_inputs_skips_what_the_store_holds_and_repeats(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(PROFILE.read_bytes())
    pages = list(iter_inputs([tmp_path], defer_files=True))
    fresh = process_inputs(pages, current=lambda shas: set())
    assert [o.status for o in fresh] == ["parsed", "unchanged"]
    stored = {fresh[0].sha256}
    again = process_inputs(pages, current=lambda shas: stored & set(shas))
    assert [o.status for o in again] == ["unchanged", "unchanged"]
    assert again[0].sha256 == fresh[0].sha256 and again[0].size == len(PROFILE.read_bytes())


def test_jsonl_entity_dumps_give_one_page_per_line(tmp_path: Path) -> None:
    """Lines that are API entities (an OpenAlex snapshot part, an S2 dataset file), not page
    rows: each line is a page of its own, its id the url, a broken line its own error."""
    lines = [
        json.dumps({"id": "https://openalex.org/W1", "display_name": "One"}),
        json.dumps({"corpusid": 2, "title": "Two"}),
        "{broken",
    ]
    for name in ("dump.jsonl", "dump.jsonl.gz", "part.json.gz"):
        body = ("\n".join(lines) + "\n").encode()
        path = tmp_path / name
        path.write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
        pages = list(iter_inputs([path]))
        assert [p.source.offset for p in pages] == [1, 2, 3], name
        assert pages[0].content == lines[0].encode()
        assert pages[0].source.url == "https://openalex.org/W1"
        assert pages[1].source.url is None and pages[1].content == lines[1].encode()
        assert pages[2].error is not None and "line 3 is not valid JSON" in pages[2].error.message
    single = tmp_path / "one.json.gz"  # one document, pretty-printed: one page
    single.write_bytes(gzip.compress(json.dumps({"a": [1, 2]}, indent=2).encode()))
    (page,) = iter_inputs([single])
    assert page.source.kind == "file"
