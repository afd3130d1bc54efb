"""`atiende assets import FILE [--dry-run]` (see atiende/assets/imports.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atiende.accounts.services import system_actor
from atiende.assets.imports import asset_import
from atiende.core.exceptions import DomainError


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Import customer assets from a CSV file; nothing is imported unless every row is valid.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import}")
        run = actions.add_parser("import", help=_("Check FILE and import its assets."))
        run.add_argument("path")
        run.add_argument("--dry-run", action="store_true", help=_("Only check the file; import nothing."))

    def handle(self, *args, action: str, path: str, dry_run: bool = False, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None
        try:
            report = asset_import(actor=system_actor("assets"), data=data, dry_run=dry_run)
        except DomainError as exc:
            raise CommandError(str(exc.message or exc.code)) from None
        for error in report.errors:
            self.stderr.write(_("line %(line)s, %(column)s: %(message)s")
                              % {"line": error.line, "column": error.column or "-", "message": error.message})
        if report.errors:
            raise CommandError(_("%(count)s problems in %(rows)s rows; nothing was imported.")
                               % {"count": len(report.errors), "rows": report.rows})
        if dry_run:
            self.stdout.write(_("The file is clean: %(rows)s rows would be imported.") % {"rows": report.rows})
        else:
            self.stdout.write(_("Imported %(count)s assets.") % {"count": report.created})
