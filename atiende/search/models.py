"""Synonyms the admin edits and the questions that found nothing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class Synonym(models.Model):
    """A word or phrase customers write, and what it means in the documents' words."""

    phrase = models.CharField(_("phrase"), max_length=100, unique=True, help_text=_("What customers write, e.g. “no me jala”."))
    meanings = models.CharField(
        _("means"), max_length=300, help_text=_("Comma-separated words or phrases it stands for, e.g. “no funciona, falla”.")
    )
    language = models.CharField(_("language"), max_length=5, default="es")
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return f"{self.phrase} → {self.meanings}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        _forget_synonyms()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _forget_synonyms()
        return result


def _forget_synonyms() -> None:
    from .selectors import synonyms_forget  # the cache lives with the reads

    synonyms_forget()


class MissedQuery(models.Model):
    """A search that found nothing, counted per folded text: what to write about next."""

    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=200)
    times = models.PositiveIntegerField(_("times"), default=1)
    last_at = models.DateTimeField(_("last searched"), default=clock.now)

    class Meta:
        ordering = ["-times", "-last_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="search_missed_unique")]
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")

    def __str__(self) -> str:
        return self.text


class Document(models.Model):
    """One searchable object (an article, a ticket) as text: `title` and `body` for everyone who
    may see the object, `private_body` for agents only (internal notes, agents' tags).

    The match columns are not Django fields: on PostgreSQL `vector` (title A, body B, private C)
    and `public_vector` (title and body; NULL when there is no private text) with GIN indexes;
    on SQLite the FTS5 table `search_fts(title, body, private)` keyed by this row's id. Both are
    written by `services.documents_index` from the same Python-normalised words."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.BigIntegerField(_("object id"))
    language = models.CharField(_("language"), max_length=2, default="es")
    title = models.TextField(_("title"), blank=True)
    body = models.TextField(_("body"), blank=True)
    private_body = models.TextField(_("private text"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_object")]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class Word(models.Model):
    """A folded word that appears in documents of `kind`: the vocabulary typos are corrected to."""

    kind = models.CharField(max_length=20)
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "word"], name="search_word_unique")]

    def __str__(self) -> str:
        return self.word
