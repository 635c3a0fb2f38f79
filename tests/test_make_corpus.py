"""The benchmark corpus: reproducible bytes, the promised mix, pages the parsers read."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from ingest_core import parse_page
from ingest_core.errors import (
    BinaryContent,
    EmptyPage,
    IngestError,
    PageNotRecognised,
    ParserCrashed,
)
from tests.conftest import ROOT


def _load() -> ModuleType:
    path = ROOT / "benchmarks" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    return module


mc = _load()


def _tree(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("corpus")
    mc.write_corpus(400, base / "pages", seed=7, warc=base / "pages.warc.gz")
    return base / "pages", base / "pages.warc.gz"


def test_same_seed_gives_identical_bytes(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    pages, warc = corpus
    mc.write_corpus(400, tmp_path / "again", seed=7, warc=tmp_path / "again.warc.gz")
    assert _tree(tmp_path / "again") == _tree(pages)
    assert (tmp_path / "again.warc.gz").read_bytes() == warc.read_bytes()


def test_another_seed_gives_other_pages(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    mc.write_corpus(400, tmp_path / "other", seed=8)
    assert _tree(tmp_path / "other") != _tree(corpus[0])


def test_writes_exactly_n_pages_and_nothing_else(corpus: tuple[Path, Path]) -> None:
    files = [p for p in corpus[0].rglob("*") if p.is_file()]
    assert len(files) == 400
    assert all(p.suffix in (".txt", ".html") for p in files)


def test_one_page_in_a_hundred_is_malformed_in_every_way() -> None:
    plan = [kind for _, kind in mc.malformed_plan(5000, seed=3)]
    assert sum(k is not None for k in plan) == 50
    assert set(plan) - {None} == set(mc.MALFORMED_KINDS)


def test_every_format_appears_at_about_5_kb_a_page(corpus: tuple[Path, Path]) -> None:
    pages = list(mc.iter_pages(400, seed=7))
    mix = Counter(p.fmt for p in pages)
    assert set(mix) == {f for f, _ in mc.FORMATS}
    assert set(Counter(p.parser for p in pages)) == set(mc.PARSER_OF.values())
    average = sum(len(p.content) for p in pages) / len(pages)
    assert 3_500 < average < 7_000


def test_names_carry_diacritics_particles_and_initials() -> None:
    import random

    rng = random.Random(1)
    names = [mc.person(rng) for _ in range(2000)]
    assert any(any(ord(c) > 127 for c in n) for n in names)
    assert any(f" {p} " in f" {n} " for n in names for p in ("van", "de", "von", "van der"))
    assert any(n[1:3] == ". " for n in names)


def test_warc_holds_the_same_pages_with_uri_and_date(corpus: tuple[Path, Path]) -> None:
    pages, warc = corpus
    expected = list(mc.iter_pages(400, seed=7))
    with warc.open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
             r.rec_headers.get_header("WARC-Date"), r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]
    assert len(records) == len(expected)
    for (rec_type, uri, date, body), page in zip(records, expected, strict=True):
        assert rec_type == "response"
        assert uri == page.url
        assert date == page.retrieved_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert body == page.content == (pages / page.name).read_bytes()


def test_refuses_a_directory_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "stray.txt").write_text("x")
    with pytest.raises(FileExistsError):
        mc.write_corpus(3, tmp_path)


def _parse(page: Any) -> Any:
    return parse_page(page.content, url=page.url, as_of=page.retrieved_at.date(),
                      retrieved_at=page.retrieved_at, name=page.name)


def test_good_pages_parse_with_the_parser_of_their_format() -> None:
    for page in mc.iter_pages(300, seed=11):
        if page.malformed:
            continue
        result = _parse(page)
        assert result.parser == page.parser, page.name
        assert len(result.records) >= (1 if page.fmt == "hf_paper_html" else 2), page.name
        assert not result.malformed, (page.name, result.malformed)


@pytest.mark.parametrize("fmt", [f for f, _ in mc.FORMATS])
def test_a_broken_entry_is_reported_and_the_rest_parsed(fmt: str) -> None:
    index = next(i for i in range(500) if mc.make_page(i, 5).fmt == fmt)
    page = mc.make_page(index, 5, "broken_entry")
    result = _parse(page)
    assert result.parser == page.parser
    assert result.records
    assert result.malformed or any(r.warnings for r in result.records), page.name


@pytest.mark.parametrize(
    ("kind", "error"),
    [("binary", BinaryContent), ("empty", EmptyPage), ("unknown_format", PageNotRecognised)],
)
def test_unreadable_pages_fail_with_their_typed_error(kind: str, error: type[Exception]) -> None:
    for index in range(20):
        with pytest.raises(error):
            _parse(mc.make_page(index, 5, kind))


def test_truncated_pages_never_crash_a_parser() -> None:
    for index in range(60):
        page = mc.make_page(index, 5, "truncated")
        try:
            _parse(page)
        except IngestError as exc:
            assert not isinstance(exc, ParserCrashed), exc
