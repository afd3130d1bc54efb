"""`atiende search reindex [KIND ...] [--batch N]`: rebuild the search index from the data."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from atiende.search.services import reindex, reindex_kinds


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Rebuild the search index (articles, tickets) in batches.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{reindex}")
        rebuild = actions.add_parser("reindex", help=_("Index every document of the given kinds again (all by default)."))
        rebuild.add_argument("kinds", nargs="*")
        rebuild.add_argument("--batch", type=int, default=1000)
        rebuild.add_argument("--drop-indexes", action="store_true",
                             help=_("PostgreSQL: build the text indexes once at the end (a first build of many "
                                    "documents; searches are slower until it ends)."))

    def handle(self, *args, action: str, kinds: list[str], batch: int, drop_indexes: bool, **options):
        unknown = sorted(set(kinds) - set(reindex_kinds()))
        if unknown or not 1 <= batch <= 10_000:
            raise CommandError(_("Choose kinds among %(kinds)s and a batch of 1 to 10000.") % {"kinds": ", ".join(reindex_kinds())})
        for kind in kinds or reindex_kinds():
            started = time.monotonic()
            count = reindex(kind, batch=batch, drop_indexes=drop_indexes,
                            progress=lambda n, k=kind: self.stderr.write(f"{k}: {n}"))
            self.stdout.write(_("%(kind)s: %(count)s documents indexed in %(seconds).1f s.")
                              % {"kind": kind, "count": count, "seconds": time.monotonic() - started})
