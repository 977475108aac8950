"""The atomic writer: complete file or the old one, never a half-written target or a stray temp file."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.errors import OutputError
from copilot.export.atomic import ensure_output_dir, write_atomic


def _mount_tmpfs(target: Path, size: str) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        check=False,
        capture_output=True,
        timeout=10,
    )
    return result.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", str(target)], check=False, capture_output=True, timeout=10)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, so a real ENOSPC happens mid-write (needs root and mount; skipped otherwise)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if not _mount_tmpfs(mnt, "64k"):
        pytest.skip("cannot mount a tmpfs here (needs root and mount)")
    try:
        yield mnt
    finally:
        _umount(mnt)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to, with a good file already in it.

    As root, chmod does not stop writes, so a tmpfs remounted read-only stands in; otherwise 0o500.
    """
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.name == "posix" and os.geteuid() == 0:
        if not _mount_tmpfs(folder, "1m"):
            pytest.skip("running as root and cannot mount a read-only tmpfs")
        (folder / "verdict.json").write_text('{"good": true}')
        if subprocess.run(
            ["mount", "-o", "remount,ro", str(folder)], check=False, capture_output=True, timeout=10
        ).returncode:
            _umount(folder)
            pytest.skip("cannot remount the tmpfs read-only")
        try:
            yield folder
        finally:
            _umount(folder)
    else:
        (folder / "verdict.json").write_text('{"good": true}')
        folder.chmod(0o500)
        try:
            yield folder
        finally:
            folder.chmod(0o700)


def test_writes_text_as_utf8_and_bytes_verbatim(tmp_path: Path) -> None:
    text_path = write_atomic(tmp_path / "a.txt", "Café — “ok”\n")
    bytes_path = write_atomic(tmp_path / "b.bin", b"\x00\xff%PDF")
    assert text_path == tmp_path / "a.txt"
    assert text_path.read_bytes() == "Café — “ok”\n".encode()
    assert bytes_path.read_bytes() == b"\x00\xff%PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.bin"]


def test_replaces_an_existing_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "verdict.md"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["verdict.md"]


def test_new_file_is_not_left_private_like_a_temp_file(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "transcript.txt", "x")
    # mkstemp creates 0o600; the export must get ordinary permissions (umask applied).
    assert stat.S_IMODE(target.stat().st_mode) & 0o044 == 0o044 & ~_umask()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_folder_that_is_a_file_raises_one_line_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("I am a file")
    with pytest.raises(OutputError) as caught:
        write_atomic(blocker / "verdict.json", "{}")
    message = str(caught.value)
    assert "\n" not in message
    assert str(blocker / "verdict.json") in message
    assert "not a folder" in message
    assert blocker.read_text() == "I am a file"


def test_target_that_is_a_folder_fails_and_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "verdict.json").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(tmp_path / "verdict.json", "{}")
    # the temporary file was written and then the rename failed: it must be gone
    assert [p.name for p in tmp_path.iterdir()] == ["verdict.json"]
    assert (tmp_path / "verdict.json").is_dir()


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder does not exist"):
        write_atomic(tmp_path / "nope" / "x.txt", "x")


def test_non_text_data_is_a_bug_not_zero_bytes(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "x.txt", 12)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_read_only_folder_keeps_the_existing_good_file(read_only_dir: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomic(read_only_dir / "verdict.json", '{"good": false}')
    assert any(reason in str(caught.value) for reason in ("read-only file system", "permission denied"))
    assert (read_only_dir / "verdict.json").read_text() == '{"good": true}'
    assert [p.name for p in read_only_dir.iterdir()] == ["verdict.json"]


def test_full_disk_keeps_the_old_file_and_leaves_no_temp_file(tiny_disk: Path) -> None:
    target = tiny_disk / "transcript.txt"
    write_atomic(target, "the good transcript\n")
    with pytest.raises(OutputError) as caught:
        write_atomic(target, "x" * 200_000)
    assert str(caught.value) == f"cannot write {target}: disk full"
    assert target.read_text() == "the good transcript\n"
    assert [p.name for p in tiny_disk.iterdir()] == ["transcript.txt"]


def test_ensure_output_dir_creates_nested_folders(tmp_path: Path) -> None:
    folder = ensure_output_dir(tmp_path / "a" / "b")
    assert folder.is_dir()
    assert list(folder.iterdir()) == []  # the probe file is gone


def test_ensure_output_dir_rejects_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        ensure_output_dir(blocker)
    with pytest.raises(OutputError, match="not a folder"):
        ensure_output_dir(blocker / "sub")
    assert blocker.read_text() == "x"


def test_ensure_output_dir_rejects_an_unwritable_folder(read_only_dir: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot (write to|create folder)"):
        ensure_output_dir(read_only_dir)
    with pytest.raises(OutputError):
        ensure_output_dir(read_only_dir / "new")
