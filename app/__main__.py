"""`python -m app` is the `medtrace` command."""

from app.cli import main

raise SystemExit(main())
