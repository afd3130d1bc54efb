"""Who sees and who writes which article: decided here, applied when selectors are entered.

Staff agents (administrators, supervisors, agents) see every article in every state and write
them; supervisors and administrators arrange categories. Everyone else sees published articles
only: public ones always; "customers" ones when signed in as a customer — of one of the listed
organizations or support plans when the article lists any; internal ones never. Collaborators
are outside people referred to one ticket: public articles only."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from atiende.accounts.permissions import is_customer, is_staff_agent, sees_all_tickets

from .models import Article, Status, Visibility


def article_scope(user: Any) -> Q:
    if is_staff_agent(user):
        return Q()
    public = Q(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    if not is_customer(user):
        return public
    organization_id, plan_id = customer_membership(user)
    orgs = Article.organizations.through.objects.filter(article_id=OuterRef("pk"))
    plans = Article.plans.through.objects.filter(article_id=OuterRef("pk"))
    unrestricted = ~Exists(orgs) & ~Exists(plans)
    member = Exists(orgs.filter(organization_id=organization_id)) | Exists(plans.filter(supportplan_id=plan_id))
    for_customers = Q(status=Status.PUBLISHED, visibility=Visibility.CUSTOMERS) & (unrestricted | member)
    return public | for_customers


def customer_membership(user: Any) -> tuple[int | None, int | None]:
    """The customer's organization and its support plan (ids), or None for each."""
    profile = getattr(user, "customer", None)
    organization = profile.organization if profile is not None else None
    if organization is None:
        return None, None
    return organization.pk, organization.support_plan_id


def can_view_article(user: Any, article: Article) -> bool:
    return Article.objects.filter(article_scope(user), pk=article.pk).exists()


def can_edit_articles(user: Any) -> bool:
    return is_staff_agent(user)


def can_manage_categories(user: Any) -> bool:
    return sees_all_tickets(user)


def sees_drafts(user: Any) -> bool:
    return is_staff_agent(user)
