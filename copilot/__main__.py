"""Allow ``python -m copilot``."""

from copilot.cli import main

raise SystemExit(main())
