"""`atiende mail ingest PATH...` (imports and replays) and `atiende mail poll` (IMAP, once).

`ingest` takes `.eml` files, mbox files (recognised by their leading "From " line), Maildir
folders (with `cur/` and `new/`) and folders of `.eml` files, in the order given and, inside a
folder, in file-name order (for standard Maildir names, the order of delivery). Messages go
through `ingest_many` (the same rules as IMAP and HTTP, a batch per transaction), so an
interrupted import can simply be run again: what was taken in is skipped as a duplicate.
Imports send no acknowledgements: replaying history must not write to every customer again.
"""

from __future__ import annotations

import gc
import logging
import mailbox
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atiende.mail.bulk import ingest_many
from atiende.mail.models import Mailbox
from atiende.mail.parsing import remembering_headers
from atiende.mail.polling import mailbox_poll, mailbox_watch
from atiende.mail.services import Outcome

PROGRESS_EVERY = 1000
FULL_COLLECTION_EVERY = 50  # batches
MBOX_START = b"From "


class Item(NamedTuple):
    """One message found in a path: its bytes, or why they could not be read."""

    where: str
    raw: bytes | None
    problem: str = ""


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked for, not at import
        return _("Take in email from files (ingest), read the active IMAP mailboxes once (poll), or "
                 "keep reading them as mail arrives (watch).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{ingest,poll,watch}")
        ingest_parser = actions.add_parser(
            "ingest", help=_("Take in .eml files, mbox files, Maildir folders and folders of .eml files.")
        )
        ingest_parser.add_argument("paths", nargs="+", metavar="PATH")
        poll_parser = actions.add_parser("poll", help=_("Read the active IMAP mailboxes once."))
        poll_parser.add_argument("--mailbox", metavar="NAME", help=_("Only this mailbox (even if inactive)."))
        actions.add_parser("watch", help=_("Keep reading the active IMAP mailboxes, with IDLE where the server "
                                           "offers it, until stopped."))

    def handle(self, *args, action: str, **options):
        if action == "ingest":
            self._ingest([Path(path) for path in options["paths"]])
        elif action == "watch":
            self._watch()
        else:
            self._poll(options.get("mailbox"))

    def _watch(self) -> None:
        """One thread per active mailbox; SIGTERM or Ctrl-C stops them after their current wait."""
        mailboxes = list(Mailbox.objects.filter(active=True).order_by("pk"))
        if not mailboxes:
            raise CommandError(_("No mailbox is active."))
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_args: stopping.set())
        threads = [
            threading.Thread(target=mailbox_watch, kwargs={"mailbox": box, "stopping": stopping}, daemon=True)
            for box in mailboxes
        ]
        for thread in threads:
            thread.start()
        try:
            while not stopping.wait(1):
                pass
        except KeyboardInterrupt:
            stopping.set()

    # --- ingest ---------------------------------------------------------------------------------

    def _ingest(self, paths: list[Path]) -> None:
        for path in paths:
            _check_readable(path)
        # Without a broker, each acknowledgement runs in-process and Celery logs a line for it:
        # thousands of lines that would bury the progress and the problems worth reading.
        task_log = logging.getLogger("celery.app.trace")
        level = task_log.level
        task_log.setLevel(logging.WARNING)
        try:
            with remembering_headers(), _collecting_between_batches():
                self._ingest_items(paths)
        finally:
            task_log.setLevel(level)

    def _ingest_items(self, paths: list[Path]) -> None:
        outcomes: Counter[str] = Counter()
        unreadable = 0
        started = time.monotonic()

        def readable() -> Iterator[bytes]:
            nonlocal unreadable
            for item in _items(paths):
                if item.raw is None:
                    unreadable += 1
                    self.stderr.write(_("Could not read %(where)s: %(problem)s") % {"where": item.where, "problem": item.problem})
                else:
                    yield item.raw

        batches = 0

        def progress(batch: Counter[str]) -> None:
            nonlocal batches
            batches += 1
            gc.collect(2 if batches % FULL_COLLECTION_EVERY == 0 else 1)  # see _collecting_between_batches
            before = outcomes.total()
            outcomes.update(batch)
            if outcomes.total() // PROGRESS_EVERY > before // PROGRESS_EVERY:
                self.stderr.write(_("%(count)s messages so far…") % {"count": outcomes.total()})

        try:
            # Imports never answer anyone: replaying history must not write to every customer again.
            ingest_many(readable(), source="file", progress=progress)
        except DatabaseError as exc:
            self._summary(outcomes, unreadable, started)
            raise CommandError(
                _("The import stopped because the database failed: %(reason)s. Running the same command "
                  "again skips what was already taken in.") % {"reason": exc}
            ) from exc
        self._summary(outcomes, unreadable, started)
        if unreadable:
            # Such a message is neither in the database nor in quarantine: the operator must know.
            raise CommandError(ngettext(
                "%(count)s file could not be read (see above); everything else was taken in.",
                "%(count)s files could not be read (see above); everything else was taken in.",
                unreadable,
            ) % {"count": unreadable})

    def _summary(self, outcomes: Counter[str], unreadable: int, started: float) -> None:
        seconds = time.monotonic() - started
        total = outcomes.total()
        for line in summary_lines(outcomes):
            self.stdout.write(line)
        if unreadable:
            self.stdout.write(_("Files that could not be read: %(count)s") % {"count": unreadable})
        self.stdout.write(ngettext(
            "%(count)s message in %(seconds)s s (%(rate)s per second).",
            "%(count)s messages in %(seconds)s s (%(rate)s per second).", total,
        ) % {
            "count": total, "seconds": f"{seconds:.1f}", "rate": f"{total / seconds:.0f}" if seconds else "—",
        })
        if outcomes[Outcome.QUARANTINED]:
            self.stdout.write(_("Quarantined messages are listed in the admin under “Quarantined emails”, "
                                "where they can be inspected and retried."))

    # --- poll -----------------------------------------------------------------------------------

    def _poll(self, name: str | None) -> None:
        if name is not None:
            mailboxes = list(Mailbox.objects.filter(name=name))
            if not mailboxes:
                raise CommandError(_("There is no mailbox named %(name)s.") % {"name": name})
        else:
            mailboxes = list(Mailbox.objects.filter(active=True).order_by("pk"))
            if not mailboxes:
                self.stdout.write(_("No mailbox is active."))
        failed = []
        for box in mailboxes:
            report = mailbox_poll(mailbox=box)
            if report.error:
                failed.append(box.name)
                self.stderr.write(f"{box.name}: {report.error}")
                continue
            self.stdout.write(f"{box.name}:")
            for line in summary_lines(report.outcomes):
                self.stdout.write(f"  {line}")
            if report.failed:
                self.stderr.write(f"{box.name}: {box.last_error}")
        if failed:
            raise CommandError(_("Could not read: %(names)s") % {"names": ", ".join(failed)})


