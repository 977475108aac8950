"""A guard against a PySide6 6.12 bug that kills the app on Python 3.11.

PySide6/shiboken6 6.12.0 returns ``None`` from every void Qt method, and ``True`` from every
``Signal.emit``, without taking a reference to it (measured: 1,000 ``QLabel.setText`` calls drop
``None``'s reference count by 1,000, 50 emits drop ``True``'s by 50; 6.11.3 drops neither). On Python
3.12+ these objects are immortal and nothing happens; on 3.11 the count reaches zero after a few
thousand repaints and the interpreter aborts ("none_dealloc: deallocating None", "bool_dealloc").
The real fix is a PySide6 without the bug (pin ``PySide6-Essentials<6.12`` on Python < 3.12); until
then we give these singletons a reference count no run can exhaust, which is what 3.12 does by design.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_PADDING = 1 << 40


def _affected(pyside_version: str) -> bool:
    try:
        major, minor = (int(part) for part in pyside_version.split(".")[:2])
    except ValueError:
        return False
    return sys.version_info < (3, 12) and (major, minor) >= (6, 12)


def keep_none_alive(pyside_version: str) -> bool:
    """Make ``None``, ``True`` and ``False`` effectively immortal on an affected PySide6 + Python pair.

    Returns True when applied.

    Call once at import, before any thread starts (``ob_refcnt`` is the first field of every object
    in a release build of CPython).
    """
    if not _affected(pyside_version):
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PADDING
    log.info("PySide6 %s on Python %d.%d: guarding None/True/False reference counts (PySide6 refcount bug)",
             pyside_version, *sys.version_info[:2])
    return True
