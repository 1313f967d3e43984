"""A small fake Telegram Bot API server for tests and load runs (loopback only).

``FakeBotAPI().start()`` listens on 127.0.0.1 at a random port; point python-telegram-bot
at ``api.base_url`` (``http://127.0.0.1:PORT/bot``). Requests arrive as
``/bot<token>/<method>`` with form-encoded or JSON bodies, as the real API takes them.

The user's side: ``user_says``, ``user_presses`` (an inline button), ``user_sends``
(photo, sticker, voice, document), ``group_says``, ``redeliver``. The bot's side is
recorded: ``calls(method)``, ``messages(chat_id)`` (as they stand after edits). Like the
real API, text sent with ``parse_mode=HTML`` is parsed: an unknown tag, an unclosed tag or
a stray ``<``/``&`` is a 400 "can't parse entities", and more than 4096 characters is a
400 "message is too long". ``fail_next`` injects errors (5xx, 429 with retry_after);
``drop_next`` a network drop: the connection closes without an answer, at once or after a
delay longer than the client's read timeout (a timeout); the dropped call is not executed.
An outage: ``fail_for`` answers every call of a method with an error for some seconds;
``down`` refuses connections until ``up`` (same port). ``hold`` keeps calls of a method
waiting, unexecuted, until ``release`` executes them (or drops them: a bot killed meanwhile
never gets an answer, so the calls must not count as done).
"""
from __future__ import annotations

import asyncio
import html
import itertools
import json
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, AsyncIterator, Callable
from urllib.parse import parse_qsl, urlparse

MAX_POLL_SECONDS = 5.0
_JSON_PARAMS = {"reply_markup", "entities", "commands", "allowed_updates", "link_preview_options",
                "reply_parameters", "scope"}
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "max_connections"}
_TAGS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
         "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "code": "code", "pre": "pre",
         "a": "text_link", "tg-spoiler": "spoiler", "blockquote": "blockquote"}


