"""The architecture, proved: the core never imports Qt, nothing outside ``copilot/ui`` imports the UI, the UI reaches
audio, ASR and the store only through the call service, the coach stands alone, and the live call is put together
in one place."""

from __future__ import annotations

import ast
import re
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


def imports_of(path: Path) -> list[str]:
    """Every module ``path`` imports, at the top or inside a function (absolute names)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        found += [f"{rel}: {name}" for name in imports_of(path)
                  if any(name == f or name.startswith(f + ".") for f in forbidden)]
    return found


def test_the_ui_reaches_audio_asr_and_the_store_only_through_the_call_service() -> None:
    assert not offenders("ui", ("copilot.audio", "copilot.asr", "copilot.store"))


def test_the_coach_imports_nothing_of_audio_asr_the_store_the_call_or_the_ui() -> None:
    assert not offenders("coach", ("copilot.audio", "copilot.asr", "copilot.store", "copilot.call", "copilot.ui",
                                   "copilot.commands", "copilot.export"))


def test_the_shared_types_do_not_import_the_coach() -> None:
    """``copilot.session`` holds the utterance, the transcript and the events the pipeline publishes; the coach
    uses them, so they must not use the coach (the session/coach import cycle of issue 10 stays gone)."""
    assert not offenders("session", ("copilot.coach", "copilot.call", "copilot.asr", "copilot.audio",
                                     "copilot.store"))


def test_the_live_pipeline_is_put_together_in_exactly_one_module() -> None:
    builders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name == "LivePipeline":
                    builders.append(path.relative_to(PACKAGE.parent).as_posix())
    assert builders == ["copilot/call/service.py"]


def test_only_the_call_configuration_reads_the_environment_overrides() -> None:
    """COPILOT_HOME and COPILOT_ALLOW_DOWNLOAD are parsed once, at the composition root (copilot.call.config)."""
    readers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ("COPILOT_HOME", "COPILOT_ALLOW_DOWNLOAD"):
                readers.append(path.relative_to(PACKAGE.parent).as_posix())
    assert sorted(set(readers)) == ["copilot/call/config.py"]


def test_no_test_reads_the_teams_shared_folder() -> None:
    """A user who clones the repository has no ``../shared``: the suite must run whole without it."""
    tests = Path(__file__).resolve().parent
    offenders = [str(p.relative_to(tests)) for p in tests.rglob("*.py")
                 if p.name != "test_architecture.py" and re.search(r"""["'/\\.]shared["'/\\]""",
                                                                    p.read_text(encoding="utf-8"))]
    assert offenders == []
