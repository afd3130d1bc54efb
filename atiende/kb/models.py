"""The knowledge base: categories (a category with a parent is a section), articles in es or en
linked as translations, every edit kept as a revision, old slugs kept for redirects, files, votes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Language(models.TextChoices):
    ES = "es", _("Spanish")
    EN = "en", _("English")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CUSTOMERS = "customers", _("Customers signed in")
    INTERNAL = "internal", _("Internal (agents only)")


class Category(models.Model):
    """A category of the help center; with a parent, a section inside that category."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sections",
                               verbose_name=_("category"))
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("knowledge base category")
        verbose_name_plural = _("knowledge base categories")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ES)
    body = models.TextField(_("body (Markdown)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles",
                                 verbose_name=_("category"))
    # The original article this one translates; translations of translations point at the original.
    translation_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="translations", verbose_name=_("translation of"))
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("related articles"))
    # For "customers" visibility: when either is set, only customers of these organizations or plans.
    organizations = models.ManyToManyField("customers.Organization", blank=True, related_name="+",
                                           verbose_name=_("only these organizations"))
    plans = models.ManyToManyField("customers.SupportPlan", blank=True, related_name="+",
                                   verbose_name=_("only these support plans"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["translation_of", "language"], condition=Q(translation_of__isnull=False),
                                    name="kb_one_translation_per_language"),
            models.CheckConstraint(condition=~Q(translation_of=models.F("id")), name="kb_not_own_translation"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleSlug(models.Model):
    """A slug an article had before: its old URL redirects to the current one."""

    slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.slug


class Revision(models.Model):
    """The article as one edit left it (the latest revision is the current text)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    visibility = models.CharField(max_length=16, choices=Visibility.choices)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="kb_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


def attachment_path(instance: ArticleAttachment, filename: str) -> str:
    # Random, unguessable storage name; the user's filename is kept only in the database.
    return f"kb/{instance.public_id.hex[:2]}/{uuid.uuid4().hex}"


class ArticleAttachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Vote(models.Model):
    """"¿Te sirvió este artículo?": yes or no, an optional comment, who (when signed in)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["article", "helpful"])]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"
