"""The RMA's states and which step may follow which: a pure module (no database), so the rules
are tested on their own and the services, the API and the pages all ask the same question.

requested → approved → received → diagnosed → repaired / replaced / refunded / rejected →
shipped back → closed. Where the issue is silent:
- a request may be rejected before anything is received (requested or approved → rejected), and
  then it closes directly: nothing of the customer's is with us;
- on-site and remote work ship nothing: repaired, replaced and rejected go straight to closed;
- a refund keeps the product (it is ours again): refunded → closed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RmaState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    RECEIVED = "received", _("Received")
    DIAGNOSED = "diagnosed", _("Diagnosed")
    REPAIRED = "repaired", _("Repaired")
    REPLACED = "replaced", _("Replaced")
    REFUNDED = "refunded", _("Refunded")
    REJECTED = "rejected", _("Rejected")
    SHIPPED_BACK = "shipped_back", _("Shipped back")
    CLOSED = "closed", _("Closed")


class ReturnMethod(models.TextChoices):
    COURIER_PICKUP = "courier_pickup", _("Courier pickup")
    DROP_OFF = "drop_off", _("Drop-off at our service centre")
    ON_SITE = "on_site", _("On-site visit")
    REMOTE = "remote", _("Remote")


S = RmaState
OUTCOMES = (S.REPAIRED, S.REPLACED, S.REFUNDED, S.REJECTED)
# While the product is with us, its asset is "in repair".
IN_OUR_HANDS = (S.RECEIVED, S.DIAGNOSED)
_FIXED = {
    S.REQUESTED: (S.APPROVED, S.REJECTED),
    S.APPROVED: (S.RECEIVED, S.REJECTED),
    S.RECEIVED: (S.DIAGNOSED,),
    S.DIAGNOSED: OUTCOMES,
    S.REFUNDED: (S.CLOSED,),
    S.SHIPPED_BACK: (S.CLOSED,),
    S.CLOSED: (),
}


def ships(method: str) -> bool:
    """Whether the product travels (and so must travel back)."""
    return method in (ReturnMethod.COURIER_PICKUP, ReturnMethod.DROP_OFF)


def next_states(state: str, *, method: str, received: bool) -> tuple[str, ...]:
    """The states an RMA in `state` may move to; `received`: whether it ever reached "received"."""
    if state in _FIXED:
        return tuple(str(s) for s in _FIXED[S(state)])
    if state in (S.REPAIRED, S.REPLACED):
        return (S.SHIPPED_BACK.value,) if ships(method) else (S.CLOSED.value,)
    if state == S.REJECTED:
        return (S.SHIPPED_BACK.value,) if received and ships(method) else (S.CLOSED.value,)
    return ()
