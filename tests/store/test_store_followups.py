"""Follow-ups in the history: saved with their call (in the same transaction), listed across calls in due order,
marked done, snoozed, replaced; the migration that adds them to a history made by the schema before them."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import make_verdict, utterances

from copilot.errors import InputError
from copilot.session.utterance import Utterance
from copilot.followups import FollowUp
from copilot.store import Store, db
from copilot.store.store import DB_NAME

FRIDAY = "2026-11-20T10:00:00"  # make_verdict's next step is Tuesday 2026-11-24 at 14:00


def save(store: Store, started_at: str = FRIDAY, **kw: object) -> int:
    return store.save_call(utterances(4), make_verdict(True), started_at=started_at, source="test", **kw)  # type: ignore[arg-type]


def test_a_saved_call_leaves_its_follow_ups(home: Path) -> None:
    with Store.open(home) as store:
        call_id = save(store)
        items = store.list_followups()
    end = datetime(2026, 11, 20, 10, 0, 7)  # the last of utterances(4) ends at 7.5 s (kept to the second)
    assert [(f.call_id, f.kind) for f in items] == [(call_id, "recap"), (call_id, "follow_up"),
                                                    (call_id, "confirmation")]
    assert items[0].due == end + timedelta(hours=2) and items[0].what == "Send the recap email"
    assert items[1].due == datetime(2026, 11, 23, 9, 0)  # 48 h after the recap is a Sunday: Monday at 9:00
    assert items[2].due == datetime(2026, 11, 23, 14, 0) and items[2].what == "Confirm Tuesday's demo"
    assert not any(f.done for f in items) and all(f.original_due == f.due for f in items)
    assert items[0].to_json() == {"id": items[0].id, "call_id": call_id, "kind": "recap",
                                  "due": "2026-11-20T12:00:07", "what": "Send the recap email", "done": False}


def test_listing_is_across_calls_soonest_first_and_done_ones_only_when_asked(home: Path) -> None:
    with Store.open(home) as store:
        later = save(store, "2026-11-21T09:00:00")
        earlier = save(store)
        items = store.list_followups()
        assert [f.due for f in items] == sorted(f.due for f in items)
        assert {f.call_id for f in items} == {later, earlier} and items[0].call_id == earlier
        done = store.mark_followup_done(items[0].id)
        assert done.done and done.id == items[0].id
        assert items[0].id not in [f.id for f in store.list_followups()]
        assert [f.id for f in store.list_followups(include_done=True)] == [f.id for f in items]
        assert [f.call_id for f in store.list_followups(call_id=later)] == [later] * 3
        undone = store.mark_followup_done(items[0].id, done=False)
        assert not undone.done and items[0].id in [f.id for f in store.list_followups()]


def test_snooze_moves_the_due_time_and_keeps_the_original(home: Path) -> None:
    with Store.open(home) as store:
        save(store)
        recap = store.list_followups()[0]
        moved = store.snooze_followup(recap.id, datetime(2026, 11, 24, 8, 30, 15, 999))
        assert moved.due == datetime(2026, 11, 24, 8, 30, 15) and moved.original_due == recap.due
        assert store.list_followups()[-1].id == recap.id  # now the last one due
        assert store.snooze_followup(recap.id, "2026-11-21T09:00").due == datetime(2026, 11, 21, 9, 0)


def test_unknown_ids_and_bad_times_are_one_line(home: Path) -> None:
    with Store.open(home) as store:
        save(store)
        with pytest.raises(InputError, match="^no follow-up with id 999$"):
            store.mark_followup_done(999)
        with pytest.raises(InputError, match="^no follow-up with id 999$"):
            store.snooze_followup(999, datetime(2026, 11, 24))
        with pytest.raises(InputError, match="is not an ISO 8601"):
            store.snooze_followup(1, "next tuesday")
        with pytest.raises(InputError, match="^no call with id 42"):
            store.save_followups(42, [])


def test_deleting_a_call_deletes_its_follow_ups(home: Path) -> None:
    with Store.open(home) as store:
        kept, gone = save(store), save(store, "2026-11-22T09:00:00")
        store.delete_call(gone)
        assert {f.call_id for f in store.list_followups(include_done=True)} == {kept}
        store.clear()
        assert store.list_followups(include_done=True) == []


def test_a_caller_may_give_the_follow_ups_and_replace_the_pending_ones(home: Path) -> None:
    mine = [FollowUp("recap", datetime(2026, 11, 20, 11, 0), "Send the recap email to Dana Lee")]
    with Store.open(home) as store:
        call_id = save(store, followups=mine)
        first, = store.list_followups()
        assert (first.what, first.due) == ("Send the recap email to Dana Lee", datetime(2026, 11, 20, 11, 0))
        store.mark_followup_done(first.id)
        ids = store.save_followups(call_id, [FollowUp("follow_up", datetime(2026, 11, 23, 9, 0), "Follow up"),
                                             FollowUp("materials", datetime(2026, 11, 20, 17, 0), "Send the deck")])
        items = store.list_followups(include_done=True)
        assert [f.what for f in items] == ["Send the recap email to Dana Lee", "Send the deck", "Follow up"]
        assert items[0].done and sorted(ids) == sorted(f.id for f in items[1:])
        store.save_followups(call_id, [])  # pending ones go, done ones stay
        assert [f.what for f in store.list_followups(include_done=True)] == ["Send the recap email to Dana Lee"]


def test_a_call_without_a_verdict_leaves_none(home: Path) -> None:
    with Store.open(home) as store:
        store.save_call(utterances(3), None, started_at=FRIDAY, source="live", status="interrupted")
        assert store.list_followups() == []


def test_a_bug_deriving_them_costs_only_the_follow_ups_and_is_logged(home: Path, monkeypatch, caplog) -> None:
    import copilot.store.store as store_module

    def broken(*_a: object, **_k: object) -> tuple[FollowUp, ...]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(store_module, "followups_for", broken)
    with Store.open(home) as store, caplog.at_level(logging.ERROR):
        call_id = save(store)
        assert store.get_call(call_id).utterance_count == 4 and store.list_followups() == []
    assert "could not derive the follow-ups" in caplog.text and "a bug" in caplog.text


def test_the_migration_adds_follow_ups_to_a_history_made_before_them(home: Path) -> None:
    home.mkdir(mode=0o700)
    conn = db.connect(home / DB_NAME)
    assert db.migrate(conn, target=2) == 2  # the schema as it was before follow-ups
    conn.execute("INSERT INTO calls (started_at, source, verdict_json) VALUES ('2026-11-01T09:00:00', 'old.flac', NULL)")
    conn.execute("INSERT INTO utterances (call_id, idx, speaker, start, \"end\", text) VALUES (1, 0, 'rep', 0, 1, 'hi')")
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("SELECT * FROM followups")
    conn.close()
    with Store.open(home) as store:
        assert db.user_version(store._conn) == db.latest_version() >= 3
        old = store.get_call(1)
        assert (old.source, old.utterance_count) == ("old.flac", 1)
        assert store.list_followups(include_done=True) == []  # an old call's cadence is in the past: none made up
        new = save(store)
        assert {f.call_id for f in store.list_followups()} == {new}
    with sqlite3.connect(home / DB_NAME) as raw:  # the table as the migration made it
        columns = [row[1] for row in raw.execute("PRAGMA table_info(followups)")]
    assert columns == ["id", "call_id", "idx", "kind", "due", "original_due", "what", "done", "done_at"]


def test_the_table_refuses_an_unknown_kind(home: Path) -> None:
    with Store.open(home) as store:
        call_id = save(store)
        with pytest.raises(sqlite3.IntegrityError):
            store._conn.execute("INSERT INTO followups (call_id, idx, kind, due, original_due, what) "
                                "VALUES (?, 99, 'lunch', '2026-11-20T12:00:00', '2026-11-20T12:00:00', 'x')", (call_id,))


def test_a_live_call_finished_through_its_journal_leaves_its_follow_ups(home: Path) -> None:
    from copilot.store import CallJournal

    said = [Utterance("rep", 0.0, 3.0, "Hi Dana, I'll send you the case study by end of day."),
            Utterance("prospect", 3.5, 5.0, "Great, thanks.")]
    journal = CallJournal.start(home, started_at="2026-11-19T10:00:00", source="live", vertical="sales")
    for u in said:
        journal.append(u)
    call_id = journal.finish(said, make_verdict(True), "complete")
    with Store.open(home) as store:
        items = store.list_followups()
    assert [(f.call_id, f.kind, f.what) for f in items][:2] == [
        (call_id, "recap", "Send the recap email to Dana"),
        (call_id, "materials", "Send the case study (promised by end of day)")]
    assert items[1].due == datetime(2026, 11, 19, 17, 0)
