"""What every request must satisfy before any route sees it: a bounded body, the declared content type, no NUL.

One ASGI middleware instead of checks per route, so a route added later is covered too:

- a body above ``ANJU_MAX_BODY_BYTES`` (1 MiB) is refused with 413, by its Content-Length or while reading;
- ``/api/`` writes must be JSON and Open311 writes a form, else 415 (a text/plain body is never parsed as JSON);
- a NUL character in the path, the query or such a body (raw, ``%00`` or JSON's ``\\u0000``) is refused with
  422: no database stores it as text (PostgreSQL refuses it outright) and no name, phone or reason holds one.
  The channels' callbacks (``/sms``, ``/telegram``) are exempt from the body rules: their senders cannot fix a
  message, so those routes clean the text (``bot.channels.inbox.clean_text``) instead of refusing it.

The answers have the API's usual error shape ``{error, message, field}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 1024 * 1024
WRITES = frozenset({"POST", "PUT", "PATCH"})
JSON_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
# The body a path prefix takes; the paths not listed (the channels' signed callbacks) parse and clean their own.
EXPECTED_TYPES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("/api/", ("application/json",), "请以 JSON 提交 / expected Content-Type: application/json"),
    ("/open311/", ("application/x-www-form-urlencoded", "multipart/form-data"),
     "请以表单提交 / expected Content-Type: application/x-www-form-urlencoded or multipart/form-data"),
)
NUL_MESSAGE = "不接受 NUL 字符 / NUL characters (U+0000) are not accepted"


def media_type(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _accepts(kind: str, allowed: tuple[str, ...]) -> bool:
    return kind in allowed or ("application/json" in allowed and kind.startswith("application/")
                               and kind.endswith("+json"))


def has_nul(data: bytes, kind: str) -> bool:
    """Whether ``data`` (a body of media type ``kind``, or a URL part when ``kind`` is "url") carries a NUL."""
    if kind == "multipart/form-data":
        return False   # files may hold any byte; the form's text fields are checked where they are read
    if b"\x00" in data:
        return True
    if kind in ("url", "application/x-www-form-urlencoded") and b"%00" in data:
        return True
    return kind.endswith("json") and JSON_ESCAPED_NUL.search(data) is not None


class RequestLimits:
    """The ASGI middleware; ``max_body`` in bytes."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        if has_nul(raw_path, "url") or has_nul(scope.get("query_string", b""), "url"):
            await _refuse(send, 422, "validation_failed", NUL_MESSAGE)
            return
        length = _content_length(headers)
        if length is not None and length > self.max_body:
            await _refuse(send, 413, "too_large", self._too_large())
            return
        body, disconnected = await self._read(receive)
        if body is None:
            await _refuse(send, 413, "too_large", self._too_large())
            return
        kind = media_type(headers)
        rule = next((rule for rule in EXPECTED_TYPES if scope["path"].startswith(rule[0])), None)
        if rule is not None and body:
            _prefix, allowed, message = rule
            if scope["method"] in WRITES and not _accepts(kind, allowed):
                await _refuse(send, 415, "unsupported_media_type", message)
                return
            if has_nul(body, kind):
                await _refuse(send, 422, "validation_failed", NUL_MESSAGE, _nul_field(body, kind))
                return
        await self.app(scope, _replay(body, disconnected, receive), send)

    def _too_large(self) -> str:
        size = f"{self.max_body // 1024} KiB" if self.max_body % (1024 * 1024) else f"{self.max_body >> 20} MiB"
        return f"请求过大（上限 {size}）/ request body too large (limit {size})"

    async def _read(self, receive: Receive) -> tuple[bytes | None, bool]:
        """The whole body, or None past the limit; and whether the client went away meanwhile."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None, False
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if disconnected:
            return {"type": "http.disconnect"}
        return await receive()

    return replay


def _nul_field(body: bytes, kind: str) -> str | None:
    """The dotted path of the first JSON value (or key) holding a NUL, as the API names fields; else None."""
    if not kind.endswith("json"):
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None

    def walk(node: Any, path: str) -> str | None:
        if isinstance(node, str):
            return path if "\x00" in node else None
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            here = f"{path}.{key}".lstrip(".").replace("\x00", "")
            if "\x00" in str(key):
                return here
            found = walk(value, here)
            if found is not None:
                return found
        return None

    return walk(document, "") or None


async def _refuse(send: Send, status: int, code: str, message: str, field: str | None = None) -> None:
    payload = json.dumps({"error": code, "message": message, "field": field}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
