"""``python -m ingest_core``: the ``ingest`` command line."""

from ingest_core.cli import main

main()
