"""A fake Telegram Bot API on 127.0.0.1, a connected bot, and updates shaped as Telegram's."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from atiende.telegram.services import bot_create
from tests.multipart import form_or_json

BOT_TOKEN = "7712345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw4"
SECRET = "secreto-del-webhook_2026"
SITE = "https://soporte.nopal.mx/"
USER_ID = 987654321


@dataclass
class FakeBotApi:
    """Implements setWebhook, deleteWebhook, getFile, the file download and sendMessage, and keeps
    every request. `answers[method]`: (status, body) answers used before the default one; `files`:
    file_id -> (file_path, bytes); `announce`: file_id -> the file_size getFile reports."""

    port: int = 0
    requests: list[dict] = field(default_factory=list)
    answers: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    announce: dict[str, int] = field(default_factory=dict)
    counter: int = 100

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls(self, method: str) -> list[dict]:
        return [r for r in self.requests if r.get("method") == method]

    def answer(self, path: str, payload: dict) -> tuple[int, dict]:
        _empty, prefix, method = path.split("/", 2)
        if prefix != f"bot{BOT_TOKEN}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if self.answers.get(method):
            return self.answers[method].pop(0)
        if method in ("setWebhook", "deleteWebhook"):
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "getFile":
            found = self.files.get(payload.get("file_id"))
            if found is None:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            path_, content = found
            size = self.announce.get(payload["file_id"], len(content))
            return 200, {"ok": True, "result": {"file_id": payload["file_id"], "file_unique_id": "u" + payload["file_id"],
                                               "file_size": size, "file_path": path_}}
        if method == "sendMessage":
            self.counter += 1
            return 200, {"ok": True, "result": {"message_id": self.counter, "date": 1765000100,
                                               "chat": {"id": payload["chat_id"], "type": "private"},
                                               "text": payload["text"]}}
        if method in ("sendPhoto", "sendDocument"):  # a multipart form: chat_id is a string field
            self.counter += 1
            sent = ({"photo": [{"file_id": f"p{self.counter}", "file_unique_id": f"up{self.counter}", "width": 1,
                                "height": 1}]} if method == "sendPhoto" else
                    {"document": {"file_id": f"d{self.counter}", "file_unique_id": f"ud{self.counter}"}})
            return 200, {"ok": True, "result": {"message_id": self.counter, "date": 1765000100,
                                               "chat": {"id": int(payload["chat_id"]), "type": "private"}, **sent}}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.fixture
def botapi():
    fake = FakeBotApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload, files = form_or_json(self.headers.get("Content-Type", ""), body)
            fake.requests.append({"path": self.path, "method": self.path.rsplit("/", 1)[-1],
                                  "headers": dict(self.headers), "json": payload, "files": files})
            status, data = fake.answer(self.path, payload)
            self._send(status, json.dumps(data).encode(), "application/json")

        def do_GET(self):  # noqa: N802
            fake.requests.append({"path": self.path, "method": "download", "headers": dict(self.headers)})
            prefix = f"/file/bot{BOT_TOKEN}/"
            found = next((content for path, content in fake.files.values() if self.path == prefix + path), None)
            if found is None:
                self._send(404, b"Not Found", "text/plain")
            else:
                self._send(200, found, "application/octet-stream")

        def _send(self, status: int, out: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
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
def bot(world, botapi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = bot_create(actor=world.admin, site=SITE, name="Soporte Nopal", bot_token=BOT_TOKEN,
                             secret_token=SECRET, api_base=botapi.base, team=world.team1)
    botapi.requests.clear()
    created.refresh_from_db()
    return created


def sender(user_id: int = USER_ID) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "José", "last_name": "Pérez Ñúñez",
            "username": "jose_perez", "language_code": "es"}


def private_chat(user_id: int = USER_ID) -> dict:
    return {"id": user_id, "first_name": "José", "last_name": "Pérez Ñúñez", "username": "jose_perez",
            "type": "private"}


def message(message_id: int, text: str | None = None, *, user_id: int = USER_ID, chat: dict | None = None,
            date: int = 1765000000, **extra) -> dict:
    item = {"message_id": message_id, "from": sender(user_id), "chat": chat or private_chat(user_id), "date": date}
    if text is not None:
        item["text"] = text
    item.update(extra)
    return item


def update(update_id: int, item: dict, kind: str = "message") -> dict:
    return {"update_id": update_id, kind: item}


def post(client, bot, payload, *, secret: str | None = SECRET, raw: bytes | None = None, **extra):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    headers.update(extra)
    return client.post(f"/api/v1/channels/telegram/{bot.pk}/webhook/", data=body, content_type="application/json",
                       **headers)
