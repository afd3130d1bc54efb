"""What the customer and the agents read about a visit and a coverage end, in plain words, in
the reader's language (the caller sets it)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from atiende.assets.wording import long_date

from .models import MaintenancePlan


def what(plan: MaintenancePlan) -> str:
    if plan.asset_id is not None:
        return f"{plan.asset.product.name} · {plan.asset.identifier}"
    return plan.organization.name


def visit_subject(plan: MaintenancePlan, due_on: date) -> str:
    return _("Preventive maintenance: %(what)s, %(date)s") % {"what": what(plan), "date": long_date(due_on)}


def visit_notice(plan: MaintenancePlan, due_on: date, *, missed: int) -> str:
    """The first message of the visit's ticket, sent to the customer by their channel."""
    lines = [
        _("Hello,"),
        "",
        _("The preventive maintenance of %(what)s is due on %(date)s (%(plan)s).")
        % {"what": what(plan), "date": long_date(due_on), "plan": plan.name},
        _("Our %(team)s team will get in touch to agree on the details. If that day does not suit you, "
          "just reply to this message.") % {"team": plan.team.name},
    ]
    if missed:
        lines.append(_("This visit also covers the earlier ones we could not schedule in time."))
    return "\n".join(lines)


def reminder_subject(ends_on: date) -> str:
    return _("Your warranty ends on %(date)s") % {"date": long_date(ends_on)}


def reminder_body(*, product: str, identifier: str, ends_on: date, offer_url: str) -> str:
    lines = [
        _("Hello,"),
        "",
        _("The warranty of your %(product)s (%(identifier)s) ends on %(date)s. After that day, repairs "
          "and replacements are no longer covered.") % {"product": product, "identifier": identifier,
                                                         "date": long_date(ends_on)},
    ]
    if offer_url:
        lines.append(_("You can extend it here: %(url)s") % {"url": offer_url})
    else:
        lines.append(_("If you would like to extend it, just reply to this message."))
    return "\n".join(lines)
