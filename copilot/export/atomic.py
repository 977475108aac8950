"""Atomic file writes: an export is either the complete new file or the old one, never half of either.

A full disk, a read-only folder or a crash mid-write must not destroy a good export that was already
there (STYLE.md: "exports written to a temporary file and renamed"). So every file goes to a temporary
name in the same folder, is flushed to disk, and only then renamed over the target; the folder is
synced so the rename itself survives a power cut. Any OS failure becomes one ``OutputError`` line
that names the path and the reason in words a user can act on.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import tempfile
from pathlib import Path

from copilot.errors import OutputError

log = logging.getLogger(__name__)

_REASON_NAMES = {
    "ENOSPC": "disk full",
    "EDQUOT": "disk quota exceeded",
    "EACCES": "permission denied",
    "EPERM": "permission denied",
    "EROFS": "read-only file system",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EISDIR": "it is a folder",
    "ENOENT": "the folder does not exist",
    "ENAMETOOLONG": "the name is too long",
    "EIO": "input/output error",
    "EFBIG": "the file is too large for this file system",
    "EMFILE": "too many open files",
}
# Not every platform defines every code (EDQUOT on Windows), so look them up by name.
_REASONS = {getattr(errno, name): text for name, text in _REASON_NAMES.items() if hasattr(errno, name)}


def describe_os_error(exc: OSError) -> str:
    """A short reason for an OS error ("disk full", "permission denied" …)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _reason_in(folder: Path, exc: OSError) -> str:
    """Like ``describe_os_error``, but an ENOENT inside an existing folder (/proc) is not "missing"."""
    if exc.errno == errno.ENOENT and folder.is_dir():
        return "files cannot be created in this folder"
    return describe_os_error(exc)


def _one_line(path: Path | str) -> str:
    return str(path).replace("\r", "\\r").replace("\n", "\\n")


def _current_umask() -> int:
    """The process umask without changing it (``os.umask`` to read it would race other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable; a no-op where folders cannot be opened (Windows) or synced."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        log.debug("cannot open %s to sync it: %s", folder, exc)
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems (e.g. certain network mounts) refuse a folder fsync
        log.debug("cannot sync folder %s: %s", folder, exc)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: str | bytes) -> Path:
    """Write ``data`` (str is encoded as UTF-8) to ``path`` atomically and durably; return the path.

    On failure raise ``OutputError`` and leave the target as it was (or absent) and no temporary file.
    An existing file keeps its permission bits; a new one gets the usual ``0o666 & ~umask``.
    """
    path = Path(path)
    if isinstance(data, str):
        payload = data.encode("utf-8")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        payload = bytes(data)
    else:
        raise TypeError(f"write_atomic needs str or bytes, not {type(data).__name__}")
    folder = path.parent
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_current_umask()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {_one_line(path)}: {_reason_in(folder, exc)}") from None
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            try:
                tmp.unlink()
            except OSError as cleanup_exc:
                log.warning("could not remove temporary file %s: %s", tmp, cleanup_exc)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {_one_line(path)}: {describe_os_error(exc)}") from None
    _fsync_dir(folder)
    log.debug("wrote %s (%d bytes)", path, len(payload))
    return path


def ensure_output_dir(path: Path | str) -> Path:
    """Create the folder if needed and prove it takes new files; raise ``OutputError`` if not.

    The proof is a real probe file, not ``os.access``: that answer is wrong for root, for ACLs and for
    read-only mounts.
    """
    path = Path(path)
    where = _one_line(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"cannot write to {where}: it exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write to {where}: it exists and is not a folder") from None
    except OSError as exc:
        raise OutputError(f"cannot create folder {where}: {describe_os_error(exc)}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".copilot-probe.", suffix=".tmp", dir=path)
    except OSError as exc:
        raise OutputError(f"cannot write to {where}: {_reason_in(path, exc)}") from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError as exc:
        log.warning("could not remove probe file %s: %s", probe, exc)
    return path
