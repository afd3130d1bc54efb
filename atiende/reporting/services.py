"""Writes of reporting: the weekly summary mailed to supervisors."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import Role, User
from atiende.core import clock
from atiende.core.mail import AUTO_GENERATED_HEADERS

from .exports import summary_columns
from .summary import Period, summary

# A week's mail to one supervisor is claimed here, so a job run twice (two schedulers, a retry)
# sends it once.
SENT_KEY = "reports:weekly:{user}:{week}"


def weekly_recipients() -> list[User]:
    return list(User.objects.filter(kind="agent", role=Role.SUPERVISOR, is_active=True).exclude(email="")
                .order_by("pk"))


def weekly_summaries_send() -> int:
    """Mail each supervisor last week's summary (Monday to Sunday in their time zone) by team,
    in their language, plain text and HTML. Returns how many were sent."""
    sent = 0
    for user in weekly_recipients():
        zone = _zone(user)
        today = clock.now().astimezone(zone).date()
        last = today - timedelta(days=today.weekday() + 1)  # the Sunday before this week
        period = Period(last - timedelta(days=6), last, zone)
        if not cache.add(SENT_KEY.format(user=user.pk, week=period.first.isoformat()), 1, timeout=8 * 86400):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            found = summary(period=period, group_by="team", series=False)
            context = {"user": user, "found": found, "columns": _columns(found),
                       "url": settings.PUBLIC_URL.rstrip("/") + reverse("workspace:reports") + "?" + _query(period)}
            subject = _("Support summary, week of %(day)s") % {"day": period.first.isoformat()}
            text = render_to_string("reporting/weekly_summary.txt", context)
            html = render_to_string("reporting/weekly_summary.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                         to=[user.email], headers=AUTO_GENERATED_HEADERS)
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent


def _zone(user: User) -> ZoneInfo:
    for name in (user.time_zone, settings.TIME_ZONE):
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def _query(period: Period) -> str:
    return f"since={period.first.isoformat()}&until={period.last.isoformat()}&group_by=team"


_SHOWN = ("created", "solved", "backlog", "first_response_median", "resolution_median", "sla_attainment",
          "really_solved_rate", "fcr_rate", "reopen_rate", "csat_average")


def _columns(found) -> list[dict]:
    """The mail's lines: each figure this week, the week before, per team."""
    titles = dict(summary_columns())
    lines = []
    for name in _SHOWN:
        lines.append({"title": titles[name], "now": _show(name, getattr(found.total, name)),
                      "before": _show(name, getattr(found.previous, name)) if found.previous else "—",
                      "teams": [(row.label, _show(name, getattr(row, name))) for row in found.rows]})
    return lines


def _show(name: str, value) -> str:
    if value is None:
        return "—"
    if name.endswith("_rate") or name == "sla_attainment":
        return f"{value * 100:.1f} %"
    if name.endswith("_median"):
        return _("%(hours)s h") % {"hours": f"{value / 3600:.1f}"}
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
