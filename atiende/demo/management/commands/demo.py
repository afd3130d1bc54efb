"""`atiende demo`: migrate, load the Spanish demo data (once) and serve it in this process."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from atiende.accounts.models import Role
from atiende.core.exceptions import DomainError
from atiende.demo.data import DemoSummary, load_demo_data
from atiende.demo.people import AGENTS, CUSTOMERS, ORGANIZATIONS, PASSWORD, TEAMS

# The logins the README documents, in the order a visitor would try them.
LOGINS = ("admin@demo.atiende.mx", "supervisora@demo.atiende.mx", "agente@demo.atiende.mx",
          "cliente@demo.atiende.mx", "cliente2@demo.atiende.mx")
ANY_ADDRESS = {"", "0.0.0.0", "::"}
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Command(BaseCommand):
    help = "Migrate, load the demo data when it is missing, print the demo logins and serve (one process)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="Load the data, print the logins and stop.")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        try:
            with _quiet("celery.app.trace", "kombu.connection"):
                summary = load_demo_data()
        except DomainError as exc:
            raise CommandError(_("The demo data could not be loaded: %(error)s") % {"error": exc}) from exc
        shown_host = "127.0.0.1" if host in ANY_ADDRESS else host
        self.stdout.write(welcome(summary, time.monotonic() - started, f"http://{shown_host}:{port}/"))
        if host not in LOOPBACK:
            self.stderr.write("\n".join(exposure_warning()))
        if not no_serve:
            call_command("serve", host=host, port=port, workers=1)


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Hide the per-task lines of the referral notices the load sends in-process."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def welcome(summary: DemoSummary, seconds: float, url: str) -> str:
    """The friendly block: each line in Spanish and, where a translation differs, in English."""
    lines = ["", "  atiende · demo"]
    if summary.created:
        lines += both(lambda: _("Demo data loaded in %(seconds).1f s: %(tickets)s tickets, %(customers)s "
                                "customers.") % {"seconds": seconds, "tickets": summary.tickets,
                                                 "customers": summary.customers})
    else:
        lines += both(lambda: _("The demo data was already there; nothing was created."))
    lines += both(lambda: _("Open %(url)s in your browser.") % {"url": url})
    lines += both(lambda: _("Sign in as any of these; the password is %(password)s") % {"password": PASSWORD})
    for email in LOGINS:
        lines.append(f"     {email:<29} " + " · ".join(both(lambda email=email: _who(email), indent="")))
    lines += both(lambda: _("Press Ctrl+C to stop. The data stays: run it again to carry on."))
    lines.append("")
    return "\n".join(lines)


def exposure_warning() -> list[str]:
    """The demo's logins and password are public: say so when other machines can reach it."""
    return both(lambda: _("Other machines can reach this address, and the demo passwords are public: anyone who "
                          "reaches it can sign in as an administrator. Serve the demo only on a network you trust."))


def both(render: Callable[[], str], *, indent: str = "  ") -> list[str]:
    with translation.override("es-mx"):
        spanish = render()
    with translation.override("en"):
        english = render()
    return [indent + spanish] if spanish == english else [indent + spanish, indent + english]


def _who(email: str) -> str:
    agent = next((a for a in AGENTS if a.email == email), None)
    if agent is not None:
        role = str(Role(agent.role).label)
        if agent.role != Role.AGENT:
            return role
        teams = ", ".join(t.name for t in TEAMS if t.key in agent.teams)
        return _("%(role)s, %(teams)s") % {"role": role, "teams": teams}
    customer = next(c for c in CUSTOMERS if c.email == email)
    organization = next(o.name for o in ORGANIZATIONS if o.key == customer.organization)
    if customer.organization_admin:
        return _("customer of %(organization)s, organization admin") % {"organization": organization}
    return _("customer of %(organization)s") % {"organization": organization}
