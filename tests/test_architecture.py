"""The architecture, proved: the core never imports Qt, and nothing outside ``copilot/ui`` imports the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "copilot"
UI_ENTRY_POINTS = {"copilot/commands/app.py", "copilot/commands/demo.py"}  # the composition root for the window


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel.startswith("copilot/ui/") or rel in UI_ENTRY_POINTS or path.name == "__main__.py":
            continue
        names.append(rel[:-3].replace("/", ".").removesuffix(".__init__"))
    return names


def test_core_imports_without_qt() -> None:
    modules = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6') or m.startswith('copilot.ui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_core_module_names_qt_or_the_ui() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if rel.startswith("copilot/ui/") or rel in UI_ENTRY_POINTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6") or name.startswith("copilot.ui"):
                    offenders.append(f"{rel}: {name}")
    assert not offenders, offenders
