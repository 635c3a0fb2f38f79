"""Bad input ends in a typed error that names the input, never a traceback or a hang."""

from __future__ import annotations

import codecs
import gzip
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest_core import build_page, errors, parse_page
from ingest_core._decode import decode
from tests.conftest import FIXTURES

DAILY = FIXTURES / "hf_daily" / "002_1b3592f858c9cc69.txt"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", errors.EmptyPage),
        (b"   \n\t\r\n  ", errors.EmptyPage),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, errors.BinaryContent),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", errors.BinaryContent),
        (b"abc\x00def\x00" * 50, errors.BinaryContent),
        (bytes(range(1, 9)) * 500, errors.BinaryContent),
        (b"\x1f\x8b\x08\x00garbage-not-gzip", errors.BinaryContent),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", errors.UndecodableBytes),
        (b"<html><body></body></html>", errors.EmptyPage),
    ],
)
def test_bad_bytes_raise_typed_errors_naming_the_input(content: bytes, error: type) -> None:
    with pytest.raises(error) as info:
        parse_page(content, name="pages/bad.bin", as_of="2026-01-01")
    assert "pages/bad.bin" in str(info.value)
    assert info.value.code == error.code


def test_oversized_page_is_refused_before_decoding() -> None:
    with pytest.raises(errors.PageTooLarge, match="over the 1,000-byte limit"):
        parse_page(b"x" * 1001, name="big.txt", max_bytes=1000)


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = gzip.compress(b"a" * 20_000_000)
    assert len(bomb) < 100_000
    with pytest.raises(errors.PageTooLarge, match="gzip expands"):
        decode(bomb, name="bomb.gz", max_bytes=1_000_000)


def test_gzip_page_is_unwrapped_and_hashed_as_stored() -> None:
    raw = DAILY.read_bytes()
    plain = parse_page(raw, as_of="2026-02-13")
    zipped = parse_page(gzip.compress(raw), as_of="2026-02-13")
    assert zipped.parser == plain.parser
    assert len(zipped.records) == len(plain.records)
    assert zipped.sha256 != plain.sha256  # provenance hashes the bytes as they arrived


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (codecs.BOM_UTF8 + "Café Núñez".encode(), "utf-8-bom"),
        (codecs.BOM_UTF16_LE + "Café Núñez".encode("utf-16-le"), "utf-16-le-bom"),
        ("Café Núñez".encode(), "utf-8"),
        (
            b'<html><head><meta charset="iso-8859-1"></head>'
            b"<body>Caf\xe9 N\xfa\xf1ez</body></html>",
            "iso8859-1",
        ),
    ],
)
def test_decoding_order_bom_utf8_declared(encoded: bytes, encoding: str) -> None:
    _, text, used = decode(encoded, name="p")
    assert "Café Núñez" in text
    assert used == encoding


def test_undeclared_latin1_page_is_detected() -> None:
    text = "Résumé of José Núñez, façade naïve coöperation. " * 20
    _, decoded, used = decode(text.encode("latin-1"), name="p")
    assert "José Núñez" in decoded
    assert used != "utf-8"


def test_unrecognised_page_names_file_and_best_score() -> None:
    with pytest.raises(errors.PageNotRecognised) as info:
        parse_page("A shopping list\n\nmilk\neggs\n", name="list.txt", as_of="2026-01-01")
    message = str(info.value)
    assert "list.txt" in message
    assert "best candidate" in message
    assert 0.0 <= info.value.best_score < 0.5


def test_unknown_parser_name_is_a_typed_error() -> None:
    with pytest.raises(errors.UnknownParser, match="no parser named 'nope'"):
        parse_page(DAILY.read_bytes(), parser="nope")


def test_bad_as_of_is_a_typed_error() -> None:
    with pytest.raises(errors.UnparseableDate, match="as_of"):
        parse_page(DAILY.read_bytes(), as_of="13/02/2026")


@pytest.mark.parametrize(
    "hostile",
    [
        # billion laughs: an XML entity bomb handed to the HTML parser
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        + b"".join(
            b'<!ENTITY lol%d "' % i + (b"&lol%d;" % (i - 1)) * 10 + b'">' for i in range(3, 10)
        )
        + b"]><html><body><p>&lol9;</p></body></html>",
        # external entity / network resolution
        b'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><p>&xxe;</p>'
        b"</body></html>",
        # nesting bomb
        b"<html><body>" + b"<div>" * 200_000 + b"deep" + b"</div>" * 200_000 + b"</body></html>",
        # one huge line
        b"<html><body><p>" + b"word " * 2_000_000 + b"</p></body></html>",
        b"Daily Papers\n" + b"x" * 5_000_000 + b"\n",
    ],
    ids=["entity-bomb", "xxe", "nesting-bomb", "huge-html-line", "huge-text-line"],
)
def test_hostile_pages_end_quickly_in_records_or_a_typed_error(hostile: bytes) -> None:
    started = time.monotonic()
    try:
        result = parse_page(hostile, name="hostile.html", as_of="2026-01-01")
    except errors.IngestError as exc:
        assert "hostile.html" in str(exc)
    else:
        for record in result.records:
            assert "root:" not in record.model_dump_json()  # no /etc/passwd content leaked
    assert time.monotonic() - started < 30


def test_html_lines_follow_blocks_and_glue_inline_elements() -> None:
    page = build_page(
        b"<html><head><title>t</title><style>p{}</style></head><body><nav>Home Login</nav>"
        b"<div><span>7</span><span>works</span></div><p>Trust 21 - <b>Emerging</b></p>"
        b"<script>var x=1;</script><ul><li>one</li><li>two<br>three</li></ul></body></html>",
        as_of="2026-01-01",
    )
    assert page.is_html
    assert list(page.lines) == ["7works", "Trust 21 - Emerging", "one", "two", "three"]


def test_str_and_bytes_give_the_same_records() -> None:
    raw = DAILY.read_bytes()
    a = parse_page(raw, as_of="2026-02-13")
    b = parse_page(raw.decode("utf-8"), as_of="2026-02-13")
    assert [r.model_dump_json() for r in a.records] == [r.model_dump_json() for r in b.records]


def test_a_page_over_the_time_limit_is_quarantined_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time as _time

    from ingest_core import backfill, get_parser
    from ingest_core.store import Store

    slow = get_parser("hf_paper")

    def stuck(page: object) -> Iterator[object]:
        while True:  # a parser that never returns on this page
            _time.sleep(0.01)
        yield  # pragma: no cover

    pages = tmp_path / "pages"
    shutil.copytree(FIXTURES / "hf_paper", pages)
    shutil.copy(FIXTURES / "bzpeer_profile" / "000_9be98e7aea026544.txt", pages)
    monkeypatch.setattr(slow, "parse", stuck)
    summary = backfill([pages], db=str(tmp_path / "s.db"), workers=0, as_of="2026-02-13",
                       page_timeout=0.3)
    assert summary.quarantined == {"parser_timeout": 2}
    assert summary.parsed == 1
    with Store(str(tmp_path / "s.db")) as store:
        messages = {e.message for e in store.quarantined()}
    assert any("longer than 0.3 s" in m for m in messages)
