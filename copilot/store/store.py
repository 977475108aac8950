"""The history of calls: every analyzed file and every live call, with its transcript and verdict.

One ``Store`` per process, shared by its threads (the app's history view, the call that just ended).
Everything it returns is plain data (dicts, lists) that the CLI prints as JSON and the Qt views render.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.coach.state import CRITERIA, STAGES
from copilot.errors import InputError, OutputError
from copilot.session.utterance import SPEAKERS, Utterance
from copilot.store import db, patterns
from copilot.store.paths import data_dir as resolve_data_dir

log = logging.getLogger(__name__)

DB_NAME = "history.sqlite3"
STATUSES = ("complete", "interrupted", "in_progress")

_CALL_COLUMNS = ("id, started_at, source, vertical, status, next_steps_secured, commitment_level, reason, "
                 "audio_path, created_at, updated_at, "
                 "(SELECT count(*) FROM utterances AS u WHERE u.call_id = calls.id) AS utterance_count")

_N_CALL_COLUMNS = 12  # the columns _CALL_COLUMNS selects, in _call_dict's order

CSV_FIELDS = ("id", "started_at", "source", "vertical", "status", "next_steps_secured", "commitment_level",
              "utterance_count", *CRITERIA, *STAGES, "next_step_action", "next_step_when", "reason")


class Store:
    """The history database in a data folder (see ``copilot.store.paths``)."""

    def __init__(self, conn: sqlite3.Connection, root: Path) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.root = root
        self.path = root / DB_NAME

    @classmethod
    def open(cls, data_dir: str | Path) -> Store:
        """Open (creating and migrating as needed) the history in ``data_dir``."""
        root = resolve_data_dir(data_dir)
        path = root / DB_NAME
        conn = db.connect(path)
        try:
            db.migrate(conn, where=f"the history {path}")
        except BaseException:
            conn.close()
            raise
        return cls(conn, root)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:  # noqa: PYI034 - Store is not meant to be subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -------------------------------------------------------------------------------

    def save_call(self, utterances: Iterable[Utterance | Mapping[str, Any]], verdict: Mapping[str, Any] | None, *,
                  started_at: datetime | str, source: str, vertical: str | None = "sales",
                  status: str = "complete", audio_path: str | Path | None = None,
                  journal_id: str | None = None) -> int:
        """Record one call; return its id. ``verdict`` is the DESIGN.md verdict (None: not analyzed).

        With ``journal_id``, saving the same journal twice returns the first call's id (recovery is idempotent).
        """
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        rows = [_utterance_row(i, u) for i, u in enumerate(utterances)]
        verdict = dict(verdict) if verdict is not None else None
        verdict_json = None
        if verdict is not None:
            verdict.pop("utterances", None)  # kept once, in the utterances table
            verdict_json = json.dumps(verdict, ensure_ascii=False, default=str)
        secured = verdict.get("next_steps_secured") if verdict else None
        level = verdict.get("commitment_level") if verdict else None
        call = (normalize_started_at(started_at), str(source), vertical or "sales", status,
                None if secured is None else int(bool(secured)),
                level if isinstance(level, int) and 1 <= level <= 5 else None,
                verdict.get("reason") if verdict else None, verdict_json,
                None if audio_path is None else str(audio_path), journal_id)

        def insert(conn: sqlite3.Connection) -> int:
            if journal_id is not None:
                found = conn.execute("SELECT id FROM calls WHERE journal_id = ?", (journal_id,)).fetchone()
                if found:
                    return int(found[0])
            cur = conn.execute(
                "INSERT INTO calls (started_at, source, vertical, status, next_steps_secured, commitment_level,"
                " reason, verdict_json, audio_path, journal_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", call)
            call_id = int(cur.lastrowid or 0)
            conn.executemany('INSERT INTO utterances (call_id, idx, speaker, start, "end", text) '
                             "VALUES (?, ?, ?, ?, ?, ?)", [(call_id, *row) for row in rows])
            if verdict is not None:
                conn.executemany("INSERT INTO findings (call_id, kind, name, met) VALUES (?, ?, ?, ?)",
                                 [(call_id, *f) for f in _findings(verdict)])
                conn.executemany('INSERT INTO coaching (call_id, idx, t, kind, category, message, "try") '
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 [(call_id, i, *c) for i, c in enumerate(_coaching(verdict))])
            return call_id

        with self._lock:
            call_id = db.write(self._conn, insert, where=f"the history {self.path}")
        log.info("saved call %d (%s, %s, %d utterances)", call_id, source, status, len(rows))
        return call_id

    def call_for_journal(self, journal_id: str) -> int | None:
        """The id of the call saved from this journal, if it was."""
        with self._lock:
            row = db.read(self._conn, lambda conn: conn.execute(
                "SELECT id FROM calls WHERE journal_id = ?", (journal_id,)).fetchone(), where=f"the history {self.path}")
        return None if row is None else int(row[0])

    def delete_call(self, call_id: int) -> None:
        """Forget one call (its transcript, verdict and coaching go with it)."""

        def delete(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM calls WHERE id = ?", (int(call_id),)).rowcount

        with self._lock:
            if db.write(self._conn, delete, where=f"the history {self.path}") == 0:
                raise InputError(f"no call with id {call_id} in the history")

    def clear(self) -> int:
        """Forget every call; return how many there were."""
        with self._lock:
            count = db.write(self._conn, lambda conn: conn.execute("DELETE FROM calls").rowcount,
                             where=f"the history {self.path}")
            try:  # secure_delete zeroed the pages; also drop their old copies from the WAL file
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as exc:
                log.info("no checkpoint after clearing the history: %s", exc)
        return int(count)

    # ---- reading -------------------------------------------------------------------------------

    def list_calls(self, last: int | None = None, *, with_verdict: bool = False) -> list[dict[str, Any]]:
        """The calls, newest first (by the call's date), each with its criteria/stages as met flags;
        ``with_verdict`` adds each call's ``verdict`` (without the utterances, None if not analyzed)."""
        if last is not None and last < 1:
            raise ValueError("last must be at least 1")

        def query(conn: sqlite3.Connection) -> list[dict[str, Any]]:
            verdicts = ", verdict_json" if with_verdict else ""
            sql = f"SELECT {_CALL_COLUMNS}{verdicts} FROM calls ORDER BY started_at DESC, id DESC"
            params: tuple[Any, ...] = ()
            if last is not None:
                sql += " LIMIT ?"
                params = (int(last),)
            calls = []
            for row in conn.execute(sql, params):
                call = _call_dict(row[:_N_CALL_COLUMNS])
                if with_verdict:
                    call["verdict"] = json.loads(row[_N_CALL_COLUMNS]) if row[_N_CALL_COLUMNS] else None
                calls.append(call)
            by_id = {c["id"]: c for c in calls}
            if by_id:
                marks = ",".join("?" * len(by_id))
                for call_id, kind, name, met in conn.execute(
                        f"SELECT call_id, kind, name, met FROM findings WHERE call_id IN ({marks})", tuple(by_id)):
                    key = "criteria" if kind == "criterion" else "stages"
                    by_id[call_id][key][name] = bool(met)
            for call in calls:
                call["criteria"] = _met_flags(call["criteria"], CRITERIA)
                call["stages"] = _met_flags(call["stages"], STAGES)
            return calls

        with self._lock:
            return db.read(self._conn, query, where=f"the history {self.path}")

    def get_call(self, call_id: int) -> dict[str, Any]:
        """One call: its row, ``utterances``, and ``verdict`` in the DESIGN.md form (None if not analyzed)."""

        def query(conn: sqlite3.Connection) -> dict[str, Any]:
            row = conn.execute(f"SELECT {_CALL_COLUMNS}, verdict_json FROM calls WHERE id = ?",
                               (int(call_id),)).fetchone()
            if row is None:
                raise InputError(f"no call with id {call_id} in the history")
            call = _call_dict(row[:_N_CALL_COLUMNS])
            call["utterances"] = [
                {"speaker": s, "start": start, "end": end, "text": text}
                for s, start, end, text in conn.execute(
                    'SELECT speaker, start, "end", text FROM utterances WHERE call_id = ? ORDER BY idx', (call["id"],))]
            verdict = json.loads(row[-1]) if row[-1] else None
            if verdict is not None:
                verdict["utterances"] = call["utterances"]
                call["criteria"] = _met_flags(verdict.get("criteria"), CRITERIA)
                call["stages"] = _met_flags(verdict.get("stages"), STAGES)
            call["verdict"] = verdict
            return call

        with self._lock:
            return db.read(self._conn, query, where=f"the history {self.path}")

    def pattern(self, last: int | None = None) -> dict[str, Any]:
        """The pattern across the last ``last`` calls (all by default); see ``copilot.store.patterns``."""
        return patterns.pattern(self.list_calls(last))

    def export_csv(self, path: str | Path) -> int:
        """Write the history, one call a row, to ``path`` (atomically, private); return the number of calls."""
        calls = self.list_calls()
        with self._lock:
            steps = db.read(self._conn, lambda conn: {
                call_id: json.loads(v).get("next_step") if v else None
                for call_id, v in conn.execute("SELECT id, verdict_json FROM calls")}, where=f"the history {self.path}")
        rows = []
        for call in calls:
            step = steps.get(call["id"]) or {}
            row: dict[str, Any] = {k: call.get(k) for k in CSV_FIELDS}
            row.update({k: call["criteria"].get(k) for k in CRITERIA})
            row.update({k: call["stages"].get(k) for k in STAGES})
            row["next_step_action"] = step.get("action") if isinstance(step, dict) else None
            row["next_step_when"] = step.get("when") if isinstance(step, dict) else None
            rows.append({k: _csv_cell(v) for k, v in row.items()})
        _write_atomic_csv(Path(path), rows)
        return len(rows)


def normalize_started_at(value: datetime | str) -> str:
    """ISO 8601 in local time to the second, so that text order is time order."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"started_at {value!r} is not an ISO 8601 date/time") from None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat()


def _utterance_row(idx: int, u: Utterance | Mapping[str, Any]) -> tuple[int, str, float, float, str]:
    if isinstance(u, Utterance):
        speaker, start, end, text = u.speaker, u.start, u.end, u.text
    else:
        speaker, start, end, text = u["speaker"], u["start"], u["end"], u["text"]
    if speaker not in SPEAKERS:
        raise ValueError(f"utterance {idx}: speaker must be one of {SPEAKERS}, not {speaker!r}")
    return idx, speaker, float(start), float(end), str(text)


def _findings(verdict: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    found = []
    for kind, key in (("criterion", "criteria"), ("stage", "stages")):
        for name, value in (verdict.get(key) or {}).items():
            met = value.get("met") if isinstance(value, Mapping) else value
            found.append((kind, str(name), int(bool(met))))
    return found


def _coaching(verdict: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    moments = []
    for m in verdict.get("coaching") or []:
        if isinstance(m, Mapping):
            moments.append((m.get("t"), m.get("kind") or "Improvement", str(m.get("category") or ""),
                            str(m.get("message") or ""), m.get("try")))
    return moments


def _met_flags(section: Any, order: tuple[str, ...]) -> dict[str, bool]:
    """``{name: met}`` from a verdict section (or from flags), in the method's order."""
    section = section if isinstance(section, Mapping) else {}
    flags = {str(name): bool(value.get("met") if isinstance(value, Mapping) else value)
             for name, value in section.items()}
    rank = {name: i for i, name in enumerate(order)}
    return dict(sorted(flags.items(), key=lambda item: (rank.get(item[0], len(order)), item[0])))


def _call_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    (call_id, started_at, source, vertical, status, secured, level, reason, audio_path,
     created_at, updated_at, utterance_count) = row
    return {"id": call_id, "started_at": started_at, "source": source, "vertical": vertical, "status": status,
            "next_steps_secured": None if secured is None else bool(secured), "commitment_level": level,
            "utterance_count": utterance_count, "reason": reason, "criteria": {}, "stages": {},
            "audio_path": audio_path, "created_at": created_at, "updated_at": updated_at}


def _csv_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula ("=…", "+…", "-…", "@…") is quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_atomic_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