@contextmanager
def _collecting_between_batches() -> Iterator[None]:
    """Garbage cycles are collected after each batch instead of every 700 allocations.

    Parsing allocates many short-lived containers; with automatic collection the collector
    took about a tenth of an import's CPU, mostly rescanning the same long-lived objects
    (Django's, the parser's caches). What is alive when the import starts is frozen and never
    rescanned; the young generations are collected after each committed batch, which frees
    what that batch left behind, and everything else every FULL_COLLECTION_EVERY batches.
    """
    gc.collect()
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()


def summary_lines(outcomes: Counter[str]) -> list[str]:
    return [
        _("New tickets: %(count)s") % {"count": outcomes[Outcome.NEW_TICKET]},
        _("Replies: %(count)s") % {"count": outcomes[Outcome.REPLY]},
        _("Duplicates skipped: %(count)s") % {"count": outcomes[Outcome.DUPLICATE]},
        _("Automatic mail recorded: %(count)s") % {"count": outcomes[Outcome.AUTOMATIC]},
        _("Quarantined: %(count)s") % {"count": outcomes[Outcome.QUARANTINED]},
    ]


# --- reading messages from paths -----------------------------------------------------------------

def _check_readable(path: Path) -> None:
    """Before anything is taken in: a path that is missing or unreadable means we cannot run."""
    if not path.exists():
        raise CommandError(_("%(path)s does not exist.") % {"path": path})
    mode = os.R_OK | (os.X_OK if path.is_dir() else 0)
    if not os.access(path, mode):
        raise CommandError(_("%(path)s cannot be read (permission denied).") % {"path": path})
    if not path.is_dir() and not path.is_file():
        raise CommandError(_("%(path)s is neither a file nor a folder.") % {"path": path})


def _items(paths: list[Path]) -> Iterator[Item]:
    for path in paths:
        if not path.is_dir():
            yield from _file_items(path)
        elif (path / "cur").is_dir() and (path / "new").is_dir():
            yield from _maildir_items(path)
        else:
            try:
                names = sorted(entry.name for entry in os.scandir(path)
                               if entry.name.lower().endswith(".eml") and entry.is_file())
            except OSError as exc:
                yield Item(str(path), None, exc.strerror or str(exc))
                continue
            for name in names:
                yield from _file_items(path / name)


def _file_items(path: Path) -> Iterator[Item]:
    """One .eml message, or every message of an mbox file."""
    try:
        with path.open("rb") as handle:
            start = handle.read(len(MBOX_START))
            if start != MBOX_START:
                yield Item(str(path), start + handle.read())
                return
    except OSError as exc:
        yield Item(str(path), None, exc.strerror or str(exc))
        return
    yield from _mbox_items(path)


def _mbox_items(path: Path) -> Iterator[Item]:
    try:
        box = mailbox.mbox(path, factory=None, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        yield Item(str(path), None, getattr(exc, "strerror", None) or str(exc))
        return
    try:
        for number, key in enumerate(keys, start=1):
            where = f"{path} #{number}"
            try:
                yield Item(where, box.get_bytes(key))
            except (OSError, KeyError) as exc:
                yield Item(where, None, getattr(exc, "strerror", None) or str(exc))
    finally:
        box.close()


def _maildir_items(path: Path) -> Iterator[Item]:
    box = mailbox.Maildir(path, factory=None, create=False)
    try:
        keys = sorted(box.keys())
    except OSError as exc:
        yield Item(str(path), None, exc.strerror or str(exc))
        return
    for key in keys:
        try:
            yield Item(f"{path} {key}", box.get_bytes(key))
        except (OSError, KeyError) as exc:  # removed or unreadable since the listing
            yield Item(f"{path} {key}", None, getattr(exc, "strerror", None) or str(exc))

