"""The ``ingest`` CLI: every command has help; parse writes JSON Lines and reports failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from ingest_core.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((*prefix, name))
        if hasattr(cmd, "commands"):
            out += _commands(cmd, (*prefix, name))
    return out


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    group: Any = typer.main.get_command(app)
    for part in command:
        group = group.commands[part]
    assert group.help, f"`ingest {' '.join(command)}` has no help text"


def test_parse_writes_one_json_record_per_line() -> None:
    page = FIXTURES / "hf_daily" / "002_1b3592f858c9cc69.txt"
    result = runner.invoke(app, ["parse", str(page), "--as-of", "2026-02-13"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds[0] == "listing"
    assert set(kinds[1:]) == {"work"}


def test_parse_goes_on_past_bad_files_and_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    good = FIXTURES / "aggregator_profile" / "001_02405de564735fae.txt"
    result = runner.invoke(app, ["parse", str(empty), str(good), str(missing)])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) >= 3
    errors = result.stderr.splitlines()
    assert any(line.startswith(f"EmptyPage: {empty}:") for line in errors), errors
    assert any(line.startswith(f"UnreadableInput: {missing}:") for line in errors), errors
    assert "Traceback" not in result.output


def test_parsers_lists_the_built_ins() -> None:
    result = runner.invoke(app, ["parsers"])
    assert result.exit_code == 0
    for name in ["bzpeer_profile", "aggregator_profile", "hf_daily", "hf_search", "hf_paper"]:
        assert name in result.stdout


def test_schema_is_json_schema_of_every_kind() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    kinds = {
        v["properties"]["kind"].get("const")
        for v in schema["$defs"].values()
        if "kind" in v.get("properties", {})
    }
    assert {"work", "profile", "listing"} <= kinds


def test_version_short_help_and_python_dash_m() -> None:
    import subprocess
    import sys

    from typer.testing import CliRunner

    from ingest_core import __version__
    from ingest_core.cli import app

    assert CliRunner().invoke(app, ["--version"]).output.strip() == f"ingest_core {__version__}"
    short = CliRunner().invoke(app, ["-h"])
    assert short.exit_code == 0 and "backfill" in short.output
    done = subprocess.run([sys.executable, "-m", "ingest_core", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"ingest_core {__version__}"
    bad = CliRunner().invoke(app, ["--log-level", "loud", "parsers"])
    assert bad.exit_code == 2 and "--log-level 'loud'" in bad.output
