from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Calendar(models.Model):
    """A business calendar: weekly hours in a time zone, holidays and closures.

    The arithmetic lives in `atiende.sla.calendar`; `hours` is its JSON form
    (`{"mon": [["09:00", "18:00"]], …}`), validated by services before it is stored.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Mexico_City")
    hours = models.JSONField(_("weekly hours"))
    holidays = models.CharField(
        _("public holidays"), max_length=2, blank=True, help_text=_("Country code, e.g. MX; empty for none.")
    )
    closures = models.JSONField(_("closures"), default=list, blank=True, help_text=_("Dates the team is closed."))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name
