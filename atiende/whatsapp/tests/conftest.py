"""A fake Graph API on 127.0.0.1, a connected number, and signed webhook posts."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from atiende.whatsapp.services import number_create
from tests.multipart import form_or_json

APP_SECRET = "s3cr3t-de-la-app"
VERIFY_TOKEN = "token-de-verificación"
ACCESS_TOKEN = "EAAG-token-de-acceso"
PHONE_NUMBER_ID = "106540352242922"


@dataclass
class FakeGraph:
    port: int = 0
    requests: list[dict] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)  # consumed in order; then a wamid
    counter: int = 0
    # Media by id, as the Cloud API serves it: GET /v21.0/<id> answers its metadata (`url` on this
    # server unless overridden), GET /media/<id> the bytes. Keys of each entry: content, mime_type,
    # and optionally file_size, url, sha256, status (of the metadata), cut (bytes actually sent
    # of a download announced whole: a connection cut short).
    media: dict[str, dict] = field(default_factory=dict)
    gets: list[dict] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v21.0"


@pytest.fixture
def graph():
    fake = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            payload, files = form_or_json(self.headers.get("Content-Type", ""), body)
            fake.requests.append({"path": self.path, "headers": dict(self.headers), "json": payload, "files": files})
            if fake.answers:
                status, data, *extra = fake.answers.pop(0)
            elif self.path.endswith("/media"):  # an upload: Meta answers the media id
                extra = []
                fake.counter += 1
                status, data = 200, {"id": f"{9000 + fake.counter}"}
            else:
                extra = []
                fake.counter += 1
                status, data = 200, {"messaging_product": "whatsapp",
                                     "contacts": [{"input": "x", "wa_id": "x"}],
                                     "messages": [{"id": f"wamid.SALIDA{fake.counter}"}]}
            out = json.dumps(data).encode()
            self.send_response(status)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def do_GET(self):  # noqa: N802 - http.server's name
            fake.gets.append({"path": self.path, "headers": dict(self.headers)})
            media_id = self.path.rsplit("/", 1)[-1]
            item = fake.media.get(media_id)
            if item is None:
                return self._answer(404, json.dumps({"error": {"message": "Unsupported get request."}}).encode())
            if self.path.startswith("/media/"):
                content = item["content"]
                sent = content[:item["cut"]] if "cut" in item else content
                self.send_response(200)
                self.send_header("Content-Type", item.get("mime_type", "application/octet-stream"))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(sent)
                return None
            info = {"messaging_product": "whatsapp", "id": media_id,
                    "url": item.get("url", f"http://127.0.0.1:{fake.port}/media/{media_id}"),
                    "mime_type": item.get("mime_type", "application/octet-stream"),
                    "sha256": item.get("sha256", hashlib.sha256(item["content"]).hexdigest()),
                    "file_size": item.get("file_size", len(item["content"]))}
            return self._answer(item.get("status", 200), json.dumps(info).encode())

        def _answer(self, status, out):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def number(world, graph):
    return number_create(actor=world.admin, name="Ventas", phone_number_id=PHONE_NUMBER_ID,
                         verify_token=VERIFY_TOKEN, app_secret=APP_SECRET, access_token=ACCESS_TOKEN,
                         api_base=graph.base, team=world.team1)


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(*, messages=(), statuses=(), contacts=(), phone_number_id=PHONE_NUMBER_ID) -> dict:
    """Shaped as Meta's Cloud API webhook notifications."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "5215550001111", "phone_number_id": phone_number_id}}
    if contacts:
        value["contacts"] = list(contacts)
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def text_message(wamid: str, wa_id: str, body: str, timestamp: str = "1765000000") -> dict:
    return {"from": wa_id, "id": wamid, "timestamp": timestamp, "type": "text", "text": {"body": body}}


def contact(wa_id: str, name: str) -> dict:
    return {"profile": {"name": name}, "wa_id": wa_id}


def post(client, number, payload, *, signature: str | None = "auto", raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {}
    if signature == "auto":
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(body)
    elif signature is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    return client.post(f"/api/v1/channels/whatsapp/{number.pk}/webhook/", data=body,
                       content_type="application/json", **headers)


def media_message(wamid: str, wa_id: str, kind: str, media_id: str, **fields) -> dict:
    """An image, document, audio, video or sticker message, as Meta sends it (by media id)."""
    return {"from": wa_id, "id": wamid, "timestamp": "1765000000", "type": kind,
            kind: {"id": media_id, "mime_type": fields.pop("mime_type", "image/jpeg"), **fields}}
