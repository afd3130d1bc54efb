from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from atiende.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and the stored files, consistent with each other, to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to write, e.g. atiende-2026-12-07.tar.gz")

    def handle(self, *args, path: Path, **options):
        try:
            report = backup_create(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{report.path}: {report.engine} database and {report.files} files ({report.bytes} bytes).")
        if report.files_elsewhere:
            self.stderr.write("The files are in object storage, not on this disk: back them up with its own versioning.")
        if report.missing:
            self.stderr.write(f"{len(report.missing)} files the database names were not on disk: {', '.join(report.missing[:10])}")
