"""followups.ics: one VTODO per follow-up with DUE, SUMMARY, STATUS and a VALARM at the due time, read back with
icalendar; the same follow-up keeps its UID from one export to the next."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from copilot.followups import StoredFollowUp
from copilot.followups.ics import followups_ics

ITEMS = [StoredFollowUp(1, 7, "recap", datetime(2026, 12, 4, 12, 8, 19), "Send the recap email to Dana", False),
         StoredFollowUp(2, 7, "confirmation", datetime(2026, 12, 7, 14, 0), "Confirm Tuesday's demo with Marcus", True),
         StoredFollowUp(3, 8, "materials", datetime(2026, 12, 4, 17, 0), "Send the case study (promised by end of day)",
                        False)]


def todos(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VTODO"))


def test_one_task_per_follow_up_with_due_summary_status_and_an_alarm() -> None:
    found = todos(followups_ics(ITEMS))
    assert [str(t["SUMMARY"]) for t in found] == [f.what for f in ITEMS]
    assert [t.decoded("DUE") for t in found] == [f.due for f in ITEMS]  # floating local time, as the history keeps it
    assert all(t.decoded("DUE").tzinfo is None for t in found)
    assert [str(t["STATUS"]) for t in found] == ["NEEDS-ACTION", "COMPLETED", "NEEDS-ACTION"]
    for todo in found:
        alarm, = todo.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"]) == str(todo["SUMMARY"])
        assert alarm.decoded("TRIGGER") == timedelta(0) and alarm["TRIGGER"].params["RELATED"] == "END"  # at DUE


def test_uids_are_stable_and_distinct() -> None:
    first = [str(t["UID"]) for t in todos(followups_ics(ITEMS, now=datetime(2026, 12, 1, tzinfo=timezone.utc)))]
    again = [str(t["UID"]) for t in todos(followups_ics(ITEMS[::-1]))]
    assert first == again[::-1] and len(set(first)) == 3
    assert first[0] == "followup-1-call-7@call-copilot"


def test_no_follow_ups_is_an_empty_calendar() -> None:
    cal = Calendar.from_ical(followups_ics([]))
    assert str(cal["VERSION"]) == "2.0" and todos(followups_ics([])) == []
