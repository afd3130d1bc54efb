"""The `.ics` invitation of an appointment (pure: no ORM), in the customer's time zone.

One UID per appointment for its whole life; each move raises SEQUENCE, so calendar programs
update the event instead of adding another; a cancellation is METHOD:CANCEL (RFC 5546)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    start: datetime  # aware
    end: datetime
    time_zone: str  # the customer's
    summary: str
    description: str
    organizer_email: str
    organizer_name: str
    attendees: tuple[tuple[str, str], ...]  # (email, name)
    cancelled: bool = False
    stamp: datetime | None = None


def ics_bytes(invitation: Invitation) -> bytes:
    zone = ZoneInfo(invitation.time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//atiende//appointments//ES")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp or invitation.start)
    event.add("dtstart", invitation.start.astimezone(zone))
    event.add("dtend", invitation.end.astimezone(zone))
    event.add("summary", invitation.summary)
    event.add("description", invitation.description)
    event.add("status", "CANCELLED" if invitation.cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{invitation.organizer_email}")
    organizer.params["cn"] = vText(invitation.organizer_name)
    event["organizer"] = organizer
    for email, name in invitation.attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
