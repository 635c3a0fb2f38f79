"""The package layers: the store sits below the parse stage, and the installed names cannot
collide with a user's own ``schemas`` or ``parsers`` modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import FIXTURES


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_importing_the_store_does_not_import_the_parse_stage(tmp_path: Path) -> None:
    done = _run(
        """
        import sys
        import ingest_core.store
        stage = sorted(m for m in sys.modules
                       if m in ("ingest_core._engine", "ingest_core._process",
                                "ingest_core._backfill"))
        print(stage)
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_users_own_schemas_and_parsers_do_not_shadow_ours(tmp_path: Path) -> None:
    # the unrelated things a user may have on the path, first in sys.path (the script's dir)
    (tmp_path / "schemas.py").write_text("raise ImportError('the user schemas module')\n")
    user_parsers = tmp_path / "parsers"
    user_parsers.mkdir()
    (user_parsers / "__init__.py").write_text("KIND = 'the user parsers package'\n")
    page = FIXTURES / "bzpeer_profile" / "000_9be98e7aea026544.txt"
    done = _run(
        f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import parsers
        assert parsers.KIND == "the user parsers package"
        import ingest_core
        from ingest_core.schemas import Work
        result = ingest_core.parse_page(open({str(page)!r}, "rb").read(), as_of="2026-02-13")
        print(result.parser, sum(isinstance(r, Work) for r in result.records))
        assert "schemas" not in sys.modules
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    parser, works = done.stdout.split()
    assert parser == "bzpeer_profile"
    assert int(works) > 0
