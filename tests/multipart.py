"""Reading a multipart form as the fake channel APIs (Graph API, Bot API) receive it."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP


def form_or_json(content_type: str, body: bytes) -> tuple[dict, dict]:
    """(fields, files) of a request body: a multipart form's fields and its files as
    {"filename", "content_type", "content"}, or a JSON body's object and no files."""
    if not content_type.startswith("multipart/form-data"):
        return json.loads(body or b"{}"), {}
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is not None:
            files[name] = {"filename": part.get_filename(), "content_type": part.get_content_type(),
                           "content": part.get_payload(decode=True)}
        else:
            fields[name] = part.get_payload(decode=True).decode()
    return fields, files
