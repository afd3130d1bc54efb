"""Who may use portal pages, and the time zone they are shown in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from atiende.accounts.models import User
from atiende.accounts.permissions import is_customer
from atiende.customers.permissions import customer_of


def workspace_url() -> str:
    """Where agents work."""
    return reverse("workspace:inbox")


def landing_url(user: User) -> str:
    return reverse("portal:home") if is_customer(user) else workspace_url()


def viewer_zone(user: User) -> str:
    """The customer's own zone, else their login's, else the site's."""
    me = customer_of(user)
    for zone in ((me.time_zone if me else ""), user.time_zone, settings.TIME_ZONE):
        try:
            if zone:
                ZoneInfo(zone)
                return zone
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return "UTC"


def customer_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Portal pages: signed-in customers only (others sign in; agents go to the workspace),
    rendered in the customer's time zone."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("portal:login"))
        if not is_customer(user):
            return redirect(workspace_url())
        with timezone.override(viewer_zone(user)):
            return view(request, *args, **kwargs)

    return wrapped
