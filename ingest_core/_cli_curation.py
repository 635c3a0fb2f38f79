"""``ingest curation list|export|remove``: the decisions a store keeps, managed from a shell.

Decisions are added by ``ingest resolve --db URL --curation FILE`` and by the review app
(``ingest serve``); removing one re-resolves the blocks it touched, so the store's entities
never disagree with its curation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ingest_core._cli_common import DbOption, check_choice, fail, write_lines
from ingest_core.errors import IngestError, UsageError

curation_app = typer.Typer(
    help="The curator's decisions kept in a store: list, export, remove.", no_args_is_help=True)


@curation_app.command("list")
def curation_list_cmd(
    db: DbOption = "sqlite:///ingest.db",
    fmt: Annotated[str, typer.Option("--format", help="table or jsonl.")] = "table",
    dangling: Annotated[bool, typer.Option(
        "--dangling", help="Only decisions naming a record the store no longer holds.")] = False,
) -> None:
    """List decisions: id, kind, the two members, who, when, note; dangling ones flagged."""
    import json

    from ingest_core.store import Store

    check_choice("--format", fmt, ("table", "jsonl"))
    try:
        with Store(db, read_only=True) as store:
            rows = [r for r in store.curation() if r.dangling or not dangling]
    except IngestError as exc:
        fail(exc)
    if fmt == "jsonl":
        write_lines([json.dumps({"id": r.id, **r.decision.model_dump(mode="json"),
                                 "dangling": list(r.dangling)}) for r in rows])
        return
    table = Table("id", "kind", "level", "a", "b", "who", "at", "note", "dangling",
                  title=f"curation: {len(rows)} decision(s)")
    for r in rows:
        d = r.decision
        table.add_row(r.id, d.kind, d.level, d.a, d.b, d.who or "",
                      d.at.strftime("%Y-%m-%d %H:%M") if d.at else "", d.note or "",
                      ", ".join(r.dangling))
    Console(width=220).print(table)


@curation_app.command("export")
def curation_export_cmd(
    db: DbOption = "sqlite:///ingest.db",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (default: stdout).")] = None,
) -> None:
    """Write every decision as JSON Lines that `ingest resolve --curation` reads back."""
    from ingest_core.store import Store

    try:
        with Store(db, read_only=True) as store:
            lines = [r.decision.model_dump_json() for r in store.curation()]
    except IngestError as exc:
        fail(exc)
    if output is None:
        write_lines(lines)
        return
    output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    typer.echo(f"{len(lines)} decision(s) written to {output}", err=True)


@curation_app.command("remove")
def curation_remove_cmd(
    ids: Annotated[list[str], typer.Argument(help="Decision ids or action ids (curation list).")],
    db: DbOption = "sqlite:///ingest.db",
) -> None:
    """Remove decisions, then re-resolve the blocks their members are in."""
    from ingest_core.resolution.actions import undo
    from ingest_core.store import Store

    try:
        with Store(db) as store:
            out = undo(store, *ids, only_touched=False)
    except UsageError as exc:
        fail(exc, code=2)
    except IngestError as exc:
        fail(exc)
    typer.echo(f"removed {len(out.decisions)} decision(s); re-resolved: "
               + ", ".join(f"{v} {k}" for k, v in out.counts.items()), err=True)
