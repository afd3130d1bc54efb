"""Load the demo's help center (kb_articles.py) once, through the knowledge base's services.

Its own guard (the first category's slug), so a database that had the demo before the knowledge
base existed gets the articles on the next `atiende demo`, and a second run creates nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from atiende.accounts.models import User
from atiende.core import clock
from atiende.customers.models import SupportPlan
from atiende.kb.models import Category
from atiende.kb.services import article_create, article_update, category_create
from atiende.selfservice.bot import bot_channel_set
from atiende.selfservice.models import BotChannel

from .kb_articles import ARTICLES, CATEGORIES

WRITTEN_BEFORE = timedelta(days=60)


def load_demo_kb(*, author: User, now: datetime | None = None) -> int:
    """Create the demo categories and articles unless they exist; returns how many articles."""
    now = now or clock.now()
    with transaction.atomic():
        if Category.objects.filter(slug=CATEGORIES[0][0]).exists():
            return 0
        with clock.frozen_at(now - WRITTEN_BEFORE):
            categories: dict[str, Category] = {}
            for position, (key, name, name_en, description, parent) in enumerate(CATEGORIES):
                categories[key] = category_create(actor=author, name=name, name_en=name_en, slug=key,
                                                  description=description, parent=categories.get(parent),
                                                  position=position)
            articles = {}
            for spec in ARTICLES:
                articles[spec.key] = article_create(
                    actor=author, title=spec.title, body=spec.body, language=spec.language, status="published",
                    visibility=spec.visibility, category=categories[spec.category],
                    translation_of=articles.get(spec.translation_of),
                    plans=list(SupportPlan.objects.filter(name__in=spec.plans)),
                )
            for spec in ARTICLES:
                if spec.related:
                    article_update(actor=author, article=articles[spec.key],
                                   changes={"related": [articles[k] for k in spec.related]})
    return len(ARTICLES)


def load_demo_bot(*, admin: User) -> bool:
    """The first-responder bot answers the demo's chat widget first (decision 0032). Once: an
    administrator who turned it off afterwards keeps it off. True when it was switched on now."""
    if BotChannel.objects.filter(channel="chat").exists():
        return False
    bot_channel_set(actor=admin, channel="chat", enabled=True)
    return True
