"""The journal of the call in progress: nothing said in a call is lost to a crash, a kill or a power cut.

Each final utterance is appended to a JSON Lines file under ``<data dir>/journal/`` and fsynced *before*
the call shows it (``CallSession.add`` calls :meth:`CallJournal.append` first). When the call ends,
:meth:`CallJournal.finish` moves it into the history database and deletes the file. A file still there at
the next start belongs to a call that died: :func:`recover_interrupted` turns it into an "interrupted"
call with every utterance that had been written, and a verdict computed on them.

While its call is alive, a journal holds an OS lock (released by the kernel when the process dies, even
by SIGKILL), so ``copilot history`` run in a terminal never "recovers" the call the app is recording.

File format, one JSON object a line::

    {"type": "start", "format": 1, "journal_id": "…", "started_at": "…", "source": "…", "vertical": "…", "audio_path": …}
    {"type": "utterance", "idx": 0, "speaker": "rep", "start": 1.2, "end": 3.4, "text": "…"}
    {"type": "finish", "status": "complete", "utterances": […], "verdict": {…}}   (the whole call, as the session
                                                                    held it, and DESIGN.md's verdict without utterances)

A last line without its newline is a write cut short by the death: it was never acknowledged, and is skipped.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from copilot.coach.state import Verdict
from copilot.errors import CopilotError, OutputError
from copilot.session.utterance import SPEAKERS, Utterance
from copilot.store.paths import FILE_MODE, ensure_private_dir
from copilot.store.paths import data_dir as resolve_data_dir
from copilot.store.store import Store, normalize_started_at

log = logging.getLogger(__name__)

JOURNAL_DIR = "journal"
FORMAT = 1
SUFFIX = ".jsonl"

AnalyzeFn = Callable[[Sequence[Utterance], datetime, str], Verdict]


class CallJournal:
    """The live call's journal (implements ``copilot.call.session.Journal``). Thread-safe."""

    def __init__(self, store: Store, path: Path, lock: FileLock, fd: int, header: dict[str, Any],
                 owns_store: bool) -> None:
        self._store = store
        self._owns_store = owns_store
        self.path = path
        self._file_lock = lock
        self._fd: int | None = fd
        self._header = header
        self._size = os.fstat(fd).st_size
        self._utterances: list[Utterance] = []
        self._mutex = threading.Lock()
        self.call_id: int | None = None

    @property
    def journal_id(self) -> str:
        return str(self._header["journal_id"])

    @classmethod
    def start(cls, store_or_dir: Store | str | Path, *, started_at: datetime | str, source: str,
              vertical: str | None = "sales", audio_path: str | Path | None = None) -> CallJournal:
        """Open the journal of a new call (and the history it will go to), durably, before the call begins."""
        owns_store = not isinstance(store_or_dir, Store)
        store = store_or_dir if isinstance(store_or_dir, Store) else Store.open(store_or_dir)
        try:
            folder = ensure_private_dir(store.root / JOURNAL_DIR)
            journal_id = uuid.uuid4().hex
            stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
            path = folder / f"{stamp}-{journal_id[:12]}{SUFFIX}"
            lock = _lock_for(path)
            try:
                lock.acquire()  # a fresh name: nobody else holds it
            except OSError as exc:
                raise OutputError(f"cannot create the call journal in {folder}: {exc.strerror or exc}") from None
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0),
                             FILE_MODE)
            except OSError as exc:
                lock.release()
                raise OutputError(f"cannot create the call journal {path}: {exc.strerror or exc}") from None
            header = {"type": "start", "format": FORMAT, "journal_id": journal_id,
                      "started_at": normalize_started_at(started_at), "source": str(source),
                      "vertical": vertical or "sales", "audio_path": None if audio_path is None else str(audio_path)}
            journal = cls(store, path, lock, fd, header, owns_store)
            try:
                journal._write(header)
                _sync_dir(folder)
            except OutputError:
                journal._close()
                path.unlink(missing_ok=True)
                raise
        except BaseException:
            if owns_store:
                store.close()
            raise
        log.info("journal %s started", path)
        return journal

    @classmethod
    def start_or_report(cls, store_or_dir: Store | str | Path, *, started_at: datetime | str, source: str,
                        vertical: str | None = "sales", audio_path: str | Path | None = None,
                        on_problem: Callable[[str], None], keep_hint: str) -> CallJournal | None:
        """``start``, except that a journal which cannot be opened (full disk, unwritable folder) is reported
        through ``on_problem`` and None is returned: the call goes on, unsaved; ``keep_hint`` tells how to keep it."""
        try:
            return cls.start(store_or_dir, started_at=started_at, source=source, vertical=vertical,
                             audio_path=audio_path)
        except CopilotError as exc:  # a full disk or an unusable data folder must not stop the call
            on_problem(f"{exc}; this call will not be saved in the history — {keep_hint}")
            return None

    def append(self, utterance: Utterance) -> None:
        """Write one final utterance and fsync it; raise OutputError (disk full, …) if it could not be."""
        if not utterance.final:
            raise ValueError("only final utterances are journaled")
        if utterance.speaker not in SPEAKERS:
            raise ValueError(f"speaker must be one of {SPEAKERS}, not {utterance.speaker!r}")
        with self._mutex:
            if self._fd is None:
                raise RuntimeError("the journal is closed")
            self._write({"type": "utterance", "idx": len(self._utterances), **utterance.to_dict()})
            self._utterances.append(utterance)

    def finish(self, utterances: Sequence[Utterance], verdict: Verdict | None,
               status: str = "complete") -> int:
        """Move the call into the history and delete the journal; return the call's id (idempotent).

        ``utterances`` is every final utterance of the call as the session holds it: the journal may have
        stopped early (a full disk) while the call went on in memory.
        The whole call (every utterance and the verdict) is written to the journal first, so if the history
        cannot be written the next start records the call as it ended; OutputError is raised then.
        """
        if status not in ("complete", "interrupted"):
            raise ValueError(f"status must be complete or interrupted, not {status!r}")
        with self._mutex:
            if self.call_id is not None:
                return self.call_id
            if self._fd is None:
                raise RuntimeError("the journal is closed")
            h = self._header
            said = list(utterances) if len(utterances) >= len(self._utterances) else list(self._utterances)
            try:
                self._write(_finish_record(status, said, verdict))
            except OutputError as exc:
                log.warning("%s; saving the call straight to the history", exc)
            try:
                call_id = self._store.save_call(said, verdict, started_at=h["started_at"],
                                                source=h["source"], vertical=h["vertical"], status=status,
                                                audio_path=h["audio_path"], journal_id=self.journal_id)
            except BaseException:
                self._close()  # the journal stays: the next start recovers the call from it
                raise
            self._close(remove=True)
            self.call_id = call_id
            return call_id

    def discard(self) -> None:
        """Forget the call (``--no-save``, or the user chose not to keep it): delete the journal."""
        with self._mutex:
            if self._fd is not None:
                self._close(remove=True)

    def _write(self, record: dict[str, Any]) -> None:
        assert self._fd is not None
        data = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            _sync(self._fd)
        except OSError as exc:
            try:  # drop the torn bytes, so a later append (once there is room) starts on a clean line
                os.ftruncate(self._fd, self._size)
            except OSError:
                pass
            raise OutputError(f"cannot write the call journal {self.path}: {exc.strerror or exc}") from None
        self._size += len(data)

    def _close(self, remove: bool = False) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if remove:
            self.path.unlink(missing_ok=True)
            _sync_dir(self.path.parent)
        self._file_lock.release()
        if remove:
            Path(self._file_lock.lock_file).unlink(missing_ok=True)
        if self._owns_store:
            self._store.close()


