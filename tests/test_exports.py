"""The public surface: ``ingest_core.__all__`` is exactly what the package exports, sorted."""

from __future__ import annotations

import ingest_core
from ingest_core import errors


def test_all_is_sorted_and_complete() -> None:
    names = ingest_core.__all__
    assert list(names) == sorted(names)
    public = {n for n in dir(ingest_core) if not n.startswith("_")} - {
        # submodules imported as a side effect of importing the package
        "errors",
        "parser",
        "cli",
        "store",
        "resolution",
        "backends",
        "schemas",
        "parsers",
        "review",
    }
    assert public <= set(names) | {"errors"}, public - set(names)
    for name in names:
        assert hasattr(ingest_core, name), name


def test_every_error_is_an_ingest_error_with_a_distinct_code() -> None:
    classes = [getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    codes = {c.code for c in classes if issubclass(c, errors.IngestError)}
    assert all(issubclass(c, errors.IngestError) for c in classes)
    assert len(codes) == len(classes)
    doc = errors.__doc__ or ""
    for cls in classes:
        assert cls.__name__ in doc, f"{cls.__name__} is missing from the tree in errors.py"


def test_errors_survive_pickling_for_process_pools() -> None:
    import pickle

    exc = errors.MalformedEntry("bad date", input="p.txt", parser="hf_daily", position=3)
    back = pickle.loads(pickle.dumps(exc))
    assert (type(back), back.position, back.input, str(back)) == (
        errors.MalformedEntry,
        3,
        "p.txt",
        str(exc),
    )
    reg = pickle.loads(pickle.dumps(errors.ParserRegistrationError("x", "broken")))
    assert reg.parser == "x"


def test_parsing_does_not_import_the_store() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ingest_core\n"
        "ingest_core.parse_page('Daily Papers\\nFeb 13\\nT\\nAbstract.', as_of='2026-02-13')\n"
        "heavy = [m for m in ('sqlalchemy', 'pyspark') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert ingest_core.Store.__name__ == 'Store'\n"
        "import ingest_core.resolution\n"
        "assert callable(ingest_core.resolve), 'a subpackage shadows resolve()'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
