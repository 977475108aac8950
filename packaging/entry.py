"""The frozen app's entry point: the same CLI as ``copilot`` (no sub-command opens the window)."""

import multiprocessing

from copilot.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
