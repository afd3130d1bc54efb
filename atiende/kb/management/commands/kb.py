"""`atiende kb export PATH` and `atiende kb import PATH` (see atiende/kb/transfer.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atiende.core.exceptions import DomainError
from atiende.kb.bundle import BundleError
from atiende.kb.transfer import kb_export, kb_import


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Move the whole knowledge base to (export) or from (import) a folder of Markdown files.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        for name, text in (("export", _("Write every category and article into PATH.")),
                           ("import", _("Create or update categories and articles from PATH."))):
            actions.add_parser(name, help=text).add_argument("path")

    def handle(self, *args, action: str, path: str, **options):
        folder = Path(path)
        if action == "export":
            count = kb_export(folder)
            self.stdout.write(_("Exported %(count)s articles to %(path)s.") % {"count": count, "path": folder})
            return
        try:
            summary = kb_import(folder)
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or str(exc.message or exc.code)
            raise CommandError(_("Nothing was imported: %(detail)s") % {"detail": detail}) from None
        self.stdout.write(_("Imported %(categories)s categories; %(created)s articles created, %(updated)s updated.")
                          % {"categories": summary.categories, "created": summary.created, "updated": summary.updated})
