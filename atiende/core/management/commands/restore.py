from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from atiende.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Replace this install's database and stored files with a backup made by `atiende backup`. "
            "Stop the web and worker processes first. Refused on an install that has people or tickets, "
            "unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="Replace an install that is not empty.")

    def handle(self, *args, path: Path, force: bool, **options):
        try:
            report = backup_restore(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", interactive=False, verbosity=0)  # a backup of an older version moves forward
        self.stdout.write(f"Restored {report.engine} database and {report.files} files ({report.bytes} bytes) from {path}.")
