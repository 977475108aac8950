"""The rep's calendar read from .ics files: recurrences with exceptions and overrides, time zones (named, Outlook's
Windows names, UTC, floating), transparent and all-day events, the meeting in progress and the free slots."""

from __future__ import annotations

import os
import time as _time
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from copilot.calendar import CalendarSource, WorkingHours, free_slots, meeting_at
from copilot.calendar.events import events_between, parse_calendar

BERLIN = ZoneInfo("Europe/Berlin")
CALL = datetime(2026, 12, 4, 10, 5)  # a Friday; "next week" is Mon 7 – Fri 11 December

# Busy every weekday 9–17 (Berlin), except: Tuesday 8th taken out of the series (EXDATE) and booked only 9–14
# (floating) and 15–17 (Outlook's zone name); Thursday 10th moved to 11–17 (an overridden instance) with 9–10 booked
# in UTC. So next week's only free working time is Tuesday 14:00–15:00 and Thursday 10:00–11:00.
WEEK = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:focus@test
DTSTART;TZID=Europe/Berlin:20261102T090000
DTEND;TZID=Europe/Berlin:20261102T170000
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR
EXDATE;TZID=Europe/Berlin:20261208T090000
SUMMARY:Customer calls
END:VEVENT
BEGIN:VEVENT
UID:focus@test
RECURRENCE-ID;TZID=Europe/Berlin:20261210T090000
DTSTART;TZID=Europe/Berlin:20261210T110000
DTEND;TZID=Europe/Berlin:20261210T170000
SUMMARY:Customer calls (late start)
END:VEVENT
BEGIN:VEVENT
UID:tue-morning@test
DTSTART:20261208T090000
DTEND:20261208T140000
SUMMARY:Pipeline review
END:VEVENT
BEGIN:VEVENT
UID:tue-late@test
DTSTART;TZID=W. Europe Standard Time:20261208T150000
DTEND;TZID=W. Europe Standard Time:20261208T170000
SUMMARY:Forecast
END:VEVENT
BEGIN:VEVENT
UID:thu-early@test
DTSTART:20261210T080000Z
DTEND:20261210T090000Z
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:free@test
DTSTART;TZID=Europe/Berlin:20261210T100000
DTEND;TZID=Europe/Berlin:20261210T110000
TRANSP:TRANSPARENT
SUMMARY:Maybe: webinar (shown as free)
END:VEVENT
BEGIN:VEVENT
UID:allday@test
DTSTART;VALUE=DATE:20261214
DTEND;VALUE=DATE:20261215
SUMMARY:Company holiday
END:VEVENT
BEGIN:VEVENT
UID:now@test
DTSTART;TZID=Europe/Berlin:20261204T100000
DTEND;TZID=Europe/Berlin:20261204T104500
SUMMARY:Acme <> Northwind: pricing follow-up
ORGANIZER;CN=Sam Roy:mailto:sam@northwind.example
ATTENDEE;CN="Dana Lee";ROLE=REQ-PARTICIPANT:mailto:dana.lee@acme.example
ATTENDEE:mailto:marcus.chen@acme.example
ATTENDEE;CN=Sam Roy:mailto:sam@northwind.example
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture()
def week(tmp_path: Path) -> Path:
    path = tmp_path / "work.ics"
    path.write_text(WEEK.replace("\n", "\r\n"))
    return path


def test_next_weeks_only_free_windows_are_the_two_slots_offered(week: Path) -> None:
    source = CalendarSource([week], tz=BERLIN)
    slots = source.free_slots(CALL, WorkingHours(meeting_minutes=30))
    assert slots == (datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 10, 10, 0))
    assert source.problems == ()
    # an hour still fits both windows; ninety minutes fits neither, and the weeks after are busy or a holiday
    assert source.free_slots(CALL, WorkingHours(meeting_minutes=60)) == slots
    assert source.free_slots(CALL, WorkingHours(meeting_minutes=90, days_ahead=12)) == ()


