"""The history of calls: every analyzed file and every live call, with its transcript and verdict.

One ``Store`` per process, shared by its threads (the app's history view, the call that just ended).
Everything it returns is frozen data (``CallSummary``, ``StoredCall`` with a typed ``Verdict``) that the Qt views
render and the CLI turns into JSON at the edge (``to_json``). A verdict is stored as DESIGN.md's JSON without its
utterances, which the utterances table keeps once.
"""

from __future__ import annotations

import csv
import dataclasses
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

from copilot.coach.state import CRITERIA, STAGES, Verdict
from copilot.coach.verdict import next_step_dict
from copilot.errors import InputError, OutputError
from copilot.followups import FollowUp, StoredFollowUp, followups_for
from copilot.session.utterance import SPEAKERS, Utterance
from copilot.store import db, patterns
from copilot.store.paths import data_dir as resolve_data_dir
from copilot.store.records import CallSummary, StoredCall

log = logging.getLogger(__name__)

DB_NAME = "history.sqlite3"
STATUSES = ("complete", "interrupted", "in_progress")

_CALL_COLUMNS = ("id, started_at, source, vertical, status, next_steps_secured, commitment_level, reason, "
                 "audio_path, created_at, updated_at, "
                 "(SELECT count(*) FROM utterances AS u WHERE u.call_id = calls.id) AS utterance_count")

