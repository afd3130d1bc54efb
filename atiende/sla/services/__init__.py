"""Writes for service levels: calendars, policies, the clocks on tickets and the breach scan."""

from .calendars import calendar_create, calendar_fields_clean, calendar_update

__all__ = ["calendar_create", "calendar_fields_clean", "calendar_update"]
