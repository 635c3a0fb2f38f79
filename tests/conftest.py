"""Shared test paths and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL_HTML = SHARED / "real-html"
PUBLIC_DATA = SHARED / "public-data"


def shared_file(relative: str) -> Path:
    """A file from ../shared/; fails (not skips) with a clear message when it is missing."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: these tests read ../shared/ beside the project checkout")
    return path
