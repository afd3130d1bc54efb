"""Real mail servers for the tests, private to one run: Dovecot for IMAP, aiosmtpd for SMTP.

Everything lives in a temporary directory on 127.0.0.1 and free ports; no system configuration
or service is touched.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from imapclient import IMAPClient

HOST = "127.0.0.1"
IMAP_USER, IMAP_PASSWORD = "soporte", "secreto-de-prueba"
# A second account whose password is not ASCII, which IMAP's LOGIN command cannot carry.
UTF8_USER, UTF8_PASSWORD = "ventas", "contraseña-añeja"
STARTUP_SECONDS = 10.0


class ServerUnavailable(Exception):
    """A binary the server needs is not installed (the fixture skips, or fails in CI)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def dovecot_binary() -> str:
    # Debian puts it in /usr/sbin, which is not on an ordinary user's PATH.
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise ServerUnavailable("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    return found


def make_self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost that the tests trust as their CA."""
    if shutil.which("openssl") is None:
        raise ServerUnavailable("openssl is needed to make the test server's certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


@dataclass
class DovecotServer:
    """A running Dovecot with two users (`user`, and UTF8_USER). `port` speaks implicit TLS
    (IMAPS) when `tls`, else plaintext; `starttls_port` is the plaintext port that offers
    STARTTLS (None without TLS). `ca_file` is the certificate to trust (None without TLS)."""

    host: str
    port: int
    starttls_port: int | None
    user: str
    password: str
    ca_file: str | None
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def tls(self) -> bool:
        return self.ca_file is not None

    def connect(self, user: str | None = None, password: str | None = None) -> IMAPClient:
        """A logged-in client for arranging tests; deliberately not the code under test."""
        context = ssl.create_default_context(cafile=self.ca_file) if self.tls else None
        client = IMAPClient(self.host, self.port, ssl=self.tls, ssl_context=context, timeout=10)
        # AUTHENTICATE PLAIN carries UTF-8 passwords, which LOGIN cannot.
        client.plain_login(user or self.user, password or self.password)
        return client

    def create_folder(self, folder: str) -> None:
        with self.connect() as client:
            client.create_folder(folder)

    def append(self, folder: str, raw: bytes, *, flags: tuple[bytes, ...] = ()) -> int:
        """APPEND a raw message and return its UID (Dovecot answers with UIDPLUS's APPENDUID)."""
        return self.append_as(self.user, self.password, folder, raw, flags=flags)

    def append_as(
        self, user: str, password: str, folder: str, raw: bytes, *, flags: tuple[bytes, ...] = ()
    ) -> int:
        with self.connect(user, password) as client:
            response = client.append(folder, raw, flags=flags)
        match = re.search(rb"APPENDUID \d+ (\d+)", response)
        assert match, response
        return int(match.group(1))

    def log(self) -> str:
        return (self.directory / "dovecot.log").read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()  # the master stops its children on SIGTERM
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_dovecot(*, tls: bool = True) -> DovecotServer:
    binary = dovecot_binary()
    # Not under pytest's basetemp: as root, Dovecot's unprivileged processes must traverse it.
    directory = Path(tempfile.mkdtemp(prefix="atiende-dovecot-"))
    try:
        return _start_dovecot(binary, directory, tls=tls)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _start_dovecot(binary: str, directory: Path, *, tls: bool) -> DovecotServer:
    identity = _identities()
    directory.chmod(0o711)
    for user in (IMAP_USER, UTF8_USER):
        home = directory / "home" / user
        home.mkdir(parents=True)
        os.chown(home, identity.mail_uid, identity.mail_gid)
    (directory / "users").write_text(
        "".join(f"{user}:{{PLAIN}}{password}::::::\n"
                for user, password in ((IMAP_USER, IMAP_PASSWORD), (UTF8_USER, UTF8_PASSWORD))),
        encoding="utf-8",
    )
    port, starttls_port = free_port(), free_port() if tls else None
    cert = make_self_signed_cert(directory)[0] if tls else None
    (directory / "dovecot.conf").write_text(
        _dovecot_conf(directory, identity, port=port, starttls_port=starttls_port)
    )
    with open(directory / "stderr.log", "wb") as stderr:
        process = subprocess.Popen(
            [binary, "-F", "-c", str(directory / "dovecot.conf")],
            stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
            start_new_session=True,  # its own process group, so stop() can end every child
        )
    server = DovecotServer(HOST, port, starttls_port, IMAP_USER, IMAP_PASSWORD,
                           str(cert) if cert else None, directory, process)
    try:
        for listening in (port, starttls_port):
            if listening is not None:
                _wait_for_port(listening, process, directory)
    except BaseException:
        server.stop()
        raise
    return server


@dataclass(frozen=True)
class _Identities:
    internal_user: str
    internal_group: str
    login_user: str
    mail_uid: int
    mail_gid: int


def _identities() -> _Identities:
    """Who Dovecot's processes run as.

    As a normal user everything runs as that user. As root, Dovecot refuses to run its login
    processes as root and to give mail access to uid 0, so those use unprivileged accounts.
    """
    me = pwd.getpwuid(os.getuid())
    group = grp.getgrgid(me.pw_gid).gr_name
    if me.pw_uid != 0:
        return _Identities(me.pw_name, group, me.pw_name, me.pw_uid, me.pw_gid)
    nobody = pwd.getpwnam("nobody")
    login_user = "dovenull" if _user_exists("dovenull") else "nobody"
    return _Identities(me.pw_name, group, login_user, nobody.pw_uid, nobody.pw_gid)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _dovecot_conf(directory: Path, who: _Identities, *, port: int, starttls_port: int | None) -> str:
    tls = starttls_port is not None
    if tls:
        ssl_lines = f"ssl = yes\nssl_cert = <{directory}/cert.pem\nssl_key = <{directory}/key.pem\n"
        listeners = (f"  inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}\n"
                     f"  inet_listener imap {{\n    port = {starttls_port}\n  }}\n")
    else:
        ssl_lines = "ssl = no\n"
        listeners = (f"  inet_listener imap {{\n    port = {port}\n  }}\n"
                     "  inet_listener imaps {\n    port = 0\n  }\n")  # 0: not listening
    # Only root may chroot; a normal user runs the login processes unchrooted.
    chroot = "" if os.getuid() == 0 else "  chroot =\n"
    return f"""\
# Private Dovecot for the test suite; nothing here is read from or written to /etc or /var.
instance_name = atiende-test-{port}
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
protocols = imap
listen = {HOST}
{ssl_lines}
default_internal_user = {who.internal_user}
default_internal_group = {who.internal_group}
default_login_user = {who.login_user}
first_valid_uid = 1
first_valid_gid = 0

auth_mechanisms = plain login
# No brute-force delays (nor, below, the growing per-IP penalty): a wrong password answers fast.
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {directory}/users
}}
userdb {{
  driver = static
  args = uid={who.mail_uid} gid={who.mail_gid} home={directory}/home/%u
}}

mail_location = maildir:~/Maildir
mail_fsync = never
mailbox_idle_check_interval = 1 secs
protocol imap {{
  mail_max_userip_connections = 50
}}
service imap-login {{
{chroot}{listeners}}}
service anvil {{
{chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


def _wait_for_port(port: int, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    logs = "\n".join(
        path.read_text(errors="replace")
        for path in (directory / "stderr.log", directory / "dovecot.log") if path.exists()
    )
    raise RuntimeError(f"Dovecot did not listen on {HOST}:{port}:\n{logs}")


@dataclass(frozen=True)
class CapturedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # the DATA exactly as received


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[CapturedMail] = field(default_factory=list)
    controller: Controller | None = None

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


class _CaptureHandler:
    def __init__(self, messages: list[CapturedMail]) -> None:
        self.messages = messages

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        # Stored before the 250 reply, so a test sees the message as soon as the send returns.
        self.messages.append(CapturedMail(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            raw=envelope.original_content or b"",
        ))
        return "250 Message accepted for delivery"


def start_smtp_server() -> SmtpServer:
    server = SmtpServer(HOST, free_port())
    server.controller = Controller(
        _CaptureHandler(server.messages), hostname=HOST, port=server.port, enable_SMTPUTF8=True
    )
    server.controller.start()
    return server