_N_CALL_COLUMNS = 12  # the columns _CALL_COLUMNS selects, in _summary's order

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

    def save_call(self, utterances: Iterable[Utterance], verdict: Verdict | None, *,
                  started_at: datetime | str, source: str, vertical: str | None = "sales",
                  status: str = "complete", audio_path: str | Path | None = None,
                  journal_id: str | None = None, followups: Iterable[FollowUp] | None = None) -> int:
        """Record one call; return its id. ``verdict`` None: the call was not analyzed.

        The verdict is kept as DESIGN.md's JSON without ``utterances`` (the utterances table holds them once).
        With ``journal_id``, saving the same journal twice returns the first call's id (recovery is idempotent).
        The call's follow-ups (``copilot.followups``) are saved with it in the same transaction: ``followups`` when
        the caller derived them (knowing more, e.g. the calendar meeting's people), else derived here from the
        verdict and the transcript — none for a call without a verdict.
        """
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        utterances = list(utterances)
        rows = [_utterance_row(i, u) for i, u in enumerate(utterances)]
        todo = list(followups) if followups is not None else _derive_followups(verdict, utterances, started_at,
                                                                               vertical or "sales")
        verdict_json = None
        if verdict is not None:
            stored = verdict.to_json()
            stored.pop("utterances", None)  # kept once, in the utterances table
            verdict_json = json.dumps(stored, ensure_ascii=False)
        call = (normalize_started_at(started_at), str(source), vertical or "sales", status,
                None if verdict is None else int(verdict.next_steps_secured),
                verdict.commitment_level if verdict is not None and 1 <= verdict.commitment_level <= 5 else None,
                verdict.reason if verdict is not None else None, verdict_json,
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
            _insert_followups(conn, call_id, todo)
            return call_id

        with self._lock:
            call_id = db.write(self._conn, insert, where=f"the history {self.path}")
        log.info("saved call %d (%s, %s, %d utterances)", call_id, source, status, len(rows))
        return call_id

    def save_followups(self, call_id: int, followups: Iterable[FollowUp]) -> list[int]:
        """Replace the follow-ups of a saved call that are not done yet (a caller that knows more re-derives
        them); return the new ids. Done ones stay as they were."""
        todo = list(followups)

        def replace_(conn: sqlite3.Connection) -> list[int]:
            if conn.execute("SELECT 1 FROM calls WHERE id = ?", (int(call_id),)).fetchone() is None:
                raise InputError(f"no call with id {call_id} in the history")
            conn.execute("DELETE FROM followups WHERE call_id = ? AND done = 0", (int(call_id),))
            return _insert_followups(conn, int(call_id), todo)

        with self._lock:
            return db.write(self._conn, replace_, where=f"the history {self.path}")

    def list_followups(self, *, include_done: bool = False, call_id: int | None = None) -> list[StoredFollowUp]:
        """The follow-ups across calls, soonest due first (done ones only with ``include_done``)."""
        where, params = [], []
        if not include_done:
            where.append("done = 0")
        if call_id is not None:
            where.append("call_id = ?")
            params.append(int(call_id))
        sql = ("SELECT id, call_id, kind, due, what, done, original_due FROM followups"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY due, id")

        def query(conn: sqlite3.Connection) -> list[StoredFollowUp]:
            return [_stored_followup(row) for row in conn.execute(sql, tuple(params))]

        with self._lock:
            return db.read(self._conn, query, where=f"the history {self.path}")

    def get_followup(self, followup_id: int) -> StoredFollowUp:
        """One follow-up by its id (InputError when there is none)."""

        def query(conn: sqlite3.Connection) -> StoredFollowUp:
            row = conn.execute("SELECT id, call_id, kind, due, what, done, original_due FROM followups WHERE id = ?",
                               (int(followup_id),)).fetchone()
            if row is None:
                raise InputError(f"no follow-up with id {followup_id}")
            return _stored_followup(row)

        with self._lock:
            return db.read(self._conn, query, where=f"the history {self.path}")

    def mark_followup_done(self, followup_id: int, done: bool = True) -> StoredFollowUp:
        """Mark a follow-up done (or not done again); return it as it now is."""
        stamp = datetime.now().replace(microsecond=0).isoformat() if done else None
        self._update_followup(followup_id, "done = ?, done_at = ?", (int(done), stamp))
        return self.get_followup(followup_id)

    def snooze_followup(self, followup_id: int, until: datetime | str) -> StoredFollowUp:
        """Move a follow-up's due time to ``until`` (local time); return it as it now is."""
        due = normalize_started_at(until)
        self._update_followup(followup_id, "due = ?", (due,))
        return self.get_followup(followup_id)

    def _update_followup(self, followup_id: int, assignments: str, values: tuple[Any, ...]) -> None:
        def update(conn: sqlite3.Connection) -> int:
            return conn.execute(f"UPDATE followups SET {assignments} WHERE id = ?",
                                (*values, int(followup_id))).rowcount

        with self._lock:
            if db.write(self._conn, update, where=f"the history {self.path}") == 0:
                raise InputError(f"no follow-up with id {followup_id}")

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

    def list_calls(self, last: int | None = None, *, with_verdict: bool = False) -> list[CallSummary]:
        """The calls, newest first (by the call's date), each with its criteria/stages as met flags;
        ``with_verdict`` adds each call's typed ``verdict`` (without the utterances; None if not analyzed)."""
        if last is not None and last < 1:
            raise ValueError("last must be at least 1")

        def query(conn: sqlite3.Connection) -> list[CallSummary]:
            verdicts = ", verdict_json" if with_verdict else ""
            sql = f"SELECT {_CALL_COLUMNS}{verdicts} FROM calls ORDER BY started_at DESC, id DESC"
            params: tuple[int, ...] = ()
            if last is not None:
                sql += " LIMIT ?"
                params = (int(last),)
            rows = list(conn.execute(sql, params))
            flags: dict[int, dict[str, dict[str, bool]]] = {int(r[0]): {"criteria": {}, "stages": {}} for r in rows}
            if flags:
                marks = ",".join("?" * len(flags))
                for call_id, kind, name, met in conn.execute(
                        f"SELECT call_id, kind, name, met FROM findings WHERE call_id IN ({marks})", tuple(flags)):
                    flags[int(call_id)]["criteria" if kind == "criterion" else "stages"][str(name)] = bool(met)
            calls = []
            for row in rows:
                found = flags[int(row[0])]
                verdict = _read_verdict(row[_N_CALL_COLUMNS], ()) if with_verdict else None
                calls.append(_summary(row[:_N_CALL_COLUMNS], _met_flags(found["criteria"], CRITERIA),
                                      _met_flags(found["stages"], STAGES), verdict))
            return calls

        with self._lock:
            return db.read(self._conn, query, where=f"the history {self.path}")

    def get_call(self, call_id: int) -> StoredCall:
        """One call: its row, every utterance, and its typed verdict (None if it was never analyzed)."""

        def query(conn: sqlite3.Connection) -> StoredCall:
            row = conn.execute(f"SELECT {_CALL_COLUMNS}, verdict_json FROM calls WHERE id = ?",
                               (int(call_id),)).fetchone()
            if row is None:
                raise InputError(f"no call with id {call_id} in the history")
            said = tuple(Utterance(str(s), float(start), float(end), str(text)) for s, start, end, text in conn.execute(
                'SELECT speaker, start, "end", text FROM utterances WHERE call_id = ? ORDER BY idx', (int(row[0]),)))
            verdict = _read_verdict(row[-1], said)
            if verdict is not None:
                criteria = _met_flags({k: c.met for k, c in verdict.criteria.items()}, CRITERIA)
                stages = _met_flags({k: s.met for k, s in verdict.stages.items()}, STAGES)
            else:
                criteria, stages = {}, {}
            summary = _summary(row[:_N_CALL_COLUMNS], criteria, stages, verdict)
            return StoredCall(**{f: getattr(summary, f) for f in _SUMMARY_FIELDS}, utterances=said)

        with self._lock:
            return db.read(self._conn, query, where=f"the history {self.path}")

    def pattern(self, last: int | None = None) -> dict[str, Any]:
        """The pattern across the last ``last`` calls (all by default); see ``copilot.store.patterns``."""
        return patterns.pattern(self.list_calls(last))

    def export_csv(self, path: str | Path) -> int:
        """Write the history, one call a row, to ``path`` (atomically, private); return the number of calls."""
        rows = []
        for call in self.list_calls(with_verdict=True):
            step = call.verdict.next_step if call.verdict is not None else None
            row: dict[str, Any] = {k: v for k, v in call.to_json().items() if k in CSV_FIELDS}
            row.update({k: call.criteria.get(k) for k in CRITERIA})
            row.update({k: call.stages.get(k) for k in STAGES})
            row["next_step_action"] = step.action if step is not None else None
            row["next_step_when"] = _when_json(call.verdict) if call.verdict is not None else None
            rows.append({k: _csv_cell(row.get(k)) for k in CSV_FIELDS})
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


def _derive_followups(verdict: Verdict | None, utterances: list[Utterance], started_at: datetime | str,
                      vertical: str) -> list[FollowUp]:
    """The call's follow-ups from its verdict and transcript; a bug in deriving them is logged and costs only
    the follow-ups, never the call."""
    if verdict is None:
        return []
    try:
        return list(followups_for(verdict, utterances, datetime.fromisoformat(normalize_started_at(started_at)),
                                  vertical=vertical))
    except Exception:
        log.exception("could not derive the follow-ups of a call; it is saved without them")
        return []


def _insert_followups(conn: sqlite3.Connection, call_id: int, followups: list[FollowUp]) -> list[int]:
    start = conn.execute("SELECT coalesce(max(idx) + 1, 0) FROM followups WHERE call_id = ?", (call_id,)).fetchone()[0]
    ids = []
    for k, f in enumerate(followups):
        due = normalize_started_at(f.due)
        cur = conn.execute("INSERT INTO followups (call_id, idx, kind, due, original_due, what) VALUES (?, ?, ?, ?, ?, ?)",
                           (call_id, int(start) + k, f.kind, due, due, f.what))
        ids.append(int(cur.lastrowid or 0))
    return ids


def _stored_followup(row: tuple[Any, ...]) -> StoredFollowUp:
    fid, call_id, kind, due, what, done, original = row
    return StoredFollowUp(id=int(fid), call_id=int(call_id), kind=str(kind), due=datetime.fromisoformat(str(due)),
                          what=str(what), done=bool(done),
                          original_due=datetime.fromisoformat(str(original)) if original else None)


def _utterance_row(idx: int, u: Utterance) -> tuple[int, str, float, float, str]:
    if u.speaker not in SPEAKERS:
        raise ValueError(f"utterance {idx}: speaker must be one of {SPEAKERS}, not {u.speaker!r}")
    return idx, u.speaker, float(u.start), float(u.end), str(u.text)


def _findings(verdict: Verdict) -> list[tuple[str, str, int]]:
    return ([("criterion", name, int(c.met)) for name, c in verdict.criteria.items()]
            + [("stage", name, int(s.met)) for name, s in verdict.stages.items()])


def _coaching(verdict: Verdict) -> list[tuple[float, str, str, str, str | None]]:
    return [(m.t, m.kind or "Improvement", m.category, m.message, m.try_) for m in verdict.coaching]


def _read_verdict(text: str | None, utterances: tuple[Utterance, ...]) -> Verdict | None:
    """A stored verdict, typed, with the call's utterances put back (None when the call has none)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        log.warning("a stored verdict is not valid JSON; the call is shown without it")
        return None
    if not isinstance(data, dict):
        return None
    data["utterances"] = [u.to_dict() for u in utterances]
    return Verdict.from_json(data)


def _when_json(verdict: Verdict) -> str | None:
    """The next step's ``when`` as the verdict JSON writes it (a date alone when only a day was said)."""
    step = next_step_dict(verdict.next_step)
    when = step.get("when") if step is not None else None
    return when if isinstance(when, str) else None


def _met_flags(flags: Mapping[str, bool], order: tuple[str, ...]) -> dict[str, bool]:
    """``{name: met}`` in the method's order (names it does not know last, by name)."""
    rank = {name: i for i, name in enumerate(order)}
    return dict(sorted(((str(k), bool(v)) for k, v in flags.items()),
                       key=lambda item: (rank.get(item[0], len(order)), item[0])))


_SUMMARY_FIELDS = tuple(f.name for f in dataclasses.fields(CallSummary))


def _summary(row: tuple[Any, ...], criteria: dict[str, bool], stages: dict[str, bool],
             verdict: Verdict | None) -> CallSummary:
    (call_id, started_at, source, vertical, status, secured, level, reason, audio_path,
     created_at, updated_at, utterance_count) = row
    return CallSummary(id=int(call_id), started_at=str(started_at), source=str(source), vertical=str(vertical),
                       status=str(status), next_steps_secured=None if secured is None else bool(secured),
                       commitment_level=None if level is None else int(level),
                       utterance_count=int(utterance_count or 0), reason=reason, criteria=criteria, stages=stages,
                       audio_path=audio_path, created_at=created_at, updated_at=updated_at, verdict=verdict)


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
