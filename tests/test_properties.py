"""Property tests: no parser raises anything but the typed errors, on any bytes at all."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest_core import errors, parse_page
from ingest_core._fixtures import discover
from tests.conftest import FIXTURES

PAGES = [c.page for c in discover(FIXTURES) if not c.invalid]
SEED_PAGES = sorted(p for p in PAGES if p.suffix == ".txt")[:5]
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_or_typed_error(content: bytes | str, parser: str | None = None) -> None:
    try:
        result = parse_page(content, name="fuzz", as_of="2026-02-13", parser=parser)
    except errors.IngestError as exc:
        assert "fuzz" in str(exc) or isinstance(exc, errors.UnknownParser)
        return
    for record in result.records:
        record.model_validate_json(record.model_dump_json())  # round-trips its own contract
    page_records = [r for r in result.records if r.kind != "work"]
    for page_record in page_records:
        emitted = [r.id for r in result.records if r.kind == "work"]
        assert page_record.work_ids == emitted  # type: ignore[union-attr]
        assert page_record.entries_emitted == len(emitted)  # type: ignore[union-attr]
        assert page_record.entries_seen >= page_record.entries_emitted  # type: ignore[union-attr]


@PROPS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(content: bytes) -> None:
    _parse_or_typed_error(content)


@PROPS
@given(st.text(max_size=2000))
def test_arbitrary_text(content: str) -> None:
    _parse_or_typed_error(content)


_MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["drop", "dup", "swap", "garbage", "truncate", "flip", "blank"]),
        st.integers(min_value=0, max_value=10_000),
        st.binary(min_size=1, max_size=40),
    ),
    min_size=1,
    max_size=8,
)


def _mutate(raw: bytes, ops: list[tuple[str, int, bytes]]) -> bytes:
    lines = raw.split(b"\n")
    for op, at, junk in ops:
        if not lines:
            break
        i = at % len(lines)
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = (at * 7 + 3) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "garbage":
            lines.insert(i, junk)
        elif op == "truncate":
            lines = lines[: i + 1]
        elif op == "flip" and lines[i]:
            k = at % len(lines[i])
            lines[i] = lines[i][:k] + bytes([lines[i][k] ^ 0xFF]) + lines[i][k + 1 :]
        elif op == "blank":
            lines[i] = b""
    return b"\n".join(lines)


@PROPS
@given(st.sampled_from(SEED_PAGES), _MUTATIONS, st.booleans())
def test_mutated_seed_pages(page: Path, ops: list[tuple[str, int, bytes]], forced: bool) -> None:
    parser = page.parent.name if forced else None
    _parse_or_typed_error(_mutate(page.read_bytes(), ops), parser=parser)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PAGES))
def test_same_bytes_same_ids(page: Path) -> None:
    a = parse_page(page.read_bytes(), as_of="2026-02-13")
    b = parse_page(page.read_bytes(), as_of="2026-02-13", url="https://example.org/elsewhere")
    assert [r.id for r in a.records] == [r.id for r in b.records]
    assert len({r.id for r in a.records}) == len(a.records)
