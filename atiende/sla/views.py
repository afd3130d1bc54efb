"""The supervisors' attainment table (the full dashboard comes with the workspace)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atiende.core import clock
from atiende.core.exceptions import Forbidden
from atiende.core.params import BadValue, parse_count

from .models import Metric
from .selectors import ATTAINMENT_GROUPS, attainment

PERIODS = (7, 30, 90)


@login_required
@require_GET
def attainment_view(request: HttpRequest) -> HttpResponse:
    group_by = request.GET.get("por", "policy")
    group_by = group_by if group_by in ATTAINMENT_GROUPS else "policy"
    days = _period(request.GET.get("dias", ""))
    until = clock.now()
    try:
        rows = attainment(user=request.user, group_by=group_by, since=until - timedelta(days=days), until=until)
    except Forbidden:
        raise Http404() from None
    labels = dict(Metric.choices)
    return render(request, "sla/attainment.html", {
        "rows": [(row, labels[row.metric]) for row in rows], "group_by": group_by, "days": days, "periods": PERIODS,
    })


def _period(raw: str) -> int:
    """One of PERIODS; anything else shows the default 30 days."""
    try:
        days = parse_count(raw, minimum=min(PERIODS), maximum=max(PERIODS))
    except BadValue:
        return 30
    return days if days in PERIODS else 30
