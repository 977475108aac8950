"""The rep's own calendar, read on the device from exported .ics files: what is booked, the meeting in progress,
and the free slots to offer when locking the next step. Never fetched over the network."""

from copilot.calendar.events import CalendarEvent, read_calendar
from copilot.calendar.slots import WorkingHours, free_slots
from copilot.calendar.source import CalendarSource, meeting_at

__all__ = ["CalendarEvent", "CalendarSource", "WorkingHours", "free_slots", "meeting_at", "read_calendar"]
