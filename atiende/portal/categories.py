"""What a request is about: the portal's short list (pure: no database).

Customers may not set the ticket `type` (an agent's triage decision, see
tickets.services.ticket_create), so the category is a customer-visible choice custom field,
`category`, seeded by this app's migration 0002. An admin may edit its choices in the admin:
the portal shows ours in plain words and any other value as written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CATEGORY_FIELD = "category"

LABELS = {
    "question": _("A question"),
    "problem": _("Something is not working"),
    "billing": _("Billing and payments"),
    "other": _("Something else"),
}
SEEDED_CHOICES = list(LABELS)


def category_label(value: str) -> str:
    return str(LABELS.get(value, value))
