"""`atiende retention [--dry-run]`: apply the retention rules now, or show what they would remove."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from atiende.privacy.selectors import retention_preview
from atiende.privacy.services import retention_apply


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Apply the retention rules now (the scheduler also does it), or show what they would remove.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("Count and show examples; change nothing."))

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention_preview(system=True) if dry_run else retention_apply()
        if not report.kinds:
            self.stdout.write(_("No retention rule is enabled: nothing is removed."))
            return
        for row in report.kinds:
            values = {"label": row.label, "count": row.count, "cutoff": row.cutoff.isoformat(timespec="seconds"),
                      "amount": row.amount, "unit": row.unit}
            line = (_("%(label)s (kept %(amount)s %(unit)s, before %(cutoff)s): %(count)s would be removed")
                    if dry_run else _("%(label)s (kept %(amount)s %(unit)s, before %(cutoff)s): %(count)s removed"))
            self.stdout.write(line % values)
            for example in row.examples:
                self.stdout.write(f"  - {example}")
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
