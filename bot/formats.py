"""Output formats and the text primitives every renderer shares: ``Safe`` (already
formatted text), ``PLAIN`` / ``ANSI`` / ``HTML`` (escaping and emphasis), value and length
helpers, and ``split_message`` (Telegram's 4096-character limit, never breaking a tag or
an entity)."""
from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096
SHORT = 160          # criterion text shown in results is cut to this many characters
SHOW = 3             # criteria listed per heading in results


class Safe(str):
    """Text already formatted for the output (escaped, tagged)."""


# C0 controls but newline and tab, DEL, and C1 controls: shown as their Unicode control
# pictures (ESC as "␛", BEL as "␇"), C1 as "�", so no text can drive a terminal
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def terminal_safe(text: str) -> str:
    """``text`` fit for a terminal: control characters made visible (``"\\x1b[31m"`` →
    ``"␛[31m"``), newlines and tabs kept (issue #17 item 5)."""
    return _TERMINAL_CONTROLS.sub(_picture, text)


class Plain:
    def esc(self, text: str) -> str:
        return terminal_safe(text)

    def bold(self, text: str) -> str:
        return text


class Ansi(Plain):
    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m"


class Html(Plain):
    def esc(self, text: str) -> str:
        return html.escape(text, quote=False)

    def bold(self, text: str) -> str:
        return f"<b>{text}</b>"


PLAIN, ANSI, HTML = Plain(), Ansi(), Html()
_COMPARATORS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "", None: ""}


def _num(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _cut(text: str, limit: int = SHORT) -> str:
    text = " ".join(str(text).split()).rstrip(" ;,:")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|[^<&]")
_OPEN = re.compile(r"<([a-z]+)[^>]*>")


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut a message into pieces of at most ``limit`` UTF-16 units: at paragraph breaks,
    else line breaks, else spaces; never inside a tag or an entity, and an open tag is
    closed at the cut and reopened in the next piece."""
    if _units(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for para in re.split(r"(\n\n|\n)", text):
        if _units(current + para) <= limit:
            current += para
            continue
        if current.strip():
            pieces.append(current.rstrip("\n"))
        current = para.lstrip("\n") if para in ("\n", "\n\n") else para
        if _units(current) > limit:
            parts = _hard_split(current, limit)
            pieces.extend(parts[:-1])
            current = parts[-1]
    if current.strip():
        pieces.append(current.rstrip("\n"))
    return pieces


def _hard_split(line: str, limit: int) -> list[str]:
    """Cut one over-long line at spaces (or anywhere when a word is too long)."""
    pieces: list[str] = []
    current, units, open_tags = "", 0, []
    space_at, space_tags = -1, []
    budget = limit - 20                           # room to close and reopen tags
    for token in _TOKEN.findall(line):
        size = 0 if token.startswith("<") else _units(token)
        if units + size > budget:
            if space_at > len(current) // 2:
                cut, tags = space_at, space_tags
            else:
                cut, tags = len(current), list(open_tags)
            head, tail = current[:cut], current[cut:].lstrip()
            pieces.append(head + "".join(f"</{t}>" for t in reversed(tags)))
            current = "".join(f"<{t}>" for t in tags) + tail
            units = _units(re.sub(r"<[^>]*>", "", re.sub(r"&[#\w]+;", "x", current)))
            space_at, space_tags = -1, []
        if token.startswith("</"):
            if open_tags:
                open_tags.pop()
        elif token.startswith("<"):
            opened = _OPEN.match(token)
            if opened:
                open_tags.append(opened.group(1))
        elif token == " ":
            space_at, space_tags = len(current), list(open_tags)
        current += token
        units += size
    pieces.append(current)
    return pieces
