"""The customers' side of merging two profiles of one person: identities, logins, membership.

`tickets.services.customer_merge` orchestrates a merge (tickets and messages live above this
app) and calls these inside its transaction, holding both profiles' row locks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from atiende.accounts.models import User
from atiende.core.exceptions import Conflict, Forbidden, Invalid

from .models import Customer, Identity, IdentityKind
from .permissions import can_change_membership, can_merge_customers, merge_changes_membership


def profile_merge_check(*, actor: User, source: Customer, target: Customer) -> None:
    """Refuse a merge the rules forbid. Call with both profiles locked.

    - staff agents only; a merge that changes membership (see `merge_changes_membership`) is a
      supervisor's or an administrator's;
    - never into itself, never from or into a profile already merged (merge into the survivor);
    - never across two organizations: each company's people would read the other's tickets."""
    if not can_merge_customers(actor):
        raise Forbidden()
    if source.pk == target.pk:
        raise Invalid(_("A customer cannot be merged into itself."), fields={"target": _("Choose another customer.")})
    for profile in (source, target):
        if profile.merged_into_id is not None:
            raise Conflict(_("%(name)s was already merged into another profile: merge into the survivor instead.")
                           % {"name": profile.name}, code="customer_already_merged")
    if source.organization_id and target.organization_id and source.organization_id != target.organization_id:
        raise Conflict(
            _("%(source)s and %(target)s belong to different organizations and cannot be merged: each company's "
              "people would read the other's conversations.") % {"source": source.name, "target": target.name},
            code="merge_across_organizations",
            fields={"target": _("Merge only profiles of the same organization, or one without an organization.")},
        )
    has_email = Identity.objects.filter(customer=source, kind=IdentityKind.EMAIL).exists()
    if merge_changes_membership(source, target, source_has_email=has_email) and not can_change_membership(actor):
        raise Forbidden(
            _("Only supervisors and administrators may merge a profile with an email address or a login, or "
              "one of another organization: it decides who signs in and what they read."),
            fields={"target": _("Ask a supervisor, or merge the profile without an email address into the other.")},
        )


def profile_absorb(*, source: Customer, target: Customer) -> dict[str, Any]:
    """Move `source`'s identities (and login) to `target` and mark `source` merged into it.
    Returns what changed, for `profile_release`: identities with whether each was primary, the
    login moved or deactivated, and `target_before` (the survivor's fields changed).

    Logins: the survivor keeps its own. A source login joins a survivor without one; otherwise it
    is deactivated, which also refuses its API tokens and sessions until an undo reactivates it."""
    identities = list(Identity.objects.filter(customer=source).values_list("pk", "kind", "is_primary"))
    primary_kinds = set(Identity.objects.filter(customer=target, is_primary=True).values_list("kind", flat=True))
    demoted = [pk for pk, kind, primary in identities if primary and kind in primary_kinds]
    Identity.objects.filter(pk__in=[pk for pk, _kind, _primary in identities]).update(customer=target)
    if demoted:
        Identity.objects.filter(pk__in=demoted).update(is_primary=False)
    moved: dict[str, Any] = {"identities": [[pk, primary] for pk, _kind, primary in identities],
                             "login_moved": None, "login_deactivated": None}
    target_before = {"organization": target.organization_id, "user": target.user_id}
    if source.user_id is not None and target.user_id is None:
        moved["login_moved"] = source.user_id
        target.user_id, source.user_id = source.user_id, None
        source.save(update_fields=["user"])  # free the one-to-one before the survivor takes it
    elif source.user_id is not None:
        if User.objects.filter(pk=source.user_id, is_active=True).update(is_active=False):
            moved["login_deactivated"] = source.user_id
    if target.organization_id is None and source.organization_id is not None:
        target.organization_id = source.organization_id
    target.save(update_fields=["user", "organization"])
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    return {"moved": moved, "target_before": target_before}


def profile_release(*, source: Customer, target: Customer, moved: dict[str, Any], target_before: dict[str, Any]) -> None:
    """Undo `profile_absorb`: what moved and is still on `target` goes back to `source`."""
    for pk, primary in moved.get("identities", []):
        Identity.objects.filter(pk=pk, customer=target).update(customer=source, is_primary=primary)
    login = moved.get("login_moved")
    if login is not None and target.user_id == login:
        target.user_id = None
        target.save(update_fields=["user"])
        source.user_id = login
    if moved.get("login_deactivated") is not None:
        User.objects.filter(pk=moved["login_deactivated"]).update(is_active=True)
    adopted = target_before.get("organization") is None and source.organization_id is not None
    if adopted and target.organization_id == source.organization_id:
        target.organization_id = None
        target.is_organization_admin = False
        target.save(update_fields=["organization", "is_organization_admin"])
    source.merged_into = None
    source.save(update_fields=["merged_into", "user"])