@dataclass(frozen=True)
class JournalFinish:
    """The journal's last record: the call ended (``status``), with every utterance and the verdict."""

    status: str
    utterances: tuple[Utterance, ...]
    verdict: Verdict | None


@dataclass
class JournalContents:
    """What a journal file held: its header, the utterances written, the verdict if the call finished."""

    path: Path
    journal_id: str
    started_at: str
    source: str
    vertical: str
    audio_path: str | None
    utterances: list[Utterance] = field(default_factory=list)
    finish: JournalFinish | None = None
    skipped_lines: int = 0


def read_journal(path: Path) -> JournalContents:
    """Parse a journal file; a torn or unreadable line is skipped (and counted), never fatal."""
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    tail = lines.pop()  # b"" after a final newline; otherwise a write cut short
    skipped = 1 if tail.strip() else 0
    header: dict[str, Any] = {}
    utterances: list[Utterance] = []
    finish = None
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            kind = record["type"]
            if kind == "start":
                header = record
            elif kind == "utterance":
                if record["speaker"] not in SPEAKERS:
                    raise ValueError("bad speaker")
                utterances.append(Utterance(record["speaker"], float(record["start"]), float(record["end"]),
                                            str(record["text"])))
            elif kind == "finish":
                finish = _read_finish(record)
        except (ValueError, KeyError, TypeError):
            skipped += 1
    if skipped:
        log.warning("journal %s: skipped %d unreadable line(s)", path, skipped)
    if not header.get("started_at"):
        header["started_at"] = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0).isoformat()
    return JournalContents(path=path, journal_id=str(header.get("journal_id") or path.stem),
                           started_at=str(header["started_at"]), source=str(header.get("source") or "unknown"),
                           vertical=str(header.get("vertical") or "sales"), audio_path=header.get("audio_path"),
                           utterances=utterances, finish=finish, skipped_lines=skipped)


