"""Where Copilot keeps what it remembers, and keeping that folder private.

The history and the journal hold whole call transcripts, so the folder is created readable by its owner
only (0700, files 0600). Which folder it is — ``--data-dir``, ``COPILOT_HOME`` or the user data folder — is
decided once, by ``copilot.call.config``.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from copilot.errors import OutputError

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def data_dir(folder: str | Path) -> Path:
    """The data folder (decided once by ``copilot.call.config``), created private if needed.
    Raises OutputError with a one-line reason when it cannot be made."""
    return ensure_private_dir(Path(folder).expanduser())


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700, or tighten it to 0700 if it is ours and looser."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        st = path.stat()
    except FileExistsError:
        raise OutputError(f"cannot use the data folder {path}: it is not a folder") from None
    except OSError as exc:
        raise OutputError(f"cannot create the data folder {path}: {_why(exc)}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot use the data folder {path}: it is not a folder")
    if stat.S_IMODE(st.st_mode) & 0o077:
        if not hasattr(os, "getuid") or st.st_uid == os.getuid():
            try:
                os.chmod(path, DIR_MODE)
            except OSError as exc:
                log.warning("cannot make %s private: %s", path, _why(exc))
        else:
            log.warning("the data folder %s belongs to another user and is readable by others", path)
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in the data folder {path}: permission denied")
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing; tighten it to 0600 if it exists and is looser."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
        os.close(fd)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, FILE_MODE)
    except OSError as exc:
        raise OutputError(f"cannot create {path}: {_why(exc)}") from None


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