def test_recurrence_exceptions_overrides_and_zones_are_expanded(week: Path) -> None:
    events = CalendarSource([week], tz=BERLIN).events(datetime(2026, 12, 8), datetime(2026, 12, 11))
    tuesday = [(e.title, e.start.time(), e.end.time()) for e in events if e.start.day == 8]
    assert tuesday == [("Pipeline review", time(9), time(14)), ("Forecast", time(15), time(17))]  # EXDATE honoured
    thursday = {e.title: (e.start.time(), e.end.time(), e.busy) for e in events if e.start.day == 10}
    assert thursday["Customer calls (late start)"] == (time(11), time(17), True)  # the overridden instance
    assert thursday["Standup"] == (time(9), time(10), True)  # 08:00 UTC is 09:00 in Berlin
    assert thursday["Maybe: webinar (shown as free)"][2] is False
    assert len([e for e in events if e.title == "Customer calls"]) == 1  # Wednesday only


def test_the_meeting_in_progress_gives_its_end_title_and_peoples_names(week: Path) -> None:
    meeting = CalendarSource([week], tz=BERLIN).meeting_at(CALL)
    assert meeting is not None
    assert meeting.title == "Acme <> Northwind: pricing follow-up"
    assert meeting.end == datetime(2026, 12, 4, 10, 45)
    assert meeting.attendees == ("Dana Lee", "Marcus Chen", "Sam Roy")
    assert meeting.organizer == "Sam Roy"
    assert CalendarSource([week], tz=BERLIN).meeting_at(datetime(2026, 12, 4, 12, 0)) is None


def test_a_floating_time_stays_on_the_wall_clock_whatever_the_zone(week: Path) -> None:
    for zone in ("Europe/Berlin", "America/Los_Angeles"):
        events = CalendarSource([week], tz=ZoneInfo(zone)).events(datetime(2026, 12, 7), datetime(2026, 12, 9))
        review = next(e for e in events if e.title == "Pipeline review")
        assert (review.start, review.end) == (datetime(2026, 12, 8, 9), datetime(2026, 12, 8, 14))


def test_missing_and_broken_files_are_one_line_each_and_the_rest_is_read(week: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:not-a-date\nEND:VEVENT\nEND:VCALENDAR\n")
    source = CalendarSource([week, tmp_path / "gone.ics", broken], tz=BERLIN)
    assert source.free_slots(CALL) == (datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 10, 10, 0))
    assert len(source.problems) == 2
    assert all("\n" not in p for p in source.problems)
    assert any("gone.ics: no such file" in p for p in source.problems)
    assert any("broken.ics" in p for p in source.problems)


def test_a_folder_of_calendars_is_read_and_a_changed_file_is_read_again(week: Path, tmp_path: Path) -> None:
    extra = tmp_path / "sub" / "personal.ics"
    extra.parent.mkdir()
    extra.write_text(WEEK.split("BEGIN:VEVENT")[0] + "BEGIN:VEVENT\nUID:x@test\nDTSTART:20261208T140000\n"
                     "DTEND:20261208T150000\nSUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n")
    source = CalendarSource([tmp_path], tz=BERLIN)
    assert source.free_slots(CALL) == (datetime(2026, 12, 10, 10, 0),)
    extra.write_text(extra.read_text().replace("Dentist", "Dentist (moved)").replace("20261208T14", "20261207T14")
                     .replace("20261208T15", "20261207T15"))
    later = _time.time() + 5
    os.utime(extra, (later, later))
    assert source.free_slots(CALL) == (datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 10, 10, 0))


def test_free_slots_keep_to_working_days_hours_and_the_grid() -> None:
    cal = parse_calendar(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261207T090000\r\n"
                         b"DTEND:20261207T095000\r\nSUMMARY:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    events = events_between(cal, datetime(2026, 12, 4), datetime(2026, 12, 20), BERLIN)
    slots = free_slots(events, datetime(2026, 12, 4, 16, 0), WorkingHours(start=time(9), end=time(12)), count=3)
    assert slots == (datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 8, 9, 0), datetime(2026, 12, 9, 9, 0))
    assert meeting_at(events, datetime(2026, 12, 7, 9, 10)) is not None