def recover_interrupted(data_dir: Store | str | Path, analyze_fn: AnalyzeFn | None = None) -> list[int]:
    """Turn every journal left by a dead call into a call in the history; return the new calls' ids.

    A call that died is recorded as "interrupted", with the verdict ``analyze_fn(utterances, started_at,
    vertical)`` on what was recovered (None without ``analyze_fn``, or if it fails). A journal whose call is
    still alive (its lock is held) is left alone. Safe to run from two processes at once.
    """
    if isinstance(data_dir, Store):
        store: Store | None = data_dir
        root = data_dir.root
    else:
        store, root = None, resolve_data_dir(data_dir)
    folder = root / JOURNAL_DIR
    if not folder.is_dir():
        return []
    owns_store = store is None
    recovered: list[int] = []
    try:
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            lock = _lock_for(path)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                log.info("journal %s belongs to a call in progress", path)
                continue
            except OSError as exc:
                log.warning("cannot lock the journal %s: %s", path, exc)
                continue
            try:
                if not path.exists():
                    continue  # finished or recovered meanwhile
                contents = read_journal(path)
                if not contents.utterances and contents.finish is None:
                    log.info("journal %s holds no utterance; removed", path)
                    path.unlink()
                    continue
                if store is None:
                    store = Store.open(root)
                if store.call_for_journal(contents.journal_id) is not None:
                    log.info("journal %s was already saved; removed", path)  # died between commit and unlink
                    path.unlink()
                    continue
                call_id = _save(store, contents, analyze_fn)
                path.unlink()
                _sync_dir(folder)
                recovered.append(call_id)
                log.warning("recovered call %d (%d utterances) from %s", call_id, len(contents.utterances), path.name)
            except OutputError as exc:
                log.warning("cannot recover the journal %s yet: %s", path, exc)
            except OSError as exc:
                log.warning("cannot read the journal %s: %s", path, exc.strerror or exc)
            finally:
                lock.release()
                if not path.exists():
                    Path(lock.lock_file).unlink(missing_ok=True)
        _remove_orphan_locks(folder)
    finally:
        if owns_store and store is not None:
            store.close()
    return recovered


def _save(store: Store, contents: JournalContents, analyze_fn: AnalyzeFn | None) -> int:
    said: Sequence[Utterance] = contents.utterances
    verdict: Verdict | None
    if contents.finish is not None:  # the call ended; only saving it failed
        status, verdict = contents.finish.status, contents.finish.verdict
        if len(contents.finish.utterances) > len(said):  # the session held more than the journal could write
            said = contents.finish.utterances
    else:
        status, verdict = "interrupted", None
        if analyze_fn is not None:
            try:
                verdict = analyze_fn(contents.utterances, datetime.fromisoformat(contents.started_at),
                                     contents.vertical)
            except Exception:  # a coach bug must not cost the user the transcript
                log.exception("could not compute the verdict of the recovered call %s", contents.path.name)
    return store.save_call(said, verdict, started_at=contents.started_at, source=contents.source,
                           vertical=contents.vertical, status=status, audio_path=contents.audio_path,
                           journal_id=contents.journal_id)


def _finish_record(status: str, utterances: Sequence[Utterance], verdict: Verdict | None) -> dict[str, Any]:
    """The finish line: the verdict as DESIGN.md's JSON, its utterances kept once beside it."""
    data = None
    if verdict is not None:
        data = verdict.to_json()
        data.pop("utterances", None)
    return {"type": "finish", "status": status, "utterances": [u.to_dict() for u in utterances], "verdict": data}


def _read_finish(record: dict[str, Any]) -> JournalFinish:
    """A finish line read back; tolerant of the first format, whose verdict carried the utterances itself."""
    recorded = record.get("status")
    status = recorded if isinstance(recorded, str) and recorded in ("complete", "interrupted") else "complete"
    raw = record.get("verdict")
    listed = record.get("utterances")
    if not isinstance(listed, list):
        listed = raw.get("utterances") if isinstance(raw, dict) else None
    said = tuple(Utterance(u["speaker"], float(u["start"]), float(u["end"]), str(u["text"]))
                 for u in (listed if isinstance(listed, list) else [])
                 if isinstance(u, dict) and u.get("speaker") in SPEAKERS)
    verdict = Verdict.from_json({**raw, "utterances": [u.to_dict() for u in said]}) if isinstance(raw, dict) else None
    return JournalFinish(status, said, verdict)


def _remove_orphan_locks(folder: Path) -> None:
    for lock_path in folder.glob("*.lock"):
        if lock_path.with_suffix(SUFFIX).exists():
            continue
        lock = FileLock(str(lock_path), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except (Timeout, OSError):
            continue
        try:
            if not lock_path.with_suffix(SUFFIX).exists():
                lock_path.unlink(missing_ok=True)
        finally:
            lock.release()


def _lock_for(path: Path) -> FileLock:
    # thread_local=False: the call starts on one thread and finishes on another
    return FileLock(str(path.with_suffix(".lock")), mode=FILE_MODE, thread_local=False)


def _sync(fd: int) -> None:
    """Flush to the disk itself (on macOS plain fsync stops at the drive's cache)."""
    if sys.platform == "darwin":
        import fcntl

        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass
    os.fsync(fd)


def _sync_dir(folder: Path) -> None:
    """Make a file's creation or removal durable (POSIX; Windows has no directory fsync)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