class ParseError(ValueError):
    pass


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    """Telegram's HTML subset into (text, entities); rejects what Telegram rejects."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.text = ""
        self.entities: list[dict] = []
        self.stack: list[tuple[str, int, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _TAGS:
            raise ParseError(f"Unsupported start tag \"{tag}\"")
        extra = {"url": dict(attrs).get("href", "")} if tag == "a" else {}
        self.stack.append((tag, _utf16(self.text), extra))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            raise ParseError(f"Unmatched end tag \"{tag}\"")
        _, start, extra = self.stack.pop()
        if _utf16(self.text) > start:
            self.entities.append({"type": _TAGS[tag], "offset": start, "length": _utf16(self.text) - start, **extra})

    def handle_data(self, data):
        for char in "<>&":
            if char in data:
                raise ParseError(f"Unexpected {char!r}: it must be escaped")
        self.text += data

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            raise ParseError(f"Unsupported HTML entity &{name};")
        self.text += html.unescape(f"&{name};")

    def handle_charref(self, name):
        self.text += html.unescape(f"&#{name};")


def parse_html(text: str) -> tuple[str, list[dict]]:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:                      # an unterminated "<..." stays unparsed
        raise ParseError("Unclosed start tag")
    if parser.stack:
        raise ParseError(f"Can't find end tag corresponding to start tag \"{parser.stack[-1][0]}\"")
    return parser.text, sorted(parser.entities, key=lambda e: e["offset"])


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeBotAPI:
    def __init__(self, token: str = "123456:TEST-fake-token-do-not-log", bot_username: str = "trialbot_test_bot"):
        self.token = token
        self.bot = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "trialbot",
                    "username": bot_username, "can_join_groups": False, "can_read_all_group_messages": False,
                    "supports_inline_queries": False}
        self._lock = threading.Condition()
        self._updates: list[dict] = []             # not yet confirmed by an offset
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict] = {}   # (chat_id, message_id) -> message, as edited
        self._faults: list[tuple[str, int, str, int | None]] = []
        self._drops: list[tuple[str, float]] = []
        self._failing: dict[str, tuple[float, int]] = {}   # method -> (until, status)
        self._held: set[str] = set()
        self._holding = 0                          # calls waiting in a hold
        self._release_drops = False
        self._port: int | None = None
        self.calls_log: list[Call] = []
        self.offset = 0
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> "FakeBotAPI":
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as Telegram's servers: an answer's body (a second small write after
            # the headers) otherwise waits for the client's delayed ACK, 40 ms per request
            disable_nagle_algorithm = True

            def log_message(self, *args):       # quiet
                pass

            def do_POST(self):
                api._handle(self)

            do_GET = do_POST

        self._handler = Handler
        self._serve(0)
        return self

    def _serve(self, port: int) -> None:
        self._server = _Server(("127.0.0.1", port), self._handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True).start()

    def down(self) -> None:
        """The server goes away: connections are refused until ``up``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            self._lock.notify_all()

    def up(self) -> None:
        """Back on the same port, with every update and message it had."""
        assert self._server is None and self._port is not None
        self._serve(self._port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            self._lock.notify_all()

    def __enter__(self) -> "FakeBotAPI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._port is not None
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- the user's side ----------------------------------------------------------------
    def _user(self, user_id: int, name: str) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "en"}

    def _message(self, user_id: int, name: str, chat: dict | None = None, **content: Any) -> dict:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": chat or {"id": user_id, "type": "private", "first_name": name},
                "from": self._user(user_id, name), **content}

    def _enqueue(self, update: dict) -> int:
        with self._lock:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._lock.notify_all()
        return update["update_id"]

    def text_update(self, user_id: int, text: str, name: str = "Tester") -> dict:
        """A private text message from the user, as an update (not queued; with an id)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16(text.split()[0])}]
        return {"update_id": next(self._update_ids), "message": self._message(user_id, name, **content)}

    def user_says(self, user_id: int, text: str, name: str = "Tester") -> int:
        """A private text message from the user; returns the update id."""
        update = self.text_update(user_id, text, name)
        del update["update_id"]
        return self._enqueue(update)

    def group_says(self, chat_id: int, user_id: int, text: str, name: str = "Tester") -> int:
        chat = {"id": chat_id, "type": "group", "title": "a group"}
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16(text.split()[0])}]
        return self._enqueue({"message": self._message(user_id, name, chat=chat, **content)})

    def user_sends(self, user_id: int, kind: str, name: str = "Tester") -> int:
        """A non-text message: photo, sticker, voice or document."""
        file = {"file_id": f"file-{kind}", "file_unique_id": f"u-{kind}"}
        content = {
            "photo": {"photo": [{**file, "width": 90, "height": 90}]},
            "sticker": {"sticker": {**file, "type": "regular", "width": 512, "height": 512,
                                    "is_animated": False, "is_video": False}},
            "voice": {"voice": {**file, "duration": 2}},
            "document": {"document": {**file, "file_name": "letter.pdf"}},
        }[kind]
        return self._enqueue({"message": self._message(user_id, name, **content)})

    def user_presses(self, user_id: int, message_id: int, data: str, name: str = "Tester") -> int:
        """The user presses the inline button carrying ``data`` on the bot's message."""
        with self._lock:
            message = dict(self._messages[(user_id, message_id)])
        query = {"id": f"cq-{next(self._update_ids)}", "from": self._user(user_id, name),
                 "chat_instance": f"ci-{user_id}", "data": data, "message": message}
        return self._enqueue({"callback_query": query})

    def press(self, user_id: int, label: str) -> int:
        """Press the button labelled ``label`` on the latest bot message that has it."""
        for message in reversed(self.messages(user_id)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return self.user_presses(user_id, message["message_id"], button["callback_data"])
        raise AssertionError(f"no button {label!r} in the chat with {user_id}")

    def redeliver(self, update: dict) -> None:
        """Deliver an update again with the same id (as after a crash before confirming)."""
        with self._lock:
            self._updates.append(update)
            self._updates.sort(key=lambda u: u["update_id"])
            self.offset = min(self.offset, update["update_id"])
            self._lock.notify_all()

    def fail_next(self, method: str, status: int = 500, description: str = "Internal Server Error",
                  retry_after: int | None = None, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([(method, status, description, retry_after)] * times)

    def drop_next(self, method: str, times: int = 1, after: float = 0.0) -> None:
        """The next ``times`` calls of ``method`` get no answer: the connection closes
        (after ``after`` seconds: longer than the client's read timeout, a timeout)."""
        with self._lock:
            self._drops.extend([(method, after)] * times)

    def fail_for(self, method: str, seconds: float, status: int = 502) -> None:
        """Every call of ``method`` fails with ``status`` for the next ``seconds``."""
        with self._lock:
            self._failing[method] = (time.monotonic() + seconds, status)

    def hold(self, method: str) -> None:
        """Calls of ``method`` wait, unexecuted, until ``release``."""
        with self._lock:
            self._held.add(method)
            self._release_drops = False

    def holding(self) -> int:
        """How many calls are waiting in a hold."""
        with self._lock:
            return self._holding

    def release(self, method: str, drop: bool = False) -> None:
        """End the hold: the waiting calls are executed, or with ``drop`` get no answer and
        are not executed (their client is gone)."""
        with self._lock:
            self._held.discard(method)
            self._release_drops = drop
            self._lock.notify_all()

    def faults_left(self) -> int:
        with self._lock:
            return len(self._faults) + len(self._drops)

    # --- what the bot did ------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls_log if method is None or c.method == method]

    def messages(self, chat_id: int) -> list[dict]:
        """The bot's messages in a chat, in order, as they stand after edits."""
        with self._lock:
            found = [m for (chat, _), m in self._messages.items() if chat == chat_id]
        return sorted(found, key=lambda m: m["message_id"])

    def texts(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.messages(chat_id)]

    def pending_updates(self) -> int:
        with self._lock:
            return len([u for u in self._updates if u["update_id"] >= self.offset])

    async def until(self, predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
        """Wait (without blocking the event loop) until ``predicate()`` is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
            await asyncio.sleep(0.02)

    async def reply_to(self, chat_id: int, after: int, contains: str | None = None, timeout: float = 30.0) -> list[str]:
        """Wait until the bot has sent a message after the first ``after`` ones (containing
        ``contains`` when given); return the texts sent since."""

        def done():
            new = self.texts(chat_id)[after:]
            if not new:
                return None
            if contains is not None and not any(contains in t for t in new):
                return None
            return new

        return await self.until(done, timeout, f"a reply to chat {chat_id}" + (f" containing {contains!r}" if contains else ""))

    # --- the server ----------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        prefix = f"/bot{self.token}/"
        if not path.path.startswith(prefix):
            self._respond(request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path.path[len(prefix):]
        params = self._params(request.headers.get("Content-Type", ""), body, path.query)
        if self._server is None:                 # down: a kept-alive connection is cut too
            request.close_connection = True
            try:
                request.connection.shutdown(2)
            except OSError:
                pass
            return
        with self._lock:
            if method in self._held:
                self._holding += 1
                while method in self._held:
                    self._lock.wait()
                self._holding -= 1
                if self._release_drops:
                    request.close_connection = True
                    return
            failing = self._failing.get(method)
            failing = failing[1] if failing is not None and time.monotonic() < failing[0] else None
            self.calls_log.append(Call(method, params))
        if failing is not None:
            self._respond(request, failing, {"ok": False, "error_code": failing, "description": "Bad Gateway"})
            return
        with self._lock:
            drop = next((d for d in self._drops if d[0] == method), None)
            if drop is not None:
                self._drops.remove(drop)
            fault = next((f for f in self._faults if f[0] == method), None) if drop is None else None
            if fault is not None:
                self._faults.remove(fault)
        if drop is not None:
            if drop[1]:
                time.sleep(drop[1])
            request.close_connection = True
            try:
                request.connection.shutdown(2)   # socket.SHUT_RDWR: no answer at all
            except OSError:
                pass
            return
        if fault is not None:
            _, status, description, retry_after = fault
            payload: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                payload["parameters"] = {"retry_after": retry_after}
            self._respond(request, status, payload)
            return
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            self._respond(request, 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
            return
        try:
            result = handler(params)
        except ParseError as exc:
            self._respond(request, 400, {"ok": False, "error_code": 400,
                                         "description": f"Bad Request: can't parse entities: {exc}"})
            return
        except _BadRequest as exc:
            self._respond(request, 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        self._respond(request, 200, {"ok": True, "result": result})

    @staticmethod
    def _params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
        if "application/json" in content_type and body:
            return json.loads(body)
        pairs = parse_qsl(query) + parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        params: dict[str, Any] = {}
        for key, value in pairs:
            if key in _JSON_PARAMS:
                params[key] = json.loads(value)
            elif key in _INT_PARAMS:
                params[key] = int(float(value))
            else:
                params[key] = value
        return params

    @staticmethod
    def _respond(request: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # --- Bot API methods ---------------------------------------------------------------
    def _api_getMe(self, params):
        return self.bot

    def _api_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
        deadline = time.monotonic() + wait
        with self._lock:
            if offset:
                self.offset = max(self.offset, offset)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                ready = [u for u in self._updates if u["update_id"] >= self.offset][:limit]
                left = deadline - time.monotonic()
                if ready or left <= 0 or self._server is None:
                    return ready
                self._lock.wait(left)

    def _store(self, chat_id: int, params: dict, message_id: int | None = None) -> dict:
        text = params.get("text", "")
        entities: list[dict] = []
        if params.get("parse_mode") == "HTML":
            text, entities = parse_html(text)
        if not text.strip():
            raise _BadRequest("message text is empty")
        if _utf16(text) > 4096:
            raise _BadRequest("message is too long")
        message = {"message_id": message_id or next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}, "from": self.bot, "text": text}
        if entities:
            message["entities"] = entities
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _api_sendMessage(self, params):
        chat_id = int(params["chat_id"])
        message = self._store(chat_id, params)
        with self._lock:
            self._messages[(chat_id, message["message_id"])] = message
            self._lock.notify_all()
        return message

    def _api_editMessageText(self, params):
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self._lock:
            if (chat_id, message_id) not in self._messages:
                raise _BadRequest("message to edit not found")
        message = self._store(chat_id, params, message_id)
        with self._lock:
            self._messages[(chat_id, message_id)] = message
        return message

    def _api_editMessageReplyMarkup(self, params):
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise _BadRequest("message to edit not found")
            message = dict(message)
            message.pop("reply_markup", None)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._messages[(chat_id, message_id)] = message
        return message

    def _api_answerCallbackQuery(self, params):
        return True

    def _api_sendChatAction(self, params):
        return True

    def _api_deleteWebhook(self, params):
        return True

    def _api_setWebhook(self, params):
        return True

    def _api_getWebhookInfo(self, params):
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_updates()}

    def _api_setMyCommands(self, params):
        return True

    def _api_getMyCommands(self, params):
        commands = [c.params.get("commands") for c in self.calls("setMyCommands")]
        return commands[-1] if commands else []

    def _api_deleteMyCommands(self, params):
        return True

    def _api_close(self, params):
        return True

    def _api_logOut(self, params):
        return True


class _BadRequest(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client closing a kept-alive connection is normal; stay quiet."""


@asynccontextmanager
async def polling(app: Any, poll_timeout: int = 1) -> AsyncIterator[Any]:
    """Run a python-telegram-bot Application's long polling for the body of the block,
    with its post_init/post_shutdown hooks, as ``run_polling`` would (but inside the
    test's event loop)."""
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown:
                await app.post_shutdown(app)
