"""The SQLite file under the history: opening it safely, migrating it, and short write transactions.

Two processes use it at once (the app open while ``copilot analyze`` runs in a terminal), so the database
runs in WAL mode (readers never block the writer), every write is one short ``BEGIN IMMEDIATE``
transaction (no read-to-write upgrade that could deadlock), SQLite waits up to ``BUSY_TIMEOUT_S`` for a
lock, and a write that still finds the database busy is retried. ``synchronous=FULL`` because a committed
call is what lets its journal be deleted: the commit must survive a power cut.

The schema lives in ``schema.sql`` as numbered migrations; ``PRAGMA user_version`` says how many ran.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from copilot.errors import OutputError
from copilot.store.paths import private_file

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0
WRITE_ATTEMPTS = 5
_MIGRATION_HEADER = re.compile(r"^-- migration (\d+):\s*(.*)$", re.MULTILINE)

T = TypeVar("T")


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from ``version - 1`` to ``version``."""

    version: int
    title: str
    statements: tuple[str, ...]


@cache
def migrations() -> tuple[Migration, ...]:
    """The migrations of ``schema.sql``, in order; numbered 1, 2, … without gaps."""
    text = resources.files("copilot.store").joinpath("schema.sql").read_text(encoding="utf-8")
    headers = list(_MIGRATION_HEADER.finditer(text))
    result = []
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body = text[header.end():end]
        result.append(Migration(int(header.group(1)), header.group(2).strip(), _split_statements(body)))
    if [m.version for m in result] != list(range(1, len(result) + 1)):
        raise RuntimeError("schema.sql: migrations must be numbered 1, 2, 3, … in order")
    return tuple(result)


def latest_version() -> int:
    return len(migrations())


def _split_statements(sql: str) -> tuple[str, ...]:
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise RuntimeError(f"schema.sql: unterminated statement: {pending.strip()[:60]}")
    return tuple(statements)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating it 0600 if needed) the database at ``path``, set up for two processes at once.

    The connection is in autocommit mode: writes go through :func:`write`. It may be shared between
    threads if the caller serializes its use.
    """
    private_file(path)  # SQLite gives the -wal and -shm files the mode of the main file
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise OutputError(f"cannot open the history {path}: {exc}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = _retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        if str(mode).lower() != "wal":
            log.warning("the history %s runs in %s mode, not WAL", path, mode)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")  # a deleted call's transcript is overwritten, not left behind
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise OutputError(f"cannot open the history {path}: {exc}") from None
    return conn


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int | None = None, where: str = "the history") -> int:
    """Apply the migrations the database lacks, up to ``target`` (default: all); return the version.

    Each migration runs in its own IMMEDIATE transaction and re-reads the version under the lock, so two
    processes opening a new database at once apply each migration exactly once.
    """
    steps = migrations()
    target = len(steps) if target is None else target
    version = user_version(conn)
    if version > len(steps):
        raise OutputError(f"{where} was written by a newer Copilot (schema {version}, this one knows {len(steps)})")
    while version < target:
        step = steps[version]

        def apply(cur: sqlite3.Connection, step: Migration = step) -> int:
            current = user_version(cur)
            if current >= step.version:
                return current  # another process got there first
            for statement in step.statements:
                cur.execute(statement)
            cur.execute(f"PRAGMA user_version = {step.version}")
            log.info("migrated %s to schema %d (%s)", where, step.version, step.title)
            return step.version

        version = write(conn, apply, where=where)
    return version


def write(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T], where: str = "the history") -> T:
    """Run ``fn(conn)`` in one short IMMEDIATE transaction; retry when busy; a full disk is an OutputError."""

    def attempt() -> T:
        with transaction(conn):
            return fn(conn)

    try:
        return _retry(attempt)
    except sqlite3.OperationalError as exc:
        raise OutputError(f"cannot write {where}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.IntegrityError):
            raise
        raise OutputError(f"cannot write {where}: {exc}") from None


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    else:
        conn.execute("COMMIT")


def read(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T], where: str = "the history") -> T:
    """Run ``fn(conn)`` in one read transaction (a consistent snapshot); retry when busy."""

    def attempt() -> T:
        conn.execute("BEGIN")
        try:
            return fn(conn)
        finally:
            if conn.in_transaction:
                conn.rollback()

    try:
        return _retry(attempt)
    except sqlite3.DatabaseError as exc:
        raise OutputError(f"cannot read {where}: {exc}") from None


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _retry(fn: Callable[[], T]) -> T:
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if attempt == WRITE_ATTEMPTS or not _is_busy(exc):
                raise
            log.info("the history is busy (%s); retry %d", exc, attempt)
            time.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")
