"""The bundle's entry point: the `medtrace` command, as `python -m app` runs it (installers/medtrace.spec)."""

from app.cli import main

raise SystemExit(main())
