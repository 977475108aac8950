"""The data folder: where it is, and that it is private (0700, files 0600) whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from store_helpers import utterances

from copilot.errors import OutputError
from copilot.store import CallJournal, Store, data_dir

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_given_folder_is_used_and_the_environment_is_not_read(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The store takes the folder it is given; --data-dir/COPILOT_HOME precedence is copilot.call.config's
    (tests/call/test_config.py)."""
    monkeypatch.setenv("COPILOT_HOME", str(tmp_path / "env"))
    assert data_dir(tmp_path / "flag" / "nested") == tmp_path / "flag" / "nested"
    assert (tmp_path / "flag" / "nested").is_dir()
    assert not (tmp_path / "env").exists()
    with Store.open(tmp_path / "other") as store:
        assert store.path.parent == tmp_path / "other"
    assert not (tmp_path / "env").exists()


def test_a_folder_is_required() -> None:
    with pytest.raises(TypeError):
        data_dir()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Store.open()  # type: ignore[call-arg]


def test_home_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data_dir("~/copilot-data") == tmp_path / "copilot-data"


@posix_only
def test_created_private_even_with_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = data_dir(tmp_path / "home")
        store = Store.open(path)
        store.save_call(utterances(2), None, started_at="2026-11-21T09:00:00", source="t")
        journal = CallJournal.start(store, started_at="2026-11-21T09:00:00", source="live")
        journal.append(utterances(1)[0])
        files = [p for p in path.rglob("*") if p.is_file()]
        names = {p.name for p in files}
        assert {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"} <= names
        assert journal.path in files and Path(journal.path.with_suffix(".lock")) in files
        assert mode(path) == 0o700 and mode(path / "journal") == 0o700
        assert {p.name: oct(mode(p)) for p in files} == {p.name: "0o600" for p in files}
        journal.finish(utterances(1), None)
        store.close()
    finally:
        os.umask(old)


@posix_only
def test_existing_loose_folder_is_tightened(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    data_dir(loose)
    assert mode(loose) == 0o700


@posix_only
def test_existing_loose_database_is_tightened(tmp_path: Path) -> None:
    home = data_dir(tmp_path / "home")
    (home / "history.sqlite3").touch()
    os.chmod(home / "history.sqlite3", 0o644)
    Store.open(home).close()
    assert mode(home / "history.sqlite3") == 0o600


def test_cannot_create_is_a_one_line_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError) as err:
        data_dir(blocker / "home")
    assert "cannot create the data folder" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(OutputError, match="not a folder"):
        data_dir(blocker)
